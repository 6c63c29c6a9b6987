"""A campaign report as CSV, XLSX or PDF: the data of `report.build_report`, never more.

The exports take the report dictionary the page and the API show, so suppression, the one
release and free text follow exactly the same rules; a hidden figure is written as the word "suppressed",
never as a number. Labels come from questionnaires that companies write, so every text cell
that a spreadsheet would run as a formula gets a leading apostrophe (`lib.downloads`).
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from sinergie.lib import downloads
from sinergie.surveys.models import Campaign

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {"csv": downloads.CSV_TYPE, "xlsx": downloads.XLSX_TYPE}


def suppressed_marker() -> str:
    return _("suppressed")


def _figure(value: Any) -> Any:
    return suppressed_marker() if value is None else value


def export_filename(campaign: Campaign, extension: str) -> str:
    """ASCII letters, digits and dashes only, whatever the campaign's title."""
    title = slugify(campaign.title)[:60].strip("-") or "campagna"
    return f"risultati-{campaign.pk}-{title}.{extension}"


def table_columns(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The breakdown's groups a table shows: all but those nobody is in (a required question's
    "no answer"); a group whose size is hidden stays, marked hidden."""
    if not report or not report.get("breakdown"):
        return []
    return [column for column in report["breakdown"]["categories"] if column["count"] != 0]


def report_rows(campaign: Campaign, report: dict[str, Any], benchmark: dict[str, Any] | None = None) -> list[list[Any]]:
    """The report as rows of cells, the same for CSV and XLSX (their writers guard the texts)."""
    rows: list[list[Any]] = [
        [_("Campaign"), campaign.title],
        [_("Minimum group shown"), report["k"]],
        [_("Results released on"), (report.get("released_at") or "")[:10] or _("not yet")],
        [_("Breakdown"), report["breakdown"]["label"] if report["breakdown"] else _("none")],
        [_("Respondents"), _figure(report["respondents"])],
    ]
    if report.get("state") == "collecting":
        rows.append([_("Answers so far (at least)"), report["responses_so_far"]])
    if report["message"]:
        rows.append([_("Note"), str(report["message"])])
    columns = report["breakdown"]["categories"] if report["breakdown"] else []
    peers = benchmark["variables"] if benchmark else {}
    if report["variables"]:
        header = [_("Variable"), _("Question"), _("Answer"), _("People"), "%"]
        for column in columns:
            count = column["count"]
            header.append(f"{column['label']} ({suppressed_marker() if count is None else count})")
        if peers:
            header.append(_("Similar companies") + " (%)")
        rows.extend([[], header])
        for variable in report["variables"]:
            peer = {c["value"]: c for c in peers.get(variable["variable"], {}).get("categories", [])}
            for item in variable["categories"]:
                row = [variable["variable"], variable["label"], item["label"], _figure(item["count"])]
                row.append(_figure(item["percent"]))
                for column in columns:
                    row.append(_figure(item["by"][column["value"]]["count"]))
                if peers:
                    row.append(_figure(peer[item["value"]]["percent"]) if item["value"] in peer else "")
                rows.append(row)
    for code, block in report["free_text"].items():
        rows.extend([[], [_("Free-text answers"), code, block["label"]]])
        rows.extend([["", "", text] for text in block["answers"]])
    return rows


def with_benchmark(report: dict[str, Any] | None, benchmark: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of the report whose variables carry the peers' figures, for templates:
    `variable["peers"]` (companies, respondents) and `item["peer"]` ({"percent": ...})."""
    if report is None:
        return None
    peers = benchmark["variables"] if benchmark else {}
    variables = []
    for variable in report["variables"]:
        peer = peers.get(variable["variable"])
        by_value = {c["value"]: c for c in peer["categories"]} if peer else {}
        categories = [{**item, "peer": by_value.get(item["value"])} for item in variable["categories"]]
        variables.append({**variable, "peers": peer, "categories": categories})
    return {**report, "variables": variables}


def report_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the accents right."""
    return downloads.csv_bytes(rows)


def report_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    for row in rows:
        sheet.append(row)
    return downloads.xlsx_bytes(workbook)
