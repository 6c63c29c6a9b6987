from __future__ import annotations

import pytest

from sinergie.territory.selectors import municipalities_search, municipality_get, provinces_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory")]


def names(queryset) -> list[str]:  # type: ignore[no-untyped-def]
    return [municipality.name for municipality in queryset]


def test_it_finds_accented_names_without_accents() -> None:
    assert names(municipalities_search(q="Cantu")) == ["Cantù"]
    assert names(municipalities_search(q="CANTÙ")) == ["Cantù"]


def test_it_requires_every_word_of_the_query() -> None:
    assert names(municipalities_search(q="cassina pecchi")) == ["Cassina de' Pecchi"]
    assert names(municipalities_search(q="cassina de’")) == ["Cassina de' Pecchi"]


def test_it_ranks_names_starting_with_the_query_first() -> None:
    found = names(municipalities_search(region="03", q="como"))
    # Alphabetically "Borgo San Giacomo" would come first.
    assert found[0] == "Como"
    assert found[1:] == sorted(found[1:], key=str.casefold) and "Borgo San Giacomo" in found


def test_it_orders_by_name_when_there_is_no_query() -> None:
    found = names(municipalities_search(province="MI"))
    assert found == sorted(found, key=str.casefold)
    assert found[0] == "Abbiategrasso"


def test_it_accepts_the_province_as_abbreviation_or_istat_code() -> None:
    by_abbreviation = municipalities_search(province="mi").count()
    assert by_abbreviation == 133
    assert municipalities_search(province="015").count() == 133
    assert municipalities_search(province="15").count() == 133
    # The statistical code of the metropolitan city.
    assert municipalities_search(province="215").count() == 133


def test_it_accepts_the_region_as_code_or_name() -> None:
    assert municipalities_search(region="3").count() == municipalities_search(region="Lombardia").count() >= 1500


def test_it_matches_nothing_for_an_unknown_province() -> None:
    assert municipalities_search(province="XX").count() == 0
    assert municipalities_search(province="999").count() == 0


def test_it_ignores_blank_parameters() -> None:
    assert municipalities_search(province=" ", region="", q="  ").count() > 7800


def test_it_gets_a_municipality_by_istat_code() -> None:
    assert municipality_get(istat_code="015146").name == "Milano"
    assert municipality_get(istat_code="15146").name == "Milano"
    assert municipality_get(istat_code="000000") is None


def test_it_lists_provinces_of_a_region() -> None:
    assert provinces_list().count() == 107
    assert {province.abbreviation for province in provinces_list(region="03")} == {
        "BG",
        "BS",
        "CO",
        "CR",
        "LC",
        "LO",
        "MB",
        "MI",
        "MN",
        "PV",
        "SO",
        "VA",
    }
