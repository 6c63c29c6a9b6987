"""Companies' conciliation plans: measures from the catalogue with target, owner, dates, cost,
status and evidence, and their progress over time. Every change is checked whole (nothing
half-saved) and audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.companies.measures import AREAS, BY_CODE
from sinergie.companies.models import ConciliationPlan, MeasureStatus, MeasureUpdate, PlanMeasure
from sinergie.organizations.models import Organization, OrganizationKind

MAX_COST_CENTS = 100_000_000_00  # 100 million euro: above it, a typo
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)

UNKNOWN_MEASURE = _("Choose a measure of the catalogue.")
REQUIRED = _("This field is required.")
END_BEFORE_START = _("The end comes before the start.")
DATE_RANGE = _("Give a date between 2000 and 2100.")
BAD_COST = _("Give a cost from 0 to 100 million euro.")
BAD_PROGRESS = _("Give the progress as a whole percentage from 0 to 100.")
DONE_NEEDS_EVIDENCE = _("Say what shows the measure is done (the evidence).")
NOT_A_COMPANY = _("Only a company has a conciliation plan.")
IN_THE_FUTURE = _("Progress is recorded for today or an earlier day.")


class PlanError(ValidationError):
    """Refused changes to a conciliation plan, as errors by field."""

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        super().__init__({field: [ValidationError(m) for m in messages] for field, messages in errors.items()})


@dataclass
class MeasureData:
    """A plan measure as the form gives it, before it is checked."""

    measure: str
    target: str
    owner: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    cost_cents: int = 0
    need: str = ""


def plan_of(company: Organization) -> ConciliationPlan:
    """The company's conciliation plan, created empty the first time; PlanError for an organization
    that is not a company."""
    if company.kind != OrganizationKind.COMPANY:
        raise PlanError({"company": [NOT_A_COMPANY]})
    plan, _created = ConciliationPlan.objects.get_or_create(company=company)
    return plan


def measure_errors(data: MeasureData) -> dict[str, list[Any]]:
    """What is wrong with a measure, by field (empty when nothing): a catalogue code, a target and an
    owner, dates in range with the end not before the start, a cost within the limit."""
    errors: dict[str, list[Any]] = {}

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(message)

    if data.measure not in BY_CODE:
        add("measure", UNKNOWN_MEASURE)
    if not (data.target or "").strip():
        add("target", REQUIRED)
    if not (data.owner or "").strip():
        add("owner", REQUIRED)
    for field in ("starts_on", "ends_on"):
        value = getattr(data, field)
        if value is None:
            add(field, REQUIRED)
        elif not EARLIEST <= value <= LATEST:
            add(field, DATE_RANGE)
    if not errors.get("starts_on") and not errors.get("ends_on") and data.ends_on < data.starts_on:
        add("ends_on", END_BEFORE_START)
    cost = data.cost_cents
    if not isinstance(cost, int) or isinstance(cost, bool) or not 0 <= cost <= MAX_COST_CENTS:
        add("cost_cents", BAD_COST)
    return errors


def _state(measure: PlanMeasure) -> dict[str, Any]:
    return {
        "measure": measure.measure,
        "target": measure.target,
        "owner": measure.owner,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "cost_cents": measure.cost_cents,
        "status": measure.status,
        "progress": measure.progress,
        "need": measure.need,
    }


@transaction.atomic
def measure_add(
    *, company: Organization, data: MeasureData, by: Any, request: HttpRequest | None = None
) -> PlanMeasure:
    """Adds a measure to the company's plan (creating the plan); PlanError when `measure_errors`
    finds any. Writes an audit record."""
    errors = measure_errors(data)
    if errors:
        raise PlanError(errors)
    plan = plan_of(company)
    measure = PlanMeasure.objects.create(
        plan=plan,
        measure=data.measure,
        target=data.target.strip(),
        owner=data.owner.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        cost_cents=data.cost_cents,
        need=(data.need or "").strip()[:300],
    )
    audit_record(actor=by, action="companies.measure_add", obj=measure, after=_state(measure), request=request)
    return measure


@transaction.atomic
def measure_change(
    *, measure: PlanMeasure, data: MeasureData, by: Any, request: HttpRequest | None = None
) -> PlanMeasure:
    """Changes a measure's details (not its progress); PlanError when `measure_errors` finds any.
    Writes an audit record."""
    errors = measure_errors(data)
    if errors:
        raise PlanError(errors)
    measure = PlanMeasure.objects.select_for_update().get(pk=measure.pk)
    before = _state(measure)
    measure.measure = data.measure
    measure.target = data.target.strip()
    measure.owner = data.owner.strip()
    measure.starts_on, measure.ends_on = data.starts_on, data.ends_on
    measure.cost_cents = data.cost_cents
    measure.need = (data.need or "").strip()[:300]
    measure.save()
    audit_record(
        actor=by, action="companies.measure_change", obj=measure, before=before, after=_state(measure), request=request
    )
    return measure


@transaction.atomic
def progress_record(
    *,
    measure: PlanMeasure,
    on: datetime.date | None,
    status: str,
    progress: Any,
    note: str,
    evidence: str,
    by: Any,
    request: HttpRequest | None = None,
) -> MeasureUpdate:
    """One step of progress: kept in the measure's history and copied onto the measure."""
    errors: dict[str, list[Any]] = {}
    today = timezone.localdate()
    if on is None:
        errors["on"] = [REQUIRED]
    elif on > today or on < EARLIEST:
        errors["on"] = [IN_THE_FUTURE if on > today else DATE_RANGE]
    if status not in MeasureStatus.values:
        errors["status"] = [REQUIRED]
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        errors["progress"] = [BAD_PROGRESS]
    evidence = (evidence or "").strip()
    measure = PlanMeasure.objects.select_for_update().get(pk=measure.pk)
    if status == MeasureStatus.DONE and not (evidence or measure.evidence):
        errors["evidence"] = [DONE_NEEDS_EVIDENCE]
    if errors:
        raise PlanError(errors)
    if status == MeasureStatus.DONE:
        progress = 100
    before = _state(measure)
    update = MeasureUpdate.objects.create(
        measure=measure, on=on, status=status, progress=progress, note=(note or "").strip()[:2000], recorded_by=by
    )
    measure.status, measure.progress = status, progress
    if evidence:
        measure.evidence = evidence[:4000]
    measure.save(update_fields=["status", "progress", "evidence", "updated_at"])
    audit_record(
        actor=by,
        action="companies.measure_progress",
        obj=measure,
        before=before,
        after=_state(measure),
        request=request,
    )
    return update


