"""Company incentives: the plan, the grant agreement, the report and the payment, and their money."""

from __future__ import annotations

import datetime

import pytest

from sinergie.audit.models import AuditEvent
from sinergie.calls.grants import services as incentives
from sinergie.calls.grants.services import IncentiveError
from sinergie.calls.models import (
    Account,
    Application,
    ApplicationState,
    Call,
    Evaluation,
    GrantDocument,
    GrantState,
    IncentiveGrant,
    LedgerEntry,
    PaymentState,
    Ranking,
    RankingRow,
)
from sinergie.calls.reports.selectors import call_report
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import rome_today
from sinergie.calls.tests.incentive_world import OTHER_VAT, VAT, Incentives, plan
from sinergie.conftest import OrganizationFactory, UserFactory, add_member
from sinergie.organizations.models import Role

PDF = b"%PDF-1.4 report"


@pytest.fixture
def inc(world) -> Incentives:
    return Incentives(world)


def _books(inc: Incentives) -> tuple[int, int, int]:
    call = Call.objects.get(pk=inc.call.pk)
    return call.available_cents, LedgerEntry.objects.count(), AuditEvent.objects.count()


# --- The plan ------------------------------------------------------------------------------------


def test_the_referent_applies_with_a_plan_and_gets_a_protocol(inc):
    application = inc.application
    assert application.state == ApplicationState.SUBMITTED and application.protocol
    assert application.organization == inc.world.company
    stored = incentives.plan_of(application)
    assert stored["vat_number"] == VAT and stored["total_cost_cents"] == 450_000
    assert [m["code"] for m in stored["measures"]] == ["hour_bank", "smart_working"]  # in the list's order


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "00743110158"}, "vat_number"),  # wrong check digit
        ({"vat_number": "IT123"}, "vat_number"),
        ({"vat_number": OTHER_VAT}, "vat_number"),  # valid, but not the company's
        ({"employees": 0}, "employees"),
        ({"employees": "12"}, "employees"),
        ({"measures": []}, "measures"),
        ({"measures": [{"code": "golf"}]}, "measures"),
        ({"requested_cents": 500_001}, "requested"),  # above the call's cap
        ({"requested_cents": 460_000}, "requested"),  # above the plan's total cost
        ({"requested_cents": -5}, "requested"),
        ({"requested_cents": 10.5}, "requested"),
        ({"timeline": "   "}, "timeline"),
    ],
)
def test_a_bad_plan_is_refused_with_its_field_and_nothing_saved(inc, world, changes, field):
    world.other_company.vat_number = VAT
    world.other_company.save()
    application = incentives.incentive_apply(call=inc.call, organization=world.other_company, by=world.other_referent)
    before = application.answers
    with pytest.raises(IncentiveError) as refused:
        incentives.incentive_plan_save(application=application, plan=plan(**changes), by=world.other_referent)
    assert refused.value.field == field
    application.refresh_from_db()
    assert application.answers == before


@pytest.mark.parametrize(
    ("measure", "field"),
    [
        ({"cost_cents": -100}, "smart_working_cost"),
        ({"cost_cents": 10**12}, "smart_working_cost"),
        ({"cost_cents": True}, "smart_working_cost"),
        ({"end": "2020-01-01", "start": "2020-02-01"}, "smart_working_end"),
        ({"start": "31/02/2026"}, "smart_working_start"),
        ({"workers": 0}, "smart_working_workers"),
        ({"code": "other", "other": ""}, "other_other"),
    ],
)
def test_a_bad_measure_is_refused_with_its_field(inc, measure, field):
    good = plan()["measures"][0]
    with pytest.raises(IncentiveError) as refused:
        incentives.plan_clean(plan(measures=[{**good, **measure}]), inc.call, inc.world.company)
    assert refused.value.field == field


def test_one_live_application_per_company_whoever_of_its_referents_applies(inc, world):
    with pytest.raises(IncentiveError) as refused:
        incentives.incentive_apply(call=inc.call, organization=world.company, by=world.colleague)
    assert refused.value.field == "organization"


