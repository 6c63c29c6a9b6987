"""Reading and checking a catalogue file: pure functions, no database.

`read_table` turns the bytes of a CSV or XLSX file into rows of strings (encoding and
delimiter detected, Excel's numbers and dates turned back into text); `validate` checks
every row, each cell with its parser from cells.py, and returns a `Plan` (records.py): the
services and places the file describes, normalized so that they compare with what is stored
(see `selectors.catalogue_state`), and every error as (row as the user sees it, column,
message). What it needs from the database (category codes, municipalities) is passed in as
`Lookups`.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from sinergie.catalogue.cells import (
    KIND_ALIASES,
    LAT_RANGE,
    LON_RANGE,
    normalize_istat,
    parse_age_months,
    parse_bool,
    parse_closures,
    parse_coordinate,
    parse_costs,
    parse_email,
    parse_languages,
    parse_opening_hours,
    parse_phone,
    parse_url,
    parse_whole,
    split_list,
)
from sinergie.catalogue.columns import ALIASES, COLUMNS_BY_KEY, REQUIRED, normalize_header
from sinergie.catalogue.records import (
    CostData,
    HoursData,
    ImportFileError,
    LocationData,
    Lookups,
    Plan,
    RowError,
    ServiceData,
    SiteData,
    Table,
)
from sinergie.directory.models import ServiceKind

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


# --- Reading ---------------------------------------------------------------------------------


def read_table(data: bytes, filename: str = "") -> Table:
    """The rows of a CSV or XLSX file, whatever its name says; ImportFileError if unreadable."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB: split it into smaller files.") % {"size": MAX_BYTES // 2**20}
        )
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again."))
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("This is not a CSV or XLSX file: it contains binary data."))
    return _read_csv(data)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Italian Excel saves it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file's text encoding is not recognized: save it as CSV UTF-8 and upload it again.")
        ) from None


