"""`GET /api/v1/surveys/campaigns/{id}/report`: the report's JSON, same rules as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from sinergie.surveys import services
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

    While the campaign is open, `state` is "collecting" and only `responses_so_far` (rounded down
    to a multiple of 5) is given; after the close, every completed answer is released once
    (`state` "released") and the figures never change. `breakdown`: a variable to break down by;
    `filter` is refused (400): reports are a fixed set of tables; `variable`: the variables
    wanted (all when absent). `benchmark`: a company campaign's yearly figures of similar
    companies (see docs/architecture.md), or `null`. Only the campaign's company referents, the
    alliance's staff and analysts and administrators see it; anyone else gets 404.
    """
    campaign, side = get_campaign_for_user(request.user, campaign_id)
    campaign = services.campaign_release(campaign)
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
    # Similar companies (peers.py), beside the released figures as on the page.
    report["benchmark"] = peer_benchmark(campaign) if report["respondents"] else None
    return report
