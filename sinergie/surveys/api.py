"""`GET /api/v1/surveys/campaigns/{id}/report`: the report's JSON, same rules as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sinergie.lib.api_errors import bad_request, responses
from sinergie.surveys import services
from sinergie.surveys.access import get_campaign_for_user
from sinergie.surveys.peers import peer_benchmark
from sinergie.surveys.report import ReportError, build_report

router = Router(tags=["surveys"])


class ReportQuery(Schema):
    breakdown: str | None = None
    filter: list[str] = []
    variable: list[str] = []


# The report is read with the session of a signed-in person (the cookie the site sets at login),
# not with a token: the security requirement documents it, and the access rules answer 404 to
# anyone who may not see the campaign, signed in or not (its existence is private). A staff
# session without a second factor gets 403 (accounts.middleware).
SESSION_SECURITY = [{"session": []}]


@router.get(
    "/campaigns/{campaign_id}/report",
    response=responses(dict[str, Any], 400, 403, 404, 422),
    summary="Aggregated, suppressed report of a campaign",
    openapi_extra={"security": SESSION_SECURITY},
)
def campaign_report(request: HttpRequest, campaign_id: int, query: Query[ReportQuery]) -> dict[str, Any]:
    """Counts and percentages per variable; `null` marks a figure hidden to protect respondents.

    While the campaign is open, `state` is "collecting" and only `responses_so_far` (rounded down
    to a multiple of 5) is given; after the close, every completed answer is released once
    (`state` "released") and the figures never change. `breakdown`: a variable to break down by;
    `filter` is refused (400): reports are a fixed set of tables; `variable`: the variables
    wanted (all when absent). `benchmark`: a company campaign's yearly figures of similar
    companies (see docs/architecture.md), or `null`. Only the campaign's company referents, the
    alliance's staff, administrators and, for campaigns run by an alliance, analysts (without
    free text) see it, with the session cookie of the site
    (signed in, with the second factor for staff: 403 without it); anyone else gets 404.
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
        raise bad_request(str(error)) from None
    # Similar companies (peers.py), beside the released figures as on the page.
    report["benchmark"] = peer_benchmark(campaign) if report["respondents"] else None
    return report
