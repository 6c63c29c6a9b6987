"""Evaluation pages: the staff of the call's alliance (applications, admissibility, evaluators,
the ranking and its versions) and the evaluators (their assigned applications only).

Thin views: parse, ask `calls/access.py`, call the services of `calls/evaluation/review.py`,
`calls/evaluation/services.py` and `calls/evaluation/ranking.py`, render. A refusal of a service goes back onto the
form's field with HTTP 400; nothing is half-saved (each service is one transaction).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.calls.access import (
    assignments_for_evaluator,
    get_application_for_evaluation,
    get_assignment_for_evaluator,
    get_call_for_evaluation,
    get_document_for_evaluator,
)
from sinergie.calls.evaluation import review
from sinergie.calls.evaluation import selectors as S
from sinergie.calls.evaluation.exports import staff_export
from sinergie.calls.evaluation.forms import (
    AdmissibilityForm,
    AssignForm,
    DeclarationForm,
    PointsForm,
    PublishForm,
    RankingComputeForm,
    SpreadForm,
)
from sinergie.calls.evaluation.ranking import published_ranking, ranking_publish
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design, vouchers_issue_from_ranking
from sinergie.calls.models import Application, Call, CallKind, CallState, Evaluation, Ranking, Voucher
from sinergie.calls.services import decimal_text, euro
from sinergie.lib.downloads import file_response
from sinergie.lib.errors import refuse_on_form

PER_PAGE = 25


def _title(call: Call) -> str:
    return call.title_en if (get_language() or "it").startswith("en") and call.title_en else call.title_it


def _evaluation_of(application: Application) -> Evaluation | None:
    return getattr(application, "evaluation", None)


# --- Staff: applications -------------------------------------------------------------------------


@login_required
@require_safe
def applications(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    admissibility = request.GET.get("ammissibilita", "")
    assignment = request.GET.get("valutatore", "")
    queryset = S.applications_for_evaluation(call, admissibility=admissibility, assignment=assignment)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"application": application, "live": S.live_assignment(application), "conflicts": S.conflicts_of(application)}
        for application in page
    ]
    evaluators = S.evaluators_of(call)
    context = {
        "call": call,
        "call_title": _title(call),
        "page": page,
        "rows": rows,
        "admissibility": admissibility if admissibility in S.ADMISSIBILITY_FILTERS else "",
        "assignment": assignment if assignment in S.ASSIGNMENT_FILTERS else "",
        "spread_form": SpreadForm(evaluators=evaluators, prefix="spread"),
        "has_evaluators": evaluators.exists(),
    }
    return render(request, "calls/evaluation/applications.html", context)


@login_required
@require_POST
def evaluate(request: HttpRequest, call_id: int) -> HttpResponse:
    """Check admissibility and compute the points of every sent application by the call's rules."""
    call = get_call_for_evaluation(request.user, call_id)
    counts = evaluations_compute(call=call, by=request.user, request=request)
    messages.success(
        request,
        _("%(evaluated)s applications evaluated: %(admissible)s admissible, %(kept)s decided by hand kept.")
        % {"evaluated": counts["evaluated"], "admissible": counts["admissible"], "kept": counts["kept_by_staff"]},
    )
    return redirect("calls:evaluation-applications", call_id=call.pk)


