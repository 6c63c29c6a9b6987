"""Reads for the evaluation pages: a call's sent applications with their evaluation and live
evaluator, the alliance's evaluators, a ranking's rows, and the answers as label and value."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinergie.accounts.models import User
from sinergie.calls import rules as R
from sinergie.calls.grants.services import MEASURE_LABELS, PLAN_KEY
from sinergie.calls.models import Application, ApplicationState, Call, EvaluatorAssignment, Ranking, RankingRow
from sinergie.calls.precheck import OTHER
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
    "codice_fiscale": _("Codice fiscale"),
    "lives_in": _("Municipality of residence"),
    "works_in": _("Municipality of work"),
    "employer_id": _("Employer"),
    "children_ages": _("Children's ages"),
    "caregiver": _("Cares for an elderly or disabled person"),
    "isee_cents": _("ISEE"),
    "employment_status": _("Employment status"),
    "already_beneficiary": _("Already a beneficiary of this call"),
    "single_parent": _("Single parent"),
    "household_disability": _("A person with a disability in the household"),
    "returning_from_maternity": _("Returning to work after maternity leave"),
    "shift_work": _("Night or shift work"),
    "gender": _("Gender"),
    PLAN_KEY: _("Company plan"),
}
# The stored value "other" of a place or an employer: none of the call's list.
OTHER_ANSWERS = {
    "lives_in": _("another municipality"),
    "works_in": _("another municipality"),
    "employer_id": _("another employer"),
}
GENDER_ANSWERS = {"f": _("woman"), "m": _("man"), "x": _("other or not stated")}
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


@dataclass(frozen=True)
class AnswerBlock:
    """An answer made of several parts (a company's plan): (label, text) rows, then a list of items."""

    rows: list[tuple[str, str]]
    items_label: str = ""
    items: list[str] = field(default_factory=list)


def _day(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value or "—")


def _cents(value: Any) -> str:
    return euro(value) if type(value) is int else "—"


def plan_for_display(plan: Any) -> AnswerBlock:
    """A company's incentive plan (incentives.plan_clean's shape) in words: its VAT number,
    employees, each measure by name with cost, dates and workers, the amounts and the timeline."""
    found = plan if isinstance(plan, dict) else {}
    rows = [
        (str(_("VAT number")), str(found.get("vat_number") or "—")),
        (str(_("Employees")), str(found.get("employees") if found.get("employees") is not None else "—")),
        (str(_("Total expected cost")), _cents(found.get("total_cost_cents"))),
        (str(_("Amount requested")), _cents(found.get("requested_cents"))),
        (str(_("Timeline of the plan")), str(found.get("timeline") or "—")),
    ]
    items = []
    for measure in found.get("measures") or []:
        if not isinstance(measure, dict):
            continue
        name = str(MEASURE_LABELS.get(str(measure.get("code")), _("Other measure")))
        if measure.get("other"):
            name = f"{name}: {measure['other']}"
        workers = measure.get("workers")
        reached = ngettext("%(n)s worker", "%(n)s workers", workers) % {"n": workers} if type(workers) is int else "—"
        items.append(
            _("%(measure)s: %(cost)s, from %(start)s to %(end)s, %(workers)s")
            % {
                "measure": name,
                "cost": _cents(measure.get("cost_cents")),
                "start": _day(measure.get("start")),
                "end": _day(measure.get("end")),
                "workers": reached,
            }
        )
    return AnswerBlock(rows=rows, items_label=str(_("Measures")), items=items)


def answers_for_display(answers: Any) -> list[tuple[str, str | AnswerBlock]]:
    """What the applicant declared, as (question, answer) in a stable order, in words: each known key
    has its label and each stored choice its name; an unknown key still shows, as it is."""
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
        text: str | AnswerBlock
        if key == PLAN_KEY:
            text = plan_for_display(value)
        elif key in OTHER_ANSWERS and value == OTHER:
            text = str(OTHER_ANSWERS[key])
        elif key in ("lives_in", "works_in") and value in places:
            text = f"{places[value]} ({value})"
        elif key == "employer_id" and value in employers:
            text = employers[value]
        elif key == "isee_cents" and isinstance(value, int) and not isinstance(value, bool):
            text = euro(value)
        elif isinstance(value, bool):
            text = str(_("yes") if value else _("no"))
        elif key == "employment_status" and value in R.EMPLOYMENT_STATUSES:
            text = str(R.EMPLOYMENT_STATUSES[value])
        elif key == "gender" and value in GENDER_ANSWERS:
            text = str(GENDER_ANSWERS[value])
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = "" if value is None else str(value)
        shown.append((str(ANSWER_LABELS.get(key) or key), text))
    return shown
