"""A service's .ics file holds the days the page says it runs, and only those.

The occurrences of the file are expanded with icalendar and dateutil (RRULE, UNTIL, EXDATE,
overrides by RECURRENCE-ID, all-day events) and compared, day by day and hour by hour, with the
days the service runs by the rules of the search and of "open now" (`opening.opening_today`),
and with the "next dates" the page lists. "Today" is fixed: 7 December 2026, in Rome.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.core.management import call_command
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar

from sinergie.conftest import OrganizationFactory
from sinergie.directory.ics import service_ics
from sinergie.directory.models import (
    ClosureAvailability,
    Location,
    ModerationState,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from sinergie.directory.opening import next_openings
from sinergie.territory.models import Municipality, Province, Region

ROME = ZoneInfo("Europe/Rome")
D = datetime.date
T = datetime.time
TODAY = D(2026, 12, 7)
NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=ROME)
SCHOOL_YEAR_END = D(2027, 8, 31)
NEXT_DATES = re.compile(r'<ul class="next-dates">(.*?)</ul>', re.DOTALL)

Occurrence = tuple[datetime.date, datetime.time | None, datetime.time | None]


def occurrences(body: bytes, since: datetime.date, until: datetime.date) -> set[Occurrence]:
    """Every (day, opens, closes) the file holds from `since` to `until`; all-day events give
    (day, None, None) for each of their days (DTEND exclusive)."""
    events = Calendar.from_ical(body).walk("VEVENT")
    overrides = {
        (str(event["UID"]), event.decoded("RECURRENCE-ID")): event for event in events if "RECURRENCE-ID" in event
    }
    found: set[Occurrence] = set()
    for event in events:
        if "RECURRENCE-ID" in event:
            continue
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if not isinstance(start, datetime.datetime):
            day = start
            while day < end:
                if since <= day <= until:
                    found.add((day, None, None))
                day += datetime.timedelta(days=1)
            continue
        starts = [start]
        if "RRULE" in event:
            rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            horizon = datetime.datetime.combine(until, T(23, 59), tzinfo=ROME)
            starts = list(rule.between(start, horizon, inc=True))
        exdates = event.get("EXDATE", [])
        excluded = {d.dt for exdate in (exdates if isinstance(exdates, list) else [exdates]) for d in exdate.dts}
        for moment in starts:
            if moment in excluded:
                continue
            override = overrides.get((str(event["UID"]), moment))
            if override is not None:
                opens, closes = override.decoded("DTSTART"), override.decoded("DTEND")
            else:
                opens, closes = moment, moment + (end - start)
            opens, closes = opens.astimezone(ROME), closes.astimezone(ROME)
            if since <= opens.date() <= until:
                found.add((opens.date(), opens.time(), closes.time()))
    return found


def runs(service: Service, since: datetime.date, until: datetime.date) -> set[Occurrence]:
    """The days `service` runs by the page's rules, as occurrences."""
    days = next_openings(service, since, (until - since).days + 1)
    return {
        (day, opens, closes) if intervals else (day, None, None)
        for day, intervals in days
        if day <= until
        for opens, closes in (intervals or [(None, None)])
    }


def loaded(pk) -> Service:
    schedules = Schedule.objects.prefetch_related("exceptions")
    return Service.objects.prefetch_related(
        "closure_availability",
        Prefetch("schedules", queryset=schedules),
        Prefetch(
            "sites",
            queryset=ServiceAtLocation.objects.select_related("location__municipality").prefetch_related(
                Prefetch("schedules", queryset=schedules)
            ),
        ),
    ).get(pk=pk)


def ics(service: Service) -> bytes:
    return service_ics(loaded(service.pk), language="it", today=TODAY, url="https://example.org/s/")


# --- Representative schedules ------------------------------------------------------------------


@pytest.fixture
def site(db) -> Location:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    melzo = Municipality.objects.create(
        istat_code="015142", name="Melzo", search_name="melzo", cadastral_code="F119", province=province, region=region
    )
    provider = OrganizationFactory(kind="provider")
    return Location.objects.create(
        organization=provider, name="Sede", address_1="Via Roma 1", municipality=melzo, latitude=45.5, longitude=9.42
    )


def _service(site: Location, name: str) -> Service:
    service = Service.objects.create(organization=site.organization, name_it=name, state=ModerationState.PUBLISHED)
    ServiceAtLocation.objects.create(service=service, location=site)
    return service