@login_required
@require_POST
def assign_evenly(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    form = SpreadForm(request.POST, evaluators=S.evaluators_of(call), prefix="spread")
    if form.is_valid():
        try:
            made = review.evaluators_assign_evenly(
                call=call, evaluators=list(form.cleaned_data["evaluators"]), by=request.user, request=request
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            messages.success(request, _("%(count)s applications assigned.") % {"count": len(made)})
            return redirect("calls:evaluation-applications", call_id=call.pk)
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, f"{_('Evaluators')}: {problem}")
    return redirect("calls:evaluation-applications", call_id=call.pk)


def _detail_context(call: Call, application: Application, evaluators: Any, **forms: Form) -> dict[str, Any]:
    evaluation = _evaluation_of(application)
    assignments = list(application.assignments.select_related("evaluator").order_by("assigned_at", "pk"))
    initial_points = (evaluation.manual_points / 100) if evaluation else 0
    context = {
        "call": call,
        "call_title": _title(call),
        "application": application,
        "evaluation": evaluation,
        "answers": S.answers_for_display(application.answers),
        "documents": application.documents.defer("content"),
        "assignments": assignments,
        "live": next((a for a in assignments if not a.has_conflict), None),
        "admissibility_form": AdmissibilityForm(prefix="adm"),
        "points_form": PointsForm(
            prefix="pts", initial={"manual_points": initial_points, "note": evaluation.note if evaluation else ""}
        ),
        "assign_form": AssignForm(evaluators=evaluators, prefix="asg"),
        "points_text": decimal_text(evaluation.points) if evaluation else "",
    }
    context.update(forms)
    return context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_detail(request: HttpRequest, call_id: int, pk: str) -> HttpResponse:
    """One sent application for staff: answers, documents, automatic notes; forms to decide
    admissibility, set manual points and assign an evaluator (`azione` says which)."""
    call = get_call_for_evaluation(request.user, call_id)
    application = get_application_for_evaluation(request.user, call, pk)
    evaluators = S.evaluators_of(call)
    if request.method in ("GET", "HEAD"):
        return render(request, "calls/evaluation/application.html", _detail_context(call, application, evaluators))
    action = request.POST.get("azione")
    bound: dict[str, Form] = {}
    form: Form
    if action == "ammissibilita":
        form = AdmissibilityForm(request.POST, prefix="adm")
        bound["admissibility_form"] = form
        if form.is_valid():
            try:
                review.admissibility_decide(
                    application=application,
                    admissible=form.decision(),
                    note=form.cleaned_data["admissibility_note"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("Admissibility saved."))
            except ValidationError as error:
                refuse_on_form(form, error)
    elif action == "punti":
        form = PointsForm(request.POST, prefix="pts")
        bound["points_form"] = form
        if form.is_valid():
            try:
                review.points_set(
                    application=application,
                    manual_points=form.hundredths(),
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("Manual points saved."))
            except ValidationError as error:
                refuse_on_form(form, error)
    elif action == "assegna":
        form = AssignForm(request.POST, evaluators=evaluators, prefix="asg")
        bound["assign_form"] = form
        if form.is_valid():
            try:
                review.evaluator_assign(
                    application=application,
                    evaluator=form.cleaned_data["evaluator"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("Evaluator assigned."))
            except ValidationError as error:
                refuse_on_form(form, error)
    else:
        return HttpResponse(_("Unknown action."), status=400, content_type="text/plain; charset=utf-8")
    if not form.errors:
        return redirect("calls:evaluation-application", call_id=call.pk, pk=application.pk)
    application = get_application_for_evaluation(request.user, call, pk)  # as saved: nothing changed
    context = _detail_context(call, application, evaluators, **bound)
    return render(request, "calls/evaluation/application.html", context, status=400)


# --- Staff: the ranking --------------------------------------------------------------------------


def _ranking_context(call: Call, **forms: Form) -> dict[str, Any]:
    versions = list(S.rankings_of(call))
    latest = versions[0] if versions else None
    published = published_ranking(call)
    rows = list(S.ranking_rows(latest)) if latest else []
    holders = set(Voucher.objects.filter(call=call).values_list("beneficiary_id", flat=True))
    to_issue = (
        [row for row in S.ranking_rows(published) if row.admitted and row.application.applicant_id not in holders]
        if published is not None and call.kind == CallKind.WORKER_VOUCHERS  # companies get grants instead
        else []
    )
    context = {
        "call": call,
        "call_title": _title(call),
        "versions": versions,
        "latest": latest,
        "published": published,
        "rows": [
            (
                row.position,
                row.application.protocol,
                row.application.applicant,
                decimal_text(row.points),
                row.admitted,
                euro(row.granted_cents),
            )
            for row in rows
        ],
        "granted_total": euro(sum(row.granted_cents for row in rows)),
        "to_issue": len(to_issue),
        "compute_form": RankingComputeForm(prefix="rk", correction=bool(versions)),
        "publish_form": PublishForm(prefix="pub", initial={"version": latest.version}) if latest else None,
    }
    context.update(forms)
    return context


@login_required
@require_safe
def ranking_manage(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    return render(request, "calls/evaluation/ranking.html", _ranking_context(call))


@login_required
@require_POST
def ranking_compute_view(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    correction = Ranking.objects.filter(call=call).exists()
    form = RankingComputeForm(request.POST, prefix="rk", correction=correction)
    if call.state == CallState.DRAFT:
        form.add_error(None, _("A draft call has no applications to rank: publish it first."))
    if form.is_valid():
        try:
            ranking = ranking_for_design(
                call=call,
                by=request.user,
                allow_partial=form.cleaned_data["allow_partial"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            messages.success(
                request, _("Version %(version)s computed: check it, then publish it.") % {"version": ranking.version}
            )
            return redirect("calls:evaluation-ranking", call_id=call.pk)
    return render(request, "calls/evaluation/ranking.html", _ranking_context(call, compute_form=form), status=400)


@login_required
@require_POST
def ranking_publish_view(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    form = PublishForm(request.POST, prefix="pub")
    if form.is_valid():
        ranking = Ranking.objects.filter(call=call, version=form.cleaned_data["version"]).first()
        if ranking is None:
            raise Http404
        try:
            ranking_publish(ranking=ranking, by=request.user, request=request)
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            messages.success(request, _("The ranking is published, by protocol number only."))
            return redirect("calls:evaluation-ranking", call_id=call.pk)
    return render(request, "calls/evaluation/ranking.html", _ranking_context(call, publish_form=form), status=400)


@login_required
@require_POST
def vouchers_issue_view(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_evaluation(request.user, call_id)
    published = published_ranking(call)
    if published is None:
        messages.error(request, _("The ranking must be published before vouchers are issued from it."))
        return redirect("calls:evaluation-ranking", call_id=call.pk)
    try:
        issued = vouchers_issue_from_ranking(ranking=published, by=request.user, request=request)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("calls:evaluation-ranking", call_id=call.pk)
    messages.success(request, _("%(count)s vouchers issued.") % {"count": len(issued)})
    return redirect("calls:evaluation-ranking", call_id=call.pk)


@login_required
@require_safe
def ranking_staff_export(request: HttpRequest, call_id: int) -> HttpResponse:
    """The latest version (or `?versione=N`) with names, for internal use: CSV or XLSX."""
    call = get_call_for_evaluation(request.user, call_id)
    rankings = Ranking.objects.filter(call=call)
    wanted = request.GET.get("versione")
    if wanted:
        if not wanted.isdigit() or len(wanted) > 9:
            raise Http404
        ranking = rankings.filter(version=int(wanted)).first()
    else:
        ranking = rankings.order_by("-version").first()
    if ranking is None:
        raise Http404
    response = staff_export(call, ranking, S.ranking_rows(ranking), request.GET.get("formato", "csv"), _title(call))
    if response is None:
        raise Http404
    response["Cache-Control"] = "private, no-store"
    return response


# --- Evaluators ----------------------------------------------------------------------------------


@login_required
@require_safe
def evaluator_list(request: HttpRequest) -> HttpResponse:
    assignments = S.assignments_of_evaluator(assignments_for_evaluator(request.user))
    page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "calls/evaluation/evaluator_list.html", {"page": page})


def _evaluator_context(assignment: Any, **forms: Form) -> dict[str, Any]:
    application = assignment.application
    evaluation = _evaluation_of(application)
    context: dict[str, Any] = {
        "assignment": assignment,
        "application": application,
        "call_title": _title(application.call),
        "evaluation": evaluation,
        "locked": Ranking.objects.filter(call_id=application.call_id, published_at__isnull=False).exists(),
    }
    if assignment.cleared:
        context["answers"] = S.answers_for_display(application.answers)
        context["documents"] = application.documents.defer("content")
        context["points_form"] = PointsForm(
            prefix="pts",
            initial={
                "manual_points": (evaluation.manual_points / 100) if evaluation else 0,
                "note": evaluation.note if evaluation else "",
            },
        )
    else:
        context["declaration_form"] = DeclarationForm(prefix="dec")
    context.update(forms)
    return context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluator_application(request: HttpRequest, pk: str) -> HttpResponse:
    """An assigned application: first the declaration of (no) conflict of interest, then — if
    none — the answers, the documents and the evaluator's points."""
    assignment = get_assignment_for_evaluator(request.user, pk)
    if request.method in ("GET", "HEAD"):
        return render(request, "calls/evaluation/evaluator_application.html", _evaluator_context(assignment))
    form: Form
    forms: dict[str, Form]
    if not assignment.cleared:
        form = DeclarationForm(request.POST, prefix="dec")
        if form.is_valid():
            try:
                review.conflict_declare(
                    assignment=assignment,
                    has_conflict=form.conflict(),
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                if form.conflict():
                    messages.info(request, _("Conflict of interest recorded: the staff will assign someone else."))
                    return redirect("calls:evaluator-list")
                return redirect("calls:evaluator-application", pk=assignment.application_id)
        forms = {"declaration_form": form}
    else:
        form = PointsForm(request.POST, prefix="pts")
        if form.is_valid():
            try:
                review.evaluator_score(
                    assignment=assignment,
                    manual_points=form.hundredths(),
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("Your points have been saved."))
                return redirect("calls:evaluator-application", pk=assignment.application_id)
        forms = {"points_form": form}
    assignment = get_assignment_for_evaluator(request.user, pk)
    context = _evaluator_context(assignment, **forms)
    return render(request, "calls/evaluation/evaluator_application.html", context, status=400)


@login_required
@require_safe
def evaluator_document(request: HttpRequest, pk: str) -> HttpResponse:
    attached = get_document_for_evaluator(request.user, pk)
    return file_response(bytes(attached.content), attached.filename, attached.content_type, private=True)
