"""The Lombardy school calendar computed from the regional rules.

Lombardy fixed a permanent calendar with DGR IX/3318 of 18/04/2012 ("Determinazioni in
merito al calendario scolastico regionale"): the same rules every year, so any school
year can be computed instead of typed in. Schools may then add up to 3 closure days
agreed with the local authorities (handled by `sinergie.schoolcalendar`, not here).

The rules are tables below (dates and offsets with their source); the functions only
apply them. National and provincial patron holidays come from the `holidays` package.
Pure functions, no Django: the app layer adds municipality settings and local closures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import holidays
from dateutil.easter import easter

DGR_3318 = "DGR IX/3318 del 18/04/2012 (Regione Lombardia)"
NATIONAL_HOLIDAYS_SOURCE = "Legge 260/1949 e successive modifiche (festività nazionali)"
PATRON_SOURCE = "Festa del santo patrono (consuetudine locale)"

YEAR_MIN = 2000
YEAR_MAX = 2100


class Level(StrEnum):
    INFANZIA = "infanzia"  # nursery school, ages 3-6
    PRIMARIA = "primaria"
    SECONDARIA_PRIMO = "secondaria_primo"
    SECONDARIA_SECONDO = "secondaria_secondo"


class Rite(StrEnum):
    ROMAN = "roman"
    AMBROSIAN = "ambrosian"


class Kind(StrEnum):
    CHRISTMAS = "christmas"
    CARNIVAL = "carnival"
    EASTER = "easter"
    HOLIDAY = "holiday"
    PATRON = "patron"
    LOCAL = "local"


# First and last day of lessons as (month, day), by level (DGR IX/3318, point 1).
START_DAY: dict[Level, tuple[int, int]] = {
    Level.INFANZIA: (9, 5),
    Level.PRIMARIA: (9, 12),
    Level.SECONDARIA_PRIMO: (9, 12),
    Level.SECONDARIA_SECONDO: (9, 12),
}
END_DAY: dict[Level, tuple[int, int]] = {
    Level.INFANZIA: (6, 30),
    Level.PRIMARIA: (6, 8),
    Level.SECONDARIA_PRIMO: (6, 8),
    Level.SECONDARIA_SECONDO: (6, 8),
}

# Christmas holidays: 23 December to 6 January of the next year (DGR IX/3318, point 2).
CHRISTMAS_FROM = (12, 23)
CHRISTMAS_TO = (1, 6)

# Carnival, as day offsets from Ash Wednesday (DGR IX/3318, point 2). Roman rite: the
# Monday and Tuesday before it. Ambrosian rite: Lent starts on the following Sunday, so
# the Friday and Saturday before that Sunday (Ash Wednesday + 2 and + 3).
ASH_WEDNESDAY_FROM_EASTER = -46
CARNIVAL_OFFSETS: dict[Rite, tuple[int, int]] = {
    Rite.ROMAN: (-2, -1),
    Rite.AMBROSIAN: (2, 3),
}

# Easter holidays, as offsets from Easter Sunday: from the Thursday before to the Tuesday
# after Easter Monday (DGR IX/3318, point 2).
EASTER_OFFSETS = (-3, 2)

# The Ambrosian rite is the default in the dioceses' core provinces; staff override it
# per municipality (parts of Bergamo and Lecco provinces, for example, differ).
AMBROSIAN_PROVINCES = frozenset({"MI", "MB", "LC", "VA"})

PERIOD_NAMES: dict[Kind, tuple[str, str]] = {
    Kind.CHRISTMAS: ("Vacanze di Natale", "Christmas holidays"),
    Kind.CARNIVAL: ("Carnevale", "Carnival"),
    Kind.EASTER: ("Vacanze di Pasqua", "Easter holidays"),
}

# Holidays the `holidays` package lists that are not closures: Easter Sunday is a Sunday
# and inside the Easter holidays anyway.
_NOT_CLOSURES = frozenset({"Easter Sunday"})


@dataclass(frozen=True)
class ClosurePeriod:
    kind: str
    name_it: str
    name_en: str
    start: datetime.date
    end: datetime.date  # inclusive
    source: str

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_it

    def days(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class SchoolYear:
    year: int
    level: str
    rite: str
    start: datetime.date
    end: datetime.date
    closures: list[ClosurePeriod] = field(default_factory=list)
    saturday_school: bool = False

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    def is_school_day(self, day: datetime.date) -> bool:
        if not self.start <= day <= self.end or not _is_lesson_weekday(day, self.saturday_school):
            return False
        return not any(period.start <= day <= period.end for period in self.closures)


def _is_lesson_weekday(day: datetime.date, saturday_school: bool) -> bool:
    return day.weekday() < (6 if saturday_school else 5)


def school_year_of(day: datetime.date) -> int:
    """The school year a date belongs to: 2026 for any day from July 2026 to June 2027."""
    return day.year if day.month >= 7 else day.year - 1


def default_rite(province: str | None) -> Rite:
    return Rite.AMBROSIAN if (province or "").upper() in AMBROSIAN_PROVINCES else Rite.ROMAN


def check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"The school year must be between {YEAR_MIN} and {YEAR_MAX}, not {year}.")


@lru_cache(maxsize=512)
def _holidays(years: tuple[int, ...], subdiv: str | None) -> dict[datetime.date, tuple[str, str]]:
    """Holidays as date → (Italian name, English name); national only when `subdiv` is None."""
    italian = holidays.country_holidays("IT", subdiv=subdiv, years=years, language="it_IT")
    english = holidays.country_holidays("IT", subdiv=subdiv, years=years, language="en_US")
    english_keys = {day: english.get(day) for day in english}
    return {day: (name, english_keys.get(day, name)) for day, name in italian.items() if day in english_keys}


def _national_holidays(year: int) -> dict[datetime.date, tuple[str, str]]:
    table = _holidays((year, year + 1), None)
    return {day: names for day, names in table.items() if names[1] not in _NOT_CLOSURES}


def patron_day_of(year: int, province: str | None) -> tuple[datetime.date, str, str] | None:
    """The province's patron holiday in school year `year` (date, Italian, English name)."""
    if not province:
        return None
    province = province.upper()
    if province not in holidays.Italy.subdivisions:
        raise ValueError(f"Unknown province abbreviation {province!r}.")
    national = _holidays((year, year + 1), None)
    local = _holidays((year, year + 1), province)
    days = sorted(day for day in local if day not in national and school_year_of(day) == year)
    if not days:
        return None
    return days[0], *local[days[0]]