def _weekly(service: Service, byday: str, opens: int, closes: int, **extra) -> Schedule:
    return Schedule.objects.create(service=service, byday=byday, opens_at=T(opens), closes_at=T(closes), **extra)


@pytest.fixture
def christmas_camp(site) -> Service:
    """Open 23 December to 5 January, Monday to Friday 8–17, closed on Christmas and New Year's Day."""
    camp = _service(site, "Centro vacanze di Natale")
    ClosureAvailability.objects.create(service=camp, period="christmas", start=D(2026, 12, 23), end=D(2027, 1, 5))
    weekdays = _weekly(camp, "MO,TU,WE,TH,FR", 8, 17)
    for day in (D(2026, 12, 25), D(2027, 1, 1)):
        ScheduleException.objects.create(schedule=weekdays, start=day, end=day, closed=True)
    return camp


def test_a_christmas_camp_is_in_the_calendar_only_during_christmas(christmas_camp):
    body = ics(christmas_camp)
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 1
    rule = events[0]["RRULE"]
    assert rule["UNTIL"][0].astimezone(ROME).date() == D(2027, 1, 5)
    assert events[0].decoded("DTSTART") == datetime.datetime(2026, 12, 23, 8, tzinfo=ROME)
    days = sorted(day for day, _opens, _closes in occurrences(body, TODAY, SCHOOL_YEAR_END))
    assert days == [
        D(2026, 12, 23), D(2026, 12, 24), D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31),
        D(2027, 1, 4), D(2027, 1, 5),
    ]  # fmt: skip
    assert occurrences(body, TODAY, SCHOOL_YEAR_END) == runs(loaded(christmas_camp.pk), TODAY, SCHOOL_YEAR_END)


def test_each_closure_range_bounds_the_weekly_hours_and_the_validity_cuts_them(site):
    camp = _service(site, "Centro vacanze")
    ClosureAvailability.objects.create(service=camp, period="christmas", start=D(2026, 12, 23), end=D(2027, 1, 5))
    ClosureAvailability.objects.create(service=camp, period="carnival", start=D(2027, 2, 12), end=D(2027, 2, 13))
    ClosureAvailability.objects.create(service=camp, period="summer", start=D(2027, 6, 14), end=D(2027, 7, 30))
    _weekly(camp, "MO,TU,WE,TH,FR", 8, 17, valid_to=D(2027, 7, 16))
    _weekly(camp, "SA", 9, 12)
    body = ics(camp)
    for event in Calendar.from_ical(body).walk("VEVENT"):
        assert "UNTIL" in event["RRULE"], event["SUMMARY"]
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert "Centro vacanze · Vacanze di Natale" in summaries
    found = occurrences(body, TODAY, SCHOOL_YEAR_END)
    assert (D(2027, 7, 16), T(8), T(17)) in found and (D(2027, 7, 19), T(8), T(17)) not in found
    assert (D(2027, 2, 13), T(9), T(12)) in found  # carnival Saturday
    assert found == runs(loaded(camp.pk), TODAY, SCHOOL_YEAR_END)


def test_a_nursery_with_a_school_year_validity_and_dated_exceptions(site):
    nursery = _service(site, "Asilo nido")
    weekdays = _weekly(nursery, "MO,TU,WE,TH,FR", 7, 16, valid_from=D(2026, 9, 1), valid_to=D(2027, 7, 31))
    ScheduleException.objects.create(schedule=weekdays, start=D(2026, 12, 24), end=D(2027, 1, 6), closed=True)
    ScheduleException.objects.create(
        schedule=weekdays, start=D(2027, 2, 12), end=D(2027, 2, 12), closed=False, opens_at=T(8), closes_at=T(12)
    )
    ScheduleException.objects.create(schedule=weekdays, start=D(2026, 12, 8), end=D(2026, 12, 8), closed=True)
    sat = ServiceAtLocation.objects.get(service=nursery)
    Schedule.objects.create(service_at_location=sat, byday="SA", opens_at=T(9), closes_at=T(12))
    body = ics(nursery)
    found = occurrences(body, TODAY, SCHOOL_YEAR_END)
    assert (D(2027, 2, 12), T(8), T(12)) in found
    assert not any(day == D(2026, 12, 8) or D(2026, 12, 24) <= day <= D(2027, 1, 6) for day, o, c in found if o == T(7))
    assert max(day for day, opens, _c in found if opens == T(7)) == D(2027, 7, 30)
    assert found == runs(loaded(nursery.pk), TODAY, SCHOOL_YEAR_END)


