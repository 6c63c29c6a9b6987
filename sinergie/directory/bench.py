"""Benchmarks of the directory over the current database (`sinergie bench directory|hsds`).

`bench_directory` measures the family search at scale: it makes sure the database holds N
generated services (generating the missing ones, see directory.generate), then runs a fixed,
seeded mix of named searches through `services_search` (the whole page, with next dates, as the
API answers) and, for each run, the **floor**: the same search as one hand-written SQL statement
through the driver, returning the same page of ids and the count. Figures in milliseconds.
"""

from __future__ import annotations

import datetime
import gc
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sinergie.directory.generate import LOMBARDY, generate_services, synthetic_count
from sinergie.directory.models import Service, TaxonomyTerm
from sinergie.directory.search.near import degrees, search_centre
from sinergie.directory.search.query import COUNT_CAP, DEFAULT_RADIUS_KM, PAGE_SIZE, ServiceSearch, parse_search
from sinergie.directory.search.results import services_search
from sinergie.directory.search.text import text_matches
from sinergie.directory.search_index import search_terms, vocabulary
from sinergie.directory.selectors import level_for_ages, period_dates
from sinergie.lib.bench import timed_get
from sinergie.lib.geo import bounding_box
from sinergie.territory.models import Municipality
from sinergie.territory.selectors import municipality_get

RUNS = 60
WARM_UP = 5
SEED = 2027
TODAY = datetime.date(2026, 11, 2)

PERIODS = ["natale-2026", "carnevale-2027", "pasqua-2027", "estate-2027", "settembre-2027"]
CATEGORIES = ["holiday_camps", "summer_camp", "holiday_camp", "early_childhood", "nursery", "school_time",
              "after_school", "babysitting", "care", "time_saving"]  # fmt: skip
PHRASES = ["centro estivo", "centri estivi", "asilo nido", "nido", "doposcuola", "baby sitter", "centro esitvo",
           "piscina", "lavanderia", "pre scuola", "campus", "spazio compiti", "gite", "ludoteca", "laboratori creativi",
           "assistenza anziani", "pasti pronti", "sportello famiglie", "vacanze natale", "grest"]  # fmt: skip
RADII = ["3", "5", "10", "20"]


# --- The mix ------------------------------------------------------------------------------------


@dataclass
class _Places:
    codes: list[str]
    cumulative: list[int]
    points: dict[str, tuple[float, float]]

    def pick(self, rng: random.Random) -> str:
        """A municipality as families search from it: in proportion to population."""
        return rng.choices(self.codes, cum_weights=self.cumulative)[0]


def _places() -> _Places:
    rows = list(
        Municipality.objects.filter(region__istat_code=LOMBARDY, latitude__isnull=False)
        .order_by("istat_code")
        .values_list("istat_code", "population", "latitude", "longitude")
    )
    if not rows:
        raise LookupError("no Lombardy municipality: run `sinergie territory_load` first")
    total, cumulative = 0, []
    for _code, population, _lat, _lon in rows:
        total += max(population, 1)
        cumulative.append(total)
    return _Places([r[0] for r in rows], cumulative, {r[0]: (r[2], r[3]) for r in rows})


def _page(rng: random.Random) -> dict[str, str]:
    return {"page": "2"} if rng.random() < 0.1 else {}


MIX: dict[str, Callable[[random.Random, _Places], dict[str, str]]] = {
    "municipality": lambda rng, places: {"municipality": places.pick(rng), **_page(rng)},
    "radius": lambda rng, places: {
        "lat": f"{places.points[code := places.pick(rng)][0] + rng.uniform(-0.01, 0.01):.5f}",
        "lon": f"{places.points[code][1] + rng.uniform(-0.01, 0.01):.5f}",
        "radius_km": rng.choice(RADII),
        **_page(rng),
    },
    "age_category": lambda rng, places: {"age": str(rng.randint(0, 14)), "category": rng.choice(CATEGORIES)},
    "closure_period": lambda rng, places: {"period": rng.choice(PERIODS), **_page(rng)},
    "full_text": lambda rng, places: {"q": rng.choice(PHRASES), **_page(rng)},
    "combined": lambda rng, places: {
        "municipality": places.pick(rng),
        "radius_km": rng.choice(["10", "20"]),
        "age": str(rng.randint(3, 12)),
        "category": rng.choice(["holiday_camps", "summer_camp", "holiday_camp"]),
        "period": rng.choice(PERIODS),
        "q": rng.choice(["centro", "campus", "vacanze", "centro estivo", "gite", "piscina"]),
    },
}