def test_only_a_referent_of_the_company_applies_and_only_to_company_calls(inc, world):
    with pytest.raises(IncentiveError):
        incentives.incentive_apply(call=inc.call, organization=world.other_company, by=world.referent)
    with pytest.raises(IncentiveError):
        incentives.incentive_apply(call=inc.call, organization=world.company, by=world.citizen)
    from sinergie.calls.conftest import make_call

    vouchers = make_call(world)
    with pytest.raises(IncentiveError) as refused:
        incentives.incentive_apply(call=vouchers, organization=world.other_company, by=world.other_referent)
    assert refused.value.field == "call"


def test_submitting_without_a_plan_is_refused(inc, world):
    application = incentives.incentive_apply(call=inc.call, organization=world.other_company, by=world.other_referent)
    with pytest.raises(IncentiveError):
        incentives.incentive_submit(application=application, by=world.other_referent)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.protocol_sequence is None


# --- Grants and money ----------------------------------------------------------------------------


def test_a_grant_commits_from_the_budget_and_the_ledger_balances(inc):
    grant = inc.grant()
    inc.call.refresh_from_db()
    assert inc.call.available_cents == 600_000
    balances = ledger_balances(inc.call)
    assert balances[Account.GRANT] == 400_000 and balances["committed"] == 400_000
    assert ledger_check() == []
    assert AuditEvent.objects.filter(action="calls.grant.create", object_id=str(grant.pk)).count() == 1


def test_the_whole_cycle_ends_paid_and_the_report_adds_up(inc):
    grant = inc.to_paid(inc.grant())
    assert (grant.state, grant.payment_state, grant.paid_cents) == (GrantState.PAID, PaymentState.PAID, 400_000)
    assert grant.payment_reference == "TRN-1" and grant.paid_on == rome_today()
    balances = ledger_balances(inc.call)
    assert (balances[Account.GRANT], balances[Account.GRANT_PAID]) == (0, 400_000)
    assert ledger_check() == []
    actions = set(AuditEvent.objects.filter(object_id=str(grant.pk)).values_list("action", flat=True))
    assert {
        "calls.grant.create",
        "calls.grant.report",
        "calls.grant.review",
        "calls.grant.payment_request",
        "calls.grant.payment_approve",
        "calls.grant.pay",
    } <= actions
    report = call_report(inc.call)
    totals = report.totals
    assert totals["budget"] == totals["available"] + totals["committed"]
    assert totals["available"] == Call.objects.get(pk=inc.call.pk).available_cents
    assert (totals["granted"], totals["paid_to_companies"], totals["granted_unpaid"]) == (400_000, 400_000, 0)
    companies = {line.label: (line.count, line.cents) for line in report.companies}
    assert companies["Grants paid"] == (1, 400_000)
    assert {line.label: line.count for line in report.company_sizes} == {"small (10–49)": 1}
    assert {line.label: line.count for line in report.measures} == {"Smart-working plan": 1, "Hour bank": 1}
    assert "companies" in [key for key, _title, _lines in report.sections()]


def test_paying_twice_is_refused_and_moves_nothing(inc):
    grant = inc.to_paid(inc.grant())
    books = _books(inc)
    with pytest.raises(IncentiveError):
        incentives.grant_pay(grant=grant, paid_on=rome_today(), reference="TRN-2", by=inc.staff)
    assert _books(inc) == books


def test_revocation_returns_the_unpaid_amount(inc):
    grant = inc.grant()
    grant = incentives.grant_revoke(grant=grant, reason="Rinuncia", by=inc.staff)
    inc.call.refresh_from_db()
    assert grant.state == GrantState.REVOKED and inc.call.available_cents == inc.call.budget_cents
    assert ledger_balances(inc.call)[Account.GRANT] == 0
    assert ledger_check() == []
    totals = call_report(inc.call).totals
    assert totals["grants_revoked"] == 400_000 and totals["committed"] == 0
    with pytest.raises(IncentiveError):  # a paid grant cannot be revoked, a revoked one not again
        incentives.grant_revoke(grant=grant, reason="Ancora", by=inc.staff)


def test_a_paid_grant_cannot_be_revoked(inc):
    grant = inc.to_paid(inc.grant())
    with pytest.raises(IncentiveError):
        incentives.grant_revoke(grant=grant, reason="No", by=inc.staff)


