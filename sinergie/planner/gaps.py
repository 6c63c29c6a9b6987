"""The closure-gap planner: on which days is a child out of school while every carer works?

Pure functions, no Django: the caller passes a `calendar_for(year, level)` that returns the
municipality's `SchoolYear` (regional rules plus local settings, see
`sinergie.schoolcalendar.selectors.school_year_for`).

Rules (documented in docs/architecture.md, "Closure-gap planner"):

- The span of a plan for school year Y runs from the day after school year Y-1 ends (the
  first summer day) to the day before school year Y+1 starts, for the levels of the family's
  children: the summer and the September before lessons on both sides belong to it.
- A school child is out of school on every day outside its level's lesson dates and on every
  closure of its calendar (Christmas, carnival, Easter, national holidays, patron saint, local
  closures). Ordinary Saturdays and Sundays during term are the family's weekly routine, not a
  closure: they never count as gap days, but they do not split a period either.
- Nursery (nido, 0–2 years) children: every nursery sets its own calendar, so we assume the
  typical municipal nursery year: open on weekdays from 1 September to 31 July, closed in
  August and during the regional Christmas and Easter holidays. The page says so.
- Carers: a gap day is a day on which every listed carer works that weekday. National public
  holidays are non-working days for carers (most contracts); the patron saint's day is not
  (it is a holiday only where one works, and schools close for their own municipality's).
- Periods are runs of gap days separated only by days on which some child is out of school
  but not a gap day (weekends, a carer's day off, a public holiday). A day on which every
  child is in school ends a period; so does the change from summer to September (1 September),
  which families plan as two different things.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import holidays

from sinergie.lib.school_calendar import Kind, Level, SchoolYear

ONE_DAY = datetime.timedelta(days=1)
MAX_CHILDREN = 4
MAX_CARERS = 2
MAX_AGE_YEARS = 17


class Care(StrEnum):
    """Where a child spends a weekday: the nursery (nido) or a school level."""

    NIDO = "nido"
    INFANZIA = Level.INFANZIA.value
    PRIMARIA = Level.PRIMARIA.value
    SECONDARIA_PRIMO = Level.SECONDARIA_PRIMO.value
    SECONDARIA_SECONDO = Level.SECONDARIA_SECONDO.value


# The usual ages of each level (years, inclusive), to pick a level from an age and to match
# services' age ranges when only the level is known.
CARE_AGES: dict[Care, tuple[int, int]] = {
    Care.NIDO: (0, 2),
    Care.INFANZIA: (3, 5),
    Care.PRIMARIA: (6, 10),
    Care.SECONDARIA_PRIMO: (11, 13),
    Care.SECONDARIA_SECONDO: (14, 17),
}


def care_for_age(age_years: int) -> Care:
    """The level a child of `age_years` usually attends (0–2 nido, 3–5 infanzia, 6–10 primaria...)."""
    if not 0 <= age_years <= MAX_AGE_YEARS:
        raise ValueError(f"The age must be between 0 and {MAX_AGE_YEARS}, not {age_years}.")
    return next(care for care, (low, high) in CARE_AGES.items() if low <= age_years <= high)


class GapKind(StrEnum):
    """Why a day is a gap, most important first (a period is named after its most important day)."""

    CHRISTMAS = Kind.CHRISTMAS.value
    EASTER = Kind.EASTER.value
    CARNIVAL = Kind.CARNIVAL.value
    SUMMER = "summer"
    SEPTEMBER = "september"
    NURSERY = "nursery"  # the nursery's own summer closure (August)
    PATRON = Kind.PATRON.value
    LOCAL = Kind.LOCAL.value
    HOLIDAY = Kind.HOLIDAY.value


_PRIORITY = {kind: rank for rank, kind in enumerate(GapKind)}


@dataclass(frozen=True)
class Child:
    number: int  # 1-based, as the family entered them
    care: Care
    age_years: int | None = None

    @property
    def age_months(self) -> tuple[int, int]:
        """The child's age range in months, for matching services (any overlap fits)."""
        if self.age_years is not None:
            return self.age_years * 12, self.age_years * 12 + 11
        low, high = CARE_AGES[self.care]
        return low * 12, high * 12 + 11


