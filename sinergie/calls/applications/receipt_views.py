"""Pages of an application: the receipt with its protocol number, and its documents, each behind
the access check of calls/access.py; and a call's published ranking, by protocol number only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from sinergie.calls.access import (
    application_can_change,
    get_application_for_user,
    get_document_for_user,
    get_public_call,
)
from sinergie.calls.applications.forms import answers_for_display
from sinergie.calls.evaluation.exports import public_export
from sinergie.calls.evaluation.ranking import published_ranking
from sinergie.calls.evaluation.selectors import ranking_is_correction
from sinergie.calls.models import ApplicationState
from sinergie.calls.services import decimal_text, euro
from sinergie.lib.downloads import file_response


@login_required
@require_safe
def receipt(request: HttpRequest, pk: str) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    language = "en" if get_language() == "en" else "it"
    context = {
        "application": application,
        "documents": application.documents.defer("content"),
        "answers": answers_for_display(application.call, application.answers, language),
        "can_change": application_can_change(request.user, application)
        and application.state != ApplicationState.WITHDRAWN
        and application.call.is_open(),
    }
    return render(request, "calls/applications/receipt.html", context)


@login_required
@require_safe
def document(request: HttpRequest, pk: str) -> HttpResponse:
    """The file as it was uploaded, always as a download of its checked type."""
    attached = get_document_for_user(request.user, pk)
    return file_response(bytes(attached.content), attached.filename, attached.content_type, private=True)


@require_safe
def ranking(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call's published ranking, by protocol number only: no name, no answer."""
    call = get_public_call(call_id)
    published = published_ranking(call)
    if published is None:
        raise Http404
    rows = published.rows.select_related("application").order_by("position")
    title = call.title_en if get_language() == "en" and call.title_en else call.title_it
    fmt = request.GET.get("formato")
    if fmt:
        exported = public_export(request, call, published, rows, fmt, title)
        if exported is None:
            raise Http404
        return exported
    table = [
        (row.position, row.application.protocol, decimal_text(row.points), row.admitted, euro(row.granted_cents))
        for row in rows
    ]
    context = {"title": title, "ranking": published, "table": table, "correction": ranking_is_correction(published)}
    return render(request, "calls/applications/ranking.html", context)
