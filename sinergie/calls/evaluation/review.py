"""Staff and evaluators at work on a call's sent applications: admissibility decided by hand,
manual points, evaluators assigned (one by one or spread evenly) and their conflict-of-interest
declarations.

Every service runs in one transaction, locks what it changes, refuses bad input with a
`ReviewError` naming the field before writing anything, and appends an audit event with the
values before and after. Who may call them is decided in `calls/access.py`; the services check
again what the data itself forbids (an evaluator not of the call's alliance, a conflicted
evaluator, points after the ranking is published).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.calls.access import is_call_evaluator
from sinergie.calls.models import (
    Application,
    ApplicationState,
    Call,
    Evaluation,
    EvaluatorAssignment,
    Ranking,
)
from sinergie.lib.errors import FieldError

MAX_MANUAL_POINTS = 10_000  # hundredths: no call gives more than 100 manual points
MAX_NOTE = 2_000

NOTE_NEEDED = _("Write a note that explains the decision.")
NOTE_TOO_LONG = _("The note is too long (at most 2,000 characters).")
POINTS_RANGE = _("Manual points go from 0 to 100, with at most two decimals.")
NOT_SENT = _("Only sent applications are evaluated.")
NOT_EVALUATOR = _("This person is not an evaluator of the call's alliance.")
EVALUATOR_CONFLICTED = _("This evaluator declared a conflict of interest on this application.")
ALREADY_ASSIGNED = _("This evaluator is already assigned to this application.")
NO_EVALUATORS = _("Choose at least one evaluator.")
ALREADY_DECLARED = _("The declaration has already been made and cannot be changed.")
STATEMENT_NEEDED = _("Describe the conflict of interest.")
NOT_CLEARED = _("Declare that you have no conflict of interest before scoring.")
RANKING_PUBLISHED = _("The ranking is published: points can no longer be changed by evaluators.")

EVALUATION_FIELDS = ["admissible", "admissibility_note", "manual_points", "note", "evaluated_by", "evaluated_at"]


class ReviewError(FieldError):
    """A refused step of an evaluation."""


def _note(note: Any, field: str = "note") -> str:
    text = (note or "").strip() if isinstance(note, str) else ""
    if not text:
        raise ReviewError(field, NOTE_NEEDED, code="note_needed")
    if len(text) > MAX_NOTE:
        raise ReviewError(field, NOTE_TOO_LONG, code="note_too_long")
    return text


def _points(points: Any) -> int:
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_MANUAL_POINTS:
        raise ReviewError("manual_points", POINTS_RANGE, code="points_range")
    return points


def _locked_evaluation(application: Application) -> Evaluation:
    """The application's evaluation, locked (created empty when nobody judged it yet)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != ApplicationState.SUBMITTED:
        raise ReviewError("application", NOT_SENT, code="not_sent")
    Evaluation.objects.get_or_create(application=locked)
    return Evaluation.objects.select_for_update().get(application=locked)


@transaction.atomic
def admissibility_decide(
    *, application: Application, admissible: bool, note: str, by: Any, request: HttpRequest | None = None
) -> Evaluation:
    """Staff decide admissibility by hand, with a note saying why; the automatic check keeps the
    decision from then on (`evaluated_by` set)."""
    if not isinstance(admissible, bool):
        raise ReviewError("admissible", _("Say whether the application is admissible."), code="admissibility_needed")
    text = _note(note, "admissibility_note")
    evaluation = _locked_evaluation(application)
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.admissible = admissible
    evaluation.admissibility_note = text
    evaluation.evaluated_by = by
    evaluation.evaluated_at = timezone.now()
    evaluation.save()
    audit_record(
        actor=by,
        action="calls.evaluation.admissibility",
        obj=application,
        before=before,
        after=snapshot(evaluation, EVALUATION_FIELDS),
        note=text,
        request=request,
    )
    return evaluation


def _points_save(
    evaluation: Evaluation, application: Application, points: int, text: str, by: Any, action: str, request: Any
) -> Evaluation:
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.manual_points = points
    evaluation.note = text
    evaluation.save(update_fields=["manual_points", "note"])
    audit_record(
        actor=by,
        action=action,
        obj=application,
        before=before,
        after=snapshot(evaluation, EVALUATION_FIELDS),
        note=text,
        request=request,
    )
    return evaluation


@transaction.atomic
def points_set(
    *, application: Application, manual_points: int, note: str, by: Any, request: HttpRequest | None = None
) -> Evaluation:
    """Staff set the manual points (hundredths, 0 to 100 points) with a note; also after the
    ranking is published, since a correction after an appeal starts here."""
    points = _points(manual_points)
    text = _note(note)
    evaluation = _locked_evaluation(application)
    return _points_save(evaluation, application, points, text, by, "calls.evaluation.points", request)


@transaction.atomic
def evaluator_score(
    *, assignment: EvaluatorAssignment, manual_points: int, note: str, by: Any, request: HttpRequest | None = None
) -> Evaluation:
    """The assigned evaluator, declared free of conflicts, sets the manual points and a note,
    until the call's ranking is published."""
    points = _points(manual_points)
    text = _note(note)
    assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.evaluator_id != getattr(by, "pk", None) or not assignment.cleared:
        raise ReviewError("manual_points", NOT_CLEARED, code="not_cleared")
    application = assignment.application
    if Ranking.objects.filter(call_id=application.call_id, published_at__isnull=False).exists():
        raise ReviewError("manual_points", RANKING_PUBLISHED, code="ranking_published")
    evaluation = _locked_evaluation(application)
    return _points_save(evaluation, application, points, text, by, "calls.evaluation.evaluator_points", request)


