"""The parser and the checks: pure functions, no database."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from openpyxl import Workbook

from sinergie.catalogue.cells import parse_closures, parse_costs, parse_days, parse_decimal, parse_opening_hours
from sinergie.catalogue.importing import MAX_ROWS, detect_delimiter, excel_cell_text, map_headers, read_table, validate
from sinergie.catalogue.records import ClosureData, CostData, HoursData, ImportFileError, Lookups, RowError
from sinergie.catalogue.tests.conftest import HEADER, ROWS, csv_bytes

LOOKUPS = Lookups(
    categories=frozenset({"summer_camp", "holiday_camp", "babysitting", "nursery"}),
    municipalities={"015142": (45.4993, 9.4207), "015146": (45.4642, 9.19), "015999": None},
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English here; the pages' tests check the Italian ones."""
    with translation.override("en"):
        yield


def check(data: bytes, **kwargs) -> tuple:
    plan = validate(read_table(data), LOOKUPS, **kwargs)
    return plan, {(error.row, error.column) for error in plan.errors}


def test_it_reads_the_sample_file_into_three_services_and_two_places():
    plan, errors = check(csv_bytes())
    assert errors == set()
    assert set(plan.services) == {"CE-1", "NAT-1", "BS-1"}
    camp = plan.services["CE-1"]
    assert camp.minimum_age_months == 72 and camp.maximum_age_months == 132
    assert camp.accepts_vouchers is True
    assert camp.costs == (CostData(12050, "week"),)
    assert camp.closures == (ClosureData("summer", datetime.date(2027, 6, 15), datetime.date(2027, 7, 31)),)
    assert [site.location_external_id for site in camp.sites] == ["S1", "S2"]
    assert camp.sites[0].hours == (HoursData("MO,TU,WE,TH,FR", datetime.time(7, 30), datetime.time(16, 30)),)
    # The second place has no coordinates: the municipality's point; its ISTAT code lost its leading zero.
    assert plan.locations["S2"].municipality_istat == "015142"
    assert (plan.locations["S2"].latitude, plan.locations["S2"].longitude) == (45.4993, 9.4207)
    babysitting = plan.services["BS-1"]
    assert babysitting.sites == () and babysitting.hours[0].byday == "SA,SU"
    assert plan.rows == [(2, "CE-1", "S1"), (3, "CE-1", "S2"), (4, "NAT-1", "S1"), (5, "BS-1", "")]


def test_it_reads_windows_1252_with_accents():
    rows = [ROWS[2].replace("Natale in ludoteca", "Natale è più bello")]
    plan, errors = check(csv_bytes(rows, encoding="cp1252"))
    assert errors == set()
    assert plan.services["NAT-1"].name_it == "Natale è più bello"


def test_it_reads_utf8_with_bom_and_comma_delimiter():
    header = HEADER.replace(";", ",")
    row = (
        'NAT-1,Città dei bambini,,service,holiday_camp,3,10,,it,,,,no,S1,Scuola,"Via Roma 1",20066,015142,'
        '"45,4979","9,4195","MO-FR 08:00-13:00","christmas 2026-12-23..2027-01-05",25,day'
    )
    data = b"\xef\xbb\xbf" + csv_bytes([row], header=header)
    plan, errors = check(data)
    assert errors == set()
    assert plan.services["NAT-1"].name_it == "Città dei bambini"
    assert plan.locations["S1"].latitude == 45.4979


def test_it_detects_the_delimiter_from_the_header():
    assert detect_delimiter("a;b;c") == ";"
    assert detect_delimiter('a,"b;x",c') == ","
    assert detect_delimiter("a\tb") == "\t"
    assert detect_delimiter("only") == ","


def test_it_accepts_italian_headers_whatever_their_case_and_accents():
    header = "Codice;NOME IT;Età minima (anni);Età massima (anni);Codice sede;Nome sede;Indirizzo;CAP;Codice ISTAT"
    mapping, errors, warnings = map_headers(header.split(";"))
    assert errors == [] and warnings == []
    assert list(mapping.values()) == [
        "external_id",
        "name_it",
        "min_age_years",
        "max_age_years",
        "location_external_id",
        "location_name",
        "address",
        "postal_code",
        "municipality_istat",
    ]


def test_it_reports_missing_required_columns_repeated_ones_and_warns_of_unknown_ones():
    _mapping, errors, warnings = map_headers(["nome_it", "nome", "colore preferito"])
    assert {error.column for error in errors} == {"nome", "external_id"}
    assert [warning.column for warning in warnings] == ["colore preferito"]
    plan, found = check(b"name_it;colore\nCampo;blu\n")
    assert (None, "external_id") in found
    assert plan.services == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 10, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", "Excel"),
    ],
)
def test_it_refuses_unreadable_files_with_a_clear_message(data, message):
    with pytest.raises(ImportFileError) as raised:
        read_table(data, "servizi.csv")
    assert message in raised.value.message


