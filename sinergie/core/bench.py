"""Benchmark of the foundation's public endpoints, through Django's test client (no network)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.test import Client


def timed_get(client: Client, path: str, repeat: int) -> dict[str, float]:
    """Median and 95th percentile in ms of `repeat` GETs of `path`; any non-200 answer aborts."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise LookupError(f"{path} answered {response.status_code}")
    timings.sort()
    return {
        "median_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 2),
    }


def bench_foundation(repeat: int = 200) -> dict[str, Any]:
    """Median and 95th percentile of the home page, health check and municipality API."""
    client = Client()
    figures: dict[str, Any] = {"requests_per_path": repeat, "cpu_count": os.cpu_count()}
    for label, path in [
        ("healthz", "/healthz"),
        ("home_it", "/"),
        ("home_en", "/en/"),
        ("api_municipalities_mi", "/api/v1/territory/municipalities?province=MI"),
        ("api_municipalities_q", "/api/v1/territory/municipalities?q=cernusco"),
        ("alliance_list", "/alleanze/"),
    ]:
        for key, value in timed_get(client, path, repeat).items():
            figures[f"{label}_{key}"] = value
    return figures