def query_mix(runs: int = RUNS, seed: int = SEED) -> dict[str, list[dict[str, str]]]:
    """The fixed parameter variants of each named query (the same for a seed and a territory)."""
    places = _places()
    mix = {}
    for number, (name, draw) in enumerate(MIX.items()):
        rng = random.Random(f"{seed}:{number}:{name}")  # noqa: S311 - reproducible searches
        mix[name] = [draw(rng, places) for _ in range(runs)]
    return mix


# --- The floor: one hand-written statement ------------------------------------------------------


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def floor_statement(filters: ServiceSearch) -> tuple[str, list[Any]]:
    """The SQL that gives the same page of ids (and the count) as services_search for these filters.

    Supports the filters the benchmark uses: centre (point or municipality with a point) and
    radius, age, category, period, text, page; ordered like the service (distance, relevance or
    name, then id). It reads the same flat search rows as the service (SearchSite around a point,
    SearchEntry otherwise) with the same tests: stems and closure ranges in the row on
    PostgreSQL, SearchTerm and ClosureAvailability on SQLite.
    """
    unsupported = [
        name
        for name in ("date", "open_now", "kind", "max_price_cents", "spoken_language")
        if getattr(filters, name) is not None
    ] + [name for name in ("free", "voucher") if getattr(filters, name)]
    if unsupported or filters.sort is not None or filters.language != "it":
        raise ValueError(f"the floor does not cover {unsupported or 'this order'}")
    postgres = connection.vendor == "postgresql"
    words = vocabulary()
    params: list[Any] = []
    where: list[str] = []

    def holds(ids: list[int], *, in_name: bool = False) -> str:
        """The row's service holds one of these stems (the stems array on PostgreSQL, SearchTerm on SQLite)."""
        if not ids:
            return "1 = 0"
        params.extend(ids)
        if postgres:
            return f"x.{'name_stems' if in_name else 'stems'} && ARRAY[{_marks(ids)}]::integer[]"
        names = " AND t.in_name" if in_name else ""
        terms = f"SELECT t.service_id FROM directory_searchterm t WHERE t.stem_id IN ({_marks(ids)}){names}"  # noqa: S608
        return f"x.service_id IN ({terms})"

    municipality = municipality_get(istat_code=filters.municipality) if filters.municipality else None
    centre = search_centre(filters, municipality)
    if municipality is not None and centre is None:
        raise ValueError("the floor needs a point for a municipality")
    if centre is not None:
        radius = filters.radius_km or DEFAULT_RADIUS_KM
        box = bounding_box(*centre, radius)
        lat, lon = centre
        scale = math.cos(math.radians(lat))
        distance = "((x.latitude - %s) * (x.latitude - %s) + ((x.longitude - %s) * %s) * ((x.longitude - %s) * %s))"
        distance_params = [lat, lat, lon, scale, lon, scale]
        where.append(f"x.latitude BETWEEN %s AND %s AND x.longitude BETWEEN %s AND %s AND {distance} <= %s")
        params += [box.min_lat, box.max_lat, box.min_lon, box.max_lon, *distance_params, degrees(radius) ** 2]
    if filters.age_years is not None:
        where.append(
            "(x.minimum_age_months IS NULL OR x.minimum_age_months <= %s)"
            " AND (x.maximum_age_months IS NULL OR x.maximum_age_months >= %s)"
        )
        params += [filters.age_years * 12 + 11, filters.age_years * 12]
    if filters.category:
        stem = words.category(filters.category)
        where.append(holds([stem] if stem else []))
    if filters.period:
        period = period_dates(filters.period, municipality, level=level_for_ages(filters.age_years))
        if postgres:
            where.append(holds(words.months(period.start, period.end)))
            where.append("x.closures && daterange(%s, %s, '[]')")
        else:
            covering = 'SELECT service_id FROM directory_closureavailability WHERE start <= %s AND "end" >= %s'
            where.append(f"x.service_id IN ({covering})")
        params += [period.start, period.end] if postgres else [period.end, period.start]
    matches = text_matches(search_terms(filters.q or ""))
    where.extend(holds(match.all) for match in matches)
    where_params = params
    params = []
    score = []
    for match in matches:
        for ids in (match.all, match.exact):
            if ids:
                score.append(f"CASE WHEN {holds(ids, in_name=True)} THEN 1 ELSE 0 END")
    score_sql, score_params = (f"({' + '.join(score)})" if score else "0"), params
    conditions = " AND ".join(where) or "1 = 1"
    if centre is not None:
        # A service is as near as its nearest site in the radius: the sites grouped by service.
        matching = f"""
            SELECT x.service_id, MIN({distance}) AS d2, MIN(x.name_it) AS name, MAX({score_sql}) AS score
            FROM directory_searchsite x WHERE {conditions} GROUP BY x.service_id"""  # noqa: S608 - placeholders only
        matching_params = [*distance_params, *score_params, *where_params]
        order = "d2, score DESC, name, service_id"
    else:
        matching = f"""
            SELECT x.service_id, x.name_it AS name, {score_sql} AS score
            FROM directory_searchentry x WHERE {conditions}"""  # noqa: S608 - placeholders only
        matching_params = [*score_params, *where_params]
        order = "score DESC, name, service_id"
    # The count stops at the cap, as the service's does (COUNT_CAP: "more than 1,000 results").
    sql = f"""
        WITH matching AS ({matching})
        SELECT service_id, (SELECT COUNT(*) FROM (SELECT 1 FROM matching LIMIT {COUNT_CAP + 1}) capped) AS total
        FROM matching
        ORDER BY {order}
        LIMIT {PAGE_SIZE} OFFSET {(filters.page - 1) * PAGE_SIZE}"""  # noqa: S608 - no user text, only placeholders
    return sql, matching_params