def test_a_grant_never_goes_above_the_budget(inc, world):
    inc.grant()  # 400,000 of 1,000,000
    second = inc.apply(world.other_referent, world.other_company)
    inc.grant(second, amount=400_000)
    third_company = OrganizationFactory(kind="company", name="Company C", slug="company-c", vat_number=OTHER_VAT)
    third_referent = UserFactory(email="c@example.org")
    add_member(third_referent, third_company, Role.COMPANY_REFERENT)
    third = inc.apply(third_referent, third_company)
    books = _books(inc)
    with pytest.raises(IncentiveError) as refused:
        inc.grant(third, amount=300_000)  # only 200,000 left
    assert refused.value.field == "amount"
    assert _books(inc) == books
    assert not IncentiveGrant.objects.filter(application=third).exists()
    inc.grant(third, amount=200_000)
    inc.call.refresh_from_db()
    assert inc.call.available_cents == 0 and ledger_check() == []


@pytest.mark.parametrize(
    ("amount", "field"),
    [(0, "amount"), (-1, "amount"), ("400000", "amount"), (500_001, "amount"), (450_000, "amount")],
)
def test_a_bad_amount_is_refused_and_nothing_written(inc, amount, field):
    books = _books(inc)
    with pytest.raises(IncentiveError) as refused:
        inc.grant(amount=amount)
    assert refused.value.field == field
    assert _books(inc) == books and not IncentiveGrant.objects.exists()


def test_a_grant_needs_a_sent_admitted_application(inc, world):
    not_admissible = inc.apply(world.other_referent, world.other_company, admissible=False)
    with pytest.raises(IncentiveError) as refused:
        inc.grant(not_admissible)
    assert refused.value.field == "application"
    inc.grant()
    with pytest.raises(IncentiveError):  # a second grant on the same application
        inc.grant()
    with pytest.raises(IncentiveError):
        incentives.grant_create(
            application=not_admissible,
            amount_cents=100,
            signed_at=rome_today() + datetime.timedelta(days=3),
            conditions="",
            by=inc.staff,
        )


def test_an_admitted_row_of_the_published_ranking_is_enough(inc, world):
    application = inc.apply(world.other_referent, world.other_company, admissible=False)
    Evaluation.objects.filter(application=application).update(admissible=None)
    ranking = Ranking.objects.create(
        call=inc.call,
        version=1,
        budget_cents=1,
        computed_by=inc.staff,
        published_at=datetime.datetime.now(datetime.UTC),
    )
    RankingRow.objects.create(
        ranking=ranking, application=application, position=1, points=0, admitted=True, granted_cents=300_000
    )
    assert incentives.grant_default_amount(application) == 300_000
    assert inc.grant(application, amount=300_000).amount_cents == 300_000


def test_a_draft_or_withdrawn_application_is_not_granted(inc, world):
    draft = incentives.incentive_apply(call=inc.call, organization=world.other_company, by=world.other_referent)
    Evaluation.objects.create(application=draft, admissible=True)
    with pytest.raises(IncentiveError):
        inc.grant(draft)
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.DRAFT


# --- Report, documents and review -----------------------------------------------------------------


def test_reporting_on_a_revoked_grant_is_refused(inc):
    grant = incentives.grant_revoke(grant=inc.grant(), reason="Rinuncia", by=inc.staff)
    with pytest.raises(IncentiveError):
        incentives.grant_report_send(
            grant=grant,
            report={"smart_working": {"done": "x", "start": rome_today(), "end": rome_today()}},
            by=inc.world.referent,
        )
    with pytest.raises(IncentiveError):
        incentives.grant_document_attach(
            grant=grant, name="Fattura", filename="f.pdf", content=PDF, by=inc.world.referent
        )
    assert not GrantDocument.objects.exists()


@pytest.mark.parametrize(
    "report",
    [
        {},
        {"golf": {"done": "x", "start": "2026-01-01", "end": "2026-01-02"}},
        {"welfare": {"done": "x", "start": "2026-01-01", "end": "2026-01-02"}},  # not in the plan
        {"smart_working": {"done": "x", "start": "2026-02-01", "end": "2026-01-02"}},
        {"smart_working": {"done": "", "start": "2026-01-01", "end": "2026-01-02"}},
        "not a report",
    ],
)
def test_a_bad_report_is_refused_and_the_grant_still_waits(inc, report):
    grant = inc.grant()
    with pytest.raises(IncentiveError):
        incentives.grant_report_send(grant=grant, report=report, by=inc.world.referent)
    grant.refresh_from_db()
    assert grant.state == GrantState.GRANTED and grant.report == {}


