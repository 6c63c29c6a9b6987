"""Benchmark of the territory: loading the data file and searching municipalities.

Runs against the current database (territory_load writes to it, idempotently).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from sinergie.territory.selectors import municipalities_search
from sinergie.territory.services import territory_load

SEARCHES = 200
PAGE_SIZE = 50
# The mix an autocomplete and the public API see: prefixes, accents, province and region filters.
QUERIES: tuple[dict[str, str | None], ...] = (
    {"province": None, "region": None, "q": "mil"},
    {"province": "MI", "region": None, "q": None},
    {"province": "CO", "region": None, "q": "cantu"},
    {"province": None, "region": "03", "q": "san"},
    {"province": None, "region": None, "q": "cassina de"},
    {"province": "BG", "region": None, "q": "val"},
    {"province": None, "region": "03", "q": None},
    {"province": None, "region": None, "q": "città"},
)


def bench_territory(searches: int = SEARCHES) -> dict[str, Any]:
    """Time one territory_load and `searches` API-equivalent searches (count + first page of 50)."""
    started = time.perf_counter()
    summary = territory_load()
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rows = 0
    for params in itertools.islice(itertools.cycle(QUERIES), searches):
        queryset = municipalities_search(**params)
        queryset.count()
        rows += len(queryset[:PAGE_SIZE])
    search_seconds = time.perf_counter() - started

    return {
        "load_seconds": round(load_seconds, 3),
        "load_municipalities": summary["municipalities"],
        "load_rows_per_s": round(summary["municipalities"] / load_seconds, 1),
        "searches": searches,
        "search_seconds": round(search_seconds, 3),
        "search_ops_per_s": round(searches / search_seconds, 1),
        "search_ms_per_op": round(1000 * search_seconds / searches, 2),
        "search_rows_returned": rows,
    }
