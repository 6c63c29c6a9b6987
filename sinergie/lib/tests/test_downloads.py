"""The one download helper: file names in headers, CSV with its byte-order mark, the formula guard."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import Workbook, load_workbook

from sinergie.lib.downloads import (
    BOM,
    CSV_TYPE,
    XLSX_TYPE,
    Figure,
    ascii_filename,
    content_disposition,
    csv_bytes,
    csv_response,
    file_response,
    formula_safe,
    streaming_response,
    xlsx_bytes,
    xlsx_response,
)

SOURCE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert formula_safe(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["ok", "", "1+1", "'=already", 3, -3, 2.5, None])
def test_other_values_are_left_as_they_are(value):
    assert formula_safe(value) == value


def test_a_figure_is_a_number_and_is_not_guarded():
    assert formula_safe(Figure("-12,50")) == "-12,50"


def test_csv_starts_with_the_byte_order_mark_and_guards_every_text_cell():
    data = csv_bytes([["name", "amount"], ["=cmd|' /C calc'!A0", Figure("-3,00")], ["+39 02 1234", 7]], delimiter=";")
    text = data.decode("utf-8")
    assert text.startswith(BOM) and text.count(BOM) == 1
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["name", "amount"], ["'=cmd|' /C calc'!A0", "-3,00"], ["'+39 02 1234", "7"]]
    assert text.endswith("\r\n")


def test_an_empty_csv_is_the_mark_alone():
    assert csv_bytes([]) == BOM.encode("utf-8")


def test_accents_are_utf8():
    assert csv_bytes([["città"]]) == (BOM + "città\r\n").encode("utf-8")


def test_xlsx_text_cells_are_never_formulas():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(['=HYPERLINK("http://x")', "-2+3", "fine", 5])
    book = load_workbook(io.BytesIO(xlsx_bytes(workbook)))
    cells = next(book.active.iter_rows())
    assert [c.value for c in cells] == ['\'=HYPERLINK("http://x")', "'-2+3", "fine", 5]
    assert all(c.data_type != "f" for c in cells)


def test_a_plain_ascii_name_is_quoted_as_it_is():
    assert content_disposition("rendiconto-2026-01.csv") == 'attachment; filename="rendiconto-2026-01.csv"'
    assert content_disposition("calendario.ics", inline=True) == 'inline; filename="calendario.ics"'


@pytest.mark.parametrize(
    "name",
    ["Attività è già.pdf", 'a"b.pdf', "a\\b.pdf", "line\r\nSet-Cookie: x=1.pdf", "报告.pdf", "tab\t.pdf"],
)
def test_any_other_name_gets_an_ascii_fallback_and_the_exact_name(name):
    value = content_disposition(name)
    assert "\r" not in value and "\n" not in value
    fallback = re.fullmatch(r"""attachment; filename="([ !#-\[\]-~]+)"; filename\*=utf-8''(\S+)""", value)
    assert fallback, value
    assert fallback.group(1) == ascii_filename(name)
    assert unquote(fallback.group(2)) == name


def test_the_fallback_drops_accents_and_keeps_the_extension():
    assert ascii_filename("Attività è già.pdf") == "Attivita e gia.pdf"
    assert ascii_filename("报告") == "download"


def test_responses_carry_type_name_and_privacy():
    response = file_response(b"%PDF-", "Attività.pdf", "application/pdf", private=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Attivita.pdf"; filename*=')
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    public = csv_response([["a"]], "a.csv")
    assert public["Content-Type"] == CSV_TYPE and "Cache-Control" not in public
    assert public.content == (BOM + "a\r\n").encode("utf-8")
    assert xlsx_response(Workbook(), "a.xlsx")["Content-Type"] == XLSX_TYPE
    streamed = streaming_response(iter(["a", "b"]), "a.csv", CSV_TYPE)
    assert b"".join(streamed.streaming_content) == b"ab"
    assert streamed["Content-Disposition"] == 'attachment; filename="a.csv"'


def test_no_view_writes_a_content_disposition_header_of_its_own():
    """Every download goes through lib/downloads.py, so names are always quoted the safe way."""
    helper = SOURCE / "lib" / "downloads.py"
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and path != helper and "content-disposition" in path.read_text("utf-8").lower()
    ]
    assert found == []


def test_there_is_one_formula_guard():
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and "FORMULA_STARTS =" in path.read_text("utf-8")
    ]
    assert found == ["lib/downloads.py"]
