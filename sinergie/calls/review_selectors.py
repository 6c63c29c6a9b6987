"""Reads for the evaluation pages: a call's sent applications with their evaluation and live
evaluator, the alliance's evaluators, a ranking's rows, and the answers as label and value."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sinergie.accounts.models import User
from sinergie.calls import rules as R
from sinergie.calls.models import Application, ApplicationState, Call, EvaluatorAssignment, Ranking, RankingRow
from sinergie.calls.services import euro
from sinergie.organizations.models import Organization, Role
from sinergie.territory.models import Municipality

# Filters of the staff's list: (query value, queryset filter).
ADMISSIBILITY_FILTERS = {
    "da-verificare": {"evaluation__admissible__isnull": True},
    "ammissibile": {"evaluation__admissible": True},
    "non-ammissibile": {"evaluation__admissible": False},
}
ANSWER_LABELS = {
    "lives_in": _("Municipality of residence"),
    "works_in": _("Municipality of work"),
    "employer_id": _("Employer"),
    "children_ages": _("Children's ages"),
    "caregiver": _("Cares for an elderly or disabled person"),
    "isee_cents": _("ISEE"),
    "employment_status": _("Employment status"),
    "already_beneficiary": _("Already a beneficiary of this call"),
}
ASSIGNMENT_FILTERS = ("senza-valutatore", "da-dichiarare", "conflitto", "in-valutazione")


def applications_for_evaluation(call: Call, *, admissibility: str = "", assignment: str = "") -> QuerySet[Application]:
    """The call's sent applications in protocol order, with evaluation, applicant and assignments."""
    queryset = (
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED)
        .select_related("applicant", "evaluation", "call")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=EvaluatorAssignment.objects.select_related("evaluator").order_by("assigned_at", "pk"),
            )
        )
        .annotate(
            total_points=Coalesce(F("evaluation__automatic_points"), Value(0))
            + Coalesce(F("evaluation__manual_points"), Value(0))
        )
        .order_by("protocol_year", "protocol_sequence")
    )
    if admissibility in ADMISSIBILITY_FILTERS:
        queryset = queryset.filter(**ADMISSIBILITY_FILTERS[admissibility])
    if assignment == "senza-valutatore":
        queryset = queryset.exclude(assignments__has_conflict=False)
    elif assignment == "da-dichiarare":
        queryset = queryset.filter(assignments__has_conflict=False, assignments__declared_at__isnull=True)
    elif assignment == "conflitto":
        queryset = queryset.filter(assignments__has_conflict=True).distinct()
    elif assignment == "in-valutazione":
        queryset = queryset.filter(assignments__has_conflict=False, assignments__declared_at__isnull=False)
    return queryset


def live_assignment(application: Application) -> EvaluatorAssignment | None:
    """The application's live (not conflicted) assignment, from the prefetched ones."""
    return next((a for a in application.assignments.all() if not a.has_conflict), None)


def conflicts_of(application: Application) -> list[EvaluatorAssignment]:
    return [a for a in application.assignments.all() if a.has_conflict]


def evaluators_of(call: Call) -> QuerySet[User]:
    """The active evaluators of the call's alliance, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=call.alliance.organization_id,
            memberships__role=Role.EVALUATOR,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def assignments_of_evaluator(assignments: QuerySet[EvaluatorAssignment]) -> QuerySet[EvaluatorAssignment]:
    return assignments.select_related("application__call", "application__evaluation").order_by(
        "application__call_id", "application__protocol_year", "application__protocol_sequence"
    )


def ranking_rows(ranking: Ranking) -> QuerySet[RankingRow]:
    return ranking.rows.select_related("application__applicant").order_by("position")


def rankings_of(call: Call) -> QuerySet[Ranking]:
    return Ranking.objects.filter(call=call).select_related("computed_by").order_by("-version")


def ranking_is_correction(ranking: Ranking) -> bool:
    """A version published after an earlier one: a correction (its reason says why)."""
    return Ranking.objects.filter(
        call_id=ranking.call_id, version__lt=ranking.version, published_at__isnull=False
    ).exists() or bool(ranking.reason)


def answers_for_display(answers: Any) -> list[tuple[str, str]]:
    """What the applicant declared, as (question, answer) in a stable order; unknown keys as they are."""
    found = answers if isinstance(answers, dict) else {}
    places = {
        m.istat_code: m.name
        for m in Municipality.objects.filter(
            istat_code__in=[v for k, v in found.items() if k in ("lives_in", "works_in") and isinstance(v, str)]
        )
    }
    employer = found.get("employer_id")
    employers = (
        dict(Organization.objects.filter(pk=employer).values_list("pk", "name"))
        if isinstance(employer, int) and not isinstance(employer, bool) and 0 < employer < 2**63
        else {}
    )
    shown = []
    for key in sorted(found):
        value = found[key]
        if key in ("lives_in", "works_in") and value in places:
            text = f"{places[value]} ({value})"
        elif key == "employer_id" and value in employers:
            text = employers[value]
        elif key == "isee_cents" and isinstance(value, int) and not isinstance(value, bool):
            text = euro(value)
        elif isinstance(value, bool):
            text = str(_("yes") if value else _("no"))
        elif key == "employment_status" and value in R.EMPLOYMENT_STATUSES:
            text = str(R.EMPLOYMENT_STATUSES[value])
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = "" if value is None else str(value)
        shown.append((str(ANSWER_LABELS.get(key) or R.YES_NO_CRITERIA.get(key) or key), text))
    return shown
