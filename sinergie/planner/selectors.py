"""Reads for the closure-gap planner: the family's municipality, its calendars and the services that cover each gap.

Query budget: `plan_compute` runs one query per (school year, level) for the local closures,
and `covering_services` four whatever the number of periods and services (the candidate
sites, their closure availability, the services, their cost options).
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    ModerationState,
    Service,
    ServiceAtLocation,
    ServiceKind,
)
from sinergie.lib.geo import bounding_box, haversine_km
from sinergie.lib.school_calendar import SchoolYear
from sinergie.lib.text import fold
from sinergie.planner.gaps import Carer, Child, GapPeriod, GapPlan, find_gaps, lessons_start, plan_ahead
from sinergie.schoolcalendar.selectors import school_year_for
from sinergie.territory.models import Municipality

LOMBARDY = "03"
DEFAULT_RADIUS_KM = 10
RADIUS_CHOICES = (5, 10, 20, 30)
# How many services a period card lists: the nearest, best-covering ones; the rest are counted.
SERVICES_PER_PERIOD = 8

_PROVINCE_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


def municipality_choices() -> list[tuple[str, str]]:
    """Lombardy's municipalities as (label "Name (PR)", ISTAT code), for the form's datalist."""
    rows = (
        Municipality.objects.filter(region__istat_code=LOMBARDY)
        .order_by("search_name", "istat_code")
        .values_list("name", "province__abbreviation", "istat_code")
    )
    return [(f"{name} ({province})", code) for name, province, code in rows]


def municipality_find(text: str) -> list[Municipality]:
    """The municipalities `text` may mean: an ISTAT code, "Name (PR)" or a name (accents and case ignored).

    Several results mean the name is ambiguous (e.g. the same name in two provinces).
    """
    value = text.strip()
    queryset = Municipality.objects.select_related("province", "region")
    if value.isdigit():
        return list(queryset.filter(istat_code=value.zfill(6))) if len(value) <= 6 else []
    match = _PROVINCE_SUFFIX.match(value)
    if match:
        queryset = queryset.filter(province__abbreviation=match["province"].upper())
        value = match["name"]
    folded = fold(value)
    if not folded:
        return []
    return list(queryset.filter(search_name=folded).order_by("istat_code")[:5])


def calendar_source(municipality: Municipality) -> Callable[[int, str], SchoolYear]:
    """`calendar_for(year, level)` for `find_gaps`, computing each school year of the municipality once."""
    cache: dict[tuple[int, str], SchoolYear] = {}

    def calendar_for(year: int, level: str) -> SchoolYear:
        key = (year, level)
        if key not in cache:
            cache[key] = school_year_for(municipality, year, level)
        return cache[key]

    return calendar_for


def plan_compute(
    *,
    municipality: Municipality,
    year: int,
    children: Sequence[Child],
    carers: Sequence[Carer],
    today: datetime.date,
) -> GapPlan:
    """The gap days of school year `year` from its first day of lessons and from `today` on
    (`gaps.plan_ahead`): what the page counts, lists services for and exports."""
    calendar_for = calendar_source(municipality)
    plan = find_gaps(year=year, children=children, carers=carers, calendar_for=calendar_for)
    return plan_ahead(plan, school_start=lessons_start(year, children, calendar_for), today=today)


@dataclass
class Cover:
    """One service that looks after some of the family's children during some days of a period."""

    service: Service
    distance_km: float
    location_name: str
    location_municipality: str
    covered_days: int
    total_days: int
    children: list[int]
    price_cents: int | None
    price_unit: str  # CostUnit value, "" when no price is known
    # Extension point: the alliance's voucher value is not modelled yet (calls and vouchers come
    # later). When it is, fill this in from the family's voucher; the page then shows the price
    # after the voucher instead of "ask your alliance".
    price_after_voucher_cents: int | None = None

    @property
    def full(self) -> bool:
        return self.covered_days == self.total_days


@dataclass
class PeriodCover:
    period: GapPeriod
    services: list[Cover] = field(default_factory=list)
    more: int = 0  # services that fit but are not listed


def _age_overlaps(children: Sequence[Child]) -> Q:
    condition = Q(pk__in=[])
    for child in children:
        low, high = child.age_months
        condition |= (Q(service__minimum_age_months__isnull=True) | Q(service__minimum_age_months__lte=high)) & (
            Q(service__maximum_age_months__isnull=True) | Q(service__maximum_age_months__gte=low)
        )
    return condition


def _fits(child: Child, minimum: int | None, maximum: int | None) -> bool:
    low, high = child.age_months
    return (minimum is None or minimum <= high) and (maximum is None or maximum >= low)


