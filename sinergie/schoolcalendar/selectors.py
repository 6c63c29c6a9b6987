"""Reading a municipality's school year: the regional rules plus its local settings."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from sinergie.lib.school_calendar import (
    ClosurePeriod,
    Kind,
    Level,
    Rite,
    SchoolYear,
    default_rite,
    school_year,
    school_year_of,
)
from sinergie.schoolcalendar.models import LocalClosure, MunicipalityCalendar
from sinergie.territory.models import Municipality

LOCAL_SOURCE = "Delibera locale (fino a 3 giorni per scuola, DGR IX/3318 del 18/04/2012)"


def municipality_calendar(municipality: Municipality) -> MunicipalityCalendar:
    """The municipality's settings, unsaved and empty when it has none."""
    try:
        return municipality.school_calendar
    except MunicipalityCalendar.DoesNotExist:
        return MunicipalityCalendar(municipality=municipality)


def effective_rite(municipality: Municipality, settings: MunicipalityCalendar | None = None) -> Rite:
    settings = settings or municipality_calendar(municipality)
    return Rite(settings.rite) if settings.rite else default_rite(municipality.province.abbreviation)


def local_closures(municipality: Municipality, year: int, level: str | None = None) -> QuerySet[LocalClosure]:
    closures = LocalClosure.objects.filter(municipality=municipality, school_year=year)
    if level is not None:
        # JSON containment is not on SQLite: the list of levels is short, filter in Python.
        return closures.filter(pk__in=[c.pk for c in closures if level in c.levels])
    return closures


def regional_year(municipality: Municipality, year: int, level: Level | str) -> SchoolYear:
    """The regional rules for `municipality`: its rite, and its patron day when known — its own
    setting, or for a provincial capital the province's (which is the capital's saint); any
    other municipality's saint is unknown until alliance staff set it."""
    settings = municipality_calendar(municipality)
    return school_year(
        year,
        level,
        effective_rite(municipality, settings),
        municipality.province.abbreviation,
        patron_day=settings.patron,
        province_patron=municipality.is_provincial_capital,
    )


def patron_known(municipality: Municipality) -> bool:
    return municipality.is_provincial_capital or municipality_calendar(municipality).patron is not None


def school_year_for(municipality: Municipality, year: int, level: Level | str) -> SchoolYear:
    """The school year of `municipality`: regional rules, its rite and patron, its local closures.

    Local closures appear as periods of kind "local", named after the school when they
    concern one school only. Raises ValueError for a year outside 2000–2100 or an
    unknown level.
    """
    calendar = regional_year(municipality, year, level)
    for closure in local_closures(municipality, year, str(Level(level))):
        start, end = max(closure.start, calendar.start), min(closure.end, calendar.end)
        if start > end:
            continue
        prefix_it = f"{closure.school_name}: " if closure.school_name else ""
        calendar.closures.append(
            ClosurePeriod(
                Kind.LOCAL,
                f"{prefix_it}{closure.reason_it}",
                f"{prefix_it}{closure.reason_en or closure.reason_it}",
                start,
                end,
                LOCAL_SOURCE,
            )
        )
    calendar.closures.sort(key=lambda p: (p.start, p.end))
    return calendar


def current_school_year(today: datetime.date | None = None) -> int:
    return school_year_of(today or timezone.localdate())
