"""A designer's world: alliance A with two member municipalities, a member company and a provider partner."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sinergie.calls import design
from sinergie.calls.design import CallData
from sinergie.calls.models import Call
from sinergie.conftest import World, make_municipality
from sinergie.organizations.models import AlliancePartner
from sinergie.territory.models import Province, Region


class Designer:
    def __init__(self, world: World) -> None:
        self.world = world
        region = Region.objects.create(istat_code="03", name="Lombardia")
        milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
        self.melzo = make_municipality("015142", "Melzo", milano)
        self.gorgonzola = make_municipality("015108", "Gorgonzola", milano)
        self.milano = make_municipality("015146", "Milano", milano)
        world.alliance.municipalities.add(self.melzo, self.gorgonzola)
        world.other_alliance.municipalities.add(self.milano)
        AlliancePartner.objects.create(alliance=world.alliance, organization=world.provider, role="private")
        self.staff = world.alliance_staff

    def data(self, **changes: Any) -> CallData:
        now = timezone.now()
        fields: dict[str, Any] = {
            "kind": "worker_vouchers",
            "title_it": "Voucher estate 2027",
            "title_en": "Summer vouchers 2027",
            "text_it": "Il bando finanzia centri estivi per i figli dei lavoratori.",
            "text_en": "The call funds summer camps for workers' children.",
            "budget_cents": 1_000_000,
            "amount_per_beneficiary_cents": 40_000,
            "opens_at": now + datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=30),
            "providers": [self.world.provider],
            "eligibility": [
                {"kind": "territory"},
                {"kind": "children_age", "min_age": 3, "max_age": 14},
                {"kind": "isee_ceiling", "ceiling_cents": 3_000_000},
                {"kind": "not_beneficiary"},
            ],
            "documents": [
                {"name_it": "Attestazione ISEE", "name_en": "ISEE statement", "mandatory": True, "types": ["pdf"]}
            ],
            "criteria": [
                {"kind": "isee_band", "weight": 40, "bands": [[1_000_000, 100], [2_000_000, 50]]},
                {"kind": "children", "weight": 10, "max_children": 3},
                {"kind": "single_parent", "weight": 20},
            ],
            "tie_breakers": ["lower_isee", "more_children"],
        }
        fields.update(changes)
        return CallData(**fields)

    def create(self, **changes: Any) -> Call:
        return design.call_create(alliance=self.world.alliance, data=self.data(**changes), by=self.staff)


@pytest.fixture(name="designer")
def designer_fixture(world: World) -> Designer:
    return Designer(world)


def form_post(**changes: Any) -> dict[str, Any]:
    """A valid POST of the designer's page (Rome local times), with `changes`."""
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    data: dict[str, Any] = {
        "alliance": "",
        "kind": "worker_vouchers",
        "title_it": "Voucher estate 2027",
        "title_en": "Summer vouchers 2027",
        "text_it": "Il bando finanzia centri estivi.",
        "text_en": "The call funds summer camps.",
        "budget": "10.000,00",
        "amount": "400",
        "opens_at": tomorrow.strftime("%Y-%m-%dT09:00"),
        "closes_at": (tomorrow + datetime.timedelta(days=30)).strftime("%Y-%m-%dT12:00"),
        "rule_territory": "on",
        "rule_children": "on",
        "min_age": "3",
        "max_age": "14",
        "isee_ceiling": "30000",
        "rule_not_beneficiary": "on",
        "weight_isee_band": "40",
        "isee_bands": "10000; 100\n20.000; 50",
        "weight_children": "10",
        "max_children": "3",
        "weight_single_parent": "20",
        "tie_breaker_1": "lower_isee",
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "20",
        "documents-0-name_it": "Attestazione ISEE",
        "documents-0-name_en": "ISEE statement",
        "documents-0-mandatory": "on",
        "documents-0-types": ["pdf"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
