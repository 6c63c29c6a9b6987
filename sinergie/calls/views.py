"""Public call pages and the call designer for alliance staff.

Thin views: parse, ask `calls/access.py`, call `calls/design.py`, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.audit.services import audit_events_for
from sinergie.calls import design
from sinergie.calls import rules as R
from sinergie.calls.access import (
    alliances_for_call_design,
    get_call_for_designer,
    get_public_call,
    may_evaluate,
    may_read_report,
)
from sinergie.calls.applications.views import apply_context
from sinergie.calls.design import design_of
from sinergie.calls.forms import (
    FORM_FIELD_FOR,
    CallDesignForm,
    DocumentFormSet,
    documents_of,
    initial_for,
    problems_with_labels,
)
from sinergie.calls.models import Call, CallState
from sinergie.calls.precheck import PrecheckForm
from sinergie.calls.precheck_help import precheck_help
from sinergie.lib.errors import refuse_on_form


def _language() -> str:
    return "en" if (get_language() or "it").startswith("en") else "it"


def _call_context(call: Call) -> dict[str, Any]:
    language = _language()
    return {
        "call": call,
        "call_title": call.title(language),
        "call_text": (call.text_en if language == "en" and call.text_en else call.text_it),
        "explained": design.rules_for_display(call, language),
        "report": design.call_validate(call),
    }


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    sections = design.calls_public()
    return render(request, "calls/list.html", {"sections": sections, "now": timezone.now()})


@require_safe
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_public_call(call_id)
    context = _call_context(call)
    context["is_open"] = call.is_open()
    context["upcoming"] = call.state == CallState.PUBLISHED and timezone.now() < call.opens_at
    context.update(apply_context(request.user, call, context["is_open"]))
    return render(request, "calls/detail.html", context)


@require_safe
def call_precheck(request: HttpRequest, call_id: int) -> HttpResponse:
    """Can I apply? The call's rules as questions; the answer rule by rule; nothing saved."""
    call = get_public_call(call_id)
    rules = list(design_of(call).eligibility)
    submitted = "verifica" in request.GET
    form = PrecheckForm(rules, request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        results = R.rules_check(rules, form.answers())
    context = {**_call_context(call), "form": form, "results": results, "rules": rules}
    if results is not None:
        context["eligible"] = all(result.ok for result in results)
        if not context["eligible"]:
            context["help"] = _precheck_help(call, form.answers())
    return render(request, "calls/precheck.html", context, status=400 if submitted and form.errors else 200)


def _precheck_help(call: Call, answers: dict[str, Any]) -> dict[str, Any]:
    """Other open calls the answers do not rule out and the nearest information points, for the page."""
    found = precheck_help(call, answers)
    language = _language()
    return {
        "calls": [{"call": other, "title": other.title(language)} for other in found.calls],
        "info_points": [
            {
                "name": hit.service.name(language),
                "url": reverse("directory:service-detail", args=[hit.service.pk]),
                "place": hit.location.municipality.name if hit.location else "",
                "address": hit.location.address_1 if hit.location else "",
                "phone": hit.service.phone,
                "email": hit.service.email,
            }
            for hit in found.info_points
        ],
        "place": found.place,
    }


def _designer_alliances(request: HttpRequest) -> Any:
    alliances = alliances_for_call_design(request.user)
    if not alliances.exists():
        raise Http404
    return alliances


@login_required
@require_safe
def manage_list(request: HttpRequest) -> HttpResponse:
    alliances = _designer_alliances(request)
    calls = design.calls_for_designer(alliances)
    return render(request, "calls/manage_list.html", {"calls": calls})


def _save(request: HttpRequest, form: CallDesignForm, formset: Any, call: Call | None) -> Call | None:
    """Run the service; its refusals go back onto the form, next to their field when it has one."""
    data = form.call_data(documents_of(formset))
    try:
        if call is None:
            return design.call_create(
                alliance=form.cleaned_data["alliance"], data=data, by=request.user, request=request
            )
        return design.call_update(call=call, data=data, by=request.user, request=request)
    except ValidationError as error:
        refuse_on_form(form, error, FORM_FIELD_FOR)
        return None


def _edit(request: HttpRequest, call: Call | None) -> HttpResponse:
    alliances = _designer_alliances(request)
    if call is not None and call.state != CallState.DRAFT:
        messages.error(request, _("This call is published: its rules are frozen and cannot be changed."))
        return redirect("calls:manage-detail", call_id=call.pk)
    initial = initial_for(call, design.design_of(call)) if call else {"rule_not_beneficiary": True}
    documents_initial = design.design_of(call).documents if call else []
    if request.method == "POST":
        form = CallDesignForm(request.POST, alliances=alliances, call=call, initial=initial)
        formset = DocumentFormSet(request.POST, prefix="documents")
        if form.is_valid() and formset.is_valid():
            saved = _save(request, form, formset, call)
            if saved is not None:
                messages.success(request, _("The call has been saved as a draft."))
                return redirect("calls:manage-detail", call_id=saved.pk)
        status = 400
    else:
        form = CallDesignForm(alliances=alliances, call=call, initial=initial)
        formset = DocumentFormSet(
            prefix="documents",
            initial=[{**d, "types": d.get("types", [])} for d in documents_initial],
        )
        status = 200
    context = {"form": form, "formset": formset, "call": call}
    return render(request, "calls/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    return _edit(request, get_call_for_designer(request.user, call_id))


@login_required
@require_safe
def manage_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_designer(request.user, call_id)
    context = _call_context(call)
    context["problems"] = problems_with_labels(context["report"].problems)
    context["notes"] = problems_with_labels(context["report"].notes)
    context["events"] = audit_events_for(call).order_by("-created_at")[:20]
    context["may_evaluate"] = may_evaluate(request.user, call)
    context["may_read_report"] = may_read_report(request.user, call)
    return render(request, "calls/manage_detail.html", context)


@login_required
@require_POST
def call_publish(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_designer(request.user, call_id)
    try:
        design.call_publish_checked(call=call, by=request.user, request=request)
    except ValidationError as error:
        listed = [(field, problem) for field, problems in error.message_dict.items() for problem in problems]
        for item in problems_with_labels(listed):
            messages.error(request, f"{item['label']}: {item['message']}" if item["label"] else item["message"])
        return redirect("calls:manage-detail", call_id=call.pk)
    messages.success(request, _("The call is published: its rules are now frozen."))
    return redirect("calls:manage-detail", call_id=call.pk)


@login_required
@require_POST
def call_close(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_call_for_designer(request.user, call_id)
    try:
        design.call_close(call=call, by=request.user, request=request)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("calls:manage-detail", call_id=call.pk)
    messages.success(request, _("The call is closed to applications."))
    return redirect("calls:manage-detail", call_id=call.pk)
