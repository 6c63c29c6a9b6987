"""The pages of applying to a worker-voucher call: my applications, the form (new, draft or sent),
review and submit, withdrawal, document removal, assisted mode and the receipt as PDF.

Each view parses, asks calls/access.py, calls a service of calls/applications/services.py and renders;
a refused step comes back as a message on the field it names (HTTP 400), nothing saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.accounts.typing import AnyUser, signed_in_user
from sinergie.calls.access import (
    get_application_for_user,
    get_call_for_applying,
    get_call_for_assisting,
    get_document_for_change,
    may_assist_applicants,
)
from sinergie.calls.applications import services as A
from sinergie.calls.applications.forms import (
    ApplicationForm,
    AssistForm,
    ReviewForm,
    answers_complete,
    answers_for_display,
    document_label,
    initial_from_answers,
)
from sinergie.calls.models import Application, ApplicationState, Call, CallKind
from sinergie.calls.selectors import applications_for_user
from sinergie.lib.errors import refusal_text, refuse_on_form
from sinergie.lib.pdf import pdf_response

if TYPE_CHECKING:
    from sinergie.accounts.models import User

PER_PAGE = 20
CONTINUE = "continua"


def _language() -> str:
    return "en" if (get_language() or "it").startswith("en") else "it"


def _live_application(call: Call, user: User) -> Application | None:
    return Application.objects.filter(call=call, applicant=user).exclude(state=ApplicationState.WITHDRAWN).first()


def apply_context(user: AnyUser, call: Call, is_open: bool) -> dict[str, Any]:
    """What the public call page needs for its "Apply" / "Resume" buttons."""
    applying = is_open and call.kind == CallKind.WORKER_VOUCHERS
    mine = _live_application(call, user) if applying and user.is_authenticated else None
    return {
        "can_apply": applying,
        "my_application": mine,
        "can_assist": applying and may_assist_applicants(user),
    }


def _changeable(application: Application) -> bool:
    return application.state != ApplicationState.WITHDRAWN and application.call.is_open()


def _documents_context(application: Application | None, language: str) -> dict[str, Any]:
    if application is None:
        return {"documents": [], "missing": []}
    return {
        "documents": application.documents.defer("content"),
        "missing": [document_label(d, language) for d in A.missing_documents(application)],
    }


def _form_page(request: HttpRequest, call: Call, application: Application | None) -> HttpResponse:
    """The application form, new or saved; POST "Save draft" or "Continue" (to the review)."""
    language = _language()
    sent = application is not None and application.state == ApplicationState.SUBMITTED
    status = 200
    if request.method == "POST":
        finishing = CONTINUE in request.POST or sent
        form = ApplicationForm(call, request.POST, request.FILES, draft=not finishing, language=language)
        if form.is_valid():
            try:
                application = A.application_fill(
                    call=call,
                    application=application,
                    answers=form.answers(),
                    uploads=form.uploads(),
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                if sent:
                    messages.success(request, _("Your changes have been saved: the protocol number stays the same."))
                    return redirect("applications:receipt", pk=application.pk)
                if finishing:
                    return redirect("applications:review", pk=application.pk)
                messages.success(request, _("Your draft has been saved: you can come back and finish it later."))
                return redirect("applications:edit", pk=application.pk)
        status = 400
    else:
        initial = initial_from_answers(application.answers) if application else {}
        form = ApplicationForm(call, initial=initial, language=language)
    context = {
        "call": call,
        "call_title": call.title(language),
        "application": application,
        "form": form,
        "open": call.is_open() and (application is None or _changeable(application)),
        "sent": sent,
        **_documents_context(application, language),
    }
    return render(request, "calls/applications/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, call_id: int) -> HttpResponse:
    """Apply to an open worker-voucher call; one with a live application is sent to it."""
    call = get_call_for_applying(call_id)
    existing = _live_application(call, signed_in_user(request))
    if existing is not None:
        if request.method == "POST":
            messages.error(request, A.ALREADY_APPLIED)
        return redirect("applications:edit", pk=existing.pk)
    if request.method in ("GET", "HEAD") and not call.is_open():
        messages.error(request, _("This call is not taking applications now."))
        return redirect("calls:detail", call_id=call.pk)
    return _form_page(request, call, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: str) -> HttpResponse:
    application = get_application_for_user(request.user, pk, change=True)
    return _form_page(request, application.call, application)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, pk: str) -> HttpResponse:
    """What will be sent, answers and documents, and the declaration; POST submits."""
    application = get_application_for_user(request.user, pk, change=True)
    if application.state != ApplicationState.DRAFT:
        return redirect("applications:receipt", pk=application.pk)
    language = _language()
    call = application.call
    blank = answers_complete(call, application.answers)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if blank:
            form.add_error(None, _("Some questions have no answer yet: go back to the form and answer them."))
        elif form.is_valid():
            try:
                A.application_submit(application=application, by=request.user, request=request)
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("Your application has been sent."))
                return redirect("applications:receipt", pk=application.pk)
        status = 400
    else:
        form = ReviewForm()
    context = {
        "application": application,
        "call_title": call.title(language),
        "answers": answers_for_display(call, application.answers, language),
        "blank": blank,
        "open": _changeable(application),
        "form": form,
        **_documents_context(application, language),
    }
    return render(request, "calls/applications/review.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, pk: str) -> HttpResponse:
    application = get_application_for_user(request.user, pk, change=True)
    problem = None
    if request.method == "POST":
        try:
            A.application_withdraw(application=application, by=request.user, request=request)
        except ValidationError as error:
            problem = refusal_text(error)
        else:
            messages.success(request, _("The application has been withdrawn."))
            return redirect("applications:mine")
    context = {
        "application": application,
        "call_title": application.call.title(_language()),
        "open": _changeable(application),
        "problem": problem,
    }
    return render(request, "calls/applications/withdraw.html", context, status=400 if problem else 200)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: str) -> HttpResponse:
    document = get_document_for_change(request.user, pk)
    application = document.application
    try:
        A.document_remove(document=document, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("applications:edit", pk=application.pk)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The applications I made, or filled in for someone at an information point."""
    page = Paginator(applications_for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "calls/applications/mine.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assisted(request: HttpRequest, call_id: int) -> HttpResponse:
    """An information-point operator starts an application for a citizen with an account."""
    call = get_call_for_assisting(request.user, call_id)
    status = 200
    if request.method == "POST":
        form = AssistForm(request.POST)
        if form.is_valid():
            try:
                application = A.application_start(
                    call=call, applicant=form.cleaned_data["email"], by=request.user, request=request
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("The application has been started: fill it in with the citizen."))
                return redirect("applications:edit", pk=application.pk)
        status = 400
    else:
        form = AssistForm()
    context = {"call": call, "call_title": call.title(_language()), "form": form, "open": call.is_open()}
    return render(request, "calls/applications/assisted.html", context, status=status)


@login_required
@require_safe
def receipt_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    """The receipt as a PDF, behind the same access check as the page."""
    application = get_application_for_user(request.user, pk)
    language = _language()
    context = {
        "application": application,
        "call_title": application.call.title(language),
        "answers": answers_for_display(application.call, application.answers, language),
        "documents": application.documents.defer("content"),
        "generated_at": A.rome_text(timezone.now()),
    }
    name = f"ricevuta-{application.protocol.replace('/', '-')}" if application.protocol else "domanda-bozza"
    return pdf_response("calls/applications/receipt_pdf.html", context, name, request)
