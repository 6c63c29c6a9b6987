"""The school year as an iCalendar feed: one all-day event per closure period."""

from __future__ import annotations

import datetime

from icalendar import Calendar, Event

from sinergie.lib.school_calendar import SchoolYear

PRODID = "-//Sinergie//Calendario scolastico//IT"
UID_DOMAIN = "sinergie.calendario-scolastico"


def school_year_ics(
    calendar: SchoolYear, *, istat_code: str, title: str, language: str, stamp: datetime.datetime | None = None
) -> bytes:
    """Closures as VEVENTs with an exclusive DTEND (RFC 5545) and a UID stable across renders.

    The UID depends on the municipality, level, kind and first day only, so a calendar
    app that subscribed updates an event rather than duplicating it.
    """
    stamp = stamp or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    ical = Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", title)
    for period in calendar.closures:
        event = Event()
        event.add("uid", f"{istat_code}-{calendar.level}-{period.kind}-{period.start:%Y%m%d}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", period.start)
        event.add("dtend", period.end + datetime.timedelta(days=1))
        event.add("summary", period.name(language))
        event.add("description", period.source)
        event.add("transp", "TRANSPARENT")
        ical.add_component(event)
    return ical.to_ical()
