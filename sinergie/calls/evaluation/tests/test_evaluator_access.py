"""Who may open the evaluation pages: every persona of the World on every view, GET and POST.

Only the staff of the call's alliance run the evaluation; an evaluator sees only the
applications assigned to them, their data and documents only after declaring no conflict of
interest, and nothing once they declared one. Everyone else gets 404 (existence not revealed).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.calls.evaluation import review as services
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design
from sinergie.calls.models import Evaluation, EvaluatorAssignment, Ranking, Voucher
from sinergie.calls.tests.review_world import Review, review_fixture  # noqa: F401 - the fixture
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "citizen",
    "stranger",
    "referent",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "other_alliance_staff",
    "evaluator",
    "evaluator2",
    "foreign_evaluator",
    "analyst",
    "admin",
]


def person(review: Review, name: str) -> Any:
    if name in ("evaluator2", "foreign_evaluator"):
        return getattr(review, name)
    if name == "other_alliance_staff":
        user = UserFactory(email="staff-b@example.org")
        add_member(user, review.world.other_alliance_org, Role.ALLIANCE_STAFF)
        enrol_totp(user)
        return user
    return getattr(review.world, name)


def client_for(review: Review, name: str, client: Any, login: Any) -> Any:
    return client if name == "anonymous" else login(person(review, name))


@pytest.fixture
def setting(review: Review) -> dict[str, Any]:
    evaluations_compute(call=review.call, by=review.staff)
    ranking_for_design(call=review.call, by=review.staff)
    assignment = services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    services.conflict_declare(assignment=assignment, has_conflict=False, statement="", by=review.evaluator)
    call = review.call.pk
    return {
        "assignment": assignment,
        "urls": {
            "applications": reverse("calls:evaluation-applications", args=[call]),
            "application": reverse("calls:evaluation-application", args=[call, review.first.pk]),
            "ranking": reverse("calls:evaluation-ranking", args=[call]),
            "export-csv": reverse("calls:evaluation-ranking-export", args=[call]) + "?formato=csv",
            "export-xlsx": reverse("calls:evaluation-ranking-export", args=[call]) + "?formato=xlsx",
            "evaluator-list": reverse("calls:evaluator-list"),
            "evaluator-application": reverse("calls:evaluator-application", args=[review.first.pk]),
            "evaluator-document": reverse("calls:evaluator-document", args=[review.document.pk]),
            "staff-document": reverse("applications:document", args=[review.document.pk]),
        },
    }


EXPECTED_GET = {
    "applications": {"alliance_staff": 200},
    "application": {"alliance_staff": 200},
    "ranking": {"alliance_staff": 200},
    "export-csv": {"alliance_staff": 200},
    "export-xlsx": {"alliance_staff": 200},
    "evaluator-list": {name: 200 for name in PERSONAS if name != "anonymous"},
    "evaluator-application": {"evaluator": 200},
    "evaluator-document": {"evaluator": 200},
    "staff-document": {"alliance_staff": 200},
}


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("page", list(EXPECTED_GET))
def test_get_matrix(review: Review, setting: dict[str, Any], client: Any, login: Any, name: str, page: str) -> None:
    response = client_for(review, name, client, login).get(setting["urls"][page])
    if name == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == EXPECTED_GET[page].get(name, 404), (page, name)


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in ("anonymous", "evaluator")])
def test_the_evaluator_list_shows_only_ones_own_assignments(
    review: Review, setting: dict[str, Any], client: Any, login: Any, name: str
) -> None:
    body = client_for(review, name, client, login).get(setting["urls"]["evaluator-list"]).content.decode()
    assert review.first.protocol not in body


def test_the_evaluator_list_shows_the_assigned_application(
    review: Review, setting: dict[str, Any], client: Any, login: Any
) -> None:
    body = login(review.evaluator).get(setting["urls"]["evaluator-list"]).content.decode()
    assert review.first.protocol in body
    assert review.second.protocol not in body and review.far.protocol not in body


STAFF_POSTS = {
    "evaluate": ("calls:evaluation-compute", {}),
    "assign-evenly": ("calls:evaluation-assign-evenly", {"spread-evaluators": ["EVALUATOR"]}),
    "compute": ("calls:evaluation-ranking-compute", {"rk-reason": "Ricorso n. 1"}),
    "publish": ("calls:evaluation-ranking-publish", {"pub-version": "1", "pub-confirm": "on"}),
    "vouchers": ("calls:evaluation-vouchers", {}),
}


@pytest.mark.parametrize("name", [n for n in PERSONAS if n != "alliance_staff"])
@pytest.mark.parametrize("action", list(STAFF_POSTS))
def test_only_the_alliance_staff_post(
    review: Review, setting: dict[str, Any], client: Any, login: Any, name: str, action: str
) -> None:
    url_name, data = STAFF_POSTS[action]
    data = {k: [str(review.evaluator2.pk)] if v == ["EVALUATOR"] else v for k, v in data.items()}
    events = AuditEvent.objects.count()
    rankings = list(Ranking.objects.values_list("pk", "published_at"))
    assignments = EvaluatorAssignment.objects.count()
    response = client_for(review, name, client, login).post(reverse(url_name, args=[review.call.pk]), data)
    assert response.status_code in (302, 404)
    if name != "anonymous":
        assert response.status_code == 404
    assert AuditEvent.objects.count() == events
    assert list(Ranking.objects.values_list("pk", "published_at")) == rankings
    assert EvaluatorAssignment.objects.count() == assignments
    assert not Voucher.objects.exists()


@pytest.mark.parametrize("name", [n for n in PERSONAS if n != "alliance_staff"])
@pytest.mark.parametrize("action", ["ammissibilita", "punti", "assegna"])
def test_only_the_alliance_staff_decide_on_an_application(
    review: Review, setting: dict[str, Any], client: Any, login: Any, name: str, action: str
) -> None:
    before = list(Evaluation.objects.order_by("pk").values())
    data = {
        "azione": action,
        "adm-admissible": "no",
        "adm-admissibility_note": "x",
        "pts-manual_points": "5",
        "pts-note": "x",
        "asg-evaluator": str(review.evaluator2.pk),
    }
    response = client_for(review, name, client, login).post(setting["urls"]["application"], data)
    assert response.status_code == (302 if name == "anonymous" else 404)
    assert list(Evaluation.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in ("anonymous", "evaluator")])
def test_only_the_assigned_evaluator_scores(
    review: Review, setting: dict[str, Any], client: Any, login: Any, name: str
) -> None:
    before = list(Evaluation.objects.order_by("pk").values())
    data = {"pts-manual_points": "5", "pts-note": "x", "dec-has_conflict": "no"}
    response = login(person(review, name)).post(setting["urls"]["evaluator-application"], data)
    assert response.status_code == 404
    assert list(Evaluation.objects.order_by("pk").values()) == before


def test_an_evaluator_gets_404_for_applications_and_documents_not_assigned(
    review: Review, setting: dict[str, Any], login: Any
) -> None:
    client = login(review.evaluator)
    for application in (review.second, review.far, review.draft):
        assert client.get(reverse("calls:evaluator-application", args=[application.pk])).status_code == 404
    assert client.get(reverse("calls:evaluator-application", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("calls:evaluator-document", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/bandi/valutazioni/not-a-uuid/").status_code == 404
    # The applicants' own document view stays closed to evaluators, and so do the staff pages.
    assert client.get(setting["urls"]["staff-document"]).status_code == 404
    assert client.get(setting["urls"]["application"]).status_code == 404


def test_before_the_declaration_the_evaluator_sees_no_personal_data(review: Review, login: Any) -> None:
    review_assignment = services.evaluator_assign(
        application=review.second, evaluator=review.evaluator2, by=review.staff
    )
    client = login(review.evaluator2)
    page = client.get(reverse("calls:evaluator-application", args=[review.second.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert review.second.protocol in body
    assert "Bruno" not in body and "bruno@example.org" not in body
    assert 'name="dec-has_conflict"' in body
    assert review_assignment.declared_at is None


def test_declaring_a_conflict_blocks_the_evaluator_and_shows_it_to_staff(review: Review, login: Any) -> None:
    services.evaluator_assign(application=review.first, evaluator=review.evaluator2, by=review.staff)
    client = login(review.evaluator2)
    url = reverse("calls:evaluator-application", args=[review.first.pk])
    response = client.post(url, {"dec-has_conflict": "yes", "dec-statement": "È mia cugina"})
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    document = reverse("calls:evaluator-document", args=[review.document.pk])
    assert client.get(document).status_code == 404
    assert client.post(url, {"pts-manual_points": "5", "pts-note": "x"}).status_code == 404
    listed = client.get(reverse("calls:evaluator-list")).content.decode()
    assert "conflict of interest declared" in listed
    staff_page = login(review.staff).get(
        reverse("calls:evaluation-application", args=[review.call.pk, review.first.pk])
    )
    assert "È mia cugina" in staff_page.content.decode()
    assert AuditEvent.objects.filter(action="calls.assignment.declare", note="È mia cugina").exists()
