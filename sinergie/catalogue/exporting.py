"""Writing the catalogue: the import format (CSV, XLSX, templates) and the HSDS 3.0 tabular package.

Every writer takes an iterable of services prefetched by `selectors.catalogue_published` and
iterates it in chunks (`QuerySet.iterator(chunk_size=...)` prefetches per chunk), so memory
and the number of queries per chunk stay bounded whatever the size of the catalogue.
The CSV is `;`-separated UTF-8 with a BOM, which Italian Excel opens as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet

from sinergie.catalogue.cells import WEEKDAYS
from sinergie.catalogue.columns import COLUMNS, HEADERS
from sinergie.catalogue.records import HoursData, LocationData, ServiceData
from sinergie.catalogue.selectors import location_state, service_state
from sinergie.directory import hsds, hsds_selectors
from sinergie.directory.models import CostUnit, Service, ServiceKind, TaxonomyTerm
from sinergie.lib import downloads
from sinergie.lib.money import spreadsheet_text

CHUNK = 500
CSV_DELIMITER = ";"


# --- The import format -------------------------------------------------------------------------


def _days_text(byday: str) -> str:
    """'MO,TU,WE,TH,FR' -> 'MO-FR'; 'MO,WE,FR' stays a list."""
    days = byday.split(",")
    indexes = [WEEKDAYS.index(day) for day in days if day in WEEKDAYS]
    if len(indexes) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{WEEKDAYS[indexes[0]]}-{WEEKDAYS[indexes[-1]]}"
    return ",".join(days)


def hours_text(hours: Iterable[HoursData]) -> str:
    """Opening hours in the compact form the importer reads: days with their time spans, then validity."""
    groups: dict[tuple, list[str]] = {}
    for item in hours:
        key = (item.byday, item.valid_from, item.valid_to)
        groups.setdefault(key, []).append(f"{item.opens_at:%H:%M}-{item.closes_at:%H:%M}")
    parts = []
    for (byday, valid_from, valid_to), spans in groups.items():
        text = f"{_days_text(byday)} {', '.join(spans)}"
        if valid_from and valid_to:
            text += f" {valid_from.isoformat()}..{valid_to.isoformat()}"
        parts.append(text)
    return "; ".join(parts)


def _euro(cents: int | None) -> str:
    if cents is None:
        return "on request"
    return spreadsheet_text(cents)


def _coordinate(value: float) -> str:
    """Decimal comma, as prices: Italian Excel would read 45.4979 as 454979."""
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def rows_for(service: ServiceData, locations: dict[str, LocationData], organization_slug: str) -> Iterator[list[str]]:
    """One row per place of the service (one row without a place if it has none), in HEADERS order."""
    common = {
        "external_id": service.external_id,
        "organization": organization_slug,
        "name_it": service.name_it,
        "name_en": service.name_en,
        "description_it": service.description_it,
        "description_en": service.description_en,
        "kind": service.kind,
        "categories": "; ".join(service.categories),
        "min_age_months": "" if service.minimum_age_months is None else str(service.minimum_age_months),
        "max_age_months": "" if service.maximum_age_months is None else str(service.maximum_age_months),
        "capacity": "" if service.capacity is None else str(service.capacity),
        "languages": "; ".join(service.languages),
        "email": service.email,
        "phone": service.phone,
        "url": service.url,
        "accepts_vouchers": "yes" if service.accepts_vouchers else "no",
        "closures": "; ".join(f"{c.period} {c.start.isoformat()}..{c.end.isoformat()}" for c in service.closures),
        "price_eur": "; ".join(_euro(cost.amount_cents) for cost in service.costs),
        "price_unit": "; ".join(cost.unit for cost in service.costs),
    }
    if not service.sites:
        row = {**common, "opening_hours": hours_text(service.hours)}
        yield [row.get(key, "") for key in HEADERS]
        return
    for site in service.sites:
        location = locations[site.location_external_id]
        row = {
            **common,
            "location_external_id": location.external_id,
            "location_name": location.name,
            "address": location.address,
            "postal_code": location.postal_code,
            "municipality_istat": location.municipality_istat,
            "latitude": _coordinate(location.latitude),
            "longitude": _coordinate(location.longitude),
            # The service's own hours (without a place) are not lost: they join each place's.
            "opening_hours": hours_text(site.hours or service.hours),
        }
        yield [row.get(key, "") for key in HEADERS]


def catalogue_rows(services: QuerySet[Service] | Iterable[Service]) -> Iterator[list[str]]:
    """The export's data rows, service after service."""
    iterator = services.iterator(chunk_size=CHUNK) if isinstance(services, QuerySet) else iter(services)
    for service in iterator:
        locations = {site.location.external_id: location_state(site.location) for site in service.sites.all()}
        yield from rows_for(service_state(service), locations, service.organization.slug)