def test_a_service_without_hours_gives_its_closure_days_as_all_day_events(site):
    camp = _service(site, "Centro estivo")
    ClosureAvailability.objects.create(service=camp, period="summer", start=D(2027, 6, 14), end=D(2027, 7, 30))
    body = ics(camp)
    found = occurrences(body, TODAY, SCHOOL_YEAR_END)
    assert len(found) == 47
    assert found == runs(loaded(camp.pk), TODAY, SCHOOL_YEAR_END)


def test_the_page_offers_one_calendar_file_and_lists_the_next_dates(christmas_camp, client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    html = client.get(f"/servizi/{christmas_camp.pk}/").content.decode()
    assert html.count("calendario.ics") == 1
    assert _page_next_dates(html) == [
        "Mercoledì 23 dicembre 2026: 8:00–17:00",
        "Giovedì 24 dicembre 2026: 8:00–17:00",
        "Lunedì 28 dicembre 2026: 8:00–17:00",
        "Martedì 29 dicembre 2026: 8:00–17:00",
        "Mercoledì 30 dicembre 2026: 8:00–17:00",
    ]


def _page_next_dates(html: str) -> list[str]:
    match = NEXT_DATES.search(html)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def _first_dates_text(found: set[Occurrence], count: int) -> list[str]:
    from django.utils import translation

    from sinergie.directory.views import long_date

    by_day: dict[datetime.date, list[tuple[datetime.time, datetime.time]]] = {}
    for day, opens, closes in sorted(found, key=lambda o: (o[0], o[1] or T(0))):
        by_day.setdefault(day, [])
        if opens is not None:
            by_day[day].append((opens, closes))
    texts = []
    with translation.override("it"):
        for day in sorted(by_day)[:count]:
            text = long_date(day, "it")
            text = text[:1].upper() + text[1:]
            hours = ", ".join(f"{o.hour}:{o.minute:02d}–{c.hour}:{c.minute:02d}" for o, c in by_day[day])
            texts.append(f"{text}: {hours}" if hours else text)
    return texts


# --- Every demo service -------------------------------------------------------------------------


def _shape(service: Service) -> tuple:
    """What decides the days a service runs: services of one shape have the same dates."""
    schedules = [*service.schedules.all(), *(s for site in service.sites.all() for s in site.schedules.all())]
    return (
        tuple(sorted((c.start, c.end) for c in service.closure_availability.all())),
        tuple(
            sorted(
                (
                    s.byday,
                    s.opens_at,
                    s.closes_at,
                    s.valid_from or D.min,
                    s.valid_to or D.max,
                    tuple(sorted((e.start, e.end, e.closed, e.opens_at or T(0)) for e in s.exceptions.all())),
                )
                for s in schedules
            )
        ),
    )


@pytest.mark.django_db
def test_every_demo_service_calendar_holds_the_days_its_page_says(client, settings, monkeypatch):
    settings.DEBUG = True  # the demo command refuses to run in production
    call_command("demo", "--no-serve", stdout=StringIO())
    settings.DEBUG = False
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    schedules = Schedule.objects.prefetch_related("exceptions")
    services = list(
        Service.objects.filter(state=ModerationState.PUBLISHED)
        .prefetch_related(
            "closure_availability",
            Prefetch("schedules", queryset=schedules),
            Prefetch(
                "sites",
                queryset=ServiceAtLocation.objects.select_related("location__municipality").prefetch_related(
                    Prefetch("schedules", queryset=schedules)
                ),
            ),
        )
        .order_by("pk")
    )
    assert len(services) > 20
    shapes: dict[tuple, Service] = {}
    for service in services:
        body = service_ics(service, language="it", today=TODAY, url="https://example.org/s/")
        assert occurrences(body, TODAY, SCHOOL_YEAR_END) == runs(service, TODAY, SCHOOL_YEAR_END), service.name_it
        shapes.setdefault(_shape(service), service)
    # The page and the file it links to, once per shape of dates (a few dozen requests, not 1,000).
    assert len(shapes) > 3
    for service in shapes.values():
        response = client.get(f"/servizi/{service.pk}/calendario.ics")
        assert response.status_code == 200
        found = occurrences(response.content, TODAY, SCHOOL_YEAR_END)
        html = client.get(f"/servizi/{service.pk}/").content.decode()
        assert html.count("calendario.ics") == 1, service.name_it
        assert _page_next_dates(html) == _first_dates_text(found, 5), service.name_it
