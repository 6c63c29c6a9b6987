from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from sinergie.conftest import OrganizationFactory
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.directory.search import near, query, results
from sinergie.directory.search.query import SearchError, parse_search
from sinergie.directory.search.results import services_search
from sinergie.directory.search_index import search_terms
from sinergie.directory.selectors import ROME, period_dates
from sinergie.territory.models import Municipality, Province, Region

TODAY = datetime.date(2026, 11, 2)
URL = "/api/v1/services/search"
D = datetime.date


class Directory:
    """Three municipalities east of Milan and one provider with services of every sort."""

    def __init__(self) -> None:
        region = Region.objects.create(istat_code="03", name="Lombardia")
        province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)

        def town(code: str, name: str, lat: float, lon: float) -> Municipality:
            return Municipality.objects.create(
                istat_code=code,
                name=name,
                search_name=name.lower(),
                cadastral_code=code[-4:],
                province=province,
                region=region,
                latitude=lat,
                longitude=lon,
            )

        self.melzo = town("015142", "Melzo", 45.4998, 9.4226)
        self.cernusco = town("015070", "Cernusco sul Naviglio", 45.5252, 9.3323)  # about 7.5 km from Melzo
        self.milano = town("015146", "Milano", 45.4642, 9.19)  # about 18.5 km from Melzo
        self.provider = OrganizationFactory(kind="provider", name="Girasole", slug="girasole")
        self.terms = {term.code: term for term in TaxonomyTerm.objects.all()}
        self.sites = {m.pk: self.location(m) for m in (self.melzo, self.cernusco, self.milano)}

        christmas = ("christmas", D(2026, 12, 23), D(2027, 1, 5))
        self.melzo_camp = self.service(
            "Centro vacanze di Natale Melzo", "holiday_camp", self.melzo, ages=(36, 144), price=8000,
            closures=[christmas], vouchers=True,
        )  # fmt: skip
        self.cernusco_camp = self.service(
            "Centro vacanze Cernusco", "holiday_camp", self.cernusco, ages=(48, 156), price=0,
            closures=[("christmas", D(2026, 12, 28), D(2027, 1, 2))], weekly=("MO,TU,WE,TH,FR", 8, 17),
        )  # fmt: skip
        self.milano_camp = self.service(
            "Càmpus Natale Milano", "holiday_camp", self.milano, ages=(36, 144), price=9000, closures=[christmas]
        )
        self.draft_camp = self.service(
            "Bozza centro vacanze", "holiday_camp", self.melzo, ages=(36, 144), closures=[christmas], state="draft"
        )
        self.nursery = self.service(
            "Asilo nido Melzo", "nursery", self.melzo, ages=(3, 36), price=50000,
            weekly=("MO,TU,WE,TH,FR", 7, 18), valid=(D(2026, 9, 1), D(2027, 7, 31)),
        )  # fmt: skip
        self.summer_camp = self.service(
            "Centro estivo Cernusco", "summer_camp", self.cernusco, ages=(72, 168), price=12000,
            closures=[("summer", D(2027, 6, 14), D(2027, 7, 30))], vouchers=True,
        )  # fmt: skip
        # Melzo is in the Ambrosian rite: carnival is on Friday and Saturday 12–13 February 2027.
        self.carnival_camp = self.service(
            "Carnevale ambrosiano", "holiday_camp", self.melzo, ages=(36, 144), price=3000,
            closures=[("carnival", D(2027, 2, 12), D(2027, 2, 13))],
        )  # fmt: skip
        self.pit_stop = self.service(
            "Family Pit Stop Melzo", "family_pit_stop", self.melzo, price=0, kind="info_point",
            weekly=("TU,TH", 9, 12),
        )  # fmt: skip
        ScheduleException.objects.create(
            schedule=self.pit_stop.schedules.get(), start=D(2026, 12, 24), end=D(2026, 12, 31), closed=True
        )

    def location(self, municipality: Municipality, offset: float = 0.003) -> Location:
        return Location.objects.create(
            organization=self.provider,
            name=f"Sede di {municipality.name}",
            address_1="Via Roma 1",
            municipality=municipality,
            latitude=municipality.latitude + offset,
            longitude=municipality.longitude + offset,
        )

    def service(
        self,
        name: str,
        category: str,
        municipality: Municipality,
        *,
        ages: tuple[int, int] | None = None,
        price: int | None = None,
        closures: list[tuple[str, datetime.date, datetime.date]] = (),
        weekly: tuple[str, int, int] | None = None,
        valid: tuple[datetime.date, datetime.date] | None = None,
        vouchers: bool = False,
        state: str = "published",
        kind: str = "service",
    ) -> Service:
        service = Service.objects.create(
            organization=self.provider,
            name_it=name,
            name_en=f"{name} (en)",
            state=state,
            kind=kind,
            minimum_age_months=ages[0] if ages else None,
            maximum_age_months=ages[1] if ages else None,
            accepts_vouchers=vouchers,
        )
        service.categories.set([self.terms[category]])
        ServiceAtLocation.objects.create(service=service, location=self.sites[municipality.pk])
        if price is not None:
            CostOption.objects.create(service=service, option_it="Tariffa", amount_cents=price)
        for period, start, end in closures:
            ClosureAvailability.objects.create(service=service, period=period, start=start, end=end)
        if weekly:
            byday, opens, closes = weekly
            Schedule.objects.create(
                service=service,
                byday=byday,
                opens_at=datetime.time(opens),
                closes_at=datetime.time(closes),
                valid_from=valid[0] if valid else None,
                valid_to=valid[1] if valid else None,
            )
        return service


