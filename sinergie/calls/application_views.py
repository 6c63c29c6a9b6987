"""Pages of an application: the receipt with its protocol number, and its documents, each behind
the access check of calls/access.py."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sinergie.calls.access import get_application_for_user, get_document_for_user


@login_required
@require_GET
def receipt(request: HttpRequest, pk: str) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    return render(
        request,
        "calls/applications/receipt.html",
        {"application": application, "documents": application.documents.defer("content")},
    )


@login_required
@require_GET
def document(request: HttpRequest, pk: str) -> HttpResponse:
    """The file as it was uploaded, always as a download of its checked type."""
    attached = get_document_for_user(request.user, pk)
    response = HttpResponse(bytes(attached.content), content_type=attached.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attached.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