def test_staff_ask_for_changes_with_a_note_and_the_company_sends_again(inc):
    grant = inc.grant()
    today = rome_today()
    report = {"hour_bank": {"done": "Banca ore attiva.", "start": today, "end": today}}
    grant = incentives.grant_report_send(grant=grant, report=report, by=inc.world.referent)
    with pytest.raises(IncentiveError):  # a request for changes says what
        incentives.grant_review(grant=grant, approve=False, note=" ", by=inc.staff)
    grant = incentives.grant_review(grant=grant, approve=False, note="Allegate le fatture.", by=inc.staff)
    assert grant.state == GrantState.GRANTED and grant.review_note == "Allegate le fatture."
    with pytest.raises(IncentiveError):  # no payment before the report is approved
        incentives.grant_payment_request(grant=grant, by=inc.world.referent)
    incentives.grant_document_attach(grant=grant, name="Fattura", filename="f.pdf", content=PDF, by=inc.world.referent)
    grant = incentives.grant_report_send(grant=grant, report=report, by=inc.world.referent)
    assert grant.state == GrantState.REPORTING


@pytest.mark.parametrize(
    ("filename", "content"),
    [("virus.pdf", b"MZ\x90\x00 an exe"), ("photo.pdf", b"\x89PNG\r\n\x1a\n..."), ("empty.pdf", b"")],
)
def test_a_mislabelled_or_empty_document_is_refused(inc, filename, content):
    grant = inc.grant()
    with pytest.raises(IncentiveError) as refused:
        incentives.grant_document_attach(
            grant=grant, name="Fattura", filename=filename, content=content, by=inc.world.referent
        )
    assert refused.value.field == "file"
    assert not GrantDocument.objects.exists()


def test_payment_steps_in_order(inc):
    grant = inc.grant()
    with pytest.raises(IncentiveError):
        incentives.grant_payment_approve(grant=grant, by=inc.staff)
    with pytest.raises(IncentiveError):
        incentives.grant_pay(grant=grant, paid_on=rome_today(), reference="X", by=inc.staff)
    grant = incentives.grant_report_send(
        grant=grant,
        report={"hour_bank": {"done": "ok", "start": rome_today(), "end": rome_today()}},
        by=inc.world.referent,
    )
    grant = incentives.grant_review(grant=grant, approve=True, note="", by=inc.staff)
    grant = incentives.grant_payment_request(grant=grant, by=inc.world.referent)
    with pytest.raises(IncentiveError):
        incentives.grant_payment_request(grant=grant, by=inc.world.referent)
    grant = incentives.grant_payment_approve(grant=grant, by=inc.staff)
    with pytest.raises(IncentiveError) as refused:
        incentives.grant_pay(grant=grant, paid_on=rome_today(), reference="  ", by=inc.staff)
    assert refused.value.field == "reference"
    with pytest.raises(IncentiveError) as refused:
        incentives.grant_pay(
            grant=grant, paid_on=rome_today() + datetime.timedelta(days=1), reference="TRN", by=inc.staff
        )
    assert refused.value.field == "paid_on"
    assert LedgerEntry.objects.filter(kind="grant_payment").count() == 0


def test_the_plan_cannot_change_once_granted(inc):
    inc.grant()
    with pytest.raises(IncentiveError):
        incentives.incentive_plan_save(
            application=inc.application, plan=plan(requested_cents=450_000), by=inc.world.referent
        )
    inc.application.refresh_from_db()
    assert incentives.plan_of(inc.application)["requested_cents"] == 400_000


def test_the_companys_referents_get_an_email_at_each_decision(inc, world, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        inc.to_paid(inc.grant())
    to_company = [m for m in mail.outbox if world.referent.email in m.to]
    assert len(to_company) == 3  # granted, report approved, paid
    assert all(sorted(m.to) == sorted([world.referent.email, world.colleague.email]) for m in to_company)
    assert inc.application.protocol in to_company[0].subject


def test_a_refused_step_sends_no_email(inc, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IncentiveError):
        inc.grant(amount=999_999)
    assert mail.outbox == []
