"""From sent applications to vouchers by the call's own rules: admissibility, points, the
design's tie-breakers, and vouchers issued once from the published ranking."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.calls import services
from sinergie.calls.applications.services import (
    application_save,
    application_start,
    application_submit,
    document_attach,
)
from sinergie.calls.evaluation.ranking import RankingError, ranking_publish
from sinergie.calls.evaluation.services import (
    evaluations_compute,
    ranking_for_design,
    ranking_keys,
    vouchers_issue_from_ranking,
)
from sinergie.calls.models import Evaluation, Voucher
from sinergie.calls.selectors import ledger_check
from sinergie.calls.tests.apply_world import PDF
from sinergie.calls.tests.design_world import Designer, designer_fixture  # noqa: F401 - the fixture
from sinergie.conftest import UserFactory

MELZO = "015142"
GOOD = {"lives_in": MELZO, "children_ages": [7], "isee_cents": 900_000, "already_beneficiary": False}


@pytest.fixture
def call(designer: Designer):
    now = timezone.now()
    created = designer.create(
        opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=10), budget_cents=80_000
    )
    return services.call_publish(call=created, by=designer.staff)


def _send(call, email: str, answers: dict):
    person = UserFactory(email=email)
    application = application_start(call=call, applicant=person, by=person)
    application_save(application=application, answers=answers, by=person)
    # The design asks for the ISEE statement: submission needs it attached.
    document_attach(application=application, name="Attestazione ISEE", filename="isee.pdf", content=PDF, by=person)
    return application_submit(application=application, by=person)


def test_the_rules_decide_admissibility_and_points(call, designer):
    good = _send(call, "good@example.org", GOOD)
    elsewhere = _send(call, "far@example.org", {**GOOD, "lives_in": "015146"})
    rich = _send(call, "rich@example.org", {**GOOD, "isee_cents": 5_000_000})
    counts = evaluations_compute(call=call, by=designer.staff)
    assert counts == {"evaluated": 3, "admissible": 1, "kept_by_staff": 0}
    assert Evaluation.objects.get(application=good).admissible is True
    refused = Evaluation.objects.get(application=elsewhere)
    assert refused.admissible is False and refused.admissibility_note
    assert Evaluation.objects.get(application=rich).admissible is False
    # ISEE in the first band: 40 points; one child: 10 points (hundredths kept).
    assert Evaluation.objects.get(application=good).automatic_points == 5_000
    assert AuditEvent.objects.filter(action="calls.evaluations_compute").exists()


def test_a_staff_decision_is_kept_when_evaluating_again(call, designer):
    far = _send(call, "far@example.org", {**GOOD, "lives_in": "015146"})
    evaluations_compute(call=call, by=designer.staff)
    Evaluation.objects.filter(application=far).update(
        admissible=True, admissibility_note="Residenza verificata a mano", evaluated_by=designer.staff
    )
    counts = evaluations_compute(call=call, by=designer.staff)
    assert counts["kept_by_staff"] == 1
    assert Evaluation.objects.get(application=far).admissible is True


def test_the_design_tie_breakers_order_equal_points(call, designer):
    # Same points (both in the first ISEE band, one child each): the lower ISEE comes first.
    higher = _send(call, "higher@example.org", {**GOOD, "isee_cents": 950_000})
    lower = _send(call, "lower@example.org", {**GOOD, "isee_cents": 400_000})
    evaluations_compute(call=call, by=designer.staff)
    ranking = ranking_for_design(call=call, by=designer.staff)
    assert list(ranking.rows.order_by("position").values_list("application_id", flat=True)) == [lower.pk, higher.pk]


def test_vouchers_come_once_from_the_published_ranking(call, designer):
    first = _send(call, "a@example.org", {**GOOD, "isee_cents": 100_000})
    second = _send(call, "b@example.org", {**GOOD, "isee_cents": 200_000})
    third = _send(call, "c@example.org", {**GOOD, "isee_cents": 300_000})
    evaluations_compute(call=call, by=designer.staff)
    ranking = ranking_for_design(call=call, by=designer.staff, allow_partial=True)
    with pytest.raises(RankingError):
        vouchers_issue_from_ranking(ranking=ranking, by=designer.staff)  # not published yet
    ranking_publish(ranking=ranking, by=designer.staff)
    ranking.refresh_from_db()
    issued = vouchers_issue_from_ranking(ranking=ranking, by=designer.staff)
    # 800 euro of budget, 400 each: two full vouchers, the third gets nothing left.
    assert sorted((v.beneficiary_id, v.value_cents) for v in issued) == sorted(
        [(first.applicant_id, 40_000), (second.applicant_id, 40_000)]
    )
    assert not Voucher.objects.filter(beneficiary=third.applicant).exists()
    assert vouchers_issue_from_ranking(ranking=ranking, by=designer.staff) == []  # twice: nothing more
    assert ledger_check() == []


def test_ranking_keys_read_the_answers_forgivingly():
    assert ranking_keys({"isee_cents": 10, "children_ages": [9, 4, "x"]}) == {
        "isee_cents": 10,
        "children": 2,
        "youngest_child": 4,
    }
    assert ranking_keys({"isee_cents": True, "children_ages": "3"}) == {
        "isee_cents": None,
        "children": None,
        "youngest_child": None,
    }


def test_a_company_call_issues_no_vouchers_from_its_ranking(world):
    from sinergie.calls.conftest import make_call
    from sinergie.calls.evaluation.ranking import RankingError, ranking_compute, ranking_publish

    call = services.call_publish(call=make_call(world, kind="company_incentives"), by=world.alliance_staff)
    ranking = ranking_publish(ranking=ranking_compute(call=call, by=world.alliance_staff), by=world.alliance_staff)
    with pytest.raises(RankingError) as error:
        vouchers_issue_from_ranking(ranking=ranking, by=world.alliance_staff)
    assert error.value.field == "ranking"
    assert not Voucher.objects.filter(call=call).exists()
