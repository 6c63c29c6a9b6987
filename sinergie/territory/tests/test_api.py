from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory")]

URL = "/api/v1/territory/municipalities"


def test_it_paginates_50_per_page(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):  # count + page
        first = client.get(URL, {"province": "MI"}).json()
    last = client.get(URL, {"province": "MI", "page": 3}).json()

    assert (first["count"], first["page"], first["pages"]) == (133, 1, 3)
    assert len(first["results"]) == 50
    assert (last["page"], len(last["results"])) == (3, 33)
    first_codes = {item["istat_code"] for item in first["results"]}
    assert first_codes.isdisjoint(item["istat_code"] for item in last["results"])


def test_it_returns_no_results_past_the_last_page(client: Client) -> None:
    body = client.get(URL, {"province": "MI", "page": 4}).json()

    assert body == {"count": 133, "page": 4, "pages": 3, "results": []}


def test_it_rejects_a_page_below_one(client: Client) -> None:
    assert client.get(URL, {"page": 0}).status_code == 422


def test_it_returns_the_documented_fields(client: Client) -> None:
    body = client.get(URL, {"province": "MI", "q": "milano"}).json()

    assert body["results"][0] == {
        "istat_code": "015146",
        "name": "Milano",
        "province": "MI",
        "region": "Lombardia",
        "population": body["results"][0]["population"],
        "lat": body["results"][0]["lat"],
        "lon": body["results"][0]["lon"],
    }
    assert body["results"][0]["population"] > 1_000_000


def test_it_filters_by_province(client: Client) -> None:
    body = client.get(URL, {"province": "CO", "page": 2}).json()

    assert body["count"] == 147
    assert {item["province"] for item in body["results"]} == {"CO"}


def test_it_filters_by_region(client: Client) -> None:
    body = client.get(URL, {"region": "03"}).json()

    assert body["count"] >= 1500
    assert {item["region"] for item in body["results"]} == {"Lombardia"}


def test_it_searches_without_accents(client: Client) -> None:
    cantu = client.get(URL, {"q": "Cantu"}).json()
    cassina = client.get(URL, {"q": "cassina de"}).json()

    assert [item["name"] for item in cantu["results"]] == ["Cantù"]
    assert [item["name"] for item in cassina["results"]] == ["Cassina de' Pecchi"]


def test_it_gives_count_0_for_an_unknown_province(client: Client) -> None:
    response = client.get(URL, {"province": "XX"})

    assert response.status_code == 200
    assert response.json() == {"count": 0, "page": 1, "pages": 0, "results": []}


def test_it_returns_one_municipality_with_bands(client: Client) -> None:
    body = client.get(f"{URL}/015146").json()

    assert body["name"] == "Milano"
    assert body["cadastral_code"] == "F205"
    assert list(body["population_by_band"]) == ["0_2", "3_5", "6_10", "11_14", "15_64", "65_79", "80_plus"]
    assert sum(body["population_by_band"].values()) == body["population"]


def test_it_answers_404_json_for_an_unknown_municipality(client: Client) -> None:
    response = client.get(f"{URL}/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "No municipality with ISTAT code 999999."}


def test_it_lists_provinces(client: Client) -> None:
    everything = client.get("/api/v1/territory/provinces").json()
    lombardy = client.get("/api/v1/territory/provinces", {"region": "03"}).json()

    assert len(everything) == 107
    assert len(lombardy) == 12
    assert {
        "istat_code": "015",
        "name": "Milano",
        "abbreviation": "MI",
        "region": "Lombardia",
        "region_code": "03",
    } in lombardy


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/territory/municipalities/%00", {}, 404),
        ("/api/v1/territory/municipalities/0151%0046", {}, 404),
        ("/api/v1/territory/municipalities", {"q": "mil\x00ano"}, 200),
        ("/api/v1/territory/municipalities", {"province": "M\x00I", "region": "\x00"}, 200),
        ("/api/v1/territory/provinces", {"region": "Lomb\x00ardia"}, 200),
    ],
)
def test_a_nul_in_a_parameter_matches_nothing_instead_of_failing(client, db, path, params, status):
    """PostgreSQL refuses NUL in text: found by the fuzz test of issue 12 as a 500."""
    response = client.get(path, params)
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body == [] or body["count"] == 0


def test_a_nul_in_a_page_address_is_a_bad_request(client, db):
    assert client.get("/calendario-scolastico/01%005142/").status_code == 400
    assert client.get("/servizi/%00/").status_code == 400
    assert client.get("/servizi/", {"q": "asilo\x00"}).status_code == 200  # the search ignores it
