"""A service's dates as an iCalendar file: closure cover as all-day events, hours as weekly ones."""

from __future__ import annotations

import datetime
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


def first_occurrence(schedule: Schedule, days: list[str], today: datetime.date) -> datetime.date | None:
    """The first day on or after `valid_from` (or today, without one) that is one of `days`."""
    start = schedule.valid_from or today
    indexes = {WEEKDAYS.index(day) for day in days}
    for offset in range(7):
        candidate = start + datetime.timedelta(days=offset)
        if candidate.weekday() in indexes:
            if schedule.valid_to and candidate > schedule.valid_to:
                return None
            return candidate
    return None


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=TIMEZONE)


def _weekly_events(
    schedule: Schedule,
    *,
    summary: str,
    location: str,
    url: str,
    language: str,
    today: datetime.date,
    stamp: datetime.datetime,
) -> list[Event]:
    """The recurring event, plus one override per exception day with different hours.

    Closed days become EXDATEs; RFC 5545 wants UNTIL in UTC when DTSTART has a TZID.
    """
    days = _days(schedule.byday)
    first = first_occurrence(schedule, days, today) if days else None
    if first is None:
        return []
    uid = f"{schedule.pk}@{UID_DOMAIN}"
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _at(first, schedule.opens_at))
    event.add("dtend", _at(first, schedule.closes_at))
    rule: dict[str, object] = {"freq": "weekly", "byday": days}
    if schedule.valid_to:
        rule["until"] = _at(schedule.valid_to, datetime.time(23, 59, 59)).astimezone(datetime.UTC)
    event.add("rrule", rule)
    event.add("summary", summary)
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
            if schedule.valid_to and day > schedule.valid_to:
                break
            if exception.closed or exception.opens_at is None or exception.closes_at is None:
                closed.append(_at(day, schedule.opens_at))
                continue
            override = Event()
            override.add("uid", uid)
            override.add("dtstamp", stamp)
            override.add("recurrence-id", _at(day, schedule.opens_at))
            override.add("dtstart", _at(day, exception.opens_at))
            override.add("dtend", _at(day, exception.closes_at))
            override.add("summary", summary)
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
    """One all-day event per range of closure cover (DTEND exclusive), one weekly event per schedule.

    UIDs depend on the service and the range's period and first day, or on the schedule's
    id, so a calendar that imported the file again updates the events instead of doubling them.
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
    common = {"summary": name, "url": url, "language": language, "today": today, "stamp": stamp}
    for schedule in service.schedules.all():
        for event in _weekly_events(schedule, location=first_address, **common):
            ical.add_component(event)
    for site in sites:
        for schedule in site.schedules.all():
            for event in _weekly_events(schedule, location=_address(site.location), **common):
                ical.add_component(event)
    # The VTIMEZONE covers the events' years only, not icalendar's default 1970–2038.
    starts = [today] + [e.decoded("dtstart") for e in ical.walk("VEVENT")]
    first = min(d.date() if isinstance(d, datetime.datetime) else d for d in starts)
    ical.add_missing_timezones(
        first_date=datetime.date(first.year, 1, 1), last_date=datetime.date(today.year + TIMEZONE_YEARS_AHEAD, 1, 1)
    )
    return ical.to_ical()
