"""Company incentives (/incentivi/): a company referent's applications and grants, and the alliance
staff's grant agreements, reviews and payments.

Views are thin: access through `calls/grants/access.py` (404 for anyone who may not see the
object), changes through `calls/grants/services.py`. A refused step is an `IncentiveError` shown beside
its field and in the summary, with HTTP 400 and nothing changed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.calls.access import get_public_call
from sinergie.calls.grants import services as incentives
from sinergie.calls.grants.access import (
    Side,
    companies_for_referent,
    get_company_application_for_user,
    get_company_call_for_staff,
    get_grant_document_for_user,
    get_grant_for_user,
)
from sinergie.calls.grants.forms import (
    DocumentForm,
    GrantForm,
    PaymentForm,
    PlanForm,
    ReportForm,
    ReviewForm,
    RevokeForm,
)
from sinergie.calls.grants.services import MEASURE_LABELS, IncentiveError
from sinergie.calls.models import Application, ApplicationState, Call, GrantState, IncentiveGrant, PaymentState
from sinergie.calls.services import euro, rome_today
from sinergie.lib.downloads import file_response
from sinergie.lib.errors import refusal_text, refuse_on_form

MAX_UPLOAD_READ = 10 * 1024 * 1024 + 1  # one byte more than allowed: enough to tell it is too large


def _title(call: Call) -> str:
    return call.title("en" if (get_language() or "it").startswith("en") else "it")


def _day(value: Any) -> Any:
    """An ISO date stored in a plan or a report as a date, for the template's `date` filter."""
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return value


