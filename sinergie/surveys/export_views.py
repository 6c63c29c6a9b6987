"""Downloads of a campaign report: the page's data, access and parameters, as CSV, XLSX or PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from sinergie.lib.downloads import file_response
from sinergie.lib.pdf import pdf_response
from sinergie.surveys import exports, services, views
from sinergie.surveys.access import get_campaign_for_user
from sinergie.surveys.peers import peer_benchmark
from sinergie.surveys.report import ReportError, build_report


@require_safe
def campaign_report_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    """The report as a file; bad parameters get the report page with its message (400)."""
    if fmt not in exports.FORMATS:
        raise Http404
    campaign, side = get_campaign_for_user(request.user, campaign_id)
    campaign = services.campaign_release(campaign)
    filters = [f for f in request.GET.getlist("filter") if f]
    try:
        report = build_report(
            campaign,
            breakdown=request.GET.get("breakdown") or None,
            filters=filters,
            variables=[v for v in request.GET.getlist("variable") if v],
            free_text=side == "alliance",
        )
    except ReportError:
        return views.campaign_report(request, campaign_id)
    benchmark = peer_benchmark(campaign) if report["respondents"] is not None else None
    if fmt == "pdf":
        context = {
            "campaign": campaign,
            "report": exports.with_benchmark(report, benchmark),
            "columns": exports.table_columns(report),
            "benchmark": benchmark,
            "generated_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        }
        return pdf_response(
            "surveys/report_pdf.html", context, exports.export_filename(campaign, "pdf"), request=request
        )
    rows = exports.report_rows(campaign, report, benchmark)
    body = exports.report_csv(rows) if fmt == "csv" else exports.report_xlsx(rows)
    return file_response(body, exports.export_filename(campaign, fmt), exports.CONTENT_TYPES[fmt], private=True)
