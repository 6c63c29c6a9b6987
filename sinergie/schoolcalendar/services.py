"""State changes of the school calendar. Each checks its rule and writes the audit trail."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN, Level, school_year_of
from sinergie.schoolcalendar.models import LocalClosure, MunicipalityCalendar
from sinergie.schoolcalendar.selectors import municipality_calendar, regional_year
from sinergie.territory.models import Municipality

# DGR IX/3318 of 18/04/2012: schools may add up to 3 closure days, agreed locally.
MAX_LOCAL_DAYS = 3

CALENDAR_FIELDS = ("rite", "patron_month", "patron_day")


@transaction.atomic
def municipality_calendar_update(
    *, actor: Any, municipality: Municipality, data: dict[str, Any], request: HttpRequest | None = None
) -> MunicipalityCalendar:
    """Override the municipality's rite or patron day (empty values restore the defaults)."""
    settings = municipality_calendar(municipality)
    before = snapshot(settings, CALENDAR_FIELDS) if settings.pk else {}
    for name in CALENDAR_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    settings.rite = settings.rite or ""
    settings.full_clean()
    settings.save()
    audit_record(
        actor=actor,
        action="schoolcalendar.settings",
        obj=municipality,
        before=before,
        after=snapshot(settings, CALENDAR_FIELDS),
        request=request,
    )
    return settings


def _lesson_days(municipality: Municipality, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """Days in [start, end] that would have lessons under the regional calendar (Mon–Fri)."""
    # Closures inside the year are the same for every level.
    calendar = regional_year(municipality, school_year_of(start), Level.PRIMARIA)
    closed = {day for period in calendar.closures for day in period.days()}
    days = (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return {day for day in days if day.weekday() < 5 and day not in closed}


def _check_local_days(closure: LocalClosure) -> None:
    """At most MAX_LOCAL_DAYS extra lesson days per school and school year.

    A closure without a school name concerns every school of the municipality, so it
    counts towards each school's allowance.
    """
    same_year = list(
        LocalClosure.objects.filter(municipality=closure.municipality, school_year=closure.school_year).exclude(
            pk=closure.pk
        )
    )
    name = closure.school_name.casefold()
    schools = ({c.school_name.casefold() for c in same_year} | {name}) if not name else {name}
    for school in schools:
        relevant = [c for c in same_year if not c.school_name or c.school_name.casefold() == school]
        days: set[datetime.date] = set()
        for other in [*relevant, closure]:
            days |= _lesson_days(closure.municipality, other.start, other.end)
        if len(days) > MAX_LOCAL_DAYS:
            label = school or _("every school of the municipality")
            raise ValidationError(
                {
                    "end": _(
                        "A school may add at most %(max)d closure days in a school year: with this closure, "
                        "%(school)s would have %(days)d."
                    )
                    % {"max": MAX_LOCAL_DAYS, "school": label, "days": len(days)}
                }
            )


@transaction.atomic
def local_closure_add(
    *,
    actor: Any,
    municipality: Municipality,
    start: datetime.date,
    end: datetime.date,
    reason_it: str,
    levels: Iterable[str],
    reason_en: str = "",
    school_name: str = "",
    request: HttpRequest | None = None,
) -> LocalClosure:
    """Add a school's extra closure: one school year, lesson days only, at most 3 per school."""
    if end < start:
        raise ValidationError({"end": _("The last day cannot come before the first day.")})
    year = school_year_of(start)
    if school_year_of(end) != year:
        raise ValidationError({"end": _("A closure must fall within one school year (July to June).")})
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({"start": _("The school year must be between 2000 and 2100.")})
    # Lock the municipality so that two additions cannot both slip under the limit.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    closure = LocalClosure(
        municipality=municipality,
        school_name=school_name.strip(),
        school_year=year,
        start=start,
        end=end,
        reason_it=reason_it,
        reason_en=reason_en,
        levels=sorted(set(levels)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    closure.full_clean()
    if not _lesson_days(municipality, start, end):
        raise ValidationError({"start": _("These days have no lessons already: there is nothing to close.")})
    _check_local_days(closure)
    closure.save()
    audit_record(
        actor=actor,
        action="schoolcalendar.closure_add",
        obj=municipality,
        after=_describe(closure),
        request=request,
    )
    return closure


@transaction.atomic
def local_closure_remove(*, actor: Any, closure: LocalClosure, request: HttpRequest | None = None) -> None:
    """Remove a local closure; the trail keeps what it was."""
    before = _describe(closure)
    municipality = closure.municipality
    closure.delete()
    audit_record(actor=actor, action="schoolcalendar.closure_remove", obj=municipality, before=before, request=request)


def _describe(closure: LocalClosure) -> dict[str, Any]:
    return {
        "school_name": closure.school_name,
        "start": closure.start,
        "end": closure.end,
        "reason_it": closure.reason_it,
        "levels": closure.levels,
    }
