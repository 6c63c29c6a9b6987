"""A call's report for the alliance's staff: page, CSV (Italian Excel), XLSX and PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from sinergie.calls.access import get_call_for_report
from sinergie.calls.reports.selectors import call_report
from sinergie.calls.services import decimal_text, euro
from sinergie.lib.downloads import Figure, csv_response, xlsx_response
from sinergie.lib.pdf import pdf_response


@login_required
@require_safe
def report(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_report(request.user, call_id)
    figures = call_report(call)
    title = call.title_en if get_language() == "en" and call.title_en else call.title_it
    fmt = request.GET.get("formato")
    stem = f"rendiconto-bando-{call.pk}"
    if fmt == "csv":
        rows: list[list[Any]] = [[_("section"), _("item"), _("number"), _("euro")]]
        for _key, section, lines in figures.sections():
            rows.extend(
                [section, line.label, line.count, "" if line.cents is None else Figure(decimal_text(line.cents))]
                for line in lines
            )
        return csv_response(rows, f"{stem}.csv", delimiter=";")
    if fmt == "xlsx":
        book = Workbook()
        book.remove(book.active)
        for key, section, lines in figures.sections():
            sheet = book.create_sheet(key[:31])
            sheet.append([section])
            sheet.append([_("item"), _("number"), _("euro")])
            for line in lines:
                sheet.append([line.label, line.count, None if line.cents is None else line.cents / 100])
        return xlsx_response(book, f"{stem}.xlsx")
    sections = [
        (key, section, [(line.label, line.count, euro(line.cents) if line.cents is not None else "") for line in lines])
        for key, section, lines in figures.sections()
    ]
    context = {"call": call, "title": title, "sections": sections}
    if fmt == "pdf":
        context["generated_at"] = date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
        return pdf_response("calls/pdf/report.html", context, f"{stem}.pdf", request)
    return render(request, "calls/report.html", context)