def detect_delimiter(first_line: str) -> str:
    """`;` (Italian Excel), `,` or tab: whichever the header line has most of, outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _check_row_count(count: int) -> None:
    if count > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(rows)s rows: split it into smaller files.") % {"rows": f"{MAX_ROWS:,}"}
        )


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    match = re.fullmatch(r"sep=(.)\r?", first_line)
    if match:
        # Excel's own hint line; Excel does not show it as a row, so neither do we count it.
        delimiter, text = match[1], text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                headers = [cell.strip() for cell in cells]
                continue
            if any(cell.strip() for cell in cells):
                rows.append((number, [_unescape(cell.strip()) for cell in cells]))
                _check_row_count(len(rows))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": error}) from None
    if not headers or not any(headers):
        raise ImportFileError(_("The file is empty."))
    return Table(headers=headers, rows=rows)


def _unescape(cell: str) -> str:
    """The export writes '=… '+… '-… '@… to keep spreadsheets from taking them for formulas."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def excel_cell_text(value: object) -> str:
    """An Excel cell as the text a person typed in Italian: 1001.0 -> '1001', 12.5 -> '12,5' (decimal
    comma, as lib.money reads amounts), a date -> '2026-12-23', 7:30 -> '07:30'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds of errors on a damaged file)
        raise ImportFileError(_("The file cannot be read as an Excel (.xlsx) file.")) from None
    try:
        values = values_book.worksheets[0]
        formulas = formulas_book.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        cell_errors: list[RowError] = []
        for number, (row, formula_row) in enumerate(
            zip(values.iter_rows(values_only=True), formulas.iter_rows(values_only=True), strict=False), start=1
        ):
            cells = [excel_cell_text(value) for value in row]
            if headers is None:
                headers = cells
                continue
            for index, (value, formula) in enumerate(zip(row, formula_row, strict=False)):
                # A formula saved by a program that does not compute it has no value to import.
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    column = headers[index] if index < len(headers) else str(index + 1)
                    cell_errors.append(
                        RowError(
                            number,
                            column,
                            _("The cell has a formula without a computed value: type the value instead."),
                        )
                    )
            if any(cells):
                rows.append((number, cells))
                _check_row_count(len(rows))
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 (as above, while reading the rows)
        raise ImportFileError(_("The file cannot be read as an Excel (.xlsx) file.")) from None
    finally:
        values_book.close()
        formulas_book.close()
    if not headers or not any(headers):
        raise ImportFileError(_("The file is empty."))
    return Table(headers=headers, rows=rows, cell_errors=cell_errors)


# --- Headers ---------------------------------------------------------------------------------


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[RowError], list[RowError]]:
    """Column index -> column key, the header errors (missing, repeated) and warnings (unknown, ignored)."""
    mapping: dict[int, str] = {}
    errors: list[RowError] = []
    warnings: list[RowError] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = ALIASES.get(normalize_header(header))
        if key is None:
            warnings.append(RowError(None, header, _("Unknown column: it is ignored.")))
            continue
        if key in seen:
            errors.append(
                RowError(None, header, _("The column repeats “%(other)s”: keep only one.") % {"other": seen[key]})
            )
            continue
        seen[key] = header
        mapping[index] = key
    for key in REQUIRED:
        if key not in seen:
            errors.append(
                RowError(
                    None,
                    key,
                    _("The required column “%(column)s” is missing (Italian name: “%(label)s”).")
                    % {"column": key, "label": COLUMNS_BY_KEY[key].label_it},
                )
            )
    return mapping, errors, warnings


# --- Validation ------------------------------------------------------------------------------


class _Row:
    """One row's cells by column key, collecting its errors."""

    def __init__(
        self,
        number: int,
        cells: dict[str, str],
        headers: dict[str, str],
        errors: list[RowError],
        reported: set[tuple[int | None, str]],
    ) -> None:
        self.number, self.cells, self.headers, self.errors, self.reported = number, cells, headers, errors, reported
        self.failed = False
        self.count = 0  # errors found in this row, including those already reported for a cell

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.cells.get(key, "")
        if required and not value:
            self.error(key, _("Required: it cannot be empty."))
        elif max_length is not None and len(value) > max_length:
            self.error(key, _("Too long: at most %(max)s characters.") % {"max": max_length})
            return value[:max_length]
        return value

    def parse(self, key: str, parser: Callable[[str], object], default: object = None) -> object:
        value = self.cells.get(key, "")
        if not value:
            return default
        try:
            return parser(value)
        except ValueError as error:
            self.error(key, str(error))
            return default

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.count += 1
        column = self.headers.get(key, key)
        # A cell already reported (an Excel formula without a value) is not reported twice.
        if (self.number, column) not in self.reported:
            self.errors.append(RowError(self.number, column, message))


