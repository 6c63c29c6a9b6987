"""Scale data and the directory benchmark: the generator, the floor SQL, the search index, languages."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergie.directory import bench
from sinergie.directory.bench import bench_directory, floor_run, query_mix
from sinergie.directory.generate import generate_services, synthetic_count
from sinergie.directory.models import Location, SearchTerm, Service, TaxonomyTerm
from sinergie.directory.search import near, results
from sinergie.directory.search.query import SearchError, parse_search
from sinergie.directory.search.results import services_search
from sinergie.directory.search_index import one_edit_apart, reindex_services

from .test_search import TODAY

QUIET = io.StringIO()


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Service.objects.values_list(
            "external_id",
            "name_it",
            "state",
            "minimum_age_months",
            "sites__location__latitude",
            "sites__location__longitude",
            "categories__code",
        )
    )


# --- The generator ------------------------------------------------------------------------------


def test_generate_is_deterministic_for_a_seed(lombardy):
    generate_services(50, seed=7, stderr=QUIET)
    first = _snapshot()
    assert len(first) == 50
    Service.objects.all().delete()
    Location.objects.all().delete()
    generate_services(50, seed=7, stderr=QUIET)
    assert _snapshot() == first
    Service.objects.all().delete()
    generate_services(50, seed=8, stderr=QUIET)
    assert _snapshot() != first


def test_generate_adds_only_what_is_missing(lombardy):
    assert generate_services(30, seed=3, stderr=QUIET).created == 30
    again = generate_services(30, seed=3, stderr=QUIET)
    assert (again.created, again.existing) == (0, 30)
    more = generate_services(45, seed=3, stderr=QUIET)
    assert (more.created, more.existing) == (15, 30)
    assert synthetic_count(3) == Service.objects.count() == 45


def test_generated_services_are_fictitious_in_lombardy_with_their_index(lombardy):
    generate_services(80, seed=1, stderr=QUIET, batch=25)
    assert not Service.objects.filter(is_demo=False).exists()
    assert all("fittizio" in text for text in Service.objects.values_list("description_it", flat=True))
    assert set(Location.objects.values_list("municipality__region__istat_code", flat=True)) == {"03"}
    for lat, lon in Location.objects.values_list("latitude", "longitude"):
        assert 45.2 < lat < 45.8 and 8.9 < lon < 9.7
    # Milan, by far the most populous, gets most of them.
    milan = Location.objects.filter(municipality__name="Milano").count()
    assert milan > 80 * 0.7
    assert SearchTerm.objects.values("service").distinct().count() == 80
    assert Service.objects.filter(state="published").count() > 60
    assert Service.objects.filter(closure_availability__period="summer").exists()


def test_the_generate_command_needs_the_territory_and_reports(db, lombardy):
    out = io.StringIO()
    call_command("generate", "--services", "5", "--seed", "2", stdout=out, stderr=QUIET)
    assert "5 synthetic services added" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate", "--services", "-1", stderr=QUIET)


def test_the_generate_command_refuses_without_municipalities(db):
    with pytest.raises(CommandError, match="territory_load"):
        call_command("generate", "--services", "5", stderr=QUIET)


# --- The benchmark ------------------------------------------------------------------------------


@pytest.fixture
def generated(lombardy) -> None:
    generate_services(400, seed=1, stderr=QUIET)


@pytest.fixture(params=["as shipped", "small caps"])
def caps(request, monkeypatch) -> str:
    """The shipped caps, or caps small enough for 400 services to take every path of a search
    with more matches than the cap (walks by name, the nearest-first index, named relevance)."""
    if request.param == "small caps":
        for module in (results, bench):
            monkeypatch.setattr(module, "COUNT_CAP", 15)
        monkeypatch.setattr(results, "NAME_WALK", 40)
        monkeypatch.setattr(near, "NEAREST_MIN_FETCH", 5)
    return request.param


def test_the_floor_returns_the_same_page_and_count_as_the_service(generated, caps):
    field = Service._meta.pk
    from django.db import connection

    compared, capped = 0, 0
    for name, variants in query_mix(runs=12).items():
        for params in variants:
            filters = parse_search(params)
            result = services_search(filters=filters, today=TODAY)
            ids, count = floor_run(filters)
            expected = [field.get_db_prep_value(hit.service.pk, connection) for hit in result.results]
            assert [str(value) for value in ids] == [str(value) for value in expected], (name, params)
            assert count == (result.count if ids else 0), (name, params)
            compared += bool(ids)
            capped += not result.count_exact
    assert compared > 30  # most variants find something on 400 services
    assert capped > (30 if caps == "small caps" else -1)  # past the cap: the paths that never order every match


def test_the_benchmark_prints_the_required_shape(generated):
    report = bench_directory(services=400, runs=3)
    assert report["benchmark"] == "directory"
    assert report["database"] in ("sqlite", "postgresql")
    assert report["services"] == 400
    assert set(report["queries"]) == {
        "municipality", "radius", "age_category", "closure_period", "full_text", "combined",
    }  # fmt: skip
    for figures in report["queries"].values():
        assert {"p50_ms", "p95_ms", "floor_p50_ms", "floor_p95_ms"} <= set(figures)
        assert all(isinstance(figures[key], float) for key in ("p50_ms", "p95_ms", "floor_p50_ms", "floor_p95_ms"))


def test_the_bench_command_generates_what_is_missing_and_prints_json(lombardy):
    out = io.StringIO()
    call_command("bench", "directory", "--services", "40", "--runs", "2", "--json", stdout=out, stderr=QUIET)
    report = json.loads(out.getvalue())
    assert (report["benchmark"], report["figures"]["services"]) == ("directory", 40)
    assert report["machine"]["cores"]
    assert synthetic_count(1) == 40
    with pytest.raises(CommandError, match="takes no --services"):
        call_command("bench", "foundation", "--services", "10", stdout=out)
    with pytest.raises(CommandError, match="generate"):
        call_command("bench", "directory", "--services", "50", "--no-generate", "--runs", "1", stdout=out)


# --- The search index kept current --------------------------------------------------------------


def found(**params: str) -> list[str]:
    return [hit.service.name_it for hit in services_search(filters=parse_search(params), today=TODAY).results]


def test_the_index_follows_edits_of_names_and_descriptions(service):
    assert found(q="trottola") == ["Spazio gioco Trottola"]
    assert found(q="ludoteca") == []
    service.name_it = "Ludoteca Trottola"
    service.description_it = "Giochi da tavolo e merenda."
    service.save()
    assert found(q="ludoteche") == ["Ludoteca Trottola"]
    assert found(q="merenda") == ["Ludoteca Trottola"]
    assert found(q="spazio") == []


def test_the_index_follows_categories_and_their_names(service):
    nursery = TaxonomyTerm.objects.get(code="nursery")
    assert found(q="asilo") == []
    service.categories.add(nursery)
    assert found(q="asilo") == ["Spazio gioco Trottola"]
    service.categories.remove(nursery)
    assert found(q="asilo") == []
    nursery.services.add(service)  # from the other side too
    nursery.name_it = "Asilo nido e girotondo"
    nursery.save()
    assert found(q="girotondo") == ["Spazio gioco Trottola"]
    nursery.services.clear()
    assert found(q="girotondo") == []


def test_a_deleted_service_leaves_no_index_rows(service):
    pk = service.pk
    assert SearchTerm.objects.filter(service_id=pk).exists()
    service.delete()
    assert not SearchTerm.objects.filter(service_id=pk).exists()
    assert reindex_services([pk]) == 0


def test_typos_are_one_edit_away():
    assert one_edit_apart("estiv", "esitv")  # swapped
    assert one_edit_apart("estiv", "estv")  # one missing
    assert one_edit_apart("estiv", "esstiv")  # one too many
    assert one_edit_apart("estiv", "estav")  # one wrong
    assert not one_edit_apart("estiv", "estiv")
    assert not one_edit_apart("estiv", "sitev")


# --- The spoken-language filter -----------------------------------------------------------------


def test_the_language_filter_finds_services_speaking_it(service):
    assert found(language="ar") == ["Spazio gioco Trottola"]
    assert found(language="AR") == ["Spazio gioco Trottola"]
    assert found(language="zh") == []
    service.languages = ["it"]
    service.save()
    assert found(language="ar") == []


@pytest.mark.parametrize("value", ["arabic", "xx", "e", "e1", "it,en"])
def test_a_bad_language_is_named(db, value):
    with pytest.raises(SearchError) as raised:
        parse_search({"language": value})
    assert set(raised.value.errors) == {"language"}


def test_the_api_answers_422_for_a_bad_language_and_filters_by_a_good_one(service, client):
    response = client.get("/api/v1/services/search", {"language": "klingon"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "language"]
    body = client.get("/api/v1/services/search", {"language": "ar"}).json()
    assert body["count"] == 1


def test_the_query_count_stays_the_same_with_text_and_language(generated, django_assert_max_num_queries):
    for params in ({"q": "centro estivo", "language": "en"}, {"q": "nido", "municipality": "015146", "age": "1"}):
        with django_assert_max_num_queries(16):
            services_search(filters=parse_search(params), today=TODAY)