def covering_services(
    *,
    municipality: Municipality,
    plan: GapPlan,
    children: Sequence[Child],
    radius_km: float = DEFAULT_RADIUS_KM,
    limit: int = SERVICES_PER_PERIOD,
) -> list[PeriodCover]:
    """For each gap period, the published services that run during it near the municipality.

    A service fits when it is a published conciliation service (not an information point),
    its age range overlaps a child's who is out of school in the period, it has a location
    within `radius_km` of the municipality's point, and one of its closure-availability ranges
    overlaps the period. It covers the period's gap days on which a child it fits is out of
    school and one of its ranges includes the day ("covers X of Y days"). Sorted by days
    covered (most first), then distance. Without periods or without a point: no services.
    """
    covers = [PeriodCover(period) for period in plan.periods]
    if not plan.periods or municipality.latitude is None or municipality.longitude is None:
        return covers
    centre = (municipality.latitude, municipality.longitude)
    box = bounding_box(*centre, radius_km)
    first, last = plan.periods[0].start, plan.periods[-1].end
    running = ClosureAvailability.objects.filter(start__lte=last, end__gte=first).values("service_id")

    sites = ServiceAtLocation.objects.filter(
        _age_overlaps(children),
        service__state=ModerationState.PUBLISHED,
        service__kind=ServiceKind.SERVICE,
        service__in=running,
        location__latitude__range=(box.min_lat, box.max_lat),
        location__longitude__range=(box.min_lon, box.max_lon),
    ).values_list(
        "service_id",
        "location__latitude",
        "location__longitude",
        "location__name",
        "location__municipality__name",
        "service__minimum_age_months",
        "service__maximum_age_months",
    )
    nearest: dict[uuid.UUID, tuple[float, str, str, int | None, int | None]] = {}
    for service_id, lat, lon, location_name, town, minimum, maximum in sites:
        distance = haversine_km(*centre, lat, lon)
        if distance <= radius_km and (service_id not in nearest or distance < nearest[service_id][0]):
            nearest[service_id] = (distance, location_name, town, minimum, maximum)
    if not nearest:
        return covers

    ranges: dict[uuid.UUID, list[tuple[datetime.date, datetime.date]]] = {}
    for service_id, start, end in ClosureAvailability.objects.filter(
        service_id__in=list(nearest), start__lte=last, end__gte=first
    ).values_list("service_id", "start", "end"):
        ranges.setdefault(service_id, []).append((start, end))

    chosen: list[tuple[PeriodCover, list[tuple[int, float, uuid.UUID, list[int], int]]]] = []
    for cover in covers:
        period = cover.period
        candidates = []
        for service_id, (distance, _location, _town, minimum, maximum) in nearest.items():
            service_ranges = [r for r in ranges.get(service_id, []) if r[0] <= period.end and r[1] >= period.start]
            if not service_ranges:
                continue
            fitting = [c.number for c in children if c.number in period.child_days and _fits(c, minimum, maximum)]
            if not fitting:
                continue
            days = set().union(*(period.child_days[number] for number in fitting))
            covered = sum(1 for day in days if any(start <= day <= end for start, end in service_ranges))
            if covered:
                candidates.append((-covered, distance, service_id, fitting, len(days)))
        candidates.sort(key=lambda c: (c[0], c[1], str(c[2])))
        cover.more = max(0, len(candidates) - limit)
        chosen.append((cover, candidates[:limit]))

    wanted = {candidate[2] for _, candidates in chosen for candidate in candidates}
    services = {service.pk: service for service in _services(wanted)} if wanted else {}
    for cover, candidates in chosen:
        for minus_covered, distance, service_id, fitting, total in candidates:
            service = services[service_id]
            priced = [cost for cost in service.costs.all() if cost.amount_cents is not None]
            cheapest = priced[0] if priced else None
            _, location_name, town, _, _ = nearest[service_id]
            cover.services.append(
                Cover(
                    service=service,
                    distance_km=round(distance, 1),
                    location_name=location_name,
                    location_municipality=town,
                    covered_days=-minus_covered,
                    total_days=total,
                    children=fitting,
                    price_cents=cheapest.amount_cents if cheapest else None,
                    price_unit=cheapest.unit if cheapest else "",
                )
            )
    return covers


def _services(pks: set[uuid.UUID]) -> QuerySet[Service]:
    return Service.objects.filter(pk__in=pks).prefetch_related(
        Prefetch("costs", queryset=CostOption.objects.order_by("amount_cents", "id"))
    )