@transaction.atomic
def goals_save(*, company: Organization, goals: str, by: Any, request: HttpRequest | None = None) -> ConciliationPlan:
    """Saves the plan's goals (creating the plan); writes an audit record when they changed."""
    plan = plan_of(company)
    before = plan.goals
    plan.goals = (goals or "").strip()[:4000]
    plan.save(update_fields=["goals", "updated_at"])
    if plan.goals != before:
        audit_record(actor=by, action="companies.plan_goals", obj=plan, after={"goals_length": len(plan.goals)})
    return plan


@dataclass(frozen=True)
class PlanSummary:
    """Counts, cost and average progress of a plan's measures, for its page and PDF."""

    measures: int
    active: int  # planned or in progress
    done: int
    cost_cents: int
    progress: int  # the measures' average, dropped ones left out
    by_area: list[tuple[str, int]]


def plan_summary(plan: ConciliationPlan | None) -> PlanSummary:
    """The plan's summary (zeros for no plan); dropped measures count in `measures` only."""
    measures = list(plan.measures.all()) if plan is not None else []
    counted = [m for m in measures if m.status != MeasureStatus.DROPPED]
    by_area: dict[str, int] = {}
    for m in counted:
        area = BY_CODE[m.measure].area if m.measure in BY_CODE else ""
        by_area[area] = by_area.get(area, 0) + 1
    return PlanSummary(
        measures=len(measures),
        active=sum(m.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS) for m in measures),
        done=sum(m.status == MeasureStatus.DONE for m in measures),
        cost_cents=sum(m.cost_cents for m in counted),
        progress=round(sum(m.progress for m in counted) / len(counted)) if counted else 0,
        by_area=[(str(AREAS[a]), n) for a, n in by_area.items() if a in AREAS],
    )
