"""Open now: weekly hours, dated exceptions, school-closure availability, midnight and DST edges."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Prefetch
from django.utils import translation

from sinergie.conftest import OrganizationFactory
from sinergie.directory.models import (
    ClosureAvailability,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from sinergie.directory.opening import is_open_at, open_status, open_status_text, opening_today
from sinergie.territory.models import Municipality, Province, Region

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
D = datetime.date
T = datetime.time
TUESDAY = D(2026, 11, 3)
WEDNESDAY = D(2026, 11, 4)
SATURDAY = D(2026, 11, 7)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, T(hour, minute), tzinfo=ROME)


def loaded(service: Service) -> Service:
    """The service as the pages load it: schedules, sites' schedules and exceptions prefetched."""
    schedules = Schedule.objects.prefetch_related("exceptions")
    return Service.objects.prefetch_related(
        "closure_availability",
        Prefetch("schedules", queryset=schedules),
        Prefetch(
            "sites", queryset=ServiceAtLocation.objects.prefetch_related(Prefetch("schedules", queryset=schedules))
        ),
    ).get(pk=service.pk)


@pytest.fixture
def service() -> Service:
    return Service.objects.create(
        organization=OrganizationFactory(kind="provider"), name_it="Sportello", state="published"
    )


NINE, NOON = T(9), T(12)


def weekly(service: Service, byday: str = "MO,TU,WE,TH,FR", opens: T = NINE, closes: T = NOON, **extra) -> Schedule:
    return Schedule.objects.create(service=service, byday=byday, opens_at=opens, closes_at=closes, **extra)


def test_it_is_open_within_the_weekly_hours_only(service):
    weekly(service)
    service = loaded(service)
    assert is_open_at(service, at(TUESDAY, 9))  # the opening minute is open
    assert is_open_at(service, at(TUESDAY, 11, 59))
    assert not is_open_at(service, at(TUESDAY, 12))  # the closing minute is closed
    assert not is_open_at(service, at(TUESDAY, 8, 59))
    assert not is_open_at(service, at(SATURDAY, 10))
    assert opening_today(service, TUESDAY) == [(T(9), T(12))]
    assert opening_today(service, SATURDAY) == []


def test_it_merges_morning_and_afternoon_hours_and_site_hours(service):
    weekly(service, opens=T(14), closes=T(17))
    location = Location.objects.create(
        organization=service.organization,
        name="Sede",
        address_1="Via Roma 1",
        municipality=_town(),
        latitude=45.5,
        longitude=9.42,
    )
    site = ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service_at_location=site, byday="TU", opens_at=T(9), closes_at=T(12, 30))
    service = loaded(service)
    assert opening_today(service, TUESDAY) == [(T(9), T(12, 30)), (T(14), T(17))]
    assert not is_open_at(service, at(TUESDAY, 13))
    assert is_open_at(service, at(TUESDAY, 10))
    assert opening_today(service, WEDNESDAY) == [(T(14), T(17))]


def test_a_validity_window_limits_the_weekly_hours(service):
    weekly(service, valid_from=WEDNESDAY, valid_to=D(2026, 12, 31))
    service = loaded(service)
    assert not is_open_at(service, at(TUESDAY, 10))
    assert is_open_at(service, at(WEDNESDAY, 10))
    assert not is_open_at(service, at(D(2027, 1, 4), 10))


def test_a_closed_exception_closes_and_one_with_hours_replaces_the_weekly_hours(service):
    schedule = weekly(service)
    ScheduleException.objects.create(schedule=schedule, start=TUESDAY, end=TUESDAY, closed=True)
    ScheduleException.objects.create(
        schedule=schedule, start=WEDNESDAY, end=WEDNESDAY, closed=False, opens_at=T(15), closes_at=T(18)
    )
    service = loaded(service)
    assert not is_open_at(service, at(TUESDAY, 10))
    assert not is_open_at(service, at(WEDNESDAY, 10))  # the weekly hours do not apply that day
    assert is_open_at(service, at(WEDNESDAY, 16))
    assert opening_today(service, WEDNESDAY) == [(T(15), T(18))]


