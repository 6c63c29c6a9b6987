from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from sinergie.conftest import World
from sinergie.directory.models import ClosureAvailability, Location, Schedule, Service, TaxonomyTerm
from sinergie.directory.taxonomy import TERMS
from sinergie.territory.models import Municipality, Province, Region


@pytest.fixture
def melzo(db) -> Municipality:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    return Municipality.objects.create(
        istat_code="015142", name="Melzo", search_name="melzo", cadastral_code="F119", province=province, region=region
    )


def test_it_ships_the_conciliation_taxonomy(db):
    assert TaxonomyTerm.objects.count() == len(TERMS)
    assert TaxonomyTerm.objects.get(code="summer_camp").parent.code == "holiday_camps"
    assert TaxonomyTerm.objects.get(code="laundry").name("en") == "Laundry and ironing"


def test_it_refuses_an_inverted_age_range(world: World):
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(organization=world.provider, name_it="Nido", minimum_age_months=36, maximum_age_months=3)


def test_it_refuses_two_services_with_the_same_provider_identifier(world: World):
    Service.objects.create(organization=world.provider, name_it="A", external_id="X1")
    Service.objects.create(organization=world.provider, name_it="B")  # no identifier: no clash
    Service.objects.create(organization=world.provider, name_it="C")
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(organization=world.provider, name_it="D", external_id="X1")


def test_it_refuses_a_location_outside_italy(world: World, melzo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(
            organization=world.provider,
            name="Sede",
            address_1="Via Roma 1",
            municipality=melzo,
            latitude=9.35,
            longitude=45.52,  # swapped
        )


def test_it_refuses_a_schedule_without_exactly_one_owner(world: World):
    with pytest.raises(IntegrityError), transaction.atomic():
        Schedule.objects.create(byday="MO", opens_at=datetime.time(8), closes_at=datetime.time(12))


def test_it_refuses_closing_before_opening(world: World):
    service = Service.objects.create(organization=world.provider, name_it="Centro")
    with pytest.raises(IntegrityError), transaction.atomic():
        Schedule.objects.create(service=service, byday="MO", opens_at=datetime.time(18), closes_at=datetime.time(8))


def test_it_refuses_a_closure_availability_ending_before_it_starts(world: World):
    service = Service.objects.create(organization=world.provider, name_it="Centro vacanze")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureAvailability.objects.create(
            service=service, period="christmas", start=datetime.date(2027, 1, 5), end=datetime.date(2026, 12, 23)
        )
