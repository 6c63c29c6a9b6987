"""A service's dates as an iCalendar file: weekly hours as bounded weekly events, closure cover
without hours as all-day events.

The file says what the page says (`opening.opening_today`): a service with closure cover runs
only on the days of those ranges, so its weekly hours are cut to each range; a schedule's
validity bounds its rule (UNTIL), closed days are EXDATEs and days with other hours overrides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from sinergie.directory.models import Location, Schedule, Service, Weekday

PRODID = "-//Sinergie//Servizi//IT"
UID_DOMAIN = "sinergie.servizi"
TIMEZONE = ZoneInfo("Europe/Rome")
WEEKDAYS = list(Weekday.values)  # MO … SU, in Python's weekday() order
# A dated exception longer than this is a data error, not a closure worth a line per day.
MAX_EXCEPTION_DAYS = 366
# How far ahead the VTIMEZONE's daylight-saving transitions are spelled out.
TIMEZONE_YEARS_AHEAD = 5


def _address(location: Location | None) -> str:
    if location is None:
        return ""
    place = f"{location.postal_code} {location.municipality.name}".strip()
    return f"{location.address_1}, {place}"


def _days(byday: str) -> list[str]:
    return [day for day in WEEKDAYS if day in {d.strip().upper() for d in byday.split(",")}]


def first_occurrence(
    schedule: Schedule, days: list[str], start: datetime.date, last: datetime.date | None = None
) -> datetime.date | None:
    """The first day on or after `start` that is one of `days`, if it comes by `last`."""
    indexes = {WEEKDAYS.index(day) for day in days}
    for offset in range(7):
        candidate = start + datetime.timedelta(days=offset)
        if candidate.weekday() in indexes:
            if last and candidate > last:
                return None
            return candidate
    return None


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=TIMEZONE)


@dataclass(frozen=True)
class Window:
    """Days within which a schedule's weekly hours apply: its validity, cut to a closure range."""

    start: datetime.date
    end: datetime.date | None
    uid: str
    summary: str


def closure_ranges(service: Service) -> list[tuple[datetime.date, datetime.date, str]]:
    """The service's closure cover as disjoint ranges (overlapping or touching ones joined), with
    the period of the first: a service with such ranges runs on their days only."""
    ranges: list[tuple[datetime.date, datetime.date, str]] = []
    for dates in sorted(service.closure_availability.all(), key=lambda d: (d.start, d.end)):
        if ranges and dates.start <= ranges[-1][1] + datetime.timedelta(days=1):
            first, last, period = ranges[-1]
            ranges[-1] = (first, max(last, dates.end), period)
        else:
            ranges.append((dates.start, dates.end, str(dates.get_period_display())))
    return ranges


def _windows(
    schedule: Schedule, ranges: list[tuple[datetime.date, datetime.date, str]], *, name: str, today: datetime.date
) -> list[Window]:
    """Without closure cover the hours apply through the schedule's validity (from today when it
    names no start); with it, only inside each range, so a Christmas camp's Monday-to-Friday hours
    end with Christmas instead of running every week for ever."""
    if not ranges:
        return [Window(schedule.valid_from or today, schedule.valid_to, f"{schedule.pk}@{UID_DOMAIN}", name)]
    windows = []
    for first, last, period in ranges:
        start = max(first, schedule.valid_from) if schedule.valid_from else first
        end = min(last, schedule.valid_to) if schedule.valid_to else last
        if start <= end:
            windows.append(Window(start, end, f"{schedule.pk}-{first:%Y%m%d}@{UID_DOMAIN}", f"{name} · {period}"))
    return windows


