from __future__ import annotations

import pytest

from sinergie.conftest import OrganizationFactory, World, make_municipality
from sinergie.organizations.models import AlliancePartner, Organization
from sinergie.territory.models import Municipality, Province, Region

HEADER = (
    "external_id;name_it;name_en;kind;categories;min_age_years;max_age_years;capacity;languages;email;phone;url;"
    "accepts_vouchers;location_external_id;location_name;address;postal_code;municipality_istat;latitude;longitude;"
    "opening_hours;closures;price_eur;price_unit"
)
ROWS = [
    "CE-1;Centro estivo Girasole;Sunflower camp;service;summer_camp;6;11;40;it;info@girasole.example;+39 02 1234567;"
    "https://girasole.example;sì;S1;Scuola Rodari;Via Roma 1;20066;015142;45.4979;9.4195;"
    "LU-VE 07:30-16:30;estate 15/06/2027..31/07/2027;120,50;settimana",
    "CE-1;Centro estivo Girasole;Sunflower camp;service;summer_camp;6;11;40;it;info@girasole.example;+39 02 1234567;"
    "https://girasole.example;sì;S2;Palestra comunale;Via Dante 3;20066;15142;;;"
    "LU-VE 08:00-16:00;estate 15/06/2027..31/07/2027;120,50;settimana",
    "NAT-1;Natale in ludoteca;;service;holiday_camp;3;10;;it;;;;no;"
    "S1;Scuola Rodari;Via Roma 1;20066;015142;45.4979;9.4195;"
    "MO-FR 08:00-13:00;christmas 2026-12-23..2027-01-05;25;day",
    "BS-1;Baby sitting a domicilio;;service;babysitting;0;12;;it;;;;no;;;;;;;;SA-SU 09:00-19:00;;12;hour",
]


def csv_bytes(rows: list[str] | None = None, *, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *(ROWS if rows is None else rows)]) + "\r\n").encode(encoding)


@pytest.fixture
def towns(db: None) -> dict[str, Municipality]:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    return {
        "melzo": make_municipality("015142", "Melzo", milano, (45.4993, 9.4207)),
        "milano": make_municipality("015146", "Milano", milano, (45.4642, 9.19)),
        "nowhere": make_municipality("015999", "Senzapunto", milano, None),
    }


class CatalogueWorld(World):
    """The shared personas, with Provider A a partner of Alliance A and Provider B of Alliance B."""

    def __init__(self) -> None:
        super().__init__()
        AlliancePartner.objects.create(alliance=self.alliance, organization=self.provider, role="private")
        self.other_provider: Organization = OrganizationFactory(kind="provider", name="Provider B", slug="provider-b")
        AlliancePartner.objects.create(alliance=self.other_alliance, organization=self.other_provider, role="private")


@pytest.fixture
def world(db: None, towns: dict[str, Municipality]) -> CatalogueWorld:
    return CatalogueWorld()
