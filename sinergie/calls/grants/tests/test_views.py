"""Company incentive pages: a referent applies with a plan through the form; staff grant, review and pay."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from sinergie.calls.grants.services import PLAN_KEY
from sinergie.calls.models import (
    Application,
    ApplicationState,
    Evaluation,
    GrantDocument,
    GrantState,
    IncentiveGrant,
    LedgerEntry,
    PaymentState,
)
from sinergie.calls.selectors import ledger_check
from sinergie.calls.services import rome_today
from sinergie.calls.tests.incentive_world import VAT, Incentives


@pytest.fixture
def inc(world) -> Incentives:
    return Incentives(world)


def _plan_post(**changes) -> dict:
    today = rome_today()
    data = {
        "vat_number": f"IT {VAT}",
        "employees": "12",
        "flexible_hours": "on",
        "flexible_hours_cost": "2.500,50",
        "flexible_hours_start": today.isoformat(),
        "flexible_hours_end": (today + datetime.timedelta(days=90)).isoformat(),
        "flexible_hours_workers": "10",
        "requested": "2000",
        "timeline": "Tre mesi.",
    }
    data.update(changes)
    return data


def _fresh_company_application(inc, world, login):
    """Company B (no application yet) starts one from the call's apply page."""
    world.other_company.vat_number = VAT
    world.other_company.save()
    client = login(world.other_referent)
    response = client.post(reverse("incentives:apply", args=[inc.call.pk]), {"company": world.other_company.slug})
    assert response.status_code == 302
    application = Application.objects.get(call=inc.call, organization=world.other_company)
    return client, application


def test_the_call_page_shows_the_company_button_and_the_referent_applies(inc, world, login):
    client = login(world.other_referent)
    page = client.get(reverse("calls:detail", args=[inc.call.pk]))
    assert reverse("incentives:apply", args=[inc.call.pk]) in page.text
    assert client.get(reverse("incentives:apply", args=[inc.call.pk])).status_code == 200
    client, application = _fresh_company_application(inc, world, login)
    plan_url = reverse("incentives:plan", args=[application.pk])
    assert client.get(plan_url).status_code == 200
    response = client.post(plan_url, {**_plan_post(), "send": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.protocol
    plan = application.answers[PLAN_KEY]
    assert plan["measures"][0]["cost_cents"] == 250_050 and plan["requested_cents"] == 200_000
    # Resuming: the apply page sends back to the same application.
    again = client.post(reverse("incentives:apply", args=[inc.call.pk]), {"company": world.other_company.slug})
    assert again.url == plan_url
    mine = client.get(reverse("incentives:mine"))
    assert application.protocol in mine.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "12345678901"}, "vat_number"),
        ({"flexible_hours_cost": "-5"}, "flexible_hours_cost"),
        ({"flexible_hours_cost": "999999999999"}, "flexible_hours_cost"),
        ({"flexible_hours_end": "2000-01-01"}, "flexible_hours_end"),
        ({"flexible_hours_workers": ""}, "flexible_hours_workers"),
        ({"requested": "6000"}, "requested"),  # above the call's cap of 5,000
        ({"requested": "abc"}, "requested"),
        ({"flexible_hours": ""}, "measures"),
    ],
)
def test_bad_plan_input_gets_a_clear_400_and_nothing_saved(inc, world, login, changes, field):
    client, application = _fresh_company_application(inc, world, login)
    response = client.post(reverse("incentives:plan", args=[application.pk]), {**_plan_post(**changes), "send": "1"})
    assert response.status_code == 400
    assert 'id="form-errors"' in response.text
    if field != "measures":
        assert f'id="id_{field}_error"' in response.text
    application.refresh_from_db()
    assert PLAN_KEY not in application.answers and application.state == ApplicationState.DRAFT


