"""`GET /api/v1/surveys/campaigns/{id}/report`: the report's JSON, same rules as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from sinergie.surveys.access import get_campaign_for_user
from sinergie.surveys.peers import peer_benchmark
from sinergie.surveys.report import ReportError, build_report

router = Router(tags=["surveys"])


class ReportQuery(Schema):
    breakdown: str | None = None
    filter: list[str] = []
    variable: list[str] = []


@router.get("/campaigns/{campaign_id}/report", summary="Aggregated, suppressed report of a campaign")
def campaign_report(request: HttpRequest, campaign_id: int, query: Query[ReportQuery]) -> dict[str, Any]:
    """Counts and percentages per variable; `null` marks a figure hidden to protect respondents.

    `breakdown`: a variable to break down by; `filter`: up to two `variable:answer`; `variable`:
    the variables wanted (all when absent). `benchmark`: without filters, a company campaign's
    figures of similar companies (see docs/architecture.md), or `null`. Only the campaign's
    company referents, the alliance's staff and analysts and administrators see it; anyone else
    gets 404.
    """
    campaign, side = get_campaign_for_user(request.user, campaign_id)
    try:
        report = build_report(
            campaign,
            breakdown=query.breakdown or None,
            filters=query.filter,
            variables=query.variable,
            free_text=side == "alliance",
        )
    except ReportError as error:
        raise HttpError(400, str(error)) from None
    # Similar companies (peers.py): only beside the unfiltered figures, as on the page.
    report["benchmark"] = peer_benchmark(campaign) if not report["filters"] and report["respondents"] else None
    return report
