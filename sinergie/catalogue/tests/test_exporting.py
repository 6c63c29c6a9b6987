"""The HSDS tabular package matches the official schemas; exports keep a bounded number of queries."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergie.catalogue.exporting import HSDS_ENTITIES, catalogue_rows, write_hsds_package
from sinergie.catalogue.selectors import catalogue_published
from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.catalogue.tests.test_services import run_import
from sinergie.directory.hsds_selectors import services_public

REPO = Path(__file__).resolve().parents[3]
SCHEMA_DIRS = [
    Path(os.environ.get("HSDS_SCHEMA_DIR", REPO / "standards" / "hsds-3.0")),
    REPO / "standards" / "hsds-3.0",
]
SCHEMA_DIR = next((path for path in SCHEMA_DIRS if (path / "service.json").exists()), None)


def _package() -> tuple[dict, dict[str, list[dict[str, str]]]]:
    buffer = io.BytesIO()
    write_hsds_package(services_public(full=True), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        tables = {
            resource["name"]: list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))
            for resource in descriptor["resources"]
        }
        headers = {
            resource["name"]: next(csv.reader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))
            for resource in descriptor["resources"]
        }
    for resource in descriptor["resources"]:
        assert headers[resource["name"]] == [field["name"] for field in resource["schema"]["fields"]]
    return descriptor, tables


def _many_rows(count: int) -> list[str]:
    rows = []
    for n in range(count):
        rows.append(ROWS[2].replace("NAT-1", f"NAT-{n}").replace(";S1;", f";S{n % 7};"))
    return rows


def test_the_hsds_package_follows_the_official_schemas(world):
    if SCHEMA_DIR is None:
        pytest.skip("The HSDS 3.0 schemas are missing (set HSDS_SCHEMA_DIR).")
    run_import(world, csv_bytes())
    descriptor, tables = _package()
    assert descriptor["profile"] == "tabular-data-package"
    assert {resource["name"] for resource in descriptor["resources"]} >= {
        "organizations",
        "services",
        "locations",
        "service_at_locations",
        "schedules",
        "cost_options",
        "taxonomies",
        "taxonomy_terms",
        "attributes",
    }
    for resource in descriptor["resources"]:
        schema = json.loads((SCHEMA_DIR / f"{HSDS_ENTITIES[resource['name']]}.json").read_text())
        names = [field["name"] for field in resource["schema"]["fields"]]
        assert set(names) <= set(schema["properties"]), resource["name"]
        assert set(schema.get("required", [])) <= set(names), resource["name"]
        required = [
            field["name"] for field in resource["schema"]["fields"] if field.get("constraints", {}).get("required")
        ]
        assert set(schema.get("required", [])) <= set(required)
        for row in tables[resource["name"]]:
            assert all(row[name] != "" for name in schema.get("required", [])), (resource["name"], row)
    assert len(tables["services"]) == 3 and len(tables["locations"]) == 2 and len(tables["organizations"]) == 1
    assert len(tables["service_at_locations"]) == 3
    service_ids = {row["id"] for row in tables["services"]}
    assert {row["service_id"] for row in tables["cost_options"]} <= service_ids
    location_ids = {row["id"] for row in tables["locations"]}
    assert {row["location_id"] for row in tables["service_at_locations"]} <= location_ids
    closure_values = {row["value"] for row in tables["attributes"] if row["link_type"] == "school_closure_availability"}
    assert "2026-12-23/2027-01-05" in closure_values
    assert any(row["code"] == "summer_camp" for row in tables["taxonomy_terms"])
    # Hours at a place belong to the service at that location; those without a place to the service.
    site_ids = {row["id"] for row in tables["service_at_locations"]}
    site_hours = [row for row in tables["schedules"] if row["service_at_location_id"]]
    own_hours = [row for row in tables["schedules"] if row["service_id"]]
    assert len(site_hours) == 3 and {row["service_at_location_id"] for row in site_hours} == site_ids
    assert [row["byday"] for row in own_hours] == ["SA,SU"]
    assert {row["freq"] for row in tables["schedules"]} == {"WEEKLY"}


def test_the_exports_read_a_fixed_number_of_queries_whatever_the_number_of_services(world):
    run_import(world, csv_bytes(_many_rows(10)))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as rows_queries:
            list(catalogue_rows(catalogue_published()))
        with CaptureQueriesContext(connection) as hsds_queries:
            write_hsds_package(services_public(full=True), io.BytesIO())
        return len(rows_queries), len(hsds_queries)

    few = queries()
    run_import(world, csv_bytes(_many_rows(60)))
    assert queries() == few
