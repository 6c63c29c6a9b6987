"""Benchmark of the site's public pages and the territory API, through Django's test client."""

from __future__ import annotations

import os
from typing import Any

from django.test import Client

from sinergie.lib.bench import timed_get


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
