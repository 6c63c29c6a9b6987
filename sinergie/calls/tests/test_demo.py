"""The demo's calls: an open one, a closed one with vouchers in use, one for companies; books exact."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sinergie.calls.models import Application, Call, CallKind, CallState, Redemption, Voucher
from sinergie.calls.selectors import ledger_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True  # the demo runs on development machines only


def test_the_demo_has_its_calls_with_vouchers_in_use_and_exact_books():
    call_command("demo", "--no-serve", stdout=StringIO())
    calls = {call.title_it: call for call in Call.objects.all()}
    assert all(title.endswith("(demo)") for title in calls)
    states = sorted((call.kind, call.state) for call in calls.values())
    assert states == sorted(
        [
            (CallKind.WORKER_VOUCHERS, CallState.DRAFT),
            (CallKind.WORKER_VOUCHERS, CallState.PUBLISHED),
            (CallKind.WORKER_VOUCHERS, CallState.CLOSED),
            (CallKind.COMPANY_INCENTIVES, CallState.PUBLISHED),
        ]
    )
    closed = Call.objects.get(state=CallState.CLOSED)
    assert Voucher.objects.filter(call=closed).count() == 5
    assert Redemption.objects.filter(voucher__call=closed).exists()
    assert Application.objects.filter(call=closed, state="submitted").count() == 5
    assert all(app.applicant.email.endswith("@demo.sinergie.invalid") for app in Application.objects.all())
    assert Voucher.objects.filter(beneficiary__email="cittadina@demo.sinergie.invalid").exists()
    assert ledger_check() == []
    ranking = closed.rankings.get()
    assert ranking.published_at is not None
    assert ranking.rows.filter(admitted=True).count() == 5
    # Twice: nothing more.
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Call.objects.count() == 4
    assert Voucher.objects.count() == 5
    assert ledger_check() == []


def test_the_demo_calls_explain_their_rules_to_visitors(client):
    call_command("demo", "--no-serve", stdout=StringIO())
    open_call = Call.objects.get(title_it="Voucher conciliazione famiglie 2027 (demo)")
    page = client.get(f"/bandi/{open_call.pk}/")
    assert page.status_code == 200
    assert "Attestazione ISEE" in page.text
    assert "No eligibility rule has been set yet." not in page.text
    assert "Melzo" in page.text  # the alliance's territory, copied into the rule


def test_the_demo_company_call_has_a_company_granted_reported_and_paid():
    from sinergie.calls.grants.services import PLAN_KEY
    from sinergie.calls.models import GrantState, IncentiveGrant
    from sinergie.calls.reports.selectors import call_report

    call_command("demo", "--no-serve", stdout=StringIO())
    call = Call.objects.get(kind=CallKind.COMPANY_INCENTIVES)
    grant = IncentiveGrant.objects.get(call=call)
    assert grant.state == GrantState.PAID and grant.paid_cents == grant.amount_cents
    assert grant.application.state == "submitted" and PLAN_KEY in grant.application.answers
    assert grant.report and grant.documents.exists()
    totals = call_report(call).totals
    assert totals["paid_to_companies"] == grant.amount_cents
    assert totals["budget"] == totals["available"] + totals["committed"]
    assert ledger_check() == []
    call_command("demo", "--no-serve", stdout=StringIO())
    assert IncentiveGrant.objects.count() == 1
