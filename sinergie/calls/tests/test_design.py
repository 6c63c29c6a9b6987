"""The call designer's services: create, update, validate, publish, close; audit and frozen rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.calls import design
from sinergie.calls.conftest import make_call
from sinergie.calls.models import Call, CallDesign, CallFrozenError, CallState, LedgerEntry
from sinergie.calls.services import call_publish

from .design_world import Designer, designer_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _actions(call: Call) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="calls.call", object_id=str(call.pk))
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_it_creates_a_draft_with_its_rules_and_an_audit_record(designer: Designer) -> None:
    call = designer.create()
    assert call.state == CallState.DRAFT
    assert list(call.providers.all()) == [designer.world.provider]
    rules = call.design.eligibility
    # The territory is copied into the rule, in name order, so a published call keeps it.
    assert rules[0] == {"kind": "territory", "municipalities": [["015108", "Gorgonzola"], ["015142", "Melzo"]]}
    assert call.design.documents[0]["name_it"] == "Attestazione ISEE"
    assert _actions(call) == ["calls.call.create"]
    event = AuditEvent.objects.get(action="calls.call.create")
    assert event.after["budget_cents"] == 1_000_000 and event.after["eligibility"][1]["kind"] == "children_age"


def test_member_companies_are_copied_into_their_rule(designer: Designer) -> None:
    call = designer.create(eligibility=[{"kind": "member_company"}])
    assert call.design.eligibility == [
        {"kind": "member_company", "companies": [[designer.world.company.pk, "Company A"]]}
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget_cents": -5}, "budget_cents"),
        ({"budget_cents": 10**15}, "budget_cents"),
        ({"amount_per_beneficiary_cents": 0}, "amount_per_beneficiary_cents"),
        ({"amount_per_beneficiary_cents": 12.5}, "amount_per_beneficiary_cents"),
        ({"eligibility": [{"kind": "children_age", "min_age": 10, "max_age": 3}]}, "max_age"),
        ({"eligibility": [{"kind": "children_age", "min_age": -1, "max_age": 3}]}, "max_age"),
        ({"eligibility": [{"kind": "isee_ceiling", "ceiling_cents": 0}]}, "isee_ceiling"),
        ({"eligibility": [{"kind": "employment", "statuses": []}]}, "employment_statuses"),
        ({"eligibility": [{"kind": "employment", "statuses": ["astronaut"]}]}, "employment_statuses"),
        ({"eligibility": [{"kind": "caregiver"}, {"kind": "caregiver"}]}, "eligibility"),
        ({"eligibility": [{"kind": "horoscope"}]}, "eligibility"),
        ({"criteria": [{"kind": "single_parent", "weight": "ten"}]}, "weight_single_parent"),
        ({"criteria": [{"kind": "single_parent", "weight": 101}]}, "weight_single_parent"),
        ({"criteria": [{"kind": "isee_band", "weight": 10, "bands": [[20, 50], [10, 100]]}]}, "isee_bands"),
        ({"criteria": [{"kind": "children", "weight": 10, "max_children": 0}]}, "max_children"),
        ({"tie_breakers": ["lower_isee", "lower_isee"]}, "tie_breakers"),
        ({"documents": [{"name_it": " ", "types": ["pdf"]}]}, "documents"),
        ({"documents": [{"name_it": "ISEE", "types": ["exe"]}]}, "documents"),
        ({"amount_bands": [[10, 100], [10, 200]]}, "amount_bands"),
        ({"amount_bands": [[10, -100]]}, "amount_bands"),
    ],
)
def test_bad_data_is_refused_by_field_and_nothing_is_saved(designer: Designer, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        designer.create(**changes)
    assert field in raised.value.message_dict
    assert not Call.objects.exists() and not CallDesign.objects.exists() and not AuditEvent.objects.exists()


def test_closing_before_opening_is_refused(designer: Designer) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as raised:
        designer.create(opens_at=now, closes_at=now - datetime.timedelta(minutes=1))
    assert "closes_at" in raised.value.message_dict
    assert not Call.objects.exists()


def test_it_updates_a_draft_and_records_what_changed(designer: Designer) -> None:
    call = designer.create()
    changed = designer.data(
        title_it="Voucher estate 2027 bis", tie_breakers=[], opens_at=call.opens_at, closes_at=call.closes_at
    )
    design.call_update(call=call, data=changed, by=designer.staff)
    call.refresh_from_db()
    assert call.title_it == "Voucher estate 2027 bis" and call.design.tie_breakers == []
    event = AuditEvent.objects.get(action="calls.call.update")
    assert event.before == {"title_it": "Voucher estate 2027", "tie_breakers": ["lower_isee", "more_children"]}
    assert event.after == {"title_it": "Voucher estate 2027 bis", "tie_breakers": []}


def test_a_failed_update_changes_nothing(designer: Designer) -> None:
    call = designer.create()
    bad = designer.data(title_it="Nuovo", eligibility=[{"kind": "children_age", "min_age": 9, "max_age": 2}])
    with pytest.raises(ValidationError):
        design.call_update(call=call, data=bad, by=designer.staff)
    call.refresh_from_db()
    assert call.title_it == "Voucher estate 2027" and _actions(call) == ["calls.call.create"]


def test_a_consistent_call_validates_with_the_beneficiaries_it_covers(designer: Designer) -> None:
    report = design.call_validate(designer.create())
    assert report.ok, report.problems
    assert report.beneficiaries == 25  # € 10,000 / € 400
    assert report.maximum_score == 40 + 30 + 20


def test_validation_lists_every_problem_with_its_field(designer: Designer) -> None:
    call = designer.create(
        eligibility=[{"kind": "isee_ceiling", "ceiling_cents": 1_500_000}],
        providers=[],
        text_it="",
        budget_cents=30_000,
        amount_per_beneficiary_cents=40_000,
    )
    fields = [field for field, _message in design.call_validate(call).problems]
    # the ISEE band up to € 20,000 is above the € 15,000 ceiling; no provider; no text; budget below one amount
    assert fields == ["isee_bands", "text_it", "providers", "budget_cents"]


def test_empty_rules_and_unreachable_bands_are_problems(designer: Designer) -> None:
    designer.world.alliance.municipalities.clear()
    call = designer.create(eligibility=[], amount_bands=[[0, 20_000], [500, 40_000]])
    problems = dict(design.call_validate(call).problems)
    assert "eligibility" in problems
    assert "can never be reached" in problems["amount_bands"]
    call2 = designer.create(eligibility=[{"kind": "territory"}])
    assert "rule_territory" in dict(design.call_validate(call2).problems)


def test_a_call_that_already_closed_is_a_problem_and_one_already_open_a_note(designer: Designer) -> None:
    now = timezone.now()
    call = designer.create(opens_at=now - datetime.timedelta(days=2), closes_at=now - datetime.timedelta(days=1))
    report = design.call_validate(call)
    assert ("closes_at", "The call closes in the past: nobody could apply.") in report.problems
    assert [field for field, _note in report.notes] == ["opens_at"]


def test_by_band_the_highest_amount_sets_the_beneficiaries(designer: Designer) -> None:
    call = designer.create(amount_bands=[[0, 20_000], [50, 50_000]], amount_per_beneficiary_cents=50_000)
    assert design.call_validate(call).beneficiaries == 20


def test_publish_refuses_a_call_with_problems_and_moves_no_money(designer: Designer) -> None:
    call = designer.create(eligibility=[])
    with pytest.raises(ValidationError) as raised:
        design.call_publish_checked(call=call, by=designer.staff)
    assert "eligibility" in raised.value.message_dict
    call.refresh_from_db()
    assert call.state == CallState.DRAFT and not LedgerEntry.objects.exists()


def test_publish_then_close_with_audit_records(designer: Designer) -> None:
    call = designer.create()
    design.call_publish_checked(call=call, by=designer.staff)
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED and call.available_cents == 1_000_000
    design.call_close(call=call, by=designer.staff)
    call.refresh_from_db()
    assert call.state == CallState.CLOSED
    assert _actions(call) == ["calls.call.create", "calls.call.publish", "calls.call.close"]


def test_after_publication_the_rules_are_frozen_everywhere(designer: Designer) -> None:
    call = designer.create()
    design.call_publish_checked(call=call, by=designer.staff)
    with pytest.raises(CallFrozenError):
        design.call_update(call=call, data=designer.data(title_it="Cambiato"), by=designer.staff)
    stored = CallDesign.objects.get(pk=call.pk)
    stored.eligibility = []
    with pytest.raises(CallFrozenError):
        stored.save()
    with pytest.raises(CallFrozenError):
        CallDesign.objects.filter(pk=call.pk).update(criteria=[])
    with pytest.raises(CallFrozenError):
        stored.delete()
    # A call published by the money core alone (no design yet) cannot get rules afterwards.
    bare = make_call(designer.world)
    call_publish(call=bare, by=designer.staff)
    with pytest.raises(CallFrozenError):
        CallDesign.objects.create(call=bare, eligibility=[{"kind": "caregiver"}])
    assert CallDesign.objects.get(pk=call.pk).eligibility[0]["kind"] == "territory"
    assert _actions(call) == ["calls.call.create", "calls.call.publish"]


def test_the_public_list_sorts_calls_into_open_upcoming_and_closed(designer: Designer) -> None:
    now = timezone.now()
    upcoming = designer.create(title_it="Futuro")
    running = designer.create(title_it="Aperto", opens_at=now - datetime.timedelta(days=1))
    ended = designer.create(title_it="Chiuso", opens_at=now - datetime.timedelta(days=3))
    draft = designer.create(title_it="Bozza")
    for call in (upcoming, running, ended):
        design.call_publish_checked(call=call, by=designer.staff)
    design.call_close(call=ended, by=designer.staff)
    sections = design.calls_public()
    assert sections == {"open": [running], "upcoming": [upcoming], "closed": [ended]}
    assert all(draft not in calls for calls in sections.values())