@dataclass(frozen=True)
class Carer:
    weekdays: frozenset[int]  # 0 = Monday ... 6 = Sunday


@dataclass(frozen=True)
class DayOff:
    """Why one child has no school or nursery on one day."""

    kind: str  # a GapKind, or "weekend" for an ordinary weekend in term
    name_it: str
    name_en: str


WEEKEND = "weekend"


@dataclass
class GapPeriod:
    kind: str
    name_it: str
    name_en: str
    days: list[datetime.date]  # the gap days (every carer works), in order
    children: list[int]  # numbers of the children out of school on some gap day
    child_days: dict[int, set[datetime.date]] = field(default_factory=dict)  # child number -> its gap days

    @property
    def start(self) -> datetime.date:
        return self.days[0]

    @property
    def end(self) -> datetime.date:
        return self.days[-1]

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_it


@dataclass
class GapPlan:
    year: int
    span_start: datetime.date
    span_end: datetime.date
    periods: list[GapPeriod]
    # Periods of the school year already over (see `plan_ahead`): shown, never counted or exported.
    past: list[GapPeriod] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def day_count(self) -> int:
        return sum(len(period.days) for period in self.periods)


@lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[datetime.date]:
    """National public holidays of calendar years `year` and `year + 1` (no regional or patron days)."""
    return frozenset(holidays.Italy(years=(year, year + 1)))


def _summer_names(year: int) -> tuple[str, str]:
    return f"Estate {year}", f"Summer {year}"


SEPTEMBER_NAMES = ("Settembre prima della scuola", "September before school")
NURSERY_SUMMER_NAMES = ("Chiusura estiva del nido", "Nursery summer closure")


class _ChildCalendar:
    """Answers "is this child out of school on this day, and why?" for the three school years it needs."""

    def __init__(self, child: Child, year: int, calendar_for: Callable[[int, str], SchoolYear]) -> None:
        self.care = child.care
        level = Level.PRIMARIA.value if child.care is Care.NIDO else child.care.value
        self.years = {y: calendar_for(y, level) for y in (year - 1, year, year + 1)}
        self.year = year

    def span(self) -> tuple[datetime.date, datetime.date]:
        if self.care is Care.NIDO:
            # The nursery's summer closure is August; the span is the school year's one.
            return datetime.date(self.year, 8, 1), datetime.date(self.year + 1, 8, 31)
        return self.years[self.year - 1].end + ONE_DAY, self.years[self.year + 1].start - ONE_DAY

    def day_off(self, day: datetime.date) -> DayOff | None:
        if self.care is Care.NIDO:
            return self._nursery_day_off(day)
        for year in (self.year - 1, self.year, self.year + 1):
            calendar = self.years[year]
            following = self.years.get(year + 1)
            if calendar.start <= day <= calendar.end:
                if calendar.is_school_day(day):
                    return None
                return self._closure(calendar, day)
            if following is not None and calendar.end < day < following.start:
                if day >= datetime.date(year + 1, 9, 1):
                    return DayOff(GapKind.SEPTEMBER, *SEPTEMBER_NAMES)
                return DayOff(GapKind.SUMMER, *_summer_names(year + 1))
        return None

    def _closure(self, calendar: SchoolYear, day: datetime.date) -> DayOff:
        for period in calendar.closures:
            if period.start <= day <= period.end:
                return DayOff(period.kind, period.name_it, period.name_en)
        return DayOff(WEEKEND, "", "")

    def _nursery_day_off(self, day: datetime.date) -> DayOff | None:
        if day.month == 8:
            return DayOff(GapKind.NURSERY, *NURSERY_SUMMER_NAMES)
        for calendar in self.years.values():
            for period in calendar.closures:
                if period.kind in (Kind.CHRISTMAS, Kind.EASTER) and period.start <= day <= period.end:
                    return DayOff(period.kind, period.name_it, period.name_en)
        if day.weekday() >= 5 or day in national_holidays(day.year - 1):
            return DayOff(WEEKEND, "", "")
        return None