def _shift(day: datetime.date, step: int, blocked: Callable[[datetime.date], bool]) -> datetime.date:
    while blocked(day):
        day += datetime.timedelta(days=step)
    return day


def school_year(
    year: int,
    level: Level | str = Level.PRIMARIA,
    rite: Rite | str | None = None,
    province: str | None = None,
    *,
    patron_day: tuple[int, int] | None = None,
    province_patron: bool = True,
    saturday_school: bool = False,
) -> SchoolYear:
    """The regional calendar of school year `year` (2026 = 2026/27) for one level.

    `rite` defaults from the province (see AMBROSIAN_PROVINCES); `patron_day` (month, day)
    is the municipality's own patron holiday. Without it, the province's patron holiday (the
    `holidays` package's: its capital city's saint) applies only with `province_patron`:
    pass False for a municipality that is not the provincial capital, whose saint is its own
    and unknown until someone sets it (Melzo does not close on Milan's 7 December).
    Closures are periods on school days only: a holiday on a Sunday (or on a Saturday
    without Saturday lessons) is not listed, nor one inside a longer holiday period.
    """
    check_year(year)
    level = Level(level)
    rite = Rite(rite) if rite else default_rite(province)
    national = _national_holidays(year)

    patron: tuple[datetime.date, str, str] | None
    if patron_day is not None:
        month, day_of_month = patron_day
        try:
            patron_date = datetime.date(year if month >= 7 else year + 1, month, day_of_month)
        except ValueError:  # 29 February in a common year: no patron holiday that year
            patron = None
        else:
            patron = (patron_date, "Festa del santo patrono", "Patron saint's day")
    else:
        patron = patron_day_of(year, province) if province_patron else None
    holiday_days = set(national) | ({patron[0]} if patron else set())

    start = _shift(datetime.date(year, *START_DAY[level]), 1, lambda d: d.weekday() >= 5 or d in holiday_days)
    end = _shift(datetime.date(year + 1, *END_DAY[level]), -1, lambda d: d.weekday() == 6 or d in holiday_days)

    easter_sunday = easter(year + 1)
    ash_wednesday = easter_sunday + datetime.timedelta(days=ASH_WEDNESDAY_FROM_EASTER)
    carnival = CARNIVAL_OFFSETS[rite]
    periods = [
        _period(Kind.CHRISTMAS, datetime.date(year, *CHRISTMAS_FROM), datetime.date(year + 1, *CHRISTMAS_TO)),
        _period(
            Kind.CARNIVAL,
            ash_wednesday + datetime.timedelta(days=carnival[0]),
            ash_wednesday + datetime.timedelta(days=carnival[1]),
        ),
        _period(
            Kind.EASTER,
            easter_sunday + datetime.timedelta(days=EASTER_OFFSETS[0]),
            easter_sunday + datetime.timedelta(days=EASTER_OFFSETS[1]),
        ),
    ]
    singles = [
        ClosurePeriod(Kind.HOLIDAY, name_it, name_en, day, day, NATIONAL_HOLIDAYS_SOURCE)
        for day, (name_it, name_en) in national.items()
    ]
    if patron and patron[0] not in national:
        singles.append(ClosurePeriod(Kind.PATRON, patron[1], patron[2], patron[0], patron[0], PATRON_SOURCE))
    for single in singles:
        inside_a_period = any(p.start <= single.start <= p.end for p in periods)
        if start <= single.start <= end and _is_lesson_weekday(single.start, saturday_school) and not inside_a_period:
            periods.append(single)
    closures = sorted((p for p in periods if p.start <= end and p.end >= start), key=lambda p: p.start)
    return SchoolYear(
        year=year, level=level, rite=rite, start=start, end=end, closures=closures, saturday_school=saturday_school
    )


def _period(kind: Kind, start: datetime.date, end: datetime.date) -> ClosurePeriod:
    name_it, name_en = PERIOD_NAMES[kind]
    return ClosurePeriod(kind, name_it, name_en, start, end, DGR_3318)


def is_school_day(
    day: datetime.date,
    level: Level | str = Level.PRIMARIA,
    rite: Rite | str | None = None,
    province: str | None = None,
    *,
    patron_day: tuple[int, int] | None = None,
    province_patron: bool = True,
    saturday_school: bool = False,
) -> bool:
    """Whether `day` has lessons under the regional calendar (local closures not included)."""
    calendar = school_year(
        school_year_of(day),
        level,
        rite,
        province,
        patron_day=patron_day,
        province_patron=province_patron,
        saturday_school=saturday_school,
    )
    return calendar.is_school_day(day)