def floor_run(filters: ServiceSearch) -> tuple[list[Any], int]:
    """Run the floor statement: the page's ids (as the driver returns them) and the count (capped)."""
    sql, params = floor_statement(filters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], (min(rows[0][1], COUNT_CAP) if rows else 0)


# --- Running it ---------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def bench_directory(services: int = 10_000, seed: int = 1, runs: int = RUNS, generate: bool = True) -> dict[str, Any]:
    """The directory benchmark's JSON document; see the module's docstring.

    With `generate`, missing synthetic services of `seed` are generated first (progress on
    stderr); without it the database must already hold them.
    """
    have = synthetic_count(seed)
    if have < services:
        if not generate:
            raise LookupError(f"{have} synthetic services of seed {seed}, {services} needed: run `sinergie generate`")
        generate_services(services, seed)
    total = Service.objects.count()
    if total > services:
        sys.stderr.write(f"bench: the database holds {total} services, more than the {services} asked for\n")
    mix = query_mix(runs)
    # As the server does (sinergie/wsgi.py): what setup loaded stays out of the collector's way.
    gc.collect()
    gc.freeze()
    try:
        queries = _measure(mix)
    finally:
        gc.unfreeze()
    return {
        "benchmark": "directory",
        "database": connection.vendor,
        "services": services,
        "services_in_database": total,
        "published": Service.objects.filter(state="published").count(),
        "queries": queries,
    }


def _measure(mix: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, Any]]:
    """Each named query's figures: the service and its floor, run by run."""
    queries: dict[str, dict[str, Any]] = {}
    for name, variants in mix.items():
        prepared = [parse_search(params) for params in variants]
        for filters in prepared[:WARM_UP]:
            services_search(filters=filters, today=TODAY)
            floor_run(filters)
        timings, floors, counts, query_counts = [], [], [], []
        for filters in prepared:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = services_search(filters=filters, today=TODAY)
                timings.append(time.perf_counter() - started)
            query_counts.append(len(captured.captured_queries))
            counts.append(result.count)
            started = time.perf_counter()
            floor_run(filters)
            floors.append(time.perf_counter() - started)
        p95, floor_p95 = _percentile(timings, 0.95), _percentile(floors, 0.95)
        queries[name] = {
            "p50_ms": _ms(statistics.median(timings)),
            "p95_ms": _ms(p95),
            "floor_p50_ms": _ms(statistics.median(floors)),
            "floor_p95_ms": _ms(floor_p95),
            "p95_over_floor": round(p95 / floor_p95, 2) if floor_p95 else None,
            "max_ms": _ms(max(timings)),
            "runs": len(prepared),
            "queries_max": max(query_counts),
            "results_median": statistics.median(counts),
        }
    return queries


def bench_hsds(repeat: int = 100) -> dict[str, Any]:
    """Median and p95 of the HSDS list, filtered list and detail endpoints."""
    service = Service.objects.filter(state="published").order_by("id").first()
    if service is None:
        raise LookupError("no published service: run `sinergie demo --no-serve` first")
    camps = TaxonomyTerm.objects.get(code="holiday_camps")
    client = Client()
    figures: dict[str, Any] = {
        "published_services": Service.objects.filter(state="published").count(),
        "requests_per_path": repeat,
    }
    for label, path in [
        ("hsds_services_page", "/api/hsds/services?per_page=50"),
        ("hsds_services_search", "/api/hsds/services?search=centro%20estivo&per_page=50"),
        ("hsds_services_taxonomy", f"/api/hsds/services?taxonomy_term_id={camps.pk}&per_page=50"),
        ("hsds_service_detail", f"/api/hsds/services/{service.pk}"),
    ]:
        for key, value in timed_get(client, path, repeat).items():
            figures[f"{label}_{key}"] = value
    return figures