def test_it_refuses_a_file_with_too_many_rows():
    data = csv_bytes([ROWS[3].replace("BS-1", f"BS-{n}") for n in range(MAX_ROWS + 1)])
    with pytest.raises(ImportFileError) as raised:
        read_table(data)
    assert "20,000" in raised.value.message


def test_a_header_without_rows_is_an_error():
    _plan, errors = check(csv_bytes([]))
    assert errors == {(None, "")}


def test_it_reports_every_bad_row_with_its_row_and_column():
    bad = [
        ROWS[0].replace("CE-1", ""),  # row 2: no code
        ROWS[2].replace("holiday_camp", "circus"),  # row 3: unknown category
        ROWS[2].replace("NAT-1", "NAT-2").replace(";3;10;", ";12;5;"),  # row 4: min > max
        ROWS[2].replace("NAT-1", "NAT-3").replace("2026-12-23", "2026-13-45"),  # row 5: broken date
        ROWS[2].replace("NAT-1", "NAT-4").replace("08:00-13:00", "13:00-08:00"),  # row 6: hours backwards
        ROWS[2].replace("NAT-1", "NAT-5").replace("S1;", "S9;").replace("45.4979;9.4195", "51.5;-0.12"),  # row 7
        ROWS[2].replace("NAT-1", "NAT-6").replace("S1;", "S8;").replace(";015142;", ";099999;"),  # row 8
        ROWS[3],  # row 9: fine
        ROWS[3],  # row 10: duplicated
        ROWS[3].replace("BS-1", "BS-2").replace(";12;hour", ";-5;hour"),  # row 11: negative price
        ROWS[3].replace("BS-1", "BS-3").replace(";it;;;;no", ";it;not-an-email;;;no"),  # row 12
        ROWS[3].replace("BS-1", "BS-4").replace(";12;hour", ";dodici;hour"),  # row 13
        ROWS[3].replace("BS-1", "BS-5").replace(";0;12;", ";0;200;"),  # row 14: age 200
    ]
    plan, errors = check(csv_bytes(bad))
    assert {
        (2, "external_id"),
        (3, "categories"),
        (4, "max_age_years"),
        (5, "closures"),
        (6, "opening_hours"),
        (7, "latitude"),
        (7, "longitude"),
        (8, "municipality_istat"),
        (10, "external_id"),
        (11, "price_eur"),
        (12, "email"),
        (13, "price_eur"),
        (14, "max_age_years"),
    } <= errors
    assert not any(row == 9 for row, _column in errors)
    assert plan.services == {} and plan.locations == {}
    messages = {(error.row, error.column): error.message for error in plan.errors}
    assert "circus" in messages[(3, "categories")]
    assert "outside Italy" in messages[(7, "latitude")]
    assert "099999" in messages[(8, "municipality_istat")]
    assert "row 9" in messages[(10, "external_id")]


def test_the_same_service_must_repeat_the_same_data_and_a_place_the_same_address():
    rows = [ROWS[0], ROWS[1].replace(";40;", ";45;"), ROWS[2].replace("Via Roma 1", "Via Roma 2")]
    _plan, errors = check(csv_bytes(rows))
    assert (3, "capacity") in errors
    assert (4, "location_external_id") in errors


def test_a_place_needs_a_code_and_a_municipality_with_a_point_or_coordinates():
    no_code = ROWS[3].replace("BS-1", "BS-2").replace(";no;;;;;;;;", ";no;;Casa;;;;;;")
    no_point = ROWS[2].replace("S1;", "S7;").replace(";015142;45.4979;9.4195;", ";015999;;;")
    half = ROWS[2].replace("NAT-1", "NAT-9").replace("S1;", "S6;").replace(";45.4979;9.4195;", ";45.4979;;")
    _plan, errors = check(csv_bytes([no_code, no_point, half]))
    assert {(2, "location_external_id"), (3, "latitude"), (4, "longitude")} <= errors


def test_a_row_of_another_provider_is_refused():
    header = "organization;" + HEADER
    _plan, errors = check(csv_bytes(["altro-ente;" + ROWS[3]], header=header), organization_slug="provider-a")
    assert errors == {(2, "organization")}
    _plan, errors = check(csv_bytes(["provider-a;" + ROWS[3]], header=header), organization_slug="provider-a")
    assert errors == set()


def test_opening_hours_in_the_compact_form():
    hours = parse_opening_hours("LU-VE 7.30-9.00, 16:00-18:00; sa 08:00-12:00 01/09/2026..30/06/2027")
    assert [(h.byday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}") for h in hours] == [
        ("MO,TU,WE,TH,FR", "07:30", "09:00"),
        ("MO,TU,WE,TH,FR", "16:00", "18:00"),
        ("SA", "08:00", "12:00"),
    ]
    assert hours[2].valid_from == datetime.date(2026, 9, 1)
    assert parse_days("MO,WE,FR") == "MO,WE,FR"
    for bad in ("every day", "MO-FR 25:00-26:00", "FR-MO 08:00-09:00", "XX 08:00-09:00", "MO-FR 08:00"):
        with pytest.raises(ValueError):
            parse_opening_hours(bad)


