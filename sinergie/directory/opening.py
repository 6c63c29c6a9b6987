"""Whether a service is open at a given moment, and when it opens next: "open now" everywhere.

Pure functions over what the pages already prefetch (the service's schedules and its sites'
schedules, each with its exceptions, and its closure availability), so that a list of twenty
results costs no query per result. The rules are the ones the search applies in the database
(`selectors.runs_on_condition` and `selectors.open_at_condition`):

- a service with availability during school closures runs only on the days of those ranges;
  one without runs on a weekday of a schedule valid that day and not closed by an exception;
- on a day a schedule has an exception for, the exception decides: closed, or its own hours
  (even on a weekday the schedule does not list); otherwise the weekly hours apply;
- a service is open from the opening time included to the closing time excluded, in Rome's
  local time (so a moment given in UTC on a daylight-saving day lands on the right hour).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sinergie.directory.models import Schedule, Service

ROME = zoneinfo.ZoneInfo("Europe/Rome")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How far ahead the next opening is looked for (a camp may open only next summer).
LOOKAHEAD_DAYS = 366

Interval = tuple[datetime.time, datetime.time]


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    closes_at: datetime.time | None  # when open: the end of the current interval
    next_opening: datetime.datetime | None  # when closed: the next opening within LOOKAHEAD_DAYS


def _schedules(service: Service) -> list[Schedule]:
    return [*service.schedules.all(), *(s for site in service.sites.all() for s in site.schedules.all())]


def _weekly_applies(schedule: Schedule, day: datetime.date) -> bool:
    if WEEKDAY_CODES[day.weekday()] not in {d.strip().upper() for d in schedule.byday.split(",")}:
        return False
    if schedule.valid_from and day < schedule.valid_from:
        return False
    return not (schedule.valid_to and day > schedule.valid_to)


def _runs_on(service: Service, schedules: list[Schedule], day: datetime.date) -> bool:
    closures = list(service.closure_availability.all())
    if closures:
        return any(c.start <= day <= c.end for c in closures)
    return any(
        _weekly_applies(schedule, day)
        and not any(e.closed and e.start <= day <= e.end for e in schedule.exceptions.all())
        for schedule in schedules
    )


def opening_today(service: Service, day: datetime.date) -> list[Interval]:
    """The opening intervals of `service` on `day`, sorted and merged; [] when it does not run."""
    schedules = _schedules(service)
    if not schedules or not _runs_on(service, schedules, day):
        return []
    intervals: list[Interval] = []
    for schedule in schedules:
        exceptions = [e for e in schedule.exceptions.all() if e.start <= day <= e.end]
        if exceptions:
            intervals += [
                (e.opens_at, e.closes_at)
                for e in exceptions
                if not e.closed and e.opens_at is not None and e.closes_at is not None and e.opens_at < e.closes_at
            ]
        elif _weekly_applies(schedule, day):
            intervals.append((schedule.opens_at, schedule.closes_at))
    merged: list[Interval] = []
    for opens, closes in sorted(intervals):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def operates_on(service: Service, day: datetime.date) -> bool | None:
    """Whether `service` runs on `day` by what it publishes; None when it publishes no hours nor dates.

    With weekly hours, a day with opening hours (after exceptions); with only dates of availability
    during school closures, a day inside one of them. A voucher is spent on a day the service runs.
    """
    if _schedules(service):
        return bool(opening_today(service, day))
    closures = list(service.closure_availability.all())
    if closures:
        return any(c.start <= day <= c.end for c in closures)
    return None


def next_openings(service: Service, since: datetime.date, count: int) -> list[tuple[datetime.date, list[Interval]]]:
    """The first `count` days from `since` (within LOOKAHEAD_DAYS) on which `service` runs, with
    their hours: days with opening hours, or, for a service that publishes only its closure
    cover, every day of it (with no hours). What the page lists and the iCalendar file holds."""
    schedules = _schedules(service)
    closures = list(service.closure_availability.all())
    found: list[tuple[datetime.date, list[Interval]]] = []
    if not schedules and not closures:
        return found
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = since + datetime.timedelta(days=offset)
        if schedules:
            intervals = opening_today(service, day)
            if intervals:
                found.append((day, intervals))
        elif any(c.start <= day <= c.end for c in closures):
            found.append((day, []))
        if len(found) >= count:
            break
    return found


def is_open_at(service: Service, moment: datetime.datetime) -> bool:
    """True when `service` is open at `moment` (aware; a naive moment is taken as Rome's time)."""
    local = _local(moment)
    return any(opens <= local.time() < closes for opens, closes in opening_today(service, local.date()))


def open_status(service: Service, moment: datetime.datetime) -> OpenStatus | None:
    """Open now and until when, or closed and when it opens next; None for a service without hours."""
    if not _schedules(service):
        return None
    local = _local(moment)
    for opens, closes in opening_today(service, local.date()):
        if opens <= local.time() < closes:
            return OpenStatus(is_open=True, closes_at=closes, next_opening=None)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + datetime.timedelta(days=offset)
        for opens, _closes in opening_today(service, day):
            if offset or opens > local.time():
                return OpenStatus(
                    is_open=False,
                    closes_at=None,
                    next_opening=datetime.datetime.combine(day, opens, tzinfo=ROME),
                )
    return OpenStatus(is_open=False, closes_at=None, next_opening=None)


def _local(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ROME)
    return moment.astimezone(ROME)


def _clock(value: datetime.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def open_status_text(status: OpenStatus, moment: datetime.datetime, language: str) -> str:
    """'Open now, until 17:00'; 'Closed now, opens today at 14:00' (or tomorrow, or on Tuesday 8 December).

    The moment and the language are the page's: "today" and "tomorrow" are relative to it.
    """
    if status.is_open and status.closes_at is not None:
        return _("Open now, until %(time)s") % {"time": _clock(status.closes_at)}
    if status.next_opening is None:
        return _("Closed now")
    today = _local(moment).date()
    day = status.next_opening.date()
    time = _clock(status.next_opening.time())
    if day == today:
        return _("Closed now, opens today at %(time)s") % {"time": time}
    if day == today + datetime.timedelta(days=1):
        return _("Closed now, opens tomorrow at %(time)s") % {"time": time}
    if day.year == today.year:
        when = date_format(day, pgettext("date of the next opening", "l j F"))
    else:
        when = date_format(day, pgettext("date of the next opening in another year", "l j F Y"))
    if language == "it":
        when = when.lower()
    return _("Closed now, opens on %(day)s at %(time)s") % {"day": when, "time": time}


def intervals_text(intervals: list[Interval]) -> str:
    """'8:00–12:30, 14:00–17:00', or '' when closed all day."""
    return ", ".join(f"{_clock(opens)}–{_clock(closes)}" for opens, closes in intervals)
