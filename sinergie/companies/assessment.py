"""The organisational self-assessment: a company answers the model questionnaire and gets a
maturity score per area, compared with similar companies, with measures to consider.

The questionnaire is fixed in code (stable codes, translated texts): scores stay comparable
between companies and over time. Each answer is a level from 0 (nothing) to 3 (formal and for
everyone); an area's score is its levels' share of the maximum, in percent.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.companies.measures import AREAS, CATALOGUE, Area, Measure
from sinergie.companies.models import CompanyProfile, SelfAssessment
from sinergie.organizations.models import Organization

PEERS_MINIMUM = 5  # fewer similar companies than this, and no comparison is shown (nobody is singled out)
WEAK = 50  # an area scoring below this gets recommendations

LEVELS: list[tuple[int, Promise]] = [
    (0, _("No")),
    (1, _("Informally, case by case")),
    (2, _("Yes, formally, for some workers")),
    (3, _("Yes, formally, for all workers")),
]


@dataclass(frozen=True)
class Question:
    """One question of the self-assessment, in one area."""

    code: str
    area: str
    text: Promise


QUESTIONS: tuple[Question, ...] = (
    Question("time_flexible_entry", Area.TIME, _("Can workers choose when to start and finish within a time band?")),
    Question("time_hour_bank", Area.TIME, _("Can extra hours be saved and taken later as time off?")),
    Question(
        "time_part_time", Area.TIME, _("Is part-time granted for care needs, with the right to return full time?")
    ),
    Question("time_shifts", Area.TIME, _("Are shifts planned with workers' care needs in mind, and known in advance?")),
    Question("smart_policy", Area.SMART, _("Is there a written smart-working policy?")),
    Question("smart_equipment", Area.SMART, _("Do workers who work remotely have the equipment they need?")),
    Question("smart_disconnect", Area.SMART, _("Is the right to disconnect respected and written down?")),
    Question("leave_info", Area.LEAVE, _("Are workers told about parental leave and how to take it, fathers too?")),
    Question("leave_hourly", Area.LEAVE, _("Can parental leave be taken by the hour?")),
    Question(
        "leave_contact", Area.LEAVE, _("Does the company keep in touch during maternity leave, if the worker wishes?")
    ),
    Question("leave_return", Area.LEAVE, _("Is there a planned return after maternity (training, gradual hours)?")),
    Question("welfare_plan", Area.WELFARE, _("Is there a company welfare plan with services for families?")),
    Question(
        "welfare_childcare", Area.WELFARE, _("Does the company help with childcare (nursery places, holiday camps)?")
    ),
    Question("welfare_time_saving", Area.WELFARE, _("Are there time-saving services at the workplace?")),
    Question(
        "care_elderly",
        Area.CARE,
        _("Are workers caring for an elderly or disabled person supported (flexibility, leave)?"),
    ),
    Question("care_info", Area.CARE, _("Are workers told about their rights as caregivers (e.g. Law 104 leave)?")),
    Question("culture_managers", Area.CULTURE, _("Are managers trained to handle requests for conciliation fairly?")),
    Question("culture_communication", Area.CULTURE, _("Are the conciliation measures communicated to all workers?")),
    Question("culture_listening", Area.CULTURE, _("Does the company ask its workers what they need (e.g. a survey)?")),
    Question("culture_data", Area.CULTURE, _("Does the company monitor who uses the measures, by gender?")),
)

BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}
MAX_LEVEL = max(level for level, _label in LEVELS)


class AssessmentError(ValueError):
    """Refused answers to the self-assessment, as a message by question code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def area_scores(answers: dict[str, int]) -> dict[str, int]:
    """Each area's levels as a percentage of the most it could score."""
    scores = {}
    for area in AREAS:
        levels = [answers[q.code] for q in QUESTIONS if q.area == area]
        scores[area] = round(100 * sum(levels) / (MAX_LEVEL * len(levels))) if levels else 0
    return scores


def answers_check(raw: dict[str, Any]) -> dict[str, int]:
    """Every question answered with a known level; AssessmentError naming the questions otherwise."""
    answers, errors = {}, {}
    valid = {level for level, _label in LEVELS}
    for question in QUESTIONS:
        value = raw.get(question.code)
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = None
        if level not in valid:
            errors[question.code] = str(_("Choose one answer."))
        else:
            answers[question.code] = level
    if errors:
        raise AssessmentError(errors)
    return answers


@transaction.atomic
def assessment_submit(
    *, company: Organization, raw: dict[str, Any], by: Any, request: HttpRequest | None = None
) -> SelfAssessment:
    """A completed self-assessment (the earlier ones stay, to see the progress)."""
    answers = answers_check(raw)
    scores = area_scores(answers)
    assessment = SelfAssessment.objects.create(company=company, answers=answers, scores=scores, completed_by=by)
    audit_record(
        actor=by, action="companies.self_assessment", obj=assessment, after={"scores": scores}, request=request
    )
    return assessment


def latest(company: Organization) -> SelfAssessment | None:
    """The company's latest self-assessment, None if it has none."""
    return SelfAssessment.objects.filter(company=company).order_by("-completed_at", "-pk").first()


@dataclass(frozen=True)
class Peers:
    """How the company's scores compare with similar companies' (when there are enough of them)."""

    basis: str  # "size" or "sector"
    count: int
    medians: dict[str, int]


def peers(company: Organization) -> Peers | None:
    """The median score per area of similar companies' latest self-assessments — same size band,
    else same ATECO section — when at least PEERS_MINIMUM others exist; None otherwise."""
    profile = CompanyProfile.objects.filter(organization=company).first()
    if profile is None:
        return None
    newest = SelfAssessment.objects.filter(company=OuterRef("company")).order_by("-completed_at", "-pk")
    latest_ids = SelfAssessment.objects.exclude(company=company).filter(pk=Subquery(newest.values("pk")[:1]))
    for basis, lookup in (("size", "size_band"), ("sector", "ateco_section")):
        value = getattr(profile, lookup)
        if not value:
            continue
        rows = list(
            latest_ids.filter(**{f"company__company_profile__{lookup}": value}).values_list("scores", flat=True)
        )
        if len(rows) >= PEERS_MINIMUM:
            medians = {area: round(statistics.median(row.get(area, 0) for row in rows)) for area in AREAS}
            return Peers(basis, len(rows), medians)
    return None


def recommendations(scores: dict[str, int], planned: set[str]) -> list[tuple[str, list[Measure]]]:
    """For each weak area, weakest first, the catalogue's measures not yet in the plan."""
    weak = sorted((score, area) for area, score in scores.items() if score < WEAK)
    found = []
    for _score, area in weak:
        measures = [m for m in CATALOGUE if m.area == area and m.code not in planned]
        if measures:
            found.append((area, measures))
    return found
