"""What else may help someone the pre-check turned down: other open calls their answers do not
rule out, and the information points nearest to them (issue 13, point 9). Reads only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sinergie.calls import rules as R
from sinergie.calls.design import design_of
from sinergie.calls.models import Call, CallKind, CallState
from sinergie.calls.precheck import OTHER
from sinergie.directory.models import ServiceKind
from sinergie.directory.search.query import ServiceSearch
from sinergie.directory.search.results import ServiceHit, services_search
from sinergie.territory.models import Municipality
from sinergie.territory.selectors import municipality_get

MAX_CALLS = 5
MAX_INFO_POINTS = 3
INFO_POINT_RADIUS_KM = 30.0

# The answers each rule reads; a rule whose answers were not given (or were "another ...") may still hold.
_RULE_ANSWERS = {
    "territory": ("lives_in", "works_in"),
    "member_company": ("employer_id",),
    "children_age": ("children_ages",),
    "caregiver": ("caregiver",),
    "isee_ceiling": ("isee_cents",),
    "employment": ("employment_status",),
}


@dataclass
class PrecheckHelp:
    calls: list[Call] = field(default_factory=list)
    info_points: list[ServiceHit] = field(default_factory=list)
    place: Municipality | None = None  # where the information points were looked for


def _known(answers: dict[str, Any], key: str) -> bool:
    return key in answers and answers[key] not in (None, "", OTHER)


def rules_may_hold(rules: list[dict[str, Any]], answers: dict[str, Any]) -> bool:
    """False only when the answers given rule the person out; a rule about what was not asked (or
    answered "another municipality", "another employer") may hold.

    "Already a beneficiary" is an answer about one call, so another call's rule is never judged by it.
    """
    for rule in rules:
        keys = _RULE_ANSWERS.get(str(rule.get("kind")))
        if not keys or R.rules_check([rule], answers)[0].ok:
            continue
        if all(_known(answers, key) for key in keys):
            return False
    return True


def other_open_calls(call: Call, answers: dict[str, Any], *, now: datetime.datetime | None = None) -> list[Call]:
    """Open worker-voucher calls other than `call` that the answers do not rule out, closing soonest first."""
    now = now or timezone.now()
    candidates = (
        Call.objects.filter(
            state=CallState.PUBLISHED, kind=CallKind.WORKER_VOUCHERS, opens_at__lte=now, closes_at__gt=now
        )
        .exclude(pk=call.pk)
        .select_related("alliance__organization", "design")
        .order_by("closes_at", "pk")
    )
    found = []
    for candidate in candidates:
        if rules_may_hold(list(design_of(candidate).eligibility), answers):
            found.append(candidate)
            if len(found) == MAX_CALLS:
                break
    return found


def help_place(call: Call, answers: dict[str, Any]) -> Municipality | None:
    """Where to look for an information point: where the person lives, else works, else the call's alliance."""
    for key in ("lives_in", "works_in"):
        if _known(answers, key):
            place = municipality_get(istat_code=str(answers[key]))
            if place is not None:
                return place
    organization = call.alliance.organization
    if organization.municipality_id is not None:
        return organization.municipality
    return call.alliance.municipalities.order_by("name").first()


def nearest_info_points(place: Municipality | None) -> list[ServiceHit]:
    """The published information points nearest to `place` (within INFO_POINT_RADIUS_KM)."""
    if place is None:
        return []
    filters = ServiceSearch(municipality=place.istat_code, radius_km=INFO_POINT_RADIUS_KM, kind=ServiceKind.INFO_POINT)
    return services_search(filters=filters).results[:MAX_INFO_POINTS]


def precheck_help(call: Call, answers: dict[str, Any]) -> PrecheckHelp:
    place = help_place(call, answers)
    return PrecheckHelp(calls=other_open_calls(call, answers), info_points=nearest_info_points(place), place=place)
