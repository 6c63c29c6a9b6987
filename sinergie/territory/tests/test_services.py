from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sinergie.territory.build import POPULATION_UNAVAILABLE
from sinergie.territory.datafiles import DATA_DIR, TERRITORY_FILE
from sinergie.territory.models import Municipality, Province, Region
from sinergie.territory.services import TerritoryDataError, territory_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory")]


def test_it_loads_all_regions_provinces_and_municipalities(territory: dict[str, Any]) -> None:
    assert Region.objects.count() == 20
    assert Province.objects.count() == 107
    assert Municipality.objects.count() == territory["municipalities"]
    assert 7800 < territory["municipalities"] < 8000


def test_it_loads_every_lombard_municipality_with_code_population_and_point() -> None:
    lombardy = Municipality.objects.filter(region__istat_code="03")
    assert lombardy.count() >= 1500
    assert not lombardy.filter(population=0).exists()
    assert not lombardy.filter(latitude__isnull=True).exists()
    assert not lombardy.filter(longitude__isnull=True).exists()
    for code, latitude, longitude in lombardy.values_list("istat_code", "latitude", "longitude"):
        assert len(code) == 6 and code.isdigit()
        # Lombardy's bounding box, roughly.
        assert 44.6 < latitude < 46.7 and 8.4 < longitude < 11.5, code


def test_it_gives_every_municipality_in_italy_a_point_and_all_but_three_a_population() -> None:
    # The three have no population in any package we use (see POPULATION_UNAVAILABLE in build.py).
    without = set(Municipality.objects.filter(population=0).values_list("istat_code", flat=True))
    assert without == set(POPULATION_UNAVAILABLE)
    assert not Municipality.objects.filter(latitude__isnull=True).exists()


def test_it_loads_the_133_municipalities_of_the_province_of_milan() -> None:
    milan = Province.objects.get(abbreviation="MI")
    assert milan.istat_code == "015"
    assert milan.region.istat_code == "03"
    assert Municipality.objects.filter(province__abbreviation="MI").count() == 133


def test_it_loads_milan_with_a_plausible_population() -> None:
    milano = Municipality.objects.get(istat_code="015146")
    assert milano.name == "Milano"
    assert milano.cadastral_code == "F205"
    assert milano.is_provincial_capital
    assert 1_300_000 < milano.population < 1_450_000
    assert sum(milano.population_by_band().values()) == milano.population
    assert 45.4 < milano.latitude < 45.55 and 9.05 < milano.longitude < 9.3


def test_it_loads_the_municipalities_merged_after_the_geopop_vintage() -> None:
    bardello = Municipality.objects.get(istat_code="012144")
    uggiate = Municipality.objects.get(istat_code="013256")
    campospinoso = Municipality.objects.get(istat_code="018026")
    assert bardello.name == "Bardello con Malgesso e Bregano" and bardello.population > 3000
    assert uggiate.name == "Uggiate con Ronago" and uggiate.population > 6000
    assert campospinoso.name == "Campospinoso Albaredo" and campospinoso.population > 1000
    assert bardello.boundary is not None and uggiate.boundary is not None
    assert not Municipality.objects.filter(istat_code__in=["013199", "013228", "018002"]).exists()


def test_it_sets_the_folded_search_name() -> None:
    assert Municipality.objects.get(istat_code="013041").search_name == "cantu"
    assert Municipality.objects.get(istat_code="015060").search_name == "cassina de' pecchi"


def test_it_loads_the_boundaries_of_lombardy_only(territory: dict[str, Any]) -> None:
    assert territory["boundaries"] == Municipality.objects.filter(region__istat_code="03").count()
    assert not Municipality.objects.filter(region__istat_code="03", boundary__isnull=True).exists()
    assert not Municipality.objects.exclude(region__istat_code="03").filter(boundary__isnull=False).exists()
    boundary = Municipality.objects.get(istat_code="015146").boundary
    assert boundary["type"] in {"Polygon", "MultiPolygon"}


def test_it_is_idempotent(territory: dict[str, Any]) -> None:
    counts = (Region.objects.count(), Province.objects.count(), Municipality.objects.count())

    first = territory_load(regions_with_boundaries=["03"])
    second = territory_load(regions_with_boundaries=["03"])

    assert (Region.objects.count(), Province.objects.count(), Municipality.objects.count()) == counts
    assert first["municipalities_created"] == second["municipalities_created"] == 0
    assert second == first
    assert Municipality.objects.filter(boundary__isnull=False).count() == territory["boundaries"]


def test_it_clears_boundaries_of_regions_no_longer_requested() -> None:
    summary = territory_load(regions_with_boundaries=[])

    assert summary["boundaries"] == 0
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


def test_it_restores_edited_names_and_keeps_stale_municipalities() -> None:
    Municipality.objects.filter(istat_code="015146").update(name="Milan", search_name="milan")
    Municipality.objects.create(
        istat_code="015999",
        name="Gone",
        search_name="gone",
        cadastral_code="Z999",
        province=Province.objects.get(abbreviation="MI"),
        region=Region.objects.get(istat_code="03"),
    )

    summary = territory_load(regions_with_boundaries=["03"])

    assert Municipality.objects.get(istat_code="015146").name == "Milano"
    assert summary["stale_municipalities"] == 1
    assert Municipality.objects.filter(istat_code="015999").exists()


def test_it_refuses_a_missing_boundary_file(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / TERRITORY_FILE, tmp_path / TERRITORY_FILE)

    with pytest.raises(TerritoryDataError, match="boundaries-03"):
        territory_load(regions_with_boundaries=["03"], data_dir=tmp_path)


def test_it_refuses_an_invalid_region_code() -> None:
    with pytest.raises(ValueError, match="not an ISTAT region code"):
        territory_load(regions_with_boundaries=["Lombardia"])