def find_gaps(
    *,
    year: int,
    children: Sequence[Child],
    carers: Sequence[Carer],
    calendar_for: Callable[[int, str], SchoolYear],
) -> GapPlan:
    """Every day of school year `year`'s span on which a child is out of school while every carer works.

    `calendar_for(year, level)` gives the school year of the family's municipality for a level
    (it is called for years `year - 1` to `year + 1`). Raises ValueError without children or
    carers. See the module docstring for the rules.
    """
    if not children:
        raise ValueError("At least one child is needed.")
    if not carers:
        raise ValueError("At least one carer is needed.")
    calendars = {child.number: _ChildCalendar(child, year, calendar_for) for child in children}
    spans = [calendar.span() for calendar in calendars.values()]
    span_start, span_end = min(s for s, _ in spans), max(e for _, e in spans)
    public = national_holidays(span_start.year) | national_holidays(span_end.year)

    periods: list[GapPeriod] = []
    current: GapPeriod | None = None
    day = span_start
    while day <= span_end:
        offs = {number: calendar.day_off(day) for number, calendar in calendars.items()}
        off = {number: reason for number, reason in offs.items() if reason is not None}
        workday = day not in public and all(day.weekday() in carer.weekdays for carer in carers)
        named = {number: reason for number, reason in off.items() if reason.kind != WEEKEND}
        if not off:
            _close(current, periods)
            current = None
        elif workday and named:
            kind = min((reason.kind for reason in named.values()), key=lambda k: _PRIORITY[GapKind(k)])
            if current is not None and _season_changes(current.kind, kind):
                _close(current, periods)
                current = None
            reason = next(r for r in named.values() if r.kind == kind)
            if current is None:
                current = GapPeriod(kind, reason.name_it, reason.name_en, [], [])
            elif _PRIORITY[GapKind(kind)] < _PRIORITY[GapKind(current.kind)]:
                current.kind, current.name_it, current.name_en = kind, reason.name_it, reason.name_en
            current.days.append(day)
            for number in named:
                current.child_days.setdefault(number, set()).add(day)
        day += ONE_DAY
    _close(current, periods)
    return GapPlan(year=year, span_start=span_start, span_end=span_end, periods=periods)


def lessons_start(
    year: int, children: Sequence[Child], calendar_for: Callable[[int, str], SchoolYear]
) -> datetime.date:
    """The first day of school year `year` for these children: the earliest first day of lessons of
    their levels (1 September for the nursery)."""
    starts = [
        datetime.date(year, 9, 1) if child.care is Care.NIDO else calendar_for(year, child.care.value).start
        for child in children
    ]
    return min(starts)


def _days_from(period: GapPeriod, first: datetime.date) -> GapPeriod | None:
    days = [day for day in period.days if day >= first]
    if not days:
        return None
    child_days = {number: {d for d in own if d >= first} for number, own in period.child_days.items()}
    child_days = {number: own for number, own in child_days.items() if own}
    return GapPeriod(period.kind, period.name_it, period.name_en, days, sorted(child_days), child_days)


def plan_ahead(plan: GapPlan, *, school_start: datetime.date, today: datetime.date) -> GapPlan:
    """The plan of a school year as a family uses it: from its first day of lessons and from today on.

    `find_gaps` spans the summer and the September before the lessons (they belong to the previous
    school year's plan, which covers them); those days are left out. Days already gone are not to
    cover: a period over by today moves to `past` (the page shows it collapsed), one under way
    keeps its days from today on.
    """
    first = max(school_start, today)
    periods = [p for p in (_days_from(period, first) for period in plan.periods) if p is not None]
    past = []
    for period in plan.periods:
        if period.end < first and period.end >= school_start:
            before = GapPeriod(
                period.kind,
                period.name_it,
                period.name_en,
                [day for day in period.days if school_start <= day < first],
                [],
                {n: {d for d in own if school_start <= d < first} for n, own in period.child_days.items()},
            )
            before.child_days = {n: own for n, own in before.child_days.items() if own}
            before.children = sorted(before.child_days)
            if before.days:
                past.append(before)
    return GapPlan(year=plan.year, span_start=first, span_end=plan.span_end, periods=periods, past=past)


def _season_changes(previous: str, kind: str) -> bool:
    seasons = {GapKind.SUMMER.value, GapKind.SEPTEMBER.value}
    return previous != kind and previous in seasons and kind in seasons


def _close(current: GapPeriod | None, periods: list[GapPeriod]) -> None:
    if current is not None and current.days:
        current.children = sorted(current.child_days)
        periods.append(current)