def _plan_display(plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [
        {
            **measure,
            "start": _day(measure.get("start")),
            "end": _day(measure.get("end")),
            "label": MEASURE_LABELS.get(str(measure.get("code")), ""),
            "cost": euro(measure["cost_cents"]) if type(measure.get("cost_cents")) is int else "",
        }
        for measure in (plan or {}).get("measures") or []
        if isinstance(measure, dict)
    ]


# --- The company's side --------------------------------------------------------------------------


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    """The applications and grants of the companies the user is a referent of."""
    companies = companies_for_referent(request.user)
    if not companies:
        raise Http404
    applications = (
        Application.objects.filter(organization__in=companies, call__kind__in=incentives.COMPANY_KINDS)
        .select_related("call", "organization", "grant")
        .order_by("-created_at")
    )
    rows = [{"application": a, "title": _title(a.call), "grant": getattr(a, "grant", None)} for a in applications]
    return render(request, "calls/incentives/my_list.html", {"companies": companies, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, call_id: int) -> HttpResponse:
    """Start (or resume) a company's application to an open company call.

    Anyone may follow "Apply for your company" from the call's public page: whoever is not a
    company referent (signed in or not) is told who applies and how, and may not act (403).
    """
    call = get_public_call(call_id)
    if call.kind not in incentives.COMPANY_KINDS:
        raise Http404
    companies = companies_for_referent(request.user)
    if not companies:
        context = {"call": call, "title": _title(call), "is_open": call.is_open()}
        return render(request, "calls/incentives/who_applies.html", context, status=403)
    live = {
        a.organization_id: a
        for a in Application.objects.filter(call=call, organization__in=companies).exclude(
            state=ApplicationState.WITHDRAWN
        )
    }
    error = None
    if request.method == "POST":
        company = next((c for c in companies if c.slug == request.POST.get("company")), None)
        if company is None:
            raise Http404
        if company.pk in live:
            return redirect("incentives:plan", pk=live[company.pk].pk)
        try:
            application = incentives.incentive_apply(call=call, organization=company, by=request.user, request=request)
        except IncentiveError as refused:
            error = refusal_text(refused)
        else:
            return redirect("incentives:plan", pk=application.pk)
    choices = [{"company": c, "application": live.get(c.pk)} for c in companies]
    context = {"call": call, "title": _title(call), "choices": choices, "error": error, "is_open": call.is_open()}
    return render(request, "calls/incentives/apply.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest, pk: Any) -> HttpResponse:
    """The company's plan: its referents fill it in, save it and send it; the call's staff read it."""
    application, side = get_company_application_for_user(request.user, pk)
    stored = incentives.plan_of(application)
    company = application.organization
    if request.method == "POST":
        if side != "company":
            raise Http404
        form = PlanForm(request.POST)
        if form.is_valid() and (data := form.plan()) is not None:
            try:
                application = incentives.incentive_plan_save(
                    application=application, plan=data, by=request.user, request=request
                )
                if "send" in request.POST and application.state == ApplicationState.DRAFT:
                    application = incentives.incentive_submit(application=application, by=request.user, request=request)
                    messages.success(
                        request, _("Application sent: protocol %(protocol)s.") % {"protocol": application.protocol}
                    )
                else:
                    messages.success(request, _("Plan saved."))
                return redirect("incentives:plan", pk=application.pk)
            except IncentiveError as refused:
                refuse_on_form(form, refused)
        status = 400
    else:
        form = PlanForm(initial=PlanForm.initial_from(stored, company.vat_number if company else ""))
        status = 200
    grant = IncentiveGrant.objects.filter(application=application).first()
    context = {
        "application": application,
        "title": _title(application.call),
        "form": form,
        "side": side,
        "can_change": side == "company"
        and grant is None
        and application.state != ApplicationState.WITHDRAWN
        and application.call.is_open(),
        "measures": _plan_display(stored),
        "stored": stored,
        "requested": euro(stored["requested_cents"]) if stored else "",
        "grant": grant,
        "cap": euro(application.call.amount_per_beneficiary_cents),
    }
    return render(request, "calls/incentives/plan.html", context, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    """A referent withdraws the company's application before the deadline (not once granted)."""
    application, _side = get_company_application_for_user(request.user, pk, change=True)
    try:
        incentives.incentive_withdraw(application=application, by=request.user, request=request)
    except IncentiveError as refused:
        messages.error(request, refusal_text(refused))
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("incentives:plan", pk=application.pk)


# --- The staff's side ----------------------------------------------------------------------------


@login_required
@require_safe
def manage(request: HttpRequest, call_id: int) -> HttpResponse:
    """A company call's sent applications with their evaluation and grant, for the alliance's staff."""
    call = get_company_call_for_staff(request.user, call_id)
    applications = (
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED, organization__isnull=False)
        .select_related("organization", "evaluation", "grant")
        .order_by("protocol_year", "protocol_sequence")
    )
    rows = [
        {
            "application": a,
            "requested": euro((incentives.plan_of(a) or {}).get("requested_cents") or 0),
            "admissible": getattr(getattr(a, "evaluation", None), "admissible", None),
            "grant": getattr(a, "grant", None),
        }
        for a in applications
    ]
    context = {"call": call, "title": _title(call), "rows": rows, "available": euro(call.available_cents)}
    return render(request, "calls/incentives/manage.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grant_new(request: HttpRequest, pk: Any) -> HttpResponse:
    """Staff make the grant agreement of an admitted company application."""
    application, side = get_company_application_for_user(request.user, pk)
    if side != "staff":
        raise Http404
    existing = IncentiveGrant.objects.filter(application=application).first()
    if existing is not None:
        return redirect("incentives:grant", pk=existing.pk)
    if request.method == "POST":
        form = GrantForm(request.POST)
        if form.is_valid():
            try:
                grant = incentives.grant_create(
                    application=application,
                    amount_cents=form.cleaned_data["amount"],
                    signed_at=form.cleaned_data["signed_at"],
                    conditions=form.cleaned_data["conditions"],
                    by=request.user,
                    request=request,
                )
            except IncentiveError as refused:
                refuse_on_form(form, refused)
            else:
                messages.success(request, _("Grant agreement recorded."))
                return redirect("incentives:grant", pk=grant.pk)
        status = 400
    else:
        default = incentives.grant_default_amount(application)
        form = GrantForm(initial={"amount": default, "signed_at": rome_today()})
        status = 200
    context = {
        "application": application,
        "title": _title(application.call),
        "form": form,
        "requested": euro((incentives.plan_of(application) or {}).get("requested_cents") or 0),
        "available": euro(application.call.available_cents),
        "cap": euro(application.call.amount_per_beneficiary_cents),
    }
    return render(request, "calls/incentives/grant_form.html", context, status=status)


# --- The grant, for both sides -------------------------------------------------------------------


def _render_grant(
    request: HttpRequest, grant: IncentiveGrant, side: Side, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    plan = incentives.plan_of(grant.application) or {}
    forms_: dict[str, forms.Form | None] = {
        "report_form": None,
        "document_form": None,
        "review_form": None,
        "pay_form": None,
        "revoke_form": None,
    }
    live = grant.state not in {GrantState.REVOKED, GrantState.PAID}
    if side == "company" and grant.state == GrantState.GRANTED:
        initial = {
            f"{code}_{part}": entry.get(part)
            for code, entry in grant.report.items()
            for part in ("done", "start", "end")
        }
        forms_["report_form"] = ReportForm(initial=initial, measures=plan.get("measures") or [])
        forms_["document_form"] = DocumentForm()
    if side == "staff" and grant.state == GrantState.REPORTING:
        forms_["review_form"] = ReviewForm()
    if side == "staff" and grant.payment_state == PaymentState.APPROVED and live:
        forms_["pay_form"] = PaymentForm(today=rome_today())
    if side == "staff" and live:
        forms_["revoke_form"] = RevokeForm()
    forms_.update(bound)
    report = [
        {
            **entry,
            "label": MEASURE_LABELS.get(code, code),
            "start": _day(entry.get("start")),
            "end": _day(entry.get("end")),
        }
        for code, entry in grant.report.items()
        if isinstance(entry, dict)
    ]
    context = {
        "grant": grant,
        "side": side,
        "title": _title(grant.call),
        "measures": _plan_display(plan),
        "report": report,
        "documents": grant.documents.defer("content"),
        "amount": euro(grant.amount_cents),
        "paid": euro(grant.paid_cents),
        "can_request_payment": side == "company"
        and grant.state == GrantState.APPROVED
        and grant.payment_state == PaymentState.NONE,
        "can_approve_payment": side == "staff" and live and grant.payment_state == PaymentState.REQUESTED,
        **forms_,
    }
    return render(request, "calls/incentives/grant_detail.html", context, status=status)


@login_required
@require_safe
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant, side = get_grant_for_user(request.user, pk)
    return _render_grant(request, grant, side)


@login_required
@require_POST
def grant_report(request: HttpRequest, pk: int) -> HttpResponse:
    grant, side = get_grant_for_user(request.user, pk, side="company")
    form = ReportForm(request.POST, measures=(incentives.plan_of(grant.application) or {}).get("measures") or [])
    if form.is_valid():
        try:
            incentives.grant_report_send(grant=grant, report=form.report(), by=request.user, request=request)
        except IncentiveError as refused:
            refuse_on_form(form, refused)
        else:
            messages.success(request, _("Report sent: the alliance will review it."))
            return redirect("incentives:grant", pk=grant.pk)
    return _render_grant(request, grant, side, status=400, report_form=form)


@login_required
@require_POST
def grant_document(request: HttpRequest, pk: int) -> HttpResponse:
    grant, side = get_grant_for_user(request.user, pk, side="company")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            incentives.grant_document_attach(
                grant=grant,
                name=form.cleaned_data["name"],
                filename=upload.name,
                content=upload.read(MAX_UPLOAD_READ),
                by=request.user,
                request=request,
            )
        except IncentiveError as refused:
            refuse_on_form(form, refused)
        else:
            messages.success(request, _("Document attached."))
            return redirect("incentives:grant", pk=grant.pk)
    return _render_grant(request, grant, side, status=400, document_form=form)


@login_required
@require_safe
def grant_document_download(request: HttpRequest, pk: Any) -> HttpResponse:
    """The file as it was uploaded, always as a download of its checked type."""
    document = get_grant_document_for_user(request.user, pk)
    return file_response(bytes(document.content), document.filename, document.content_type, private=True)


@login_required
@require_POST
def grant_review(request: HttpRequest, pk: int) -> HttpResponse:
    grant, side = get_grant_for_user(request.user, pk, side="staff")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            incentives.grant_review(
                grant=grant,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except IncentiveError as refused:
            refuse_on_form(form, refused)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("incentives:grant", pk=grant.pk)
    return _render_grant(request, grant, side, status=400, review_form=form)


@login_required
@require_POST
def grant_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment's steps: the company requests it; staff approve it, then record it as paid."""
    grant, side = get_grant_for_user(request.user, pk)
    step = request.POST.get("step")
    try:
        if side == "company" and step == "request":
            incentives.grant_payment_request(grant=grant, by=request.user, request=request)
        elif side == "staff" and step == "approve":
            incentives.grant_payment_approve(grant=grant, by=request.user, request=request)
        elif side == "staff" and step == "pay":
            form = PaymentForm(request.POST)
            if not form.is_valid():
                return _render_grant(request, grant, side, status=400, pay_form=form)
            try:
                incentives.grant_pay(
                    grant=grant,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                    by=request.user,
                    request=request,
                )
            except IncentiveError as refused:
                refuse_on_form(form, refused)
                return _render_grant(request, grant, side, status=400, pay_form=form)
        else:
            return HttpResponse(_("Unknown step."), status=400, content_type="text/plain; charset=utf-8")
    except IncentiveError as refused:
        messages.error(request, refusal_text(refused))
        return _render_grant(request, grant, side, status=400)
    messages.success(request, _("Payment updated."))
    return redirect("incentives:grant", pk=grant.pk)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant, side = get_grant_for_user(request.user, pk, side="staff")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            incentives.grant_revoke(grant=grant, reason=form.cleaned_data["reason"], by=request.user, request=request)
        except IncentiveError as refused:
            refuse_on_form(form, refused)
        else:
            messages.success(request, _("Grant revoked: its unpaid amount is back in the call's budget."))
            return redirect("incentives:grant", pk=grant.pk)
    return _render_grant(request, grant, side, status=400, revoke_form=form)