def test_staff_grant_review_and_pay_through_the_pages(inc, world, login):
    staff = login(world.alliance_staff)
    manage = staff.get(reverse("incentives:manage", args=[inc.call.pk]))
    assert manage.status_code == 200 and inc.application.protocol in manage.text
    new_url = reverse("incentives:grant-new", args=[inc.application.pk])
    assert staff.get(new_url).status_code == 200
    refused = staff.post(new_url, {"amount": "5.000,01", "signed_at": rome_today().isoformat()})
    assert refused.status_code == 400 and not IncentiveGrant.objects.exists()
    response = staff.post(new_url, {"amount": "4.000", "signed_at": rome_today().isoformat(), "conditions": "x"})
    grant = IncentiveGrant.objects.get()
    assert response.url == reverse("incentives:grant", args=[grant.pk]) and grant.amount_cents == 400_000

    company = login(world.colleague)  # any referent of the company acts for it
    grant_url = reverse("incentives:grant", args=[grant.pk])
    assert company.get(grant_url).status_code == 200
    upload = company.post(
        reverse("incentives:grant-document", args=[grant.pk]),
        {"name": "Fattura", "file": _file("fattura.pdf", b"%PDF-1.4 x")},
    )
    assert upload.status_code == 302
    forged = company.post(
        reverse("incentives:grant-document", args=[grant.pk]),
        {"name": "Virus", "file": _file("virus.pdf", b"MZ\x90 exe")},
    )
    assert forged.status_code == 400 and GrantDocument.objects.count() == 1
    today = rome_today().isoformat()
    bad = company.post(
        reverse("incentives:grant-report", args=[grant.pk]),
        {"smart_working_done": "Fatto", "smart_working_start": today},
    )
    assert bad.status_code == 400
    sent = company.post(
        reverse("incentives:grant-report", args=[grant.pk]),
        {"smart_working_done": "Fatto", "smart_working_start": today, "smart_working_end": today},
    )
    assert sent.status_code == 302

    staff = login(world.alliance_staff)
    assert staff.post(reverse("incentives:grant-review", args=[grant.pk]), {"decision": "changes"}).status_code == 400
    assert staff.post(reverse("incentives:grant-review", args=[grant.pk]), {"decision": "approve"}).status_code == 302
    payment = reverse("incentives:grant-payment", args=[grant.pk])
    assert staff.post(payment, {"step": "approve"}).status_code == 400  # not requested yet
    company = login(world.referent)
    assert company.post(payment, {"step": "request"}).status_code == 302
    assert company.post(payment, {"step": "pay", "paid_on": today, "reference": "X"}).status_code == 400
    staff = login(world.alliance_staff)
    assert staff.post(payment, {"step": "approve"}).status_code == 302
    assert staff.post(payment, {"step": "pay", "paid_on": today, "reference": ""}).status_code == 400
    assert staff.post(payment, {"step": "pay", "paid_on": today, "reference": "TRN-9"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.state, grant.payment_state) == (GrantState.PAID, PaymentState.PAID)
    entries = LedgerEntry.objects.count()
    assert staff.post(payment, {"step": "pay", "paid_on": today, "reference": "TRN-9"}).status_code == 400
    assert LedgerEntry.objects.count() == entries and ledger_check() == []


def test_staff_revoke_through_the_page(inc, world, login):
    grant = inc.grant()
    staff = login(world.alliance_staff)
    url = reverse("incentives:grant-revoke", args=[grant.pk])
    assert staff.post(url, {"reason": ""}).status_code == 400
    assert staff.post(url, {"reason": "Rinuncia"}).status_code == 302
    inc.call.refresh_from_db()
    assert inc.call.available_cents == inc.call.budget_cents
    company = login(world.referent)
    today = rome_today().isoformat()
    late = company.post(
        reverse("incentives:grant-report", args=[grant.pk]),
        {"hour_bank_done": "x", "hour_bank_start": today, "hour_bank_end": today},
    )
    assert late.status_code == 400


def test_an_unknown_payment_step_is_a_400(inc, world, login):
    grant = inc.grant()
    response = login(world.alliance_staff).post(reverse("incentives:grant-payment", args=[grant.pk]), {"step": "x"})
    assert response.status_code == 400


def test_a_not_admissible_application_is_refused_on_the_grant_page(inc, world, login):
    Evaluation.objects.filter(application=inc.application).update(admissible=False)
    staff = login(world.alliance_staff)
    response = staff.post(
        reverse("incentives:grant-new", args=[inc.application.pk]),
        {"amount": "100", "signed_at": rome_today().isoformat()},
    )
    assert response.status_code == 400 and not IncentiveGrant.objects.exists()


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_referent_withdraws_before_the_deadline_and_others_cannot(inc, world, login, client):
    url = reverse("incentives:withdraw", args=[inc.application.pk])
    login(world.alliance_staff)
    assert client.post(url).status_code == 404
    login(world.other_referent)
    assert client.post(url).status_code == 404
    login(world.colleague)
    assert client.post(url).status_code == 302
    inc.application.refresh_from_db()
    assert inc.application.state == ApplicationState.WITHDRAWN


def test_a_granted_application_cannot_be_withdrawn(inc, world, login):
    inc.grant()
    client = login(world.referent)
    client.post(reverse("incentives:withdraw", args=[inc.application.pk]))
    inc.application.refresh_from_db()
    assert inc.application.state == ApplicationState.SUBMITTED


def test_the_plan_page_speaks_italian(inc, world, login):
    from django.utils import translation

    client = login(world.referent)
    with translation.override("it"):
        page = client.get(reverse("incentives:plan", args=[inc.application.pk]), HTTP_ACCEPT_LANGUAGE="it")
    assert "Piano di lavoro agile" in page.text and "Banca delle ore" in page.text


def test_the_dashboard_leads_a_referent_to_the_company_incentives(inc, world, login):
    page = login(world.referent).get("/area-personale/")
    assert reverse("incentives:mine") in page.text
    assert reverse("incentives:mine") not in login(world.citizen).get("/area-personale/").text
