"""Fixtures of the directory's tests: a small territory east of Milan and a published service in it."""

from __future__ import annotations

import pytest

from sinergie.conftest import OrganizationFactory
from sinergie.directory.models import Location, Service, ServiceAtLocation
from sinergie.territory.models import Municipality, Province, Region


@pytest.fixture
def lombardy(db: None) -> list[Municipality]:
    """Four municipalities east of Milan, with populations so the generator weighs them."""
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    rows = [
        ("015146", "Milano", 45.4642, 9.19, 1_370_000, True),
        ("015142", "Melzo", 45.4998, 9.4226, 18_500, False),
        ("015070", "Cernusco sul Naviglio", 45.5252, 9.3323, 34_000, False),
        ("015106", "Gorgonzola", 45.5330, 9.4050, 20_000, False),
    ]
    return [
        Municipality.objects.create(
            istat_code=code,
            name=name,
            search_name=name.lower(),
            cadastral_code=code[-4:],
            province=province,
            region=region,
            latitude=lat,
            longitude=lon,
            population=population,
            is_provincial_capital=capital,
        )
        for code, name, lat, lon, population, capital in rows
    ]


@pytest.fixture
def service(lombardy) -> Service:
    provider = OrganizationFactory(kind="provider", name="Girasole", slug="girasole")
    location = Location.objects.create(
        organization=provider,
        name="Sede",
        address_1="Via Roma 1",
        municipality=lombardy[1],
        latitude=45.5,
        longitude=9.42,
    )
    service = Service.objects.create(
        organization=provider, name_it="Spazio gioco Trottola", state="published", languages=["it", "ar"]
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service