@pytest.fixture
def directory(db: None) -> Directory:
    return Directory()


def names(params: dict[str, Any], **kwargs: Any) -> list[str]:
    result = services_search(filters=parse_search({k: str(v) for k, v in params.items()}, **kwargs), today=TODAY)
    return [hit.service.name_it for hit in result.results]


def search(client: Any, **params: Any) -> Any:
    return client.get(URL, params)


# --- The issue's example ------------------------------------------------------------------------


def test_it_finds_christmas_camps_for_a_seven_year_old_near_melzo(directory, client):
    response = search(
        client, period="natale-2026", category="holiday_camps", age=7, municipality="015142", radius_km=10
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["pages"] == 1
    first, second = body["results"]
    assert [first["name"], second["name"]] == ["Centro vacanze di Natale Melzo", "Centro vacanze Cernusco"]
    assert first["distance_km"] < second["distance_km"] < 10
    assert second["distance_km"] == pytest.approx(7.6, abs=0.5)
    assert first["id"] == str(directory.melzo_camp.pk)
    assert first["category"] == "holiday_camp"
    assert first["categories"] == ["holiday_camp"]
    assert (first["minimum_age"], first["maximum_age"]) == (3.0, 12.0)
    assert first["municipality"] == {"istat_code": "015142", "name": "Melzo"}
    assert first["next_available"] == "2026-12-23"
    assert second["next_available"] == "2026-12-28"
    assert first["accepts_vouchers"] is True
    assert (first["price_cents"], second["price_cents"]) == (8000, 0)
    assert first["lat"] == pytest.approx(45.5028)


def test_the_christmas_example_leaves_out_the_far_camp_the_draft_and_the_nursery(directory):
    found = names(
        {"period": "natale-2026", "category": "holiday_camps", "age": 7, "municipality": "015142", "radius_km": 10}
    )
    assert "Càmpus Natale Milano" not in found
    assert "Bozza centro vacanze" not in found
    assert "Asilo nido Melzo" not in found
    # Wider, Milan's camp comes in, last.
    wider = names({"period": "natale-2026", "category": "holiday_camps", "municipality": "015142", "radius_km": 25})
    assert wider[-1] == "Càmpus Natale Milano"


# --- Each filter alone --------------------------------------------------------------------------


def test_it_lists_only_published_services_by_name_without_filters(directory):
    found = names({})
    assert len(found) == 7
    assert found == sorted(found)
    assert "Bozza centro vacanze" not in found


def test_a_municipality_alone_searches_ten_km_around_it(directory):
    found = names({"municipality": "015142"})
    # Melzo's services (same site: by name), then Cernusco's; Milan is too far.
    assert found == [
        "Asilo nido Melzo",
        "Carnevale ambrosiano",
        "Centro vacanze di Natale Melzo",
        "Family Pit Stop Melzo",
        "Centro estivo Cernusco",
        "Centro vacanze Cernusco",
    ]


def test_a_point_and_radius_reach_milan(directory):
    result = services_search(filters=parse_search({"lat": "45.4998", "lon": "9.4226", "radius_km": "25"}), today=TODAY)
    distances = [hit.distance_km for hit in result.results]
    assert distances == sorted(distances)
    assert result.results[-1].service == directory.milano_camp
    assert result.results[-1].distance_km == pytest.approx(18.6, abs=0.6)


def test_the_age_matches_overlapping_ranges_and_services_without_ages(directory):
    assert names({"age": 1}) == ["Asilo nido Melzo", "Family Pit Stop Melzo"]
    assert "Asilo nido Melzo" not in names({"age": 7})
    assert "Centro estivo Cernusco" in names({"age": 13})


def test_a_category_includes_its_descendants(directory):
    found = names({"category": "holiday_camps"})
    assert set(found) == {
        "Centro vacanze di Natale Melzo",
        "Centro vacanze Cernusco",
        "Càmpus Natale Milano",
        "Centro estivo Cernusco",
        "Carnevale ambrosiano",
    }
    assert names({"category": "nursery"}) == ["Asilo nido Melzo"]


def test_a_date_matches_closure_ranges_or_weekly_hours(directory):
    # Tuesday 29 December 2026: the camps run; the pit stop is closed by an exception.
    assert set(names({"date": "2026-12-29"})) == {
        "Centro vacanze di Natale Melzo",
        "Centro vacanze Cernusco",
        "Càmpus Natale Milano",
        "Asilo nido Melzo",
    }
    # Tuesday 12 January 2027: only the weekly services.
    assert names({"date": "2027-01-12"}) == ["Asilo nido Melzo", "Family Pit Stop Melzo"]
    # Wednesday: not a pit stop day. August: outside the nursery's validity.
    assert names({"date": "2027-01-13"}) == ["Asilo nido Melzo"]
    assert names({"date": "2027-08-04"}) == []


def test_a_period_matches_overlapping_closure_availability(directory):
    assert set(names({"period": "natale-2026"})) == {
        "Centro vacanze di Natale Melzo",
        "Centro vacanze Cernusco",
        "Càmpus Natale Milano",
    }
    assert names({"period": "estate-2027"}) == names({"period": "summer-2027"}) == ["Centro estivo Cernusco"]
    assert names({"period": "pasqua-2027"}) == []


def test_a_period_follows_the_municipality_rite(directory):
    # Ambrosian carnival in Melzo (12-13 Feb 2027); the Roman default without a municipality is 8-9 Feb.
    assert names({"period": "carnevale-2027", "municipality": "015142"}) == ["Carnevale ambrosiano"]
    assert names({"period": "carnival-2027"}) == []


def test_period_dates_follow_the_regional_rules():
    assert period_dates("natale-2026") == period_dates("christmas-2026")
    christmas = period_dates("natale-2026")
    assert (christmas.start, christmas.end) == (D(2026, 12, 23), D(2027, 1, 6))
    easter = period_dates("pasqua-2027")
    assert (easter.start, easter.end) == (D(2027, 3, 25), D(2027, 3, 30))
    carnival = period_dates("carnevale-2027")
    assert (carnival.start, carnival.end) == (D(2027, 2, 8), D(2027, 2, 9))
    summer = period_dates("estate-2027")
    assert (summer.start, summer.end) == (D(2027, 6, 9), D(2027, 9, 12))
    september = period_dates("settembre-2026")
    assert (september.start, september.end) == (D(2026, 9, 1), D(2026, 9, 13))


def test_free_voucher_and_price_look_at_the_cost_options(directory):
    assert names({"free": "true"}) == ["Centro vacanze Cernusco", "Family Pit Stop Melzo"]
    assert names({"voucher": "true"}) == ["Centro estivo Cernusco", "Centro vacanze di Natale Melzo"]
    assert names({"max_price": 8000}) == [
        "Carnevale ambrosiano",
        "Centro vacanze Cernusco",
        "Centro vacanze di Natale Melzo",
        "Family Pit Stop Melzo",
    ]


def test_the_kind_separates_information_points(directory):
    assert names({"kind": "info_point"}) == ["Family Pit Stop Melzo"]
    assert "Family Pit Stop Melzo" not in names({"kind": "service"})


def test_open_now_reads_the_weekly_hours_and_exceptions(directory):
    def open_at(*moment: int) -> list[str]:
        return names({"open_now": "true"}, now=datetime.datetime(*moment, tzinfo=ROME))

    assert open_at(2027, 1, 12, 10) == ["Asilo nido Melzo", "Family Pit Stop Melzo"]
    assert open_at(2027, 1, 12, 12) == ["Asilo nido Melzo"]  # the pit stop closes at noon
    assert open_at(2027, 1, 12, 19) == []
    # During Christmas the pit stop is closed by an exception and the Cernusco camp runs.
    assert open_at(2026, 12, 29, 10) == ["Asilo nido Melzo", "Centro vacanze Cernusco"]
    # A camp with hours but outside its closure ranges is not open.
    assert "Centro vacanze Cernusco" not in open_at(2027, 1, 12, 10)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("centri estivi", "Centro estivo Cernusco"),
        ("CENTRO ESTIVO", "Centro estivo Cernusco"),
        ("campus", "Càmpus Natale Milano"),
        ("càmpus natale", "Càmpus Natale Milano"),
        ("asili", "Asilo nido Melzo"),
        ("centro esitvo", "Centro estivo Cernusco"),  # one typo
        ("il nido di Melzo", "Asilo nido Melzo"),  # stop words ignored
    ],
)
def test_q_tolerates_accents_case_plurals_and_a_typo(directory, q, expected):
    assert expected in names({"q": q})


