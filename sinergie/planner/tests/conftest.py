"""A family's territory east of Milan and one provider with camps for the 2026/27 closures."""

from __future__ import annotations

import datetime

import pytest

from sinergie.conftest import OrganizationFactory
from sinergie.directory.models import ClosureAvailability, CostOption, Location, Service, ServiceAtLocation
from sinergie.territory.models import Municipality, Province, Region

D = datetime.date
CHRISTMAS_2026 = ("christmas", D(2026, 12, 23), D(2027, 1, 5))
CARNIVAL_2027 = ("carnival", D(2027, 2, 12), D(2027, 2, 13))
EASTER_2027 = ("easter", D(2027, 3, 25), D(2027, 3, 30))
SUMMER_2027 = ("summer", D(2027, 6, 9), D(2027, 9, 3))
SEPTEMBER_2026 = ("september", D(2026, 8, 31), D(2026, 9, 11))


class Territory:
    def __init__(self) -> None:
        region = Region.objects.create(istat_code="03", name="Lombardia")
        province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
        piedmont = Region.objects.create(istat_code="01", name="Piemonte")
        turin = Province.objects.create(istat_code="001", name="Torino", abbreviation="TO", region=piedmont)

        def town(code: str, name: str, lat: float, lon: float, where: Province = province) -> Municipality:
            return Municipality.objects.create(
                istat_code=code, name=name, search_name=name.lower(), cadastral_code=code[-4:],
                province=where, region=where.region, latitude=lat, longitude=lon,
            )  # fmt: skip

        self.cernusco = town("015070", "Cernusco sul Naviglio", 45.5252, 9.3323)
        self.melzo = town("015142", "Melzo", 45.4998, 9.4226)  # about 7.5 km from Cernusco
        self.milano = town("015146", "Milano", 45.4642, 9.19)  # about 13 km from Cernusco
        self.torino = town("001272", "Torino", 45.0703, 7.6869, turin)
        self.provider = OrganizationFactory(kind="provider", name="Girasole", slug="girasole")
        self.sites = {
            m.pk: Location.objects.create(
                organization=self.provider,
                name=f"Sede di {m.name}",
                address_1="Via Roma 1",
                municipality=m,
                latitude=m.latitude + 0.002,
                longitude=m.longitude + 0.002,
            )
            for m in (self.cernusco, self.melzo, self.milano)
        }
        self.christmas_camp = self.service("Natale Cernusco", self.cernusco, (36, 168), 9000, [CHRISTMAS_2026])
        self.campus = self.service(
            "Campus Carnevale e Pasqua Melzo", self.melzo, (48, 144), 8000, [CARNIVAL_2027, EASTER_2027], True
        )
        self.summer_camp = self.service(
            "Centro estivo Cernusco", self.cernusco, (36, 168), 9500, [SEPTEMBER_2026, SUMMER_2027]
        )
        # Only the last week of the Christmas holidays: covers fewer days, listed after.
        self.short_camp = self.service(
            "Settimana bianca Melzo", self.melzo, (72, 168), None, [("christmas", D(2026, 12, 28), D(2027, 1, 1))]
        )
        self.far_camp = self.service("Natale Milano", self.milano, (36, 168), 7000, [CHRISTMAS_2026])
        self.teen_camp = self.service("Campus adolescenti", self.cernusco, (156, 216), 5000, [CHRISTMAS_2026])
        self.draft_camp = self.service("Bozza", self.cernusco, (36, 168), 1000, [CHRISTMAS_2026], state="draft")
        self.nursery = self.service("Asilo nido Cernusco", self.cernusco, (3, 36), 40000, [])

    def service(
        self,
        name: str,
        municipality: Municipality,
        ages: tuple[int, int],
        price: int | None,
        closures: list[tuple[str, datetime.date, datetime.date]],
        vouchers: bool = False,
        state: str = "published",
    ) -> Service:
        service = Service.objects.create(
            organization=self.provider, name_it=name, name_en=f"{name} (en)", state=state,
            minimum_age_months=ages[0], maximum_age_months=ages[1], accepts_vouchers=vouchers,
        )  # fmt: skip
        ServiceAtLocation.objects.create(service=service, location=self.sites[municipality.pk])
        if price is not None:
            CostOption.objects.create(service=service, option_it="Tariffa", amount_cents=price, unit="week")
        for period, start, end in closures:
            ClosureAvailability.objects.create(service=service, period=period, start=start, end=end)
        return service


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages mark periods already over: the tests see them from 22 November 2026, whatever the date."""
    monkeypatch.setattr("sinergie.planner.views._today", lambda: D(2026, 11, 22))


@pytest.fixture
def territory(db: None) -> Territory:
    return Territory()