def _assign(application: Application, evaluator: Any, by: Any, request: Any) -> EvaluatorAssignment:
    """Make `evaluator` the application's live evaluator, replacing the live one (the conflicted
    ones stay on record)."""
    if not is_call_evaluator(evaluator, application.call):
        raise ReviewError("evaluator", NOT_EVALUATOR, code="not_evaluator")
    existing = {
        a.evaluator_id: a for a in EvaluatorAssignment.objects.select_for_update().filter(application=application)
    }
    mine = existing.get(evaluator.pk)
    if mine is not None:
        raise ReviewError(
            "evaluator",
            EVALUATOR_CONFLICTED if mine.has_conflict else ALREADY_ASSIGNED,
            code="evaluator_conflicted" if mine.has_conflict else "already_assigned",
        )
    replaced = [a for a in existing.values() if not a.has_conflict]
    for old in replaced:
        audit_record(
            actor=by,
            action="calls.assignment.remove",
            obj=application,
            before=snapshot(old, ["evaluator", "assigned_by", "assigned_at", "declared_at"]),
            request=request,
        )
        old.delete()
    assignment = EvaluatorAssignment.objects.create(application=application, evaluator=evaluator, assigned_by=by)
    audit_record(
        actor=by,
        action="calls.assignment.create",
        obj=application,
        before={"evaluator": replaced[0].evaluator_id} if replaced else None,
        after={"evaluator": evaluator.pk},
        request=request,
    )
    return assignment


@transaction.atomic
def evaluator_assign(
    *, application: Application, evaluator: Any, by: Any, request: HttpRequest | None = None
) -> EvaluatorAssignment:
    """Assign (or reassign) one sent application to an evaluator of the call's alliance; an
    evaluator who declared a conflict on it cannot have it back."""
    locked = Application.objects.select_for_update().select_related("call__alliance").get(pk=application.pk)
    if locked.state != ApplicationState.SUBMITTED:
        raise ReviewError("application", NOT_SENT, code="not_sent")
    return _assign(locked, evaluator, by, request)


@transaction.atomic
def evaluators_assign_evenly(
    *, call: Call, evaluators: Sequence[Any], by: Any, request: HttpRequest | None = None
) -> list[EvaluatorAssignment]:
    """Spread the sent applications that have no live evaluator across `evaluators`: each goes to
    the one with the fewest live assignments in this call (ties by the order given) who has not
    declared a conflict on it. Returns the new assignments."""
    chosen = list(dict.fromkeys(evaluators))
    if not chosen:
        raise ReviewError("evaluators", NO_EVALUATORS, code="no_evaluators")
    for evaluator in chosen:
        if not is_call_evaluator(evaluator, call):
            raise ReviewError("evaluators", NOT_EVALUATOR, code="not_evaluator")
    Call.objects.select_for_update(no_key=True).get(pk=call.pk)  # one spreading at a time
    live = EvaluatorAssignment.objects.filter(application__call=call, has_conflict=False)
    load = {evaluator.pk: live.filter(evaluator=evaluator).count() for evaluator in chosen}
    conflicted = set(
        EvaluatorAssignment.objects.filter(application__call=call, has_conflict=True).values_list(
            "application_id", "evaluator_id"
        )
    )
    waiting = list(
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED)
        .exclude(assignments__has_conflict=False)
        .select_related("call__alliance")
        .order_by("protocol_year", "protocol_sequence")
        .select_for_update(of=("self",))  # a single assignment running meanwhile waits, or we wait for it
    )
    # Read again once the rows are locked: an assignment committed while we waited counts.
    taken = set(
        EvaluatorAssignment.objects.filter(application__in=waiting, has_conflict=False).values_list(
            "application_id", flat=True
        )
    )
    made = []
    for application in waiting:
        if application.pk in taken:
            continue
        free = [e for e in chosen if (application.pk, e.pk) not in conflicted]
        if not free:
            continue
        evaluator = min(free, key=lambda e: load[e.pk])  # min keeps the first of equals
        made.append(EvaluatorAssignment.objects.create(application=application, evaluator=evaluator, assigned_by=by))
        load[evaluator.pk] += 1
    audit_record(
        actor=by,
        action="calls.assignment.spread",
        obj=call,
        after={
            "evaluators": [e.pk for e in chosen],
            "assignments": [[str(a.application_id), a.evaluator_id] for a in made],
        },
        request=request,
    )
    return made


@transaction.atomic
def conflict_declare(
    *,
    assignment: EvaluatorAssignment,
    has_conflict: bool,
    statement: str,
    by: Any,
    request: HttpRequest | None = None,
) -> EvaluatorAssignment:
    """The evaluator declares, once, whether they have a conflict of interest on the application;
    a conflict needs a statement and blocks them on it (staff then assign someone else)."""
    assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.evaluator_id != getattr(by, "pk", None) or assignment.declared_at is not None:
        raise ReviewError("has_conflict", ALREADY_DECLARED, code="already_declared")
    if not isinstance(has_conflict, bool):
        raise ReviewError(
            "has_conflict", _("Say whether you have a conflict of interest."), code="conflict_answer_needed"
        )
    text = (statement or "").strip() if isinstance(statement, str) else ""
    if has_conflict and not text:
        raise ReviewError("statement", STATEMENT_NEEDED, code="statement_needed")
    if len(text) > MAX_NOTE:
        raise ReviewError("statement", NOTE_TOO_LONG, code="note_too_long")
    fields = ["declared_at", "has_conflict", "statement"]
    before = snapshot(assignment, fields)
    assignment.declared_at = timezone.now()
    assignment.has_conflict = has_conflict
    assignment.statement = text
    assignment.save(update_fields=fields)
    audit_record(
        actor=by,
        action="calls.assignment.declare",
        obj=assignment.application,
        before=before,
        after=snapshot(assignment, fields),
        note=text,
        request=request,
    )
    return assignment
