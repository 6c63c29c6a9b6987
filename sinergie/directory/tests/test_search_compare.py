"""Results a parent can compare (issue 13, point 5): several children's ages in one search, orders by
price and by next available date, voucher acceptance and price on each card, the service page's
phone and enrolment link, the map's base of municipal boundaries."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from sinergie.directory import selectors
from sinergie.directory.models import Service, ServiceAtLocation
from sinergie.directory.search import results
from sinergie.directory.search.query import SearchError, parse_search
from sinergie.directory.search.results import services_search
from sinergie.directory.selectors import next_available
from sinergie.directory.tests.test_search import TODAY, URL, D, Directory, names


@pytest.fixture
def directory(db: None) -> Directory:
    return Directory()


# --- Several children ---------------------------------------------------------------------------

# Ages 1 and 13: the nursery (3–36 months) for the little one, the camps taking 13-year-olds for
# the older one, and the pit stop (no ages) for both.
ONE_AND_THIRTEEN = ["Asilo nido Melzo", "Centro estivo Cernusco", "Centro vacanze Cernusco", "Family Pit Stop Melzo"]


def test_several_ages_match_a_service_for_any_of_the_children(directory):
    assert names({"age": "1,13"}) == ONE_AND_THIRTEEN
    assert names({"age": "13, 1"}) == ONE_AND_THIRTEEN
    assert set(names({"age": "1"})) | set(names({"age": "13"})) == set(ONE_AND_THIRTEEN)


def test_the_ages_may_repeat_the_parameter(directory, client):
    filters = parse_search(QueryDict("age=13&age=1&age="))
    assert (filters.ages, filters.age_years) == ((1, 13), 1)
    body = client.get(URL, {"age": ["1", "13"]}).json()
    assert sorted(result["name"] for result in body["results"]) == ONE_AND_THIRTEEN


@pytest.mark.parametrize("ages", ["1,x", "1,18", "-1", "1,2,3,4,5,6,7", "1.5"])
def test_bad_ages_name_the_age_field(db, ages):
    with pytest.raises(SearchError) as raised:
        parse_search({"age": ages})
    assert set(raised.value.errors) == {"age"}


def test_the_api_refuses_too_many_ages_with_a_422(directory, client):
    response = client.get(URL, {"age": [str(n) for n in range(7)]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "age"]


def test_the_page_takes_the_planner_ages_and_shows_them_in_one_field(directory, client):
    html = client.get("/en/servizi/", {"age": ["1", "13"]}).content.decode()
    assert 'value="1, 13"' in html
    assert "4 results" in html
    html = client.get("/en/servizi/", {"age": "1, 13"}).content.decode()
    assert "4 results" in html


# --- Orders -------------------------------------------------------------------------------------


@pytest.fixture
def unpriced(directory: Directory) -> Service:
    """A service without any cost option and without dates or hours."""
    return directory.service("Ludoteca senza prezzo", "holiday_camp", directory.melzo)


def test_by_price_free_comes_first_and_unknown_prices_last(directory, unpriced):
    assert names({"sort": "price"}) == [
        "Centro vacanze Cernusco",  # free (0), by name with the other free one
        "Family Pit Stop Melzo",  # free
        "Carnevale ambrosiano",  # 30 €
        "Centro vacanze di Natale Melzo",  # 80 €
        "Càmpus Natale Milano",  # 90 €
        "Centro estivo Cernusco",  # 120 €
        "Asilo nido Melzo",  # 500 €
        "Ludoteca senza prezzo",  # no price known
    ]


def test_by_price_near_a_centre_ties_go_to_the_nearest(directory):
    # Two free services: Melzo's pit stop is nearer Melzo than Cernusco's camp.
    found = names({"municipality": "015142", "sort": "price"})
    assert found[:2] == ["Family Pit Stop Melzo", "Centro vacanze Cernusco"]
    assert found[-1] == "Asilo nido Melzo"


def test_by_next_available_date_from_the_opening_data(directory, unpriced):
    # 2 November 2026 is a Monday: the nursery runs today (weekly hours), the pit stop on Tuesday,
    # the camps from their closure cover; a service with no hours nor dates comes last.
    result = services_search(filters=parse_search({"sort": "next_available"}), today=TODAY)
    dates = [(hit.service.name_it, hit.next_available) for hit in result.results]
    assert [day for _name, day in dates] == [
        D(2026, 11, 2), D(2026, 11, 3), D(2026, 12, 23), D(2026, 12, 23), D(2026, 12, 28),
        D(2027, 2, 12), D(2027, 6, 14), None,
    ]  # fmt: skip
    assert dates[0][0] == "Asilo nido Melzo"
    assert dates[1][0] == "Family Pit Stop Melzo"
    assert dates[-1][0] == "Ludoteca senza prezzo"


def test_by_next_available_date_near_a_centre_and_from_a_date(directory):
    found = names({"municipality": "015142", "sort": "next_available", "date": "2026-12-29"})
    # Running on the 29th: the camps (from their cover) and the nursery; the pit stop is closed
    # until the 31st, so it is not there.
    result = services_search(
        filters=parse_search({"municipality": "015142", "sort": "next_available", "date": "2026-12-29"}), today=TODAY
    )
    assert [hit.next_available for hit in result.results] == [D(2026, 12, 29)] * len(found)
    # Same day: nearest first (Melzo's before Cernusco's).
    assert found.index("Centro vacanze di Natale Melzo") < found.index("Centro vacanze Cernusco")


def test_next_available_many_agrees_with_next_available(directory, unpriced):
    services = Service.objects.filter(state="published").prefetch_related(
        "closure_availability", "schedules__exceptions", "sites__schedules__exceptions"
    )
    for since in (TODAY, D(2026, 12, 24), D(2027, 1, 6), D(2027, 8, 1)):
        many = selectors.next_available_many([service.pk for service in services], since)
        assert many == {service.pk: next_available(service, since) for service in services}


def test_past_the_cap_the_date_order_ranks_the_first_in_the_default_order(directory, monkeypatch):
    monkeypatch.setattr(results, "COUNT_CAP", 3)
    result = services_search(filters=parse_search({"municipality": "015142", "sort": "next_available"}), today=TODAY)
    assert result.count_exact is False
    nearest = names({"municipality": "015142"})[:3]
    assert sorted(hit.service.name_it for hit in result.results[:3]) == sorted(nearest)


def test_price_and_date_orders_need_no_centre_and_the_api_takes_them(directory, client):
    for sort in ("price", "next_available"):
        assert parse_search({"sort": sort}).sort == sort
        assert client.get(URL, {"sort": sort}).status_code == 200
    assert client.get(URL, {"sort": "cheapest"}).status_code == 422


# --- The result card ----------------------------------------------------------------------------


def test_each_card_says_its_price_and_whether_it_takes_vouchers(directory, unpriced, client):
    html = client.get("/en/servizi/", {"municipality": "Melzo", "category": "holiday_camps"}).content.decode()
    cards = {}
    for card in html.split('<article class="card card-bg search-result"')[1:]:
        title = card.split('<a href="/en/servizi/', 1)[1].split(">", 1)[1].split("<", 1)[0]
        cards[title] = card
    melzo = cards["Centro vacanze di Natale Melzo (en)"]
    assert "80.00" in melzo.split("search-result__price")[1].split("</dd>")[0]
    assert "Accepts the alliance's vouchers" in melzo.split("search-result__vouchers")[1].split("</dd>")[0]
    cernusco = cards["Centro vacanze Cernusco (en)"]
    assert "Free" in cernusco.split("search-result__price")[1].split("</dd>")[0]
    assert "does not accept" in cernusco.split("search-result__vouchers")[1].split("</dd>")[0]
    unpriced_card = cards["Ludoteca senza prezzo (en)"]
    assert "Price on request" in unpriced_card.split("search-result__price")[1].split("</dd>")[0]


def test_the_filters_fold_once_something_is_searched_and_open_on_an_error(directory, client):
    first = client.get("/en/servizi/").content.decode()
    assert '<details class="search-filters mb-3" id="search-filters" open>' in first
    searched = client.get("/en/servizi/", {"municipality": "Melzo", "age": "7"}).content.decode()
    assert '<details class="search-filters mb-3" id="search-filters">' in searched
    assert "2 active" in searched
    wrong = client.get("/en/servizi/", {"age": "seven"}).content.decode()
    assert '<details class="search-filters mb-3" id="search-filters" open>' in wrong


# --- The service page ---------------------------------------------------------------------------


def test_the_service_page_offers_the_phone_and_the_enrolment_link(directory, client):
    camp = directory.melzo_camp
    Service.objects.filter(pk=camp.pk).update(phone="02 1234 5678", url="https://example.org/iscrizioni")
    html = client.get(f"/en/servizi/{camp.pk}/").content.decode()
    actions = html.split('class="list-inline service-actions')[1].split("</ul>")[0]
    assert 'href="tel:0212345678"' in actions
    assert "Call 02 1234 5678" in actions
    assert 'href="https://example.org/iscrizioni"' in actions
    # Before the details: the first thing after the description.
    assert html.index("service-actions") < html.index("At a glance")


def test_the_service_page_falls_back_on_the_provider_phone(directory, client):
    camp = directory.melzo_camp
    directory.provider.phone = "0295 000 111"
    directory.provider.save()
    html = client.get(f"/en/servizi/{camp.pk}/").content.decode()
    assert 'href="tel:0295000111"' in html
    assert "Book or enrol" not in html  # no url given


def test_the_service_page_has_no_action_buttons_without_contacts(directory, client):
    html = client.get(f"/en/servizi/{directory.melzo_camp.pk}/").content.decode()
    assert "service-actions" not in html


# --- The map's base -----------------------------------------------------------------------------


def test_the_boundaries_around_a_box_come_from_the_local_data(directory, client):
    square = {"type": "Polygon", "coordinates": [[[9.40, 45.49], [9.44, 45.49], [9.44, 45.51], [9.40, 45.49]]]}
    directory.melzo.boundary = square
    directory.melzo.save()
    directory.milano.boundary = square
    directory.milano.save()
    response = client.get("/servizi/comuni.geojson", {"bbox": "9.35,45.45,9.5,45.55"})
    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"]
    features = response.json()["features"]
    # Milan is outside the box; Cernusco has no boundary.
    assert [f["properties"]["name"] for f in features] == ["Melzo"]
    assert features[0]["geometry"] == square
    assert features[0]["properties"]["label"] == [45.4998, 9.4226]


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "9.5,45.4,9.3,45.6", "nan,45,9,46", "9,45,inf,46"])
def test_a_bad_box_is_a_400_saying_what_to_give(db, client, bbox):
    response = client.get("/en/servizi/comuni.geojson", {"bbox": bbox})
    assert response.status_code == 400
    assert "west,south,east,north" in response.json()["detail"]


def test_the_map_data_numbers_the_markers_as_the_list(directory, client):
    response = client.get("/en/servizi/", {"municipality": "Melzo"})
    markers = response.context["map_data"]["markers"]
    assert [marker["number"] for marker in markers] == list(range(1, len(markers) + 1))
    assert markers[0]["name"] == response.context["rows"][0]["name"]
    assert 'data-boundaries-url="/en/servizi/comuni.geojson"' in response.content.decode()


def test_a_second_site_does_not_change_the_price_order(directory):
    ServiceAtLocation.objects.create(service=directory.nursery, location=directory.sites[directory.cernusco.pk])
    assert names({"sort": "price", "municipality": "015142", "radius_km": "20"})[-1] == "Asilo nido Melzo"


def test_the_price_order_is_the_same_past_the_cap(directory, monkeypatch):
    expected = names({"sort": "price"})
    expected_near = names({"sort": "price", "municipality": "015142"})
    monkeypatch.setattr(results, "COUNT_CAP", 3)
    assert names({"sort": "price"}) == expected
    assert names({"sort": "price", "municipality": "015142"}) == expected_near


def test_forgetting_the_position_keeps_every_age(directory, client):
    html = client.get("/en/servizi/", {"lat": "45.5", "lon": "9.42", "age": ["1", "13"]}).content.decode()
    forget = html.split("Forget my position")[0].rsplit('<a href="', 1)[1]
    assert "age=1&amp;age=13&amp;" in forget and "lat=" not in forget
