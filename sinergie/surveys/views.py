"""Answering pages (no login): one section per page, skip logic and every check on the server."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.lib.downloads import csv_response
from sinergie.lib.errors import refusal_text
from sinergie.lib.http import client_ip
from sinergie.lib.qr import qr_svg
from sinergie.surveys import charts, exports, selectors, services, summary
from sinergie.surveys.access import can_manage_campaign, get_campaign_for_user
from sinergie.surveys.forms import CampaignForm
from sinergie.surveys.models import Campaign, CampaignMode, Question
from sinergie.surveys.peers import peer_benchmark
from sinergie.surveys.report import ReportError, build_report, engine_for
from sinergie.surveys.services import SurveyError

OPEN_LINK_STARTS_PER_HOUR = 30
DONE_KEY = "surveys:done"


def _state_key(campaign: Campaign) -> str:
    return f"surveys:{campaign.pk}"


def _problem(request: HttpRequest, reason: str, campaign: Campaign | None = None) -> HttpResponse:
    status = {"invalid": 404, "used": 410, "closed": 410, "not_open": 403, "done": 409, "busy": 429}.get(reason, 400)
    return render(request, "surveys/problem.html", {"reason": reason, "campaign": campaign}, status=status)


def _rate_limited(request: HttpRequest) -> bool:
    """A simple per-address limit on new open-link respondents, kept only in the cache (hashed)."""
    address = client_ip(request) or ""
    key = "surveys:rate:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > OPEN_LINK_STARTS_PER_HOUR


def _pages(campaign: Campaign) -> tuple[list[tuple[Any, list[Question]]], list[Question], dict[int, Question]]:
    sections = list(campaign.survey.sections.order_by("order", "pk").prefetch_related("questions"))
    questions: list[Question] = []
    pages = []
    for section in sections:
        items = sorted(section.questions.all(), key=lambda q: (q.order, q.pk))
        for item in items:
            item.section = section
        pages.append((section, items))
        questions.extend(items)
    return pages, questions, {q.pk: q for q in questions}


def _visible_pages(pages: list, answers: dict[str, Any], gates: dict[int, Question]) -> list[int]:
    return [
        index
        for index, (_section, items) in enumerate(pages)
        if any(services.is_visible(q, answers, gates) for q in items)
    ]


def _unlogged(view: Any) -> Any:
    """The answering address carries a token: keep it out of Django's request log, which would
    write it next to a time for every 4xx answer (a refused page, a form with errors)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response._has_been_logged = True  # read by django.utils.log.log_response
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_unlogged
def respond(request: HttpRequest, code: str) -> HttpResponse:  # noqa: C901
    if len(code) > 64 or "\x00" in code:  # PostgreSQL refuses NUL in a query: no code has one
        return _problem(request, "invalid")
    try:
        campaign, token_hash = services.campaign_for_code(code)
    except SurveyError as error:
        return _problem(request, error.code)
    now = timezone.now()
    if now >= campaign.closes_at:
        return _problem(request, "closed", campaign)
    if now < campaign.opens_at:
        return _problem(request, "not_open", campaign)
    key = _state_key(campaign)
    state = request.session.get(key) or {}
    if state.get("token") != token_hash:
        state = {}
    if not state:
        if campaign.mode == CampaignMode.OPEN:
            if campaign.pk in request.session.get(DONE_KEY, []):
                return _problem(request, "done", campaign)
            if _rate_limited(request):
                return _problem(request, "busy", campaign)
        state = {"token": token_hash, "page": 0, "resume": None}
    pages, questions, gates = _pages(campaign)
    answers = services.response_draft(campaign, state.get("resume"))
    visible = _visible_pages(pages, answers, gates)
    if not visible:
        return _problem(request, "invalid", campaign)
    position = state["page"] if state["page"] in visible else visible[0]
    errors: dict[str, str] = {}
    submitted: Any = None
    if request.method == "POST":
        section, items = pages[position]
        if request.POST.get("action") == "back":
            earlier = [p for p in visible if p < position]
            position = earlier[-1] if earlier else position
        else:
            shown = {q.code for q in items if services.is_visible(q, answers, gates)}
            merged, errors, revealed = services.section_parse(items, request.POST, answers, gates, shown)
            submitted = request.POST
            if not errors:
                merged = services.prune_hidden(questions, merged, gates)
                visible = _visible_pages(pages, merged, gates)
                later = [p for p in visible if p > position]
                try:
                    if revealed:  # stay on this page: it now has more questions
                        state["resume"] = services.response_save_draft(
                            campaign=campaign, resume_secret=state.get("resume"), answers=merged
                        )
                        request.session[key] = state
                        return redirect(request.path + "?altre=1")
                    if later:
                        state["resume"] = services.response_save_draft(
                            campaign=campaign, resume_secret=state.get("resume"), answers=merged
                        )
                        position = later[0]
                    else:
                        services.response_submit(
                            campaign=campaign, token_hash=token_hash, resume_secret=state.get("resume"), answers=merged
                        )
                        request.session.pop(key, None)
                        if campaign.mode == CampaignMode.OPEN:
                            request.session[DONE_KEY] = [*request.session.get(DONE_KEY, []), campaign.pk]
                        return render(request, "surveys/thanks.html", {"campaign": campaign})
                except SurveyError as error:
                    if error.code == "incomplete":
                        first = next(iter(visible), 0)
                        position = first
                        errors = {}
                    else:
                        request.session.pop(key, None)
                        return _problem(request, error.code, campaign)
                answers = merged
                submitted = None
        state["page"] = position
        request.session[key] = state
        if not errors:
            return redirect(request.path)
    state["page"] = position
    request.session[key] = state
    section, items = pages[position]
    shown = [_field(q, answers, submitted, errors.get(q.code)) for q in items if services.is_visible(q, answers, gates)]
    step = visible.index(position) + 1 if position in visible else 1
    return render(
        request,
        "surveys/respond.html",
        {
            "campaign": campaign,
            "survey": campaign.survey,
            "section": section,
            "fields": shown,
            "errors": [f for f in shown if f["error"]],
            "step": step,
            "steps": len(visible),
            "percent": round(100 * (step - 1) / max(len(visible), 1)),
            "first": step == 1,
            "last": step == len(visible),
            "more_questions": request.GET.get("altre") == "1",
        },
        status=400 if errors else 200,
    )


