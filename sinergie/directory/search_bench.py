"""Benchmark of the directory search over the current database, through Django's test client."""

from __future__ import annotations

import random
import time
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sinergie.directory.models import Location, Service

SEARCHES = 200
SEED = 20260


def _mixed_params(rng: random.Random, istat_codes: list[str]) -> dict[str, str]:
    """One search as a family might make it: a place, often an age or a category, sometimes a period or words."""
    params: dict[str, str] = {}
    if rng.random() < 0.8:
        params["municipality"] = rng.choice(istat_codes)
        if rng.random() < 0.3:
            params["radius_km"] = str(rng.choice([5, 20, 50]))
    if rng.random() < 0.6:
        params["age"] = str(rng.randint(0, 14))
    if rng.random() < 0.5:
        params["category"] = rng.choice(["holiday_camps", "early_childhood", "school_time", "summer_camp", "care"])
    if rng.random() < 0.3:
        params["period"] = rng.choice(["natale-2026", "carnevale-2027", "pasqua-2027", "estate-2027"])
    elif rng.random() < 0.2:
        params["date"] = rng.choice(["2026-12-29", "2027-01-12", "2027-07-06"])
    if rng.random() < 0.25:
        params["q"] = rng.choice(["centri estivi", "nido", "doposcuola", "centro esitvo", "attività"])
    if rng.random() < 0.15:
        params[rng.choice(["free", "voucher", "open_now"])] = "true"
    if rng.random() < 0.1:
        params["max_price"] = "10000"
    if rng.random() < 0.1:
        params["page"] = "2"
    return params


def bench_search(searches: int = SEARCHES) -> dict[str, Any]:
    """Median, 95th percentile and worst time and query count of `searches` mixed API searches."""
    published = Service.objects.filter(state="published").count()
    if not published:
        raise LookupError("no published service: run `sinergie demo --no-serve` first")
    codes = sorted(set(Location.objects.values_list("municipality__istat_code", flat=True)))
    rng = random.Random(SEED)  # noqa: S311 - reproducible searches, not secrets
    client = Client()
    timings: list[float] = []
    queries: list[int] = []
    results = 0
    for _ in range(searches):
        path = f"/api/v1/services/search?{urlencode(_mixed_params(rng, codes))}"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise LookupError(f"{path} answered {response.status_code}")
        queries.append(len(captured.captured_queries))
        results += response.json()["count"]
    timings.sort()
    return {
        "published_services": published,
        "searches": searches,
        "median_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 2),
        "max_ms": round(timings[-1] * 1000, 2),
        "total_s": round(sum(timings), 2),
        "queries_max": max(queries),
        "queries_median": sorted(queries)[len(queries) // 2],
        "mean_count": round(results / searches, 1),
    }