def _weekly_events(
    schedule: Schedule,
    window: Window,
    *,
    location: str,
    url: str,
    language: str,
    stamp: datetime.datetime,
) -> list[Event]:
    """The recurring event of one window, plus one override per exception day with different hours.

    Closed days become EXDATEs; RFC 5545 wants UNTIL in UTC when DTSTART has a TZID.
    """
    days = _days(schedule.byday)
    first = first_occurrence(schedule, days, window.start, window.end) if days else None
    if first is None:
        return []
    event = Event()
    event.add("uid", window.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _at(first, schedule.opens_at))
    event.add("dtend", _at(first, schedule.closes_at))
    rule: dict[str, object] = {"freq": "weekly", "byday": days}
    if window.end:
        rule["until"] = _at(window.end, datetime.time(23, 59, 59)).astimezone(datetime.UTC)
    event.add("rrule", rule)
    event.add("summary", window.summary)
    note = schedule.description_en if language == "en" and schedule.description_en else schedule.description_it
    event.add("description", f"{note}\n{url}" if note else url)
    event.add("url", url)
    if location:
        event.add("location", location)
    overrides = []
    closed: list[datetime.datetime] = []
    weekday_indexes = {WEEKDAYS.index(day) for day in days}
    for exception in schedule.exceptions.all():
        span = min((exception.end - exception.start).days, MAX_EXCEPTION_DAYS)
        for offset in range(span + 1):
            day = exception.start + datetime.timedelta(days=offset)
            if day < first or day.weekday() not in weekday_indexes:
                continue
            if window.end and day > window.end:
                break
            if exception.closed or exception.opens_at is None or exception.closes_at is None:
                closed.append(_at(day, schedule.opens_at))
                continue
            override = Event()
            override.add("uid", window.uid)
            override.add("dtstamp", stamp)
            override.add("recurrence-id", _at(day, schedule.opens_at))
            override.add("dtstart", _at(day, exception.opens_at))
            override.add("dtend", _at(day, exception.closes_at))
            override.add("summary", window.summary)
            if exception.note:
                override.add("description", exception.note)
            if location:
                override.add("location", location)
            overrides.append(override)
    if closed:
        event.add("exdate", closed)
    return [event, *overrides]


def service_ics(
    service: Service,
    *,
    language: str,
    today: datetime.date,
    url: str,
    stamp: datetime.datetime | None = None,
) -> bytes:
    """One weekly event per schedule and window (see `_windows`); without any hours, one all-day
    event per range of closure cover (DTEND exclusive).

    UIDs depend on the schedule's id (and the first day of its closure range), or on the service
    and the range's period and first day, so a calendar that imported the file again updates the
    events instead of doubling them.
    Expects `sites__location__municipality`, `schedules__exceptions`, `sites__schedules__exceptions`
    and `closure_availability` prefetched.
    """
    stamp = stamp or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    name = service.name(language)
    sites = list(service.sites.all())
    first_address = _address(sites[0].location if sites else None)
    ical = Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", name)
    ranges = closure_ranges(service)
    own = [(schedule, first_address) for schedule in service.schedules.all()]
    at_sites = [(schedule, _address(site.location)) for site in sites for schedule in site.schedules.all()]
    if not own and not at_sites:
        # No hours: the service runs on every day of its closure cover, as one all-day event each.
        for dates in service.closure_availability.all():
            event = Event()
            event.add("uid", f"{service.pk}-{dates.period}-{dates.start:%Y%m%d}@{UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", dates.start)
            event.add("dtend", dates.end + datetime.timedelta(days=1))
            event.add("summary", f"{name} · {dates.get_period_display()}")
            event.add("description", f"{dates.note}\n{url}" if dates.note else url)
            event.add("url", url)
            if first_address:
                event.add("location", first_address)
            event.add("transp", "TRANSPARENT")
            ical.add_component(event)
    for schedule, address in [*own, *at_sites]:
        for window in _windows(schedule, ranges, name=name, today=today):
            for event in _weekly_events(schedule, window, location=address, url=url, language=language, stamp=stamp):
                ical.add_component(event)
    # The VTIMEZONE covers the events' years only, not icalendar's default 1970–2038.
    starts = [today] + [e.decoded("dtstart") for e in ical.walk("VEVENT")]
    first = min(d.date() if isinstance(d, datetime.datetime) else d for d in starts)
    ical.add_missing_timezones(
        first_date=datetime.date(first.year, 1, 1), last_date=datetime.date(today.year + TIMEZONE_YEARS_AHEAD, 1, 1)
    )
    return ical.to_ical()
