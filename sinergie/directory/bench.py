"""Benchmark of the HSDS API over the current database, through Django's test client."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sinergie.core.bench import timed_get
from sinergie.directory.models import Service, TaxonomyTerm


def bench_directory(repeat: int = 100) -> dict[str, Any]:
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