def test_closure_availability_limits_the_days(service):
    weekly(service, byday="MO,TU,WE,TH,FR", opens=T(8), closes=T(17))
    ClosureAvailability.objects.create(service=service, period="christmas", start=D(2026, 12, 23), end=D(2027, 1, 5))
    service = loaded(service)
    assert not is_open_at(service, at(TUESDAY, 10))
    assert is_open_at(service, at(D(2026, 12, 23), 10))
    assert not is_open_at(service, at(D(2027, 1, 7), 10))
    status = open_status(service, at(TUESDAY, 10))
    assert status is not None and not status.is_open
    assert status.next_opening == at(D(2026, 12, 23), 8)


def test_midnight_edges(service):
    weekly(service, byday="MO,TU,WE,TH,FR,SA,SU", opens=T(0), closes=T(23, 59))
    service = loaded(service)
    assert is_open_at(service, at(TUESDAY, 0))
    assert is_open_at(service, at(TUESDAY, 23, 58))
    assert not is_open_at(service, datetime.datetime.combine(TUESDAY, T(23, 59, 30), tzinfo=ROME))
    # 23:30 UTC on Tuesday is already Wednesday 0:30 in Rome.
    assert is_open_at(service, datetime.datetime(2026, 11, 3, 23, 30, tzinfo=datetime.UTC))


def test_a_moment_in_utc_is_read_in_rome_on_the_days_the_clocks_change(service):
    weekly(service, byday="SU", opens=T(9), closes=T(10))
    service = loaded(service)
    spring = D(2027, 3, 28)  # clocks go forward at 2:00: Rome is UTC+2 from then on
    autumn = D(2026, 10, 25)  # clocks go back at 3:00: Rome is UTC+1 from then on
    assert is_open_at(service, datetime.datetime(2027, 3, 28, 7, 30, tzinfo=datetime.UTC))  # 9:30 CEST
    assert not is_open_at(service, datetime.datetime(2027, 3, 28, 8, 30, tzinfo=datetime.UTC))  # 10:30 CEST
    assert is_open_at(service, datetime.datetime(2026, 10, 25, 8, 30, tzinfo=datetime.UTC))  # 9:30 CET
    assert not is_open_at(service, datetime.datetime(2026, 10, 25, 7, 30, tzinfo=datetime.UTC))  # 8:30 CET
    assert opening_today(service, spring) == opening_today(service, autumn) == [(T(9), T(10))]


def test_the_status_says_until_when_or_when_it_opens(service):
    weekly(service, byday="TU,TH", opens=T(9), closes=T(12))
    service = loaded(service)
    with translation.override("en"):
        assert open_status_text(open_status(service, at(TUESDAY, 10)), at(TUESDAY, 10), "en") == (
            "Open now, until 12:00"
        )
        assert open_status_text(open_status(service, at(TUESDAY, 8)), at(TUESDAY, 8), "en") == (
            "Closed now, opens today at 9:00"
        )
        assert open_status_text(open_status(service, at(WEDNESDAY, 13)), at(WEDNESDAY, 13), "en") == (
            "Closed now, opens tomorrow at 9:00"
        )
        assert open_status_text(open_status(service, at(TUESDAY, 13)), at(TUESDAY, 13), "en") == (
            "Closed now, opens on Thursday 5 November at 9:00"
        )
    with translation.override("it"):
        assert open_status_text(open_status(service, at(TUESDAY, 13)), at(TUESDAY, 13), "it") == (
            "Chiuso ora, apre giovedì 5 novembre alle 9:00"
        )


def test_a_service_without_hours_has_no_status(service):
    service = loaded(service)
    assert open_status(service, at(TUESDAY, 10)) is None
    assert not is_open_at(service, at(TUESDAY, 10))


def test_it_reads_only_what_is_prefetched(service, django_assert_num_queries):
    weekly(service)
    service = loaded(service)
    with django_assert_num_queries(0):
        is_open_at(service, at(TUESDAY, 10))
        open_status(service, at(SATURDAY, 10))


def _town() -> Municipality:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    return Municipality.objects.create(
        istat_code="015142", name="Melzo", search_name="melzo", cadastral_code="F119", province=province, region=region
    )