def csv_stream(rows: Iterable[list[str]]) -> Iterator[str]:
    """The header and rows as `;`-separated CSV text, one line at a time (for a streaming response),
    with the byte-order mark and the formula guard of `lib.downloads`."""
    return downloads.csv_lines(itertools.chain([HEADERS], rows), delimiter=CSV_DELIMITER)


def example_row() -> list[str]:
    return [column.example for column in COLUMNS]


def write_xlsx(rows: Iterable[list[str]], output: IO[bytes], *, template: bool = False) -> None:
    """An XLSX workbook: the data sheet, and for the template, validation lists and an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if template:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "servizi"
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.example) + 4))
            if column.key in {"external_id", "municipality_istat", "postal_code", "latitude", "longitude"}:
                for cell in sheet[get_column_letter(index)][1:]:
                    cell.number_format = "@"
        lists = {"kind": [kind.value for kind in ServiceKind], "price_unit": [unit.value for unit in CostUnit]}
        for key, values in lists.items():
            letter = get_column_letter(HEADERS.index(key) + 1)
            validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            validation.add(f"{letter}2:{letter}20000")
            sheet.add_data_validation(validation)
        _instructions_sheet(workbook.create_sheet("istruzioni"))
        workbook.save(output)
        return
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("servizi")
    sheet.append(HEADERS)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def _instructions_sheet(sheet: Any) -> None:
    from openpyxl.styles import Font

    sheet.append(["Istruzioni / Instructions"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "Una riga per ogni servizio in ogni sede. Il codice (external_id) è stabile: reimportare lo stesso "
            "file aggiorna i servizi invece di duplicarli. Le intestazioni possono essere in inglese o in italiano."
        ]
    )
    sheet.append(
        [
            "One row per service at each place. The code (external_id) is stable: importing the same file again "
            "updates the services instead of duplicating them. Headers may be in English or Italian."
        ]
    )
    sheet.append([])
    sheet.append(["column", "colonna", "required / obbligatoria", "istruzioni", "instructions", "example / esempio"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append(
            [column.key, column.label_it, "*" if column.required else "", column.help_it, column.help, column.example]
        )
    sheet.append([])
    sheet.append(["Codici delle categorie / Category codes"])
    sheet[f"A{sheet.max_row}"].font = Font(bold=True)
    sheet.append(["code", "categoria", "category"])
    for code, name_it, name_en in TaxonomyTerm.objects.order_by("position", "code").values_list(
        "code", "name_it", "name_en"
    ):
        sheet.append([code, name_it, name_en])
    for letter, width in zip("ABCDEF", (22, 22, 10, 60, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def template_csv() -> str:
    return "".join(csv_stream([example_row()]))


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    write_xlsx([example_row()], buffer, template=True)
    return buffer.getvalue()


# --- HSDS 3.0 tabular package ------------------------------------------------------------------

# Each table's fields: HSDS 3.0 names (standards/hsds-3.0/<entity>.json) with Frictionless types.
HSDS_TABLES: dict[str, list[tuple[str, str]]] = {
    "organizations": [
        ("id", "string"),
        ("name", "string"),
        ("description", "string"),
        ("email", "string"),
        ("website", "string"),
        ("tax_id", "string"),
    ],
    "services": [
        ("id", "string"),
        ("organization_id", "string"),
        ("name", "string"),
        ("description", "string"),
        ("url", "string"),
        ("email", "string"),
        ("status", "string"),
        ("application_process", "string"),
        ("fees_description", "string"),
        ("eligibility_description", "string"),
        ("minimum_age", "number"),
        ("maximum_age", "number"),
        ("alert", "string"),
        ("last_modified", "datetime"),
    ],
    "locations": [
        ("id", "string"),
        ("location_type", "string"),
        ("organization_id", "string"),
        ("name", "string"),
        ("description", "string"),
        ("transportation", "string"),
        ("latitude", "number"),
        ("longitude", "number"),
    ],
    "addresses": [
        ("id", "string"),
        ("location_id", "string"),
        ("address_1", "string"),
        ("city", "string"),
        ("region", "string"),
        ("state_province", "string"),
        ("postal_code", "string"),
        ("country", "string"),
        ("address_type", "string"),
    ],
    "phones": [
        ("id", "string"),
        ("service_id", "string"),
        ("organization_id", "string"),
        ("number", "string"),
    ],
    "service_at_locations": [
        ("id", "string"),
        ("service_id", "string"),
        ("location_id", "string"),
        ("description", "string"),
    ],
    "schedules": [
        ("id", "string"),
        ("service_id", "string"),
        ("service_at_location_id", "string"),
        ("valid_from", "date"),
        ("valid_to", "date"),
        ("wkst", "string"),
        ("freq", "string"),
        ("interval", "integer"),
        ("byday", "string"),
        ("opens_at", "string"),
        ("closes_at", "string"),
        ("description", "string"),
    ],
    "cost_options": [
        ("id", "string"),
        ("service_id", "string"),
        ("valid_from", "date"),
        ("valid_to", "date"),
        ("option", "string"),
        ("currency", "string"),
        ("amount", "number"),
        ("amount_description", "string"),
    ],
    "languages": [
        ("id", "string"),
        ("service_id", "string"),
        ("name", "string"),
        ("code", "string"),
    ],
    "taxonomies": [
        ("id", "string"),
        ("name", "string"),
        ("description", "string"),
        ("uri", "string"),
        ("version", "string"),
    ],
    "taxonomy_terms": [
        ("id", "string"),
        ("code", "string"),
        ("name", "string"),
        ("description", "string"),
        ("parent_id", "string"),
        ("taxonomy", "string"),
        ("language", "string"),
        ("taxonomy_id", "string"),
    ],
    "attributes": [
        ("id", "string"),
        ("link_id", "string"),
        ("taxonomy_term_id", "string"),
        ("link_type", "string"),
        ("link_entity", "string"),
        ("value", "string"),
    ],
}
# The HSDS entity (schema file) each table holds.
HSDS_ENTITIES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "addresses": "address",
    "phones": "phone",
    "service_at_locations": "service_at_location",
    "schedules": "schedule",
    "cost_options": "cost_option",
    "languages": "language",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "attributes": "attribute",
}
HSDS_REQUIRED = {
    "organizations": ("id", "name", "description"),
    "services": ("id", "name", "status"),
    "locations": ("id", "location_type"),
    "addresses": ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    "phones": ("id", "number"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "name", "description"),
}
HSDS_FOREIGN_KEYS = {
    "services": [("organization_id", "organizations")],
    "locations": [("organization_id", "organizations")],
    "addresses": [("location_id", "locations")],
    "service_at_locations": [("service_id", "services"), ("location_id", "locations")],
    "cost_options": [("service_id", "services")],
    "languages": [("service_id", "services")],
    "taxonomy_terms": [("taxonomy_id", "taxonomies")],
}


def datapackage(created: datetime.datetime) -> dict[str, Any]:
    """The Frictionless descriptor of the package (tabular-data-package profile)."""
    resources = []
    for table, fields in HSDS_TABLES.items():
        required = set(HSDS_REQUIRED.get(table, ("id",)))
        schema: dict[str, Any] = {
            "fields": [
                {
                    "name": name,
                    "type": kind,
                    **({"constraints": {"required": True}} if name in required else {}),
                }
                for name, kind in fields
            ],
            "primaryKey": ["id"],
        }
        foreign_keys = [
            {"fields": [name], "reference": {"resource": target, "fields": ["id"]}}
            for name, target in HSDS_FOREIGN_KEYS.get(table, [])
        ]
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": f"HSDS 3.0 {HSDS_ENTITIES[table]}",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "sinergie-hsds",
        "title": "Sinergie – catalogo dei servizi (Open Referral HSDS 3.0)",
        "version": hsds.HSDS_VERSION,
        "created": created.isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sinergie_profile": hsds.PROFILE,
        "resources": resources,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _TableWriters:
    """One CSV file per table, in temporary files until the package is assembled."""

    def __init__(self) -> None:
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        for table, fields in HSDS_TABLES.items():
            handle = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115 (closed in close())
            writer = csv.writer(handle)
            writer.writerow([name for name, _kind in fields])
            self.files[table], self.writers[table] = handle, writer

    def add(self, table: str, data: dict[str, Any]) -> None:
        required = HSDS_REQUIRED.get(table, ("id",))
        if "description" in required and not data.get("description"):
            # HSDS requires a description and an empty CSV cell reads as missing: the name stands in.
            data = {**data, "description": data.get("name", "")}
        self.writers[table].writerow([_cell(data.get(name)) for name, _kind in HSDS_TABLES[table]])

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def write_hsds_package(services: QuerySet[Service] | Iterable[Service], output: IO[bytes]) -> None:  # noqa: C901
    """The HSDS tabular package of `services` (prefetched with services_public(full=True)) as a ZIP."""
    from django.utils import timezone

    tables = _TableWriters()
    try:
        for taxonomy in hsds_selectors.taxonomies_all():
            tables.add("taxonomies", hsds.taxonomy_to_hsds(taxonomy))
        for term in hsds_selectors.taxonomy_terms_all():
            tables.add("taxonomy_terms", hsds.taxonomy_term_to_hsds(term))
        seen_organizations: set[str] = set()
        seen_locations: set[str] = set()
        iterator = services.iterator(chunk_size=CHUNK) if isinstance(services, QuerySet) else iter(services)
        for service in iterator:
            data = hsds.service_to_hsds(service, full=True)
            organization = data.pop("organization")
            if organization["id"] not in seen_organizations:
                seen_organizations.add(organization["id"])
                tables.add("organizations", organization)
                if service.organization.phone:
                    phone_id = hsds.derived_uuid("phone", "organization", service.organization.pk)
                    tables.add(
                        "phones",
                        {"id": phone_id, "organization_id": organization["id"], "number": service.organization.phone},
                    )
            tables.add("services", data)
            for phone in data["phones"]:
                tables.add("phones", phone)
            for language in data["languages"]:
                tables.add("languages", language)
            for cost in data["cost_options"]:
                tables.add("cost_options", cost)
            for attribute in data["attributes"]:
                tables.add("attributes", attribute)
            for schedule in data["schedules"]:
                _add_schedule(tables, schedule)
            for site in data["service_at_locations"]:
                location = site.pop("location")
                tables.add("service_at_locations", site)
                for schedule in site["schedules"]:
                    _add_schedule(tables, schedule)
                if location["id"] not in seen_locations:
                    seen_locations.add(location["id"])
                    tables.add("locations", location)
                    for address in location["addresses"]:
                        tables.add("addresses", address)
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            descriptor = datapackage(timezone.now())
            archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
            for table, handle in tables.files.items():
                handle.seek(0)
                with archive.open(f"{table}.csv", "w") as member:
                    while chunk := handle.read(64 * 1024):
                        member.write(chunk.encode("utf-8"))
    finally:
        tables.close()


def _add_schedule(tables: _TableWriters, schedule: dict[str, Any]) -> None:
    tables.add("schedules", schedule)
    for attribute in schedule.get("attributes", []):
        tables.add("attributes", attribute)
