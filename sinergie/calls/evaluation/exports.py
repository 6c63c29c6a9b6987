"""Downloads of a ranking: the public ones by protocol number only (CSV, XLSX, PDF), and the staff's
internal one with the applicants' names (CSV, XLSX). Numbers go into spreadsheets as numbers; the
texts people typed are guarded against formulas (`lib.downloads`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import Workbook

from sinergie.calls.models import Call, Ranking, RankingRow
from sinergie.calls.services import decimal_text, euro
from sinergie.lib.downloads import Figure, csv_response, xlsx_response
from sinergie.lib.pdf import pdf_response

PUBLIC_HEADER = ["posizione", "protocollo", "punti", "ammessa", "importo_euro"]
STAFF_HEADER = [*PUBLIC_HEADER[:2], "cognome", "nome", "email", *PUBLIC_HEADER[2:]]


def _yes(flag: bool) -> str:
    return "sì" if flag else "no"


def _public_cells(row: RankingRow) -> list[Any]:
    return [row.position, row.application.protocol, row.points / 100, _yes(row.admitted), row.granted_cents / 100]


def _staff_cells(row: RankingRow) -> list[Any]:
    person = row.application.applicant
    names = [person.last_name or "", person.first_name or "", person.email or ""]
    return [*_public_cells(row)[:2], *names, *_public_cells(row)[2:]]


def _stem(call: Call, ranking: Ranking, suffix: str = "") -> str:
    return f"graduatoria-{call.pk}-v{ranking.version}{suffix}"


def _csv(rows: Iterable[RankingRow], header: list[str], cells: Any, filename: str) -> HttpResponse:
    lines: list[list[Any]] = [header]
    # Italian decimals, as the public CSV always had them.
    lines.extend(
        [Figure(decimal_text(round(v * 100))) if isinstance(v, float) else v for v in cells(row)] for row in rows
    )
    return csv_response(lines, f"{filename}.csv", delimiter=";")


def _xlsx(rows: Iterable[RankingRow], header: list[str], cells: Any, filename: str, title: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "graduatoria"
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(cells(row))
    return xlsx_response(book, f"{filename}.xlsx", private=True)


def public_export(
    request: HttpRequest, call: Call, ranking: Ranking, rows: Iterable[RankingRow], fmt: str, title: str
) -> HttpResponse | None:
    """The published ranking as CSV, XLSX or PDF, protocol numbers only; None for another format."""
    if fmt == "csv":
        return _csv(rows, PUBLIC_HEADER, _public_cells, _stem(call, ranking))
    if fmt == "xlsx":
        return _xlsx(rows, PUBLIC_HEADER, _public_cells, _stem(call, ranking), title)
    if fmt == "pdf":
        table = [
            (row.position, row.application.protocol, decimal_text(row.points), row.admitted, euro(row.granted_cents))
            for row in rows
        ]
        context = {
            "title": title,
            "ranking": ranking,
            "table": table,
            "generated_at": date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        }
        return pdf_response("calls/evaluation/ranking_pdf.html", context, _stem(call, ranking), request)
    return None


def staff_export(call: Call, ranking: Ranking, rows: Iterable[RankingRow], fmt: str, title: str) -> HttpResponse | None:
    """A version of the ranking with the applicants' names, for the alliance's internal use."""
    stem = _stem(call, ranking, "-riservata")
    if fmt == "csv":
        return _csv(rows, STAFF_HEADER, _staff_cells, stem)
    if fmt == "xlsx":
        return _xlsx(rows, STAFF_HEADER, _staff_cells, stem, title)
    return None