def test_q_ranks_names_matching_as_typed_first(directory):
    found = names({"q": "centro vacanze"})
    assert set(found[:2]) == {"Centro vacanze di Natale Melzo", "Centro vacanze Cernusco"}
    assert names({"q": "ludoteca"}) == []


def test_search_terms_cut_plurals_and_stop_words():
    assert search_terms("Centri estivi per i bambini") == ["centr", "estiv", "bambin"]
    assert search_terms("centro estivo") == ["centr", "estiv"]
    assert search_terms("Parchi") == search_terms("parco") == ["parc"]
    assert search_terms("summer camps") == ["summer", "camp"]


# --- Combinations -------------------------------------------------------------------------------


def test_filters_combine_with_and(directory):
    assert names({"category": "holiday_camps", "free": "true"}) == ["Centro vacanze Cernusco"]
    assert names({"category": "holiday_camps", "voucher": "true", "period": "estate-2027"}) == [
        "Centro estivo Cernusco"
    ]
    assert names({"age": 1, "date": "2027-01-13", "municipality": "015142"}) == ["Asilo nido Melzo"]
    assert names({"q": "centro", "municipality": "015070", "radius_km": 2, "period": "natale-2026"}) == [
        "Centro vacanze Cernusco"
    ]
    assert names({"kind": "info_point", "free": "true", "age": 7, "date": "2026-12-29"}) == []


