"""When directory services run: school closure periods and the days a service is open.

`period_dates` gives the dates of a named school closure ("natale-2026") by a municipality's
calendar; `runs_on_condition` and `open_at_condition` are the database filters for "runs on
this day" and "open at this moment" (the search uses them; sinergie.directory.opening applies
the same rules in Python); `next_available` and `next_available_many` find the first day a
service runs. The search itself (query parsing, filters, ordering, the page of results) lives
in the sinergie.directory.search package.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sinergie.directory.models import ClosureAvailability, Schedule, ScheduleException, Service, Weekday
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN, Level, Rite, SchoolYear, school_year
from sinergie.schoolcalendar.selectors import school_year_for
from sinergie.territory.models import Municipality

ROME = zoneinfo.ZoneInfo("Europe/Rome")
# How far ahead next_available looks for a service that only has weekly opening hours.
HORIZON_DAYS = 400

# Period slugs, Italian and English, to the kinds of lib.school_calendar (plus summer and September).
PERIOD_WORDS = {
    "natale": "christmas",
    "christmas": "christmas",
    "carnevale": "carnival",
    "carnival": "carnival",
    "pasqua": "easter",
    "easter": "easter",
    "estate": "summer",
    "summer": "summer",
    "settembre": "september",
    "september": "september",
}
_PERIOD_SLUG = re.compile(r"^([a-z]+)-(\d{4})$")
# Which school year a period of calendar year Y belongs to: Christmas and September open it (Y),
# the others fall in the spring or summer that closes the school year Y-1 (summer: after it).
_PERIOD_SCHOOL_YEAR_OFFSET = {"christmas": 0, "september": 0, "carnival": -1, "easter": -1, "summer": -1}
_WEEKDAYS: list[str] = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU]


@dataclass(frozen=True)
class Period:
    """The dates of a school closure, both included; `kind` as in lib.school_calendar, or summer or september."""

    kind: str
    start: datetime.date
    end: datetime.date


# --- Periods ------------------------------------------------------------------------------------


def period_parse(slug: str) -> tuple[str, int] | None:
    """("christmas", school year) for "natale-2026"; None for an unknown word or a year out of range."""
    match = _PERIOD_SLUG.match(slug.strip().lower())
    if match is None or match.group(1) not in PERIOD_WORDS:
        return None
    kind = PERIOD_WORDS[match.group(1)]
    year = int(match.group(2)) + _PERIOD_SCHOOL_YEAR_OFFSET[kind]
    # Summer needs the next school year too (it ends the day before lessons start again).
    if not YEAR_MIN <= year <= year + (1 if kind == "summer" else 0) <= YEAR_MAX:
        return None
    return kind, year


def period_dates(slug: str, municipality: Municipality | None = None, *, level: Level | str = Level.PRIMARIA) -> Period:
    """The dates of a named school closure (inclusive), by the municipality's calendar.

    Without a municipality: the regional rules with the Roman rite and no patron holiday.
    Summer runs from the day after the last lesson to the day before the next school year;
    September from the 1st to the day before lessons start. Raises ValueError for a bad slug.
    """
    parsed = period_parse(slug)
    if parsed is None:
        raise ValueError(f"Unknown period {slug!r}.")
    kind, year = parsed

    def calendar(of_year: int) -> SchoolYear:
        if municipality is not None:
            return school_year_for(municipality, of_year, level)
        return school_year(of_year, level, Rite.ROMAN)

    this_year = calendar(year)
    if kind == "summer":
        return Period(
            kind, this_year.end + datetime.timedelta(days=1), calendar(year + 1).start - datetime.timedelta(days=1)
        )
    if kind == "september":
        return Period(kind, datetime.date(year, 9, 1), this_year.start - datetime.timedelta(days=1))
    closure = next(p for p in this_year.closures if p.kind == kind)
    return Period(kind, closure.start, closure.end)


def level_for_ages(ages: int | Sequence[int] | None) -> Level:
    """The school calendar of a period: the infanzia one when every child is 3 to 5."""
    every: list[int] = [] if ages is None else [ages] if isinstance(ages, int) else list(ages)
    return Level.INFANZIA if every and all(3 <= age <= 5 for age in every) else Level.PRIMARIA


# --- Dates --------------------------------------------------------------------------------------


def _weekday(day: datetime.date) -> str:
    return str(_WEEKDAYS[day.weekday()])


def _valid_on(day: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def _schedule_services(schedules: QuerySet[Schedule], field: str = "pk") -> Q:
    """Services owning one of `schedules` directly or through one of their locations (`field`
    names the service's id in the filtered model)."""
    own = schedules.filter(service__isnull=False).values("service_id")
    sites = schedules.filter(service_at_location__isnull=False).values("service_at_location__service_id")
    return Q(**{f"{field}__in": own}) | Q(**{f"{field}__in": sites})


def runs_on_condition(day: datetime.date, field: str = "pk") -> Q:
    """Services running on `day`: inside one of their closure availability ranges, or, for
    services without any, on a weekday of their opening hours valid that day and not closed by an
    exception. `field` names the service's id in the filtered model."""
    covering = ClosureAvailability.objects.filter(start__lte=day, end__gte=day).values("service_id")
    in_closure = Q(**{f"{field}__in": covering})
    closed = ScheduleException.objects.filter(start__lte=day, end__gte=day, closed=True).values("schedule_id")
    schedules = Schedule.objects.filter(_valid_on(day), byday__contains=_weekday(day)).exclude(pk__in=closed)
    without_closures = ~Q(**{f"{field}__in": ClosureAvailability.objects.values("service_id")})
    return in_closure | (without_closures & _schedule_services(schedules, field))


def open_at_condition(moment: datetime.datetime, field: str = "pk") -> Q:
    """Services running on that day (see runs_on_condition) with opening hours around that time.

    An exception with its own hours that day replaces the weekly hours.
    """
    local = moment.astimezone(ROME)
    day, time = local.date(), local.time()
    exceptions = ScheduleException.objects.filter(start__lte=day, end__gte=day)
    regular = Schedule.objects.filter(
        _valid_on(day), byday__contains=_weekday(day), opens_at__lte=time, closes_at__gt=time
    ).exclude(pk__in=exceptions.values("schedule_id"))
    special = Schedule.objects.filter(
        pk__in=exceptions.filter(closed=False, opens_at__lte=time, closes_at__gt=time).values("schedule_id")
    )
    return runs_on_condition(day, field) & (_schedule_services(regular, field) | _schedule_services(special, field))


def _schedule_runs_on(schedule: Schedule, day: datetime.date) -> bool:
    if _weekday(day) not in schedule.byday.split(","):
        return False
    if (schedule.valid_from and day < schedule.valid_from) or (schedule.valid_to and day > schedule.valid_to):
        return False
    return not any(e.closed and e.start <= day <= e.end for e in schedule.exceptions.all())


def _schedule_next(schedule: Schedule, since: datetime.date, until: datetime.date) -> datetime.date | None:
    """The first day from `since` to `until` on which `schedule` runs (see _schedule_runs_on)."""
    closed = [(e.start, e.end) for e in schedule.exceptions.all() if e.closed]
    return _weekly_next(schedule.byday, schedule.valid_from, schedule.valid_to, closed, since, until)


def _weekly_next(
    byday: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    closed: Sequence[tuple[datetime.date, datetime.date]],
    since: datetime.date,
    until: datetime.date,
) -> datetime.date | None:
    """The first day from `since` to `until` on which weekly hours on `byday` run, jumping to the
    next weekday they name and past each closing exception instead of trying every day."""
    weekdays = {_WEEKDAYS.index(day) for day in byday.split(",") if day in _WEEKDAYS}
    if not weekdays:
        return None
    last = min(until, valid_to) if valid_to else until
    day = max(since, valid_from) if valid_from else since
    while day <= last:
        day += datetime.timedelta(days=min((weekday - day.weekday()) % 7 for weekday in weekdays))
        if day > last:
            return None
        ends = [end for start, end in closed if start <= day <= end]
        if not ends:
            return day
        day = max(ends) + datetime.timedelta(days=1)
    return None


def next_available(service: Service, since: datetime.date) -> datetime.date | None:
    """The first day from `since` on which the service runs, by the rule of runs_on_condition
    (opening hours are looked at up to HORIZON_DAYS ahead).

    Reads prefetched closure_availability, schedules and sites' schedules with their exceptions.
    """
    closures = list(service.closure_availability.all())
    if closures:
        days = [max(c.start, since) for c in closures if c.end >= since]
        return min(days, default=None)
    schedules = [*service.schedules.all(), *(s for site in service.sites.all() for s in site.schedules.all())]
    until = since + datetime.timedelta(days=HORIZON_DAYS - 1)
    found = [day for schedule in schedules if (day := _schedule_next(schedule, since, until)) is not None]
    return min(found, default=None)


def next_available_many(pks: Sequence[uuid.UUID], since: datetime.date) -> dict[uuid.UUID, datetime.date | None]:
    """next_available of each of these services, from their rows alone (for ordering up to
    COUNT_CAP services by date without loading them): closure cover, then weekly hours of the
    service and of its sites with their closing exceptions. Four queries."""
    if not pks:
        return {}
    closures: dict[uuid.UUID, list[tuple[datetime.date, datetime.date]]] = {}
    for pk, start, end in ClosureAvailability.objects.filter(service_id__in=pks).values_list(
        "service_id", "start", "end"
    ):
        closures.setdefault(pk, []).append((start, end))
    fields = ("id", "byday", "valid_from", "valid_to")
    schedules = [
        *Schedule.objects.filter(service_id__in=pks).values_list("service_id", *fields),
        *Schedule.objects.filter(service_at_location__service_id__in=pks).values_list(
            "service_at_location__service_id", *fields
        ),
    ]
    closed: dict[uuid.UUID, list[tuple[datetime.date, datetime.date]]] = {}
    exceptions = ScheduleException.objects.filter(
        schedule_id__in=[row[1] for row in schedules], closed=True, end__gte=since
    ).values_list("schedule_id", "start", "end")
    for schedule_id, start, end in exceptions:
        closed.setdefault(schedule_id, []).append((start, end))
    until = since + datetime.timedelta(days=HORIZON_DAYS - 1)
    found: dict[uuid.UUID, datetime.date | None] = dict.fromkeys(pks)
    for pk, ranges in closures.items():
        found[pk] = min((max(start, since) for start, end in ranges if end >= since), default=None)
    for pk, schedule_id, byday, valid_from, valid_to in schedules:
        if pk in closures:
            continue
        day = _weekly_next(byday, valid_from, valid_to, closed.get(schedule_id, []), since, until)
        earliest = found[pk]
        if day is not None and (earliest is None or day < earliest):
            found[pk] = day
    return found
