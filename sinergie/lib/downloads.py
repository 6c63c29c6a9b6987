"""Files the site hands over as downloads: CSV, XLSX, PDF, calendars and uploaded documents.

The one place that writes a `Content-Disposition` header and guards spreadsheet cells:

- the file name follows RFC 6266: a plain ASCII name is quoted as it is; any other name gets
  an ASCII fallback in `filename` and the exact name in `filename*` (UTF-8, percent-encoded),
  so a name typed by a user never breaks or injects a header;
- a CSV is UTF-8 with a byte-order mark, which Italian Excel opens with the accents right;
- a text cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
  return: CSV injection, and "+39 02 …" shown as #NAME?) gets a leading apostrophe, in CSV and
  XLSX alike; the catalogue's importer removes it again. A number written as Italian text
  ("-12,50") is marked `Figure` and left as it is;
- a private file (personal data, a document someone uploaded) is never stored by a cache.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

if TYPE_CHECKING:
    from openpyxl import Workbook

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRIVATE_CACHE_CONTROL = "private, no-store"

# What a quoted-string may hold as it is (RFC 9110 §5.6.4), less the two characters that would
# need escaping: a name made of these goes into `filename="…"` unchanged.
_PLAIN_NAME = re.compile(r"[ !#-\[\]-~]+")
_NOT_PLAIN = re.compile(r"[^ !#-\[\]-~]")

T = TypeVar("T")


class Figure(str):
    """A number written as the text an Italian spreadsheet reads as a number ("-12,50"): a
    spreadsheet computes nothing from it, so the formula guard leaves it as it is."""

    __slots__ = ()


def formula_safe(value: T) -> T:
    """`value`, with a text that a spreadsheet would run as a formula made plain text (a leading
    apostrophe); numbers, dates, `Figure`s and other texts unchanged."""
    if isinstance(value, str) and not isinstance(value, Figure) and value.startswith(FORMULA_STARTS):
        return "'" + value  # type: ignore[return-value]  # a str in, a str out
    return value


def ascii_filename(filename: str) -> str:
    """The name with accents dropped and anything outside a plain quoted string replaced by '_':
    the fallback for programs that do not read `filename*`."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    return _NOT_PLAIN.sub("_", folded).strip() or "download"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The `Content-Disposition` value for `filename` (RFC 6266): `filename="…"` for a plain ASCII
    name, and for any other an ASCII fallback followed by `filename*=utf-8''…`."""
    disposition = "inline" if inline else "attachment"
    if _PLAIN_NAME.fullmatch(filename):
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{ascii_filename(filename)}\"; filename*=utf-8''{quote(filename, safe='')}"


def _headers(response: HttpResponse | StreamingHttpResponse, filename: str, *, inline: bool, private: bool) -> None:
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    if private:
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        response["X-Content-Type-Options"] = "nosniff"


def file_response(
    content: bytes | str, filename: str, content_type: str, *, inline: bool = False, private: bool = False
) -> HttpResponse:
    """`content` as a file called `filename`: a download (or shown in the browser when `inline`);
    `private` for a file no cache may keep."""
    response = HttpResponse(content, content_type=content_type)
    _headers(response, filename, inline=inline, private=private)
    return response


def streaming_response(
    chunks: Iterable[str | bytes], filename: str, content_type: str, *, private: bool = False
) -> StreamingHttpResponse:
    """A download written while it is sent (`chunks`), for files too large to hold in memory."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    _headers(response, filename, inline=False, private=private)
    return response


# --- CSV ---------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> Iterator[str]:
    """The rows as CSV text, one line at a time, the first led by the byte-order mark; every text
    cell goes through `formula_safe`."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    mark = BOM
    for row in rows:
        yield mark + writer.writerow([formula_safe(cell) for cell in row])
        mark = ""
    if mark:
        yield mark


def csv_bytes(rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> bytes:
    """The rows as a UTF-8 CSV file with a byte-order mark, formulas guarded."""
    return "".join(csv_lines(rows, delimiter=delimiter)).encode("utf-8")


def csv_response(
    rows: Iterable[Sequence[object]], filename: str, *, delimiter: str = ",", private: bool = False
) -> HttpResponse:
    """The rows as a CSV download (`csv_bytes`)."""
    return file_response(csv_bytes(rows, delimiter=delimiter), filename, CSV_TYPE, private=private)


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook as an XLSX file, with every text cell of every sheet through `formula_safe`
    (a workbook opened with `write_only=True` cannot be read back: guard its cells as written)."""
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.value = formula_safe(cell.value)
                    cell.data_type = "s"  # a text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook, filename: str, *, private: bool = False) -> HttpResponse:
    """The workbook as an XLSX download (`xlsx_bytes`)."""
    return file_response(xlsx_bytes(workbook), filename, XLSX_TYPE, private=private)