def test_next_available_starts_from_today_the_date_or_the_period(directory):
    result = services_search(filters=parse_search({"category": "holiday_camps"}), today=TODAY)
    by_name = {hit.service.name_it: hit.next_available for hit in result.results}
    assert by_name["Centro vacanze Cernusco"] == D(2026, 12, 28)
    assert by_name["Centro estivo Cernusco"] == D(2027, 6, 14)
    result = services_search(filters=parse_search({"date": "2026-12-30", "category": "holiday_camps"}), today=TODAY)
    assert {hit.next_available for hit in result.results} == {D(2026, 12, 30)}
    result = services_search(filters=parse_search({"kind": "info_point"}), today=D(2026, 12, 24))
    assert result.results[0].next_available == D(2027, 1, 5)  # closed until the 31st, then Tuesday


def test_the_api_speaks_english_names_on_request(directory, client):
    body = search(client, category="nursery", lang="en").json()
    assert body["results"][0]["name"] == "Asilo nido Melzo (en)"
    assert body["results"][0]["distance_km"] is None


def test_a_page_past_the_end_is_empty(directory, client):
    body = search(client, page=3).json()
    assert (body["count"], body["page"], body["pages"], body["results"]) == (7, 3, 1, [])


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age": "-3"}, "age"),
        ({"age": "200"}, "age"),
        ({"age": "seven"}, "age"),
        ({"municipality": "015142", "radius_km": "150"}, "radius_km"),
        ({"radius_km": "5"}, "radius_km"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"period": "ferragosto-2026"}, "period"),
        ({"period": "natale-1800"}, "period"),
        ({"q": "x" * 201}, "q"),
        ({"lat": "80", "lon": "9.4"}, "lat"),
        ({"lat": "45.5", "lon": "30"}, "lon"),
        ({"lat": "45.5"}, "lon"),
        ({"lat": "north", "lon": "9.4"}, "lat"),
        ({"municipality": "999999"}, "municipality"),
        ({"municipality": "Melzo"}, "municipality"),
        ({"category": "unicorns"}, "category"),
        ({"page": "0"}, "page"),
        ({"kind": "shop"}, "kind"),
        ({"max_price": "-1"}, "max_price"),
        ({"free": "maybe"}, "free"),
        ({"open_now": "sometimes"}, "open_now"),
        ({"sort": "distance"}, "sort"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(directory, client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [issue["loc"] for issue in detail] == [["query", field]]
    assert detail[0]["msg"]


def test_every_bad_field_is_named_at_once(db):
    with pytest.raises(SearchError) as raised:
        parse_search({"age": "200", "date": "x", "q": "y" * 300, "category": "nope"})
    assert set(raised.value.errors) == {"age", "date", "q", "category"}


# --- Queries ------------------------------------------------------------------------------------

MAX_QUERIES = 16


def test_the_query_count_is_bounded_for_one_result(directory, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        body = search(client, period="natale-2026", category="nursery", municipality="015142").json()
    assert body["count"] == 0
    with django_assert_max_num_queries(MAX_QUERIES):
        body = search(client, category="nursery", municipality="015142", q="nido", age=1, date="2027-01-12").json()
    assert body["count"] == 1


def test_the_query_count_is_bounded_for_thirty_results(directory, client, django_assert_max_num_queries):
    for n in range(30):
        service = directory.service(
            f"Centro vacanze {n:02d}", "holiday_camp", directory.melzo, ages=(36, 144), price=5000 + n,
            closures=[("christmas", D(2026, 12, 23), D(2027, 1, 5))], weekly=("MO,FR", 8, 12),
        )  # fmt: skip
        ServiceAtLocation.objects.create(service=service, location=directory.location(directory.melzo, 0.01))
    with django_assert_max_num_queries(MAX_QUERIES):
        body = search(client, period="natale-2026", category="holiday_camps", municipality="015142", age=7).json()
    assert body["count"] == 32
    assert len(body["results"]) == 20
    with django_assert_max_num_queries(MAX_QUERIES):
        body = search(client, q="centro vacanze", page=2).json()
    # Two more match through their category's name, "Centro vacanze (Natale, ...)".
    assert body["count"] == 34
    assert len(body["results"]) == 14
    with django_assert_max_num_queries(MAX_QUERIES):
        body = search(client, category="holiday_camps", date="2026-12-28").json()
    assert body["count"] == 33


# --- Capped counts ------------------------------------------------------------------------------


@pytest.fixture
def cap_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "COUNT_CAP", 3)


def test_the_count_stops_at_the_cap_and_says_so(directory, client, cap_of_three):
    body = search(client).json()
    assert (body["count"], body["count_exact"], body["pages"]) == (3, False, 1)
    # The page itself is not cut by the cap: its order is the full one.
    assert [r["name"] for r in body["results"]] == names({})
    assert len(body["results"]) == 7
    body = search(client, category="nursery").json()
    assert (body["count"], body["count_exact"]) == (1, True)


def test_the_capped_count_near_a_centre_keeps_the_order(directory, cap_of_three):
    uncapped = names({"municipality": "015142", "radius_km": "20"})
    assert len(uncapped) > 3
    result = services_search(filters=parse_search({"municipality": "015142", "radius_km": "20"}), today=TODAY)
    assert (result.count, result.count_exact) == (3, False)
    assert [hit.service.name_it for hit in result.results] == uncapped


def test_an_exact_count_past_the_first_page(directory, client):
    body = search(client, page=2).json()
    assert (body["count"], body["count_exact"], body["results"]) == (7, True, [])


def test_a_page_past_the_capped_ones_is_refused_with_a_message(directory, client):
    response = search(client, page=query.MAX_PAGE + 1)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", "page"]
    assert str(query.MAX_PAGE) in detail[0]["msg"]
    assert search(client, page=query.MAX_PAGE).status_code == 200


def test_the_search_page_says_more_than_the_cap(directory, client, cap_of_three):
    html = client.get("/en/servizi/", {"age": "7"}).content.decode()
    assert "More than 3 results" in html
    assert "Only the first 1 pages are shown" in html
    with translation.override("it"):
        html = client.get("/servizi/", {"age": "7"}).content.decode()
    assert "Più di 3 risultati" in html


@pytest.fixture
def thirty_camps(directory: Directory) -> Directory:
    for n in range(30):
        service = directory.service(
            f"Centro vacanze {n:02d}", "holiday_camp", directory.melzo, ages=(36, 144), price=5000 + n,
            closures=[("christmas", D(2026, 12, 23), D(2027, 1, 5))],
        )  # fmt: skip
        # A second site for some: a service is as near as its nearest one.
        if n % 3 == 0:
            ServiceAtLocation.objects.create(
                service=service, location=directory.location(directory.cernusco, 0.002 * n)
            )
    return directory


@pytest.mark.parametrize("params", [{"municipality": "015142"}, {"lat": "45.51", "lon": "9.40", "radius_km": "20"}])
@pytest.mark.parametrize("page", ["1", "2"])
def test_the_nearest_first_reading_gives_the_full_order(thirty_camps, monkeypatch, params, page):
    expected = services_search(filters=parse_search({**params, "page": page}), today=TODAY)
    monkeypatch.setattr(results, "COUNT_CAP", 3)  # past the cap: sites nearest first
    monkeypatch.setattr(near, "NEAREST_FETCH_FACTOR", 0)
    monkeypatch.setattr(near, "NEAREST_MIN_FETCH", 2)  # read a few rows, then more
    result = services_search(filters=parse_search({**params, "page": page}), today=TODAY)
    assert [h.service.pk for h in result.results] == [h.service.pk for h in expected.results]
    assert [h.distance_km for h in result.results] == sorted(h.distance_km for h in result.results)
    assert (result.count, result.count_exact) == (3, False)


@pytest.mark.parametrize("q", ["centro vacanze", "centro vacanz", "centro vacnaze", "natale"])
@pytest.mark.parametrize("page", ["1", "2"])
def test_the_best_scored_first_gives_the_full_relevance_order(thirty_camps, monkeypatch, q, page):
    expected = services_search(filters=parse_search({"q": q, "page": page}), today=TODAY)
    monkeypatch.setattr(results, "COUNT_CAP", 3)
    result = services_search(filters=parse_search({"q": q, "page": page}), today=TODAY)
    assert [h.service.pk for h in result.results] == [h.service.pk for h in expected.results]
