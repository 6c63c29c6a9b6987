"""The organisational self-assessment: scores by area, peers only from 5 similar companies up,
recommendations from the catalogue; bad answers named, nothing saved; access for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sinergie.audit.models import AuditEvent
from sinergie.companies import assessment, services
from sinergie.companies.measures import AREAS
from sinergie.companies.models import SelfAssessment
from sinergie.companies.services import ProfileData
from sinergie.conftest import OrganizationFactory, World

pytestmark = pytest.mark.django_db

ALL = {q.code: 3 for q in assessment.QUESTIONS}
NONE = {q.code: 0 for q in assessment.QUESTIONS}


@given(st.fixed_dictionaries({q.code: st.integers(0, 3) for q in assessment.QUESTIONS}))
def test_scores_are_percentages_of_each_areas_maximum(answers):
    scores = assessment.area_scores(answers)
    assert set(scores) == set(AREAS)
    assert all(0 <= score <= 100 for score in scores.values())


def test_full_and_empty_answers_score_100_and_0():
    assert set(assessment.area_scores(ALL).values()) == {100}
    assert set(assessment.area_scores(NONE).values()) == {0}


def test_a_submitted_assessment_is_kept_with_its_scores_and_audited(world: World):
    done = assessment.assessment_submit(company=world.company, raw={**NONE, "smart_policy": "3"}, by=world.referent)
    assert done.scores["smart_working"] == 33 and done.scores["flexible_time"] == 0
    assert AuditEvent.objects.filter(action="companies.self_assessment").count() == 1


@pytest.mark.parametrize("bad", [{}, {"smart_policy": "4"}, {"smart_policy": "-1"}, {"smart_policy": "tre"}])
def test_missing_or_bad_answers_are_named_and_nothing_is_saved(world: World, bad):
    raw = {**ALL, **bad} if bad else {k: v for k, v in ALL.items() if k != "leave_info"}
    with pytest.raises(assessment.AssessmentError) as error:
        assessment.assessment_submit(company=world.company, raw=raw, by=world.referent)
    assert set(error.value.errors) == {next(iter(bad)) if bad else "leave_info"}
    assert not SelfAssessment.objects.exists() and not AuditEvent.objects.exists()


def _similar_companies(world: World, count: int) -> None:
    for n in range(count):
        company = OrganizationFactory(kind="company", name=f"Simile {n}", slug=f"simile-{n}")
        services.profile_save(
            organization=company, data=ProfileData(workforce_women=20, workforce_men=20), by=world.admin
        )
        assessment.assessment_submit(company=company, raw={**NONE, "smart_policy": 3}, by=world.admin)
        assessment.assessment_submit(company=company, raw=NONE, by=world.admin)  # the latest counts


def test_peers_appear_only_from_five_similar_companies(world: World):
    services.profile_save(organization=world.company, data=ProfileData(workforce_women=30), by=world.referent)
    assessment.assessment_submit(company=world.company, raw=ALL, by=world.referent)
    _similar_companies(world, 4)
    assert assessment.peers(world.company) is None
    fifth = OrganizationFactory(kind="company", name="Simile 9", slug="simile-9")
    services.profile_save(organization=fifth, data=ProfileData(workforce_men=15), by=world.admin)
    assessment.assessment_submit(company=fifth, raw=NONE, by=world.admin)
    found = assessment.peers(world.company)
    assert found is not None and found.basis == "size" and found.count == 5
    assert set(found.medians.values()) == {0}  # their latest answers, not the earlier ones


def test_recommendations_cover_weak_areas_without_what_is_planned():
    scores = dict.fromkeys(AREAS, 100) | {"smart_working": 0, "welfare_services": 40}
    found = assessment.recommendations(scores, planned={"nursery_agreement"})
    assert [area for area, _m in found] == ["smart_working", "welfare_services"]
    assert "nursery_agreement" not in {m.code for _a, measures in found for m in measures}


def _form(values: dict) -> dict:
    return {code: str(level) for code, level in values.items()}


def test_the_referent_answers_on_the_page_and_sees_scores_and_advice(world: World, login):
    client = login(world.referent)
    url = reverse("companies:assessment", args=[world.company.slug])
    first = client.get(url).content.decode()
    assert 'type="radio"' in first and "<legend" in first
    incomplete = client.post(url, _form({k: v for k, v in ALL.items() if k != "care_info"}))
    assert incomplete.status_code == 400
    assert 'href="#q-care_info"' in incomplete.content.decode()
    assert 'value="3" checked' in incomplete.content.decode()  # what was answered stays
    assert not SelfAssessment.objects.exists()
    assert (
        client.post(url, _form({**ALL, "smart_policy": 0, "smart_equipment": 0, "smart_disconnect": 0})).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert 'id="assessment-scores"' in page and 'id="no-peers"' in page
    assert "?measure=smart_working" in page
    plan = client.get(reverse("companies:plan", args=[world.company.slug]), {"measure": "smart_working"})
    assert plan.context["form"].initial["measure"] == "smart_working"


ACCESS = {
    "referent": "edit",
    "admin": "edit",
    "alliance_staff": "view",
    "other_referent": "none",
    "evaluator": "none",
    "provider_staff": "none",
    "analyst": "none",
    "citizen": "none",
    "stranger": "none",
}


@pytest.mark.parametrize(("persona", "expected"), ACCESS.items())
def test_who_sees_and_answers_the_self_assessment(world: World, login, persona, expected):
    client = login(getattr(world, persona))
    url = reverse("companies:assessment", args=[world.company.slug])
    assert client.get(url).status_code == (404 if expected == "none" else 200)
    response = client.post(url, _form(ALL))
    assert response.status_code == {"none": 404, "view": 403, "edit": 302}[expected]
    assert SelfAssessment.objects.exists() == (expected == "edit")
