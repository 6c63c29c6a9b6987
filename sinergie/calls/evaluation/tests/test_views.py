"""The evaluation pages at work: staff check, decide and assign; evaluators declare and score;
the ranking is computed, published, corrected and exported. Bad input gets a clear message
naming the field, HTTP 400, and changes nothing."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sinergie.audit.models import AuditEvent
from sinergie.calls.evaluation import review as services
from sinergie.calls.evaluation.ranking import ranking_publish
from sinergie.calls.evaluation.review import ReviewError
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design
from sinergie.calls.models import Evaluation, EvaluatorAssignment, Ranking, Voucher
from sinergie.calls.selectors import ledger_check
from sinergie.calls.tests.design_world import Designer
from sinergie.calls.tests.review_world import GOOD, Review, review_fixture, send, submit  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _detail(review: Review, application: Any = None) -> str:
    return reverse("calls:evaluation-application", args=[review.call.pk, (application or review.first).pk])


def _state() -> tuple[Any, ...]:
    return (
        list(Evaluation.objects.order_by("pk").values()),
        list(EvaluatorAssignment.objects.order_by("pk").values()),
        list(Ranking.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- Applications and the automatic check -------------------------------------------------------


def test_the_button_checks_admissibility_and_computes_points(review: Review, login: Any) -> None:
    client = login(review.staff)
    response = client.post(reverse("calls:evaluation-compute", args=[review.call.pk]), follow=True)
    assert "3 applications evaluated: 2 admissible" in response.content.decode()
    assert Evaluation.objects.filter(admissible=True).count() == 2
    assert not Evaluation.objects.filter(application=review.draft).exists()
    assert AuditEvent.objects.filter(action="calls.evaluations_compute", actor=review.staff).exists()


def test_the_list_shows_sent_applications_with_filters(review: Review, login: Any) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    client = login(review.staff)
    url = reverse("calls:evaluation-applications", args=[review.call.pk])
    body = client.get(url).content.decode()
    for application in (review.first, review.second, review.far):
        assert application.protocol in body
    assert "Dario" not in body  # a draft is not evaluated
    refused = client.get(url, {"ammissibilita": "non-ammissibile"}).content.decode()
    assert review.far.protocol in refused and review.first.protocol not in refused
    assert client.get(url, {"ammissibilita": "<script>", "valutatore": "x", "page": "999"}).status_code == 200
    services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    waiting = client.get(url, {"valutatore": "senza-valutatore"}).content.decode()
    assert review.first.protocol not in waiting and review.second.protocol in waiting


def test_the_list_is_paginated(review: Review, login: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sinergie.calls.evaluation.views.PER_PAGE", 2)
    client = login(review.staff)
    url = reverse("calls:evaluation-applications", args=[review.call.pk])
    first, second = client.get(url).content.decode(), client.get(url, {"page": "2"}).content.decode()
    assert review.far.protocol not in first and review.far.protocol in second


# --- Admissibility and manual points by staff ---------------------------------------------------


def test_staff_decide_admissibility_with_a_note_and_it_is_audited(review: Review, login: Any) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    response = login(review.staff).post(
        _detail(review, review.far),
        {"azione": "ammissibilita", "adm-admissible": "yes", "adm-admissibility_note": "Residenza verificata"},
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(application=review.far)
    assert evaluation.admissible is True and evaluation.evaluated_by == review.staff
    event = AuditEvent.objects.get(action="calls.evaluation.admissibility")
    assert event.before["admissible"] is False and event.after["admissible"] is True
    assert event.note == "Residenza verificata"
    # The automatic check, run again, keeps the decision.
    evaluations_compute(call=review.call, by=review.staff)
    assert Evaluation.objects.get(application=review.far).admissible is True


@pytest.mark.parametrize(
    "data",
    [
        {"adm-admissible": "yes", "adm-admissibility_note": "   "},
        {"adm-admissible": "maybe", "adm-admissibility_note": "x"},
        {"adm-admissible": "", "adm-admissibility_note": "x"},
        {"adm-admissible": "no", "adm-admissibility_note": "x" * 2001},
    ],
)
def test_a_bad_admissibility_decision_changes_nothing(review: Review, login: Any, data: dict[str, str]) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    before = _state()
    response = login(review.staff).post(_detail(review), {"azione": "ammissibilita", **data})
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert _state() == before


def test_staff_set_manual_points_with_a_note(review: Review, login: Any) -> None:
    response = login(review.staff).post(
        _detail(review), {"azione": "punti", "pts-manual_points": "12.5", "pts-note": "Colloquio"}
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(application=review.first)
    assert (evaluation.manual_points, evaluation.note) == (1_250, "Colloquio")
    assert evaluation.evaluated_by is None  # points do not freeze the automatic admissibility
    event = AuditEvent.objects.get(action="calls.evaluation.points")
    assert event.before["manual_points"] == 0 and event.after["manual_points"] == 1_250


@pytest.mark.parametrize(
    ("points", "note"),
    [("-1", "x"), ("100.01", "x"), ("1000000000000", "x"), ("abc", "x"), ("NaN", "x"), ("1.234", "x"), ("5", "")],
)
def test_bad_manual_points_change_nothing(review: Review, login: Any, points: str, note: str) -> None:
    before = _state()
    response = login(review.staff).post(
        _detail(review), {"azione": "punti", "pts-manual_points": points, "pts-note": note}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert ("Manual points" if note else "Note") in body
    assert _state() == before


def test_the_services_refuse_what_the_forms_would(review: Review) -> None:
    for points in (-1, 10_001, True, "5", 1.5):
        with pytest.raises(ReviewError):
            services.points_set(application=review.first, manual_points=points, note="x", by=review.staff)
    with pytest.raises(ReviewError):
        services.admissibility_decide(application=review.draft, admissible=True, note="x", by=review.staff)
    with pytest.raises(ReviewError):
        services.admissibility_decide(application=review.first, admissible="yes", note="x", by=review.staff)
    assert not Evaluation.objects.exists()


def test_forged_application_ids_are_404(review: Review, login: Any, world: Any) -> None:
    client = login(review.staff)
    other_call = Designer.create(review.designer, title_it="Altro bando")
    for forged in (uuid.uuid4(), review.draft.pk):
        url = reverse("calls:evaluation-application", args=[review.call.pk, forged])
        assert client.get(url).status_code == 404
        assert client.post(url, {"azione": "punti", "pts-manual_points": "1", "pts-note": "x"}).status_code == 404
    # An application of this call reached through another call's address.
    url = reverse("calls:evaluation-application", args=[other_call.pk, review.first.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"/bandi/gestione/{2**70}/domande/").status_code == 404
    assert client.post(_detail(review), {"azione": "elimina"}).status_code == 400
    assert not Evaluation.objects.exists()


# --- Evaluators ----------------------------------------------------------------------------------


def test_staff_assign_and_reassign_an_evaluator(review: Review, login: Any) -> None:
    client = login(review.staff)
    assert client.post(_detail(review), {"azione": "assegna", "asg-evaluator": review.evaluator.pk}).status_code == 302
    assert client.post(_detail(review), {"azione": "assegna", "asg-evaluator": review.evaluator2.pk}).status_code == 302
    assert list(EvaluatorAssignment.objects.values_list("evaluator", flat=True)) == [review.evaluator2.pk]
    assert AuditEvent.objects.filter(action="calls.assignment.remove").count() == 1
    created = AuditEvent.objects.filter(action="calls.assignment.create").order_by("pk").last()
    assert created.before == {"evaluator": review.evaluator.pk} and created.after == {"evaluator": review.evaluator2.pk}


@pytest.mark.parametrize("who", ["citizen", "alliance_staff", "foreign_evaluator", "bogus", "assigned"])
def test_assigning_someone_not_allowed_changes_nothing(review: Review, login: Any, world: Any, who: str) -> None:
    services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    target = {
        "citizen": world.citizen.pk,
        "alliance_staff": world.alliance_staff.pk,
        "foreign_evaluator": review.foreign_evaluator.pk,
        "bogus": "99999999999999999999",
        "assigned": review.evaluator.pk,
    }[who]
    before = _state()
    response = login(review.staff).post(_detail(review), {"azione": "assegna", "asg-evaluator": target})
    assert response.status_code == 400
    assert "Evaluator" in response.content.decode()
    assert _state() == before
    with pytest.raises(ReviewError):
        services.evaluator_assign(application=review.first, evaluator=review.foreign_evaluator, by=review.staff)


def test_applications_are_spread_evenly_and_only_once(review: Review, login: Any) -> None:
    client = login(review.staff)
    url = reverse("calls:evaluation-assign-evenly", args=[review.call.pk])
    data = {"spread-evaluators": [review.evaluator.pk, review.evaluator2.pk]}
    assert client.post(url, data).status_code == 302
    loads = sorted(
        EvaluatorAssignment.objects.filter(evaluator=e).count() for e in (review.evaluator, review.evaluator2)
    )
    assert loads == [1, 2]
    assert client.post(url, data).status_code == 302  # nothing left without an evaluator
    assert EvaluatorAssignment.objects.count() == 3
    assert AuditEvent.objects.filter(action="calls.assignment.spread").count() == 2


def test_a_conflicted_application_is_spread_to_someone_else(review: Review) -> None:
    assignment = services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    services.conflict_declare(assignment=assignment, has_conflict=True, statement="Parente", by=review.evaluator)
    made = services.evaluators_assign_evenly(call=review.call, evaluators=[review.evaluator], by=review.staff)
    assert review.first.pk not in {a.application_id for a in made}  # never back to the conflicted one
    made = services.evaluators_assign_evenly(call=review.call, evaluators=[review.evaluator2], by=review.staff)
    assert [a.application_id for a in made] == [review.first.pk]
    with pytest.raises(ReviewError):
        services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)


@pytest.mark.parametrize("data", [{}, {"spread-evaluators": ["abc"]}, {"spread-evaluators": ["CITIZEN"]}])
def test_a_bad_spread_changes_nothing(review: Review, login: Any, world: Any, data: dict[str, Any]) -> None:
    data = {k: [str(world.citizen.pk) if v == "CITIZEN" else v for v in values] for k, values in data.items()}
    before = _state()
    response = login(review.staff).post(reverse("calls:evaluation-assign-evenly", args=[review.call.pk]), data)
    assert response.status_code == 302
    assert _state() == before
    with pytest.raises(ReviewError):
        services.evaluators_assign_evenly(call=review.call, evaluators=[world.citizen], by=review.staff)


def test_the_evaluator_declares_then_scores(review: Review, login: Any) -> None:
    services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    client = login(review.evaluator)
    url = reverse("calls:evaluator-application", args=[review.first.pk])
    # Points sent before the declaration are not taken: the declaration comes first.
    response = client.post(url, {"pts-manual_points": "5", "pts-note": "x"})
    assert response.status_code == 400 and not Evaluation.objects.exists()
    assert client.post(url, {"dec-has_conflict": "no"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Anna" in page and reverse("calls:evaluator-document", args=[review.document.pk]) in page
    document = client.get(reverse("calls:evaluator-document", args=[review.document.pk]))
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert client.post(url, {"pts-manual_points": "7.25", "pts-note": "Situazione grave"}).status_code == 302
    evaluation = Evaluation.objects.get(application=review.first)
    assert (evaluation.manual_points, evaluation.note) == (725, "Situazione grave")
    assert AuditEvent.objects.filter(action="calls.evaluation.evaluator_points", actor=review.evaluator).exists()
    # The declaration is made once.
    assignment = EvaluatorAssignment.objects.get()
    with pytest.raises(ReviewError):
        services.conflict_declare(assignment=assignment, has_conflict=True, statement="x", by=review.evaluator)


@pytest.mark.parametrize("data", [{"dec-has_conflict": "yes", "dec-statement": " "}, {"dec-has_conflict": "forse"}, {}])
def test_a_bad_declaration_changes_nothing(review: Review, login: Any, data: dict[str, str]) -> None:
    services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    before = _state()
    response = login(review.evaluator).post(reverse("calls:evaluator-application", args=[review.first.pk]), data)
    assert response.status_code == 400
    assert _state() == before


@pytest.mark.parametrize(("points", "note"), [("-3", "x"), ("101", "x"), ("dieci", "x"), ("5", "")])
def test_bad_points_from_an_evaluator_change_nothing(review: Review, login: Any, points: str, note: str) -> None:
    assignment = services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    services.conflict_declare(assignment=assignment, has_conflict=False, statement="", by=review.evaluator)
    before = _state()
    response = login(review.evaluator).post(
        reverse("calls:evaluator-application", args=[review.first.pk]), {"pts-manual_points": points, "pts-note": note}
    )
    assert response.status_code == 400
    assert _state() == before


def test_evaluators_lose_the_application_once_the_ranking_is_published(review: Review, login: Any) -> None:
    # Issue 12, point 2: the evaluation is over, so the applicant's data closes to the evaluator.
    assignment = services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    services.conflict_declare(assignment=assignment, has_conflict=False, statement="", by=review.evaluator)
    client = login(review.evaluator)
    url = reverse("calls:evaluator-application", args=[review.first.pk])
    document = reverse("calls:evaluator-document", args=[review.document.pk])
    assert client.get(url).status_code == 200 and client.get(document).status_code == 200
    evaluations_compute(call=review.call, by=review.staff)
    ranking_publish(ranking=ranking_for_design(call=review.call, by=review.staff), by=review.staff)
    before = _state()
    assert client.get(url).status_code == 404
    assert client.get(document).status_code == 404
    assert review.first.protocol not in client.get(reverse("calls:evaluator-list")).content.decode()
    response = client.post(url, {"pts-manual_points": "5", "pts-note": "tardi"})
    assert response.status_code == 404
    assert _state() == before
    # The service refuses it too, whoever calls it.
    with pytest.raises(ReviewError):
        services.evaluator_score(assignment=assignment, manual_points=500, note="tardi", by=review.evaluator)
    # Staff still can, for a correction after an appeal.
    services.points_set(application=review.first, manual_points=500, note="Ricorso accolto", by=review.staff)


def test_an_evaluator_who_lost_the_role_loses_the_assignments(review: Review, login: Any) -> None:
    services.evaluator_assign(application=review.first, evaluator=review.evaluator, by=review.staff)
    review.evaluator.memberships.all().delete()
    client = login(review.evaluator)
    assert client.get(reverse("calls:evaluator-application", args=[review.first.pk])).status_code == 404
    assert review.first.protocol not in client.get(reverse("calls:evaluator-list")).content.decode()


# --- The ranking ---------------------------------------------------------------------------------


def test_compute_preview_publish_correct_and_issue_vouchers(review: Review, login: Any, client: Any) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    staff = login(review.staff)
    page = reverse("calls:evaluation-ranking", args=[review.call.pk])
    compute = reverse("calls:evaluation-ranking-compute", args=[review.call.pk])
    publish = reverse("calls:evaluation-ranking-publish", args=[review.call.pk])
    assert staff.post(compute, {}).status_code == 302
    preview = staff.get(page).content.decode()
    assert review.first.protocol in preview and "Anna" in preview and "publish-ranking" in preview

    # Publishing needs the confirmation; nothing is published without it.
    response = staff.post(publish, {"pub-version": "1"})
    assert response.status_code == 400 and not Ranking.objects.filter(published_at__isnull=False).exists()
    assert staff.post(publish, {"pub-version": "1", "pub-confirm": "on"}).status_code == 302
    first_published = Ranking.objects.get(version=1).published_at
    assert first_published is not None
    # Twice: refused with a message, nothing changes.
    response = staff.post(publish, {"pub-version": "1", "pub-confirm": "on"})
    assert response.status_code == 400 and "already published" in response.content.decode()
    assert Ranking.objects.get(version=1).published_at == first_published
    assert staff.post(publish, {"pub-version": "999", "pub-confirm": "on"}).status_code == 404
    assert staff.post(publish, {"pub-version": "x", "pub-confirm": "on"}).status_code == 400

    # The budget (400 €) covers one voucher of 400 €: the button issues it, once.
    assert "issue-vouchers" in staff.get(page).content.decode()
    staff.post(reverse("calls:evaluation-vouchers", args=[review.call.pk]))
    assert list(Voucher.objects.values_list("beneficiary", "value_cents")) == [(review.first.applicant_id, 40_000)]
    assert "issue-vouchers" not in staff.get(page).content.decode()
    assert ledger_check() == []

    # A correction needs its reason: without it nothing is computed.
    events = AuditEvent.objects.count()
    response = staff.post(compute, {"rk-reason": "  "})
    assert response.status_code == 400 and Ranking.objects.count() == 1
    assert AuditEvent.objects.count() == events
    services.points_set(application=review.second, manual_points=10_000, note="Ricorso accolto", by=review.staff)
    assert staff.post(compute, {"rk-reason": "Ricorso di 2026/000002 accolto"}).status_code == 302
    assert AuditEvent.objects.filter(action="calls.ranking_compute", note="Ricorso di 2026/000002 accolto").exists()
    # Version 1 stays public until version 2 is published.
    public = reverse("applications:ranking", args=[review.call.pk])
    assert "Corrected ranking" not in client.get(public).content.decode()
    assert staff.post(publish, {"pub-version": "2", "pub-confirm": "on"}).status_code == 302
    body = client.get(public).content.decode()
    assert "Corrected ranking" in body and "Ricorso di 2026/000002 accolto" in body
    assert "Anna" not in body and "Bruno" not in body and "example.org" not in body


def test_the_public_ranking_downloads_carry_no_names(review: Review, client: Any) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    ranking_publish(ranking=ranking_for_design(call=review.call, by=review.staff), by=review.staff)
    url = reverse("applications:ranking", args=[review.call.pk])
    csv_text = client.get(url, {"formato": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "posizione;protocollo;punti;ammessa;importo_euro"
    assert review.first.protocol in csv_text and "Anna" not in csv_text
    book = load_workbook(io.BytesIO(client.get(url, {"formato": "xlsx"}).content))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert review.first.protocol in cells and "Anna" not in cells and "anna@example.org" not in cells
    assert 400.0 in cells  # euro as a number
    pdf = client.get(url, {"formato": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(url, {"formato": "exe"}).status_code == 404


def test_the_staff_export_has_the_names(review: Review, login: Any) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    ranking_for_design(call=review.call, by=review.staff)
    client = login(review.staff)
    url = reverse("calls:evaluation-ranking-export", args=[review.call.pk])
    text = client.get(url, {"formato": "csv"}).content.decode("utf-8-sig")
    assert "Anna" in text and "anna@example.org" in text and "Carla" not in text  # not admissible: not ranked
    book = load_workbook(io.BytesIO(client.get(url, {"formato": "xlsx"}).content))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "Anna" in cells
    for bad in ({"formato": "pdf"}, {"versione": "abc"}, {"versione": "99"}, {"versione": "9" * 30}):
        assert client.get(url, bad).status_code == 404


def test_a_name_that_looks_like_a_formula_is_defused(review: Review, login: Any) -> None:
    person = send(review.call, "eve@example.org", {**GOOD, "isee_cents": 50_000}, first_name="=HYPERLINK(1)")
    submit(person)
    evaluations_compute(call=review.call, by=review.staff)
    ranking_for_design(call=review.call, by=review.staff)
    url = reverse("calls:evaluation-ranking-export", args=[review.call.pk])
    text = login(review.staff).get(url, {"formato": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_italian_staff_type_points_with_a_comma_or_a_dot(review: Review, login: Any, typed: str) -> None:
    url = _detail(review).replace("/en/", "/", 1)
    client = login(review.staff)
    response = client.post(
        url, {"azione": "punti", "pts-manual_points": typed, "pts-note": "Colloquio"}, HTTP_ACCEPT_LANGUAGE="it"
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(application=review.first).manual_points == 250


def test_the_list_costs_the_same_queries_however_many_applications(
    review: Review, login: Any, django_assert_max_num_queries: Any
) -> None:
    evaluations_compute(call=review.call, by=review.staff)
    services.evaluators_assign_evenly(call=review.call, evaluators=[review.evaluator], by=review.staff)
    client = login(review.staff)
    url = reverse("calls:evaluation-applications", args=[review.call.pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5):
        submit(send(review.call, f"more{index}@example.org", GOOD))
    evaluations_compute(call=review.call, by=review.staff)
    services.evaluators_assign_evenly(call=review.call, evaluators=[review.evaluator2], by=review.staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_staff_read_municipalities_by_name(review: Review, login: Any) -> None:
    body = login(review.staff).get(_detail(review)).content.decode()
    assert "Melzo (015142)" in body and "€ 1.000,00" in body


def test_a_draft_call_cannot_be_ranked(review: Review, login: Any) -> None:
    draft = review.designer.create(title_it="Bozza")
    response = login(review.staff).post(reverse("calls:evaluation-ranking-compute", args=[draft.pk]), {})
    assert response.status_code == 400 and "draft" in response.content.decode()
    assert not Ranking.objects.filter(call=draft).exists()