def _field(question: Question, answers: dict[str, Any], submitted: Any, error: str | None) -> dict[str, Any]:
    """What the template needs for one question, with the value the respondent last gave."""
    if submitted is not None:
        if question.kind == "multiple":
            value: Any = submitted.getlist(question.code)
        elif question.kind == "matrix":
            value = {row["value"]: submitted.get(f"{question.code}__{row['value']}", "") for row in question.rows}
        else:
            value = submitted.get(question.code, "")
    else:
        value = answers.get(question.code, [] if question.kind == "multiple" else "")
    if question.kind == "matrix" and not isinstance(value, dict):
        value = {}
    rows = (
        [{**row, "selected": str(value.get(row["value"], ""))} for row in question.rows]
        if question.kind == "matrix"
        else []
    )
    scale = [str(v) for v in question.scale_values()] if question.kind == "scale" else []
    selected = [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value not in ("", None) else [])
    return {
        "question": question,
        "id": f"q-{question.code}",
        "value": "" if isinstance(value, list | dict) or value is None else str(value),
        "selected": selected,
        "rows": rows,
        "scale": scale,
        "error": error,
    }


# --- Campaign pages for its organization: the report and the links ------------------------


@require_safe
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The report page (the same data as the API): the key needs, then each question's charts
    beside their tables, with an optional breakdown (a GET form, no JavaScript needed)."""
    campaign, side = get_campaign_for_user(request.user, campaign_id)
    campaign = services.campaign_release(campaign)
    engine = engine_for(campaign)
    breakdown = request.GET.get("breakdown") or None
    status = 200
    try:
        data = build_report(
            campaign,
            breakdown=breakdown,
            filters=[f for f in request.GET.getlist("filter") if f],  # refused with the reason
            variables=[v for v in request.GET.getlist("variable") if v],
            free_text=side == "alliance",
            engine=engine,
        )
        problem = None
    except ReportError as error:
        data, problem, status = None, str(error), 400
    benchmark = None
    if data and data["respondents"] is not None:
        benchmark = peer_benchmark(campaign)
    report = exports.with_benchmark(data, benchmark)
    questions = list(campaign.survey.questions())
    closes_on, closes_time = summary.closing_day(data["closes_at"] if data else campaign.closes_at)
    can_manage = can_manage_campaign(request.user, campaign)
    is_open = campaign.released_at is None and timezone.now() < campaign.closes_at
    open_link = _open_link(request, campaign) if can_manage and is_open and campaign.mode == CampaignMode.OPEN else ""
    return render(
        request,
        "surveys/report.html",
        {
            "campaign": campaign,
            "report": report,
            "sections": charts.report_sections(report, questions) if report else [],
            "key_needs": summary.key_needs(data, questions) if data else [],
            "closes_on": closes_on,
            "closes_time": closes_time,
            "released_on": summary.release_day(data.get("released_at")) if data else None,
            "benchmark": benchmark,
            "export_formats": [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF")],
            "export_query": request.GET.urlencode(),
            "problem": problem,
            "columns": exports.table_columns(data),
            "choices": [(key, variable.label) for key, variable in engine.variables.items()],
            "breakdown": breakdown,
            "can_manage": can_manage,
            "token_mode": campaign.mode == CampaignMode.TOKENS,
            "is_open": is_open,
            "open_link": open_link,
            "open_qr": qr_svg(open_link, title=_("QR code of the survey's link"), css_class="survey-qr", fluid=True)
            if open_link
            else None,
        },
        status=status,
    )


@require_http_methods(["POST"])
def campaign_links(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Generate single-use links and hand them over once, as a CSV download; they are not kept."""
    campaign, _side = get_campaign_for_user(request.user, campaign_id)
    if not can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    try:
        count = int(request.POST.get("count", ""))
    except ValueError:
        count = 0
    try:
        tokens = services.tokens_generate(campaign=campaign, count=count, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("surveys:campaign-report", campaign_id=campaign.pk)
    rows = [[_("link")]]
    rows.extend([request.build_absolute_uri(reverse("surveys:respond", kwargs={"code": token}))] for token in tokens)
    return csv_response(rows, f"links-campaign-{campaign.pk}.csv", private=True)


@require_http_methods(["POST"])
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Close an open campaign now (its managers); the results are released at once."""
    campaign, _side = get_campaign_for_user(request.user, campaign_id)
    if not can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    try:
        services.campaign_close(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The campaign is closed: nobody can answer any more."))
    return redirect("surveys:campaign-report", campaign_id=campaign.pk)


def _open_link(request: HttpRequest, campaign: Campaign) -> str:
    return request.build_absolute_uri(reverse("surveys:respond", kwargs={"code": campaign.slug}))


@require_safe
def campaign_poster(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A page to print for a notice board: the open link's QR code, its address and the dates."""
    campaign, _side = get_campaign_for_user(request.user, campaign_id)
    if not can_manage_campaign(request.user, campaign) or campaign.mode != CampaignMode.OPEN:
        raise Http404
    link = _open_link(request, campaign)
    closes_on, closes_time = summary.closing_day(campaign.closes_at)
    return render(
        request,
        "surveys/poster.html",
        {
            "campaign": campaign,
            "link": link,
            "qr": qr_svg(link, title=_("QR code of the survey's link"), css_class="survey-qr", fluid=True),
            "closes_on": closes_on,
            "closes_time": closes_time,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns the user may see, and a form to open one where they may."""
    organizations = selectors.organizations_running_campaigns(request.user)
    form = None
    if organizations.exists():
        form = CampaignForm(
            request.POST or None,
            organizations=organizations,
            surveys=selectors.surveys_for_campaigns(organizations),
        )
        if request.method == "POST" and form.is_valid():
            opens_at, closes_at = form.instants()
            try:
                campaign = services.campaign_create(
                    survey=form.cleaned_data["survey"],
                    organization=form.cleaned_data["organization"],
                    title=form.cleaned_data["title"],
                    opens_at=opens_at,
                    closes_at=closes_at,
                    target_size=form.cleaned_data["target_size"],
                    mode=form.cleaned_data["mode"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("surveys:campaign-report", campaign_id=campaign.pk)
    elif request.method == "POST":
        raise PermissionDenied
    campaigns = list(selectors.campaigns_for_user(request.user))
    for campaign in campaigns:  # the last day one can answer, as people say it
        campaign.closes_on, campaign.closes_time = summary.closing_day(campaign.closes_at)
    return render(
        request,
        "surveys/campaign_list.html",
        {"campaigns": campaigns, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