def test_closures_accept_english_and_italian_periods_and_refuse_nonsense():
    closures = parse_closures("natale 23/12/2026..05/01/2027; summer 2027-06-14..2027-07-30")
    assert [closure.period for closure in closures] == ["christmas", "summer"]
    for bad in (
        "holidays 2026-12-23..2027-01-05",
        "christmas",
        "christmas 2027-01-05..2026-12-23",
        "summer 2027-02-30",
    ):
        with pytest.raises(ValueError):
            parse_closures(bad)


def test_numbers_in_italian_or_english_notation_but_prices_by_the_one_euro_rule():
    # Coordinates and ages take either notation; a price follows lib.money's rule, as every form does.
    assert parse_decimal("1.234,50") == parse_decimal("1234.5") == parse_decimal("€ 1234,50")
    assert parse_costs("0; 10", "week") == (CostData(0, "week"), CostData(1000, "week"))
    assert parse_costs("1.234,50; € 12,5", "day") == (CostData(1250, "day"), CostData(123450, "day"))
    for price in ("12.50", "1,234", "-5", "1.000.001"):
        with pytest.raises(ValueError, match=price.replace(".", r"\.")):
            parse_costs(price, "day")


def test_a_spreadsheet_number_cell_reads_as_an_italian_amount():
    # A price typed as a number in Excel arrives as a float: it is written back with a decimal comma,
    # so the one euro rule reads it as the person saw it.
    assert [excel_cell_text(value) for value in (12.5, 1001.0, 0.25)] == ["12,5", "1001", "0,25"]
    assert parse_costs(excel_cell_text(12.5), "day") == (CostData(1250, "day"),)
    assert parse_costs("su richiesta", "mese") == (CostData(None, "month"),)
    for price, unit in (("10", ""), ("", "week"), ("10", "fortnight"), ("10,999", "day"), ("1;2", "day;week;hour")):
        with pytest.raises(ValueError):
            parse_costs(price, unit)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_excel_numbers_and_dates_and_refuses_formulas_without_values():
    header = HEADER.split(";")
    good = [
        1001,  # a numeric code
        "Natale in ludoteca",
        "",
        "service",
        "holiday_camp",
        3,
        10.0,
        None,
        "it",
        None,
        None,
        None,
        False,
        "S1",
        "Scuola Rodari",
        "Via Roma 1",
        20066,
        15142,  # the leading zero eaten by Excel
        45.4979,
        9.4195,
        "MO-FR 08:00-13:00",
        "christmas 2026-12-23..2027-01-05",
        25,
        "day",
    ]
    formula = [*good]
    formula[0], formula[1] = 1002, '=CONCAT("Natale ", "bis")'
    dated = [*good]
    # A spreadsheet's date cell has no time zone (openpyxl refuses an aware datetime).
    dated[0], dated[21] = 1003, datetime.datetime(2026, 12, 23)  # noqa: DTZ001
    plan = validate(read_table(_xlsx([header, good, formula, dated]), "servizi.xlsx"), LOOKUPS)
    errors = {(error.row, error.column): error.message for error in plan.errors}
    assert set(errors) == {(3, "name_it"), (4, "closures")}
    assert "formula" in errors[(3, "name_it")]
    assert "2026-12-23" in errors[(4, "closures")]  # the date cell reads as text, then as a period without name


def test_errors_say_where_they_are():
    assert str(RowError(4, "email", "bad")) == "row 4, email: bad"
    assert str(RowError(None, "", "empty")) == "header: empty"


def test_a_zip_that_is_not_a_workbook_is_refused_with_a_clear_message():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", "{}")
    with pytest.raises(ImportFileError) as raised:
        read_table(buffer.getvalue(), "servizi.xlsx")
    assert "Excel" in raised.value.message


def test_it_follows_excels_sep_hint_line():
    data = b"sep=|\r\n" + csv_bytes([ROWS[3].replace(";", "|")], header=HEADER.replace(";", "|"))
    plan, errors = check(data)
    assert errors == set()
    assert plan.rows == [(2, "BS-1", "")]


def test_a_formula_cell_is_reported_once_and_not_compared_with_the_next_rows():
    header = ["external_id", "name_it", "location_external_id", "location_name", "address", "municipality_istat"]
    first = ["A1", '=UPPER("campo")', "S1", "Scuola", "Via Roma 1", "015142"]
    second = ["A1", "CAMPO", "S2", "Palestra", "Via Dante 3", "015142"]
    plan = validate(read_table(_xlsx([header, first, second])), LOOKUPS)
    assert [(error.row, error.column) for error in plan.errors] == [(2, "name_it")]
