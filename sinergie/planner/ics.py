"""The gap periods of a plan as an iCalendar file: one all-day event per period, services in the description."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from sinergie.planner.selectors import PeriodCover

PRODID = "-//Sinergie//Pianificatore chiusure//IT"
UID_DOMAIN = "sinergie.pianificatore"


def plan_ics(
    covers: Sequence[PeriodCover],
    *,
    key: str,
    title: str,
    language: str,
    service_url: Callable[[object], str],
    child_labels: Mapping[int, str] | None = None,
    stamp: datetime.datetime | None = None,
) -> bytes:
    """VEVENTs with an exclusive DTEND (RFC 5545); UIDs depend on the plan's parameters (`key`) and the period.

    The same plan exported twice gives the same UIDs, so a calendar app updates the events.
    """
    stamp = stamp or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    ical = Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", title)
    for cover in covers:
        period = cover.period
        days = len(period.days)
        lines = [
            ngettext("%(count)d day to cover", "%(count)d days to cover", days) % {"count": days},
            _("Children: %(children)s")
            % {"children": "; ".join((child_labels or {}).get(n, str(n)) for n in period.children)},
        ]
        if cover.services:
            lines.append(_("Services that can help:"))
        for item in cover.services:
            lines.append(
                "- "
                + ngettext(
                    # The noun goes with the days covered: "copre 1 giorno su 60", "covers 1 day of 60".
                    "%(name)s, %(distance)s km, covers %(covered)d day of %(total)d: %(url)s",
                    "%(name)s, %(distance)s km, covers %(covered)d days of %(total)d: %(url)s",
                    item.covered_days,
                )
                % {
                    "name": item.service.name(language),
                    "distance": f"{item.distance_km:.1f}",
                    "covered": item.covered_days,
                    "total": item.total_days,
                    "url": service_url(item.service),
                }
            )
        if not cover.services:
            lines.append(_("No service found nearby for these dates: ask your municipality or alliance."))
        event = Event()
        event.add("uid", f"{digest}-{period.kind}-{period.start:%Y%m%d}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", period.start)
        event.add("dtend", period.end + datetime.timedelta(days=1))
        event.add("summary", _("Who looks after the children? %(period)s") % {"period": period.name(language)})
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        ical.add_component(event)
    return ical.to_ical()