def validate(
    table: Table,
    lookups: Lookups,
    *,
    organization_slug: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Check every row; the plan lists every error, and its services only when there is none."""
    plan = Plan()
    mapping, header_errors, warnings = map_headers(table.headers)
    plan.warnings.extend(warnings)
    plan.headers = {key: table.headers[index] for index, key in mapping.items()}
    plan.errors.extend(header_errors)
    if header_errors:
        return plan
    if not table.rows:
        plan.errors.append(RowError(None, "", _("The file has a header but no rows.")))
        return plan
    plan.errors.extend(table.cell_errors)
    reported = {(error.row, error.column) for error in table.cell_errors}
    reported_rows = {(error.row,) for error in table.cell_errors}

    service_first_row: dict[str, tuple[int, tuple]] = {}
    service_sites: dict[str, dict[str, SiteData]] = {}
    service_hours: dict[str, tuple[HoursData, ...]] = {}
    location_first_row: dict[str, int] = {}
    seen_pairs: dict[tuple[str, str], int] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        values = {key: (cells[index] if index < len(cells) else "") for index, key in mapping.items()}
        row = _Row(number, values, plan.headers, plan.errors, reported)
        if (number,) in reported_rows:
            row.failed = True
        service = _service_fields(row, lookups, organization_slug)
        location = _location_fields(row, lookups)
        hours = row.parse("opening_hours", parse_opening_hours, ())
        external_id = values.get("external_id", "")
        location_id = values.get("location_external_id", "")
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
        if not external_id:
            continue
        pair = (external_id, location_id)
        if pair in seen_pairs:
            where = "location_external_id" if location_id else "external_id"
            row.error(
                where,
                _("Duplicated: row %(row)s already has this service at this place.") % {"row": seen_pairs[pair]},
            )
            continue
        seen_pairs[pair] = number
        if service is not None:
            _check_same_service(row, external_id, service, service_first_row)
        if location is not None:
            _check_same_location(row, location, plan, location_first_row)
        if row.failed:
            continue
        plan.rows.append((number, external_id, location_id))
        if location is not None:
            service_sites.setdefault(external_id, {})[location_id] = SiteData(location_id, hours)
        else:
            service_hours[external_id] = hours
    if plan.errors:
        plan.locations = {}
        return plan
    for external_id, (_number, fields) in service_first_row.items():
        sites = tuple(sorted(service_sites.get(external_id, {}).values()))
        plan.services[external_id] = ServiceData(*fields, hours=service_hours.get(external_id, ()), sites=sites)
    return plan


def _check_same_service(row: _Row, external_id: str, service: tuple, first_rows: dict[str, tuple[int, tuple]]) -> None:
    """A service on several rows (one per place) must repeat the same data on each."""
    if external_id not in first_rows:
        first_rows[external_id] = (row.number, service)
        return
    first_number, first_fields = first_rows[external_id]
    if first_fields != service:
        row.error(
            _first_difference(first_fields, service),
            _("The same service (code %(id)s) has different data in row %(row)s: repeat it identically.")
            % {"id": external_id, "row": first_number},
        )


def _check_same_location(row: _Row, location: LocationData, plan: Plan, first_rows: dict[str, int]) -> None:
    """A place on several rows must repeat the same data; the plan keeps it from its first good row."""
    if location.external_id in plan.locations and plan.locations[location.external_id] != location:
        row.error(
            "location_external_id",
            _("The same place (code %(id)s) has different data in row %(row)s: repeat it identically.")
            % {"id": location.external_id, "row": first_rows[location.external_id]},
        )
    elif location.external_id not in plan.locations and not row.failed:
        plan.locations[location.external_id] = location
        first_rows[location.external_id] = row.number


_SERVICE_FIELD_COLUMNS = [
    "external_id",
    "kind",
    "name_it",
    "name_en",
    "description_it",
    "description_en",
    "categories",
    "min_age_years",
    "max_age_years",
    "capacity",
    "languages",
    "email",
    "phone",
    "url",
    "accepts_vouchers",
    "closures",
    "price_eur",
]


def _first_difference(first: tuple, other: tuple) -> str:
    for column, a, b in zip(_SERVICE_FIELD_COLUMNS, first, other, strict=False):
        if a != b:
            return column
    return "external_id"


def _service_fields(row: _Row, lookups: Lookups, organization_slug: str | None) -> tuple | None:
    """The service's fields in ServiceData order (without hours and sites), or None when a cell is wrong."""
    errors_before = row.count
    external_id = row.text("external_id", required=True, max_length=100)
    organization = row.cells.get("organization", "")
    if organization and organization_slug is not None and organization != organization_slug:
        row.error(
            "organization",
            _("This row belongs to “%(other)s”, not to the provider you import for (“%(slug)s”).")
            % {"other": organization, "slug": organization_slug},
        )
    kind_text = row.cells.get("kind", "")
    kind = ServiceKind.SERVICE.value
    if kind_text:
        found = KIND_ALIASES.get(normalize_header(kind_text))
        if found is None:
            row.error("kind", _("“%(value)s” is not a kind (service or info_point).") % {"value": kind_text})
        else:
            kind = str(found)
    categories: list[str] = []
    for code in split_list(row.cells.get("categories", "")):
        if code.lower() not in lookups.categories:
            row.error("categories", _("“%(value)s” is not a category code.") % {"value": code})
        elif code.lower() not in categories:
            categories.append(code.lower())
    minimum = maximum = None
    try:
        minimum = parse_age_months(row.cells.get("min_age_years", ""), row.cells.get("min_age_months", ""))
    except ValueError as error:
        row.error("min_age_years" if row.cells.get("min_age_years") else "min_age_months", str(error))
    try:
        maximum = parse_age_months(row.cells.get("max_age_years", ""), row.cells.get("max_age_months", ""))
    except ValueError as error:
        row.error("max_age_years" if row.cells.get("max_age_years") else "max_age_months", str(error))
    if minimum is not None and maximum is not None and minimum > maximum:
        row.error(
            "max_age_years" if row.cells.get("max_age_years") else "max_age_months",
            _("The maximum age is lower than the minimum age."),
        )
    capacity = row.parse("capacity", lambda text: parse_whole(text, minimum=0, maximum=1_000_000))
    costs: tuple[CostData, ...] = ()
    try:
        costs = parse_costs(row.cells.get("price_eur", ""), row.cells.get("price_unit", ""))
    except ValueError as error:
        row.error("price_eur" if row.cells.get("price_eur") else "price_unit", str(error))
    fields = (
        external_id,
        kind,
        row.text("name_it", required=True, max_length=200),
        row.text("name_en", max_length=200),
        row.text("description_it", max_length=5000),
        row.text("description_en", max_length=5000),
        tuple(sorted(categories)),
        minimum,
        maximum,
        capacity,
        row.parse("languages", parse_languages, ()),
        row.parse("email", parse_email, "")
        if len(row.cells.get("email", "")) <= 254
        else row.text("email", max_length=254),
        row.parse("phone", parse_phone, ""),
        row.parse("url", parse_url, "") if len(row.cells.get("url", "")) <= 200 else row.text("url", max_length=200),
        row.parse("accepts_vouchers", parse_bool, False),
        row.parse("closures", parse_closures, ()),
        costs,
    )
    return None if row.count > errors_before else fields


LOCATION_COLUMNS = ("location_name", "address", "postal_code", "municipality_istat", "latitude", "longitude")


def _location_fields(row: _Row, lookups: Lookups) -> LocationData | None:
    external_id = row.text("location_external_id", max_length=100)
    if not external_id:
        for key in LOCATION_COLUMNS:
            if row.cells.get(key):
                row.error("location_external_id", _("Give the place a code, or leave all the place's columns empty."))
                break
        return None
    errors_before = row.count
    name = row.text("location_name", required=True, max_length=200)
    address = row.text("address", required=True, max_length=200)
    postal_code = row.cells.get("postal_code", "")
    if postal_code:
        if re.fullmatch(r"\d{3,5}", postal_code):
            postal_code = postal_code.zfill(5)
        else:
            row.error("postal_code", _("“%(value)s” is not a postcode (5 digits).") % {"value": postal_code})
    istat = row.parse("municipality_istat", normalize_istat, "")
    if not row.cells.get("municipality_istat"):
        row.error("municipality_istat", _("Required: it cannot be empty."))
    point: tuple[float, float] | None = None
    if istat:
        if istat not in lookups.municipalities:
            row.error("municipality_istat", _("No municipality has the ISTAT code %(value)s.") % {"value": istat})
        else:
            point = lookups.municipalities[istat]
    latitude = row.parse("latitude", lambda text: parse_coordinate(text, LAT_RANGE, _("Latitude")))
    longitude = row.parse("longitude", lambda text: parse_coordinate(text, LON_RANGE, _("Longitude")))
    has_lat, has_lon = bool(row.cells.get("latitude")), bool(row.cells.get("longitude"))
    if has_lat != has_lon:
        row.error("longitude" if has_lat else "latitude", _("Give both latitude and longitude, or neither."))
    elif not has_lat and istat and istat in lookups.municipalities:
        if point is None:
            row.error("latitude", _("The municipality has no point on the map: give latitude and longitude."))
        else:
            latitude, longitude = round(point[0], 6), round(point[1], 6)
    if row.count > errors_before:
        return None
    return LocationData(external_id, name, address, postal_code, istat, latitude, longitude)


def istat_codes_in(table: Table) -> set[str]:
    """The ISTAT codes the file mentions (to look up only those)."""
    mapping, _errors, _warnings = map_headers(table.headers)
    indexes = [index for index, key in mapping.items() if key == "municipality_istat"]
    codes: set[str] = set()
    for _number, cells in table.rows:
        for index in indexes:
            if index < len(cells):
                with contextlib.suppress(ValueError):
                    codes.add(normalize_istat(cells[index]))
    return codes


def all_errors(errors: Iterable[RowError]) -> list[RowError]:
    """Errors in reading order: the header first, then by row."""
    return sorted(errors, key=lambda error: (error.row or 0,))
