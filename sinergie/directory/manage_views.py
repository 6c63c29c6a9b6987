"""The services back office (/gestione/servizi/): providers edit, alliance staff moderate.

Views are thin: access through directory/access.py, changes through directory/editing.py,
reads through directory/revisions.py. A refused transition (submitting twice, approving a
draft) is answered with the service's message and a redirect, never a server error.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.audit.services import audit_events_for
from sinergie.directory import access, editing
from sinergie.directory import views as public_views
from sinergie.directory.forms import ServiceEditor
from sinergie.directory.models import OPEN_REVISION_STATES, ModerationState, RevisionState, ServiceRevision
from sinergie.directory.revisions import base_payload, empty_payload, open_revision, payload_diff, payload_to_edit
from sinergie.lib.errors import refusal_text

PER_PAGE = 25


def _refuse(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    messages.error(request, refusal_text(error))
    return redirect(to)


@login_required
@require_safe
def service_list(request: HttpRequest) -> HttpResponse:
    """The provider's services, with their state and the revision in progress."""
    if not access.provider_organization_ids(request.user) and not access.is_admin(request.user):
        raise PermissionDenied
    open_revisions = Prefetch(
        "revisions",
        queryset=ServiceRevision.objects.filter(state__in=OPEN_REVISION_STATES),
        to_attr="open_revisions",
    )
    latest = ServiceRevision.objects.order_by("-created_at")
    services = (
        access.services_for_editor(request.user)
        .prefetch_related(open_revisions, Prefetch("revisions", queryset=latest, to_attr="all_revisions"))
        .order_by("organization__name", "name_it")
    )
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for service in page:
        pending = service.open_revisions[0] if service.open_revisions else None
        last = service.all_revisions[0] if service.all_revisions else None
        rows.append(
            {
                "service": service,
                "pending": pending,
                "returned": last if last is not None and last.state == RevisionState.REJECTED else None,
            }
        )
    return render(
        request,
        "directory/manage/service_list.html",
        {
            "page": page,
            "rows": rows,
            "can_create": access.provider_organizations(request.user).exists(),
            "can_moderate": bool(access.moderating_alliance_ids(request.user)) or access.is_admin(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    organizations = access.provider_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    single = organizations.first() if organizations.count() == 1 else None
    data = request.POST if request.method == "POST" else None
    editor = ServiceEditor(
        data, base=empty_payload(), organization=single, organizations=None if single else organizations
    )
    if request.method == "POST" and editor.is_valid():
        organization = single or editor.chosen_organization()
        try:
            revision = editing.service_create(
                actor=request.user, organization=organization, payload=editor.payload(), request=request
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("Draft saved. Check the preview, then submit it for moderation."))
            return redirect("directory-manage:preview", revision.service_id)
    return render(request, "directory/manage/service_form.html", {"editor": editor, "service": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = access.get_service_for_editor(request.user, pk)
    payload, source = payload_to_edit(service)
    if source is not None and source.state == RevisionState.SUBMITTED:
        messages.error(request, str(editing.ERROR_SUBMITTED_PENDING))
        return redirect("directory-manage:preview", service.pk)
    data = request.POST if request.method == "POST" else None
    editor = ServiceEditor(data, base=payload, organization=service.organization)
    if request.method == "POST" and editor.is_valid():
        try:
            editing.revision_save(actor=request.user, service=service, payload=editor.payload(), request=request)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("Draft saved. The published page has not changed."))
            return redirect("directory-manage:preview", service.pk)
    context = {"editor": editor, "service": service, "source": source}
    return render(request, "directory/manage/service_form.html", context)


@login_required
@require_safe
def service_preview(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The public page as it will look once the revision in progress is approved.

    The revision is applied to the live rows inside a transaction that is always rolled
    back, and the public page's own view renders them: what the moderator approves is what
    families will see, with no second copy of the page to keep in step.
    """
    service = access.get_service_for_viewer(request.user, pk)
    revision = open_revision(service)
    if revision is None:
        latest = service.revisions.order_by("-created_at").first()
        revision = latest if latest is not None and latest.state == RevisionState.REJECTED else None
    if revision is None:
        return redirect("directory-manage:history", service.pk)
    page = _render_preview(request, service, revision)
    context = {
        "service": service,
        "revision": revision,
        "page": page,
        "can_edit": access.can_edit(request.user, service),
        "can_moderate": access.can_moderate(request.user, service),
    }
    return render(request, "directory/manage/service_preview.html", context)


class _Rollback(Exception):
    """Raised to roll the preview's transaction back."""


def _render_preview(request: HttpRequest, service: Any, revision: ServiceRevision) -> SafeString | str:
    """The <main> of the public page with the revision applied, from a transaction rolled back."""
    html = ""
    try:
        with transaction.atomic():
            live = type(service).objects.select_for_update().select_related("organization").get(pk=service.pk)
            editing.payload_apply(live, revision.payload)
            live.state = ModerationState.PUBLISHED
            live.save(update_fields=["state"])
            # A copy of the request without the message store: the inner page must not
            # consume the messages meant for the preview page around it.
            inner = copy.copy(request)
            inner._messages = []
            response = public_views.service_detail(inner, service.pk)
            html = response.content.decode()
            raise _Rollback
    except _Rollback:
        pass
    except ValidationError as error:
        return _("This revision cannot be shown: %(error)s") % {"error": refusal_text(error)}
    # Only what the public template puts inside its content container, one heading level down.
    start = html.find('<div class="container my-4')
    start = html.find(">", start) + 1
    end = html.rfind("</div>", 0, html.rfind("</main>"))
    fragment = html[start:end] if 0 < start < end else ""
    fragment = fragment.replace("<h1>", '<h2 class="h1">').replace("</h1>", "</h2>")
    # Rendered by the public template with autoescaping: safe to embed as it is.
    return mark_safe(fragment)  # noqa: S308


def _revision_action(
    request: HttpRequest,
    pk: uuid.UUID,
    action: Callable[..., Any],
    *,
    back_to: str,
    missing: str,
    done: str,
) -> HttpResponse:
    """Apply an editing action to the service's open revision, then go back with a message."""
    service = access.get_service_for_editor(request.user, pk)
    revision = open_revision(service)
    back = reverse(back_to, args=[service.pk])
    if revision is None:
        return _refuse(request, ValidationError(missing), back)
    try:
        action(actor=request.user, revision=revision, request=request)
    except ValidationError as error:
        return _refuse(request, error, back)
    messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def service_submit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _revision_action(
        request,
        pk,
        editing.revision_submit,
        back_to="directory-manage:preview",
        missing=_("There is no draft to submit."),
        done=_("Submitted: the alliance's moderators have been told."),
    )


@login_required
@require_POST
def service_withdraw(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _revision_action(
        request,
        pk,
        editing.revision_withdraw,
        back_to="directory-manage:preview",
        missing=_("There is nothing waiting for moderation."),
        done=_("Withdrawn from moderation: it is a draft again and you can change it."),
    )


@login_required
@require_POST
def service_discard(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _revision_action(
        request,
        pk,
        editing.revision_discard,
        back_to="directory-manage:history",
        missing=_("There is no draft to discard."),
        done=_("Draft discarded. The published page has not changed."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_archive(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation (it works without JavaScript); POST archives."""
    service = access.get_service_for_editor(request.user, pk)
    back = reverse("directory-manage:history", args=[service.pk])
    if request.method in ("GET", "HEAD"):
        return render(request, "directory/manage/service_archive.html", {"service": service})
    try:
        editing.service_archive(actor=request.user, service=service, request=request)
    except ValidationError as error:
        return _refuse(request, error, back)
    messages.success(request, _("Archived: families no longer see this service."))
    return redirect(back)


@login_required
@require_safe
def service_history(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = access.get_service_for_viewer(request.user, pk)
    revisions = service.revisions.select_related("author", "moderator").order_by("-created_at")
    events = audit_events_for(service).select_related("actor").order_by("-created_at")[:200]
    context = {
        "service": service,
        "revisions": revisions,
        "events": events,
        "pending": open_revision(service),
        "can_edit": access.can_edit(request.user, service),
        "can_archive": access.can_edit(request.user, service) and service.state == ModerationState.PUBLISHED,
    }
    return render(request, "directory/manage/service_history.html", context)


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not access.moderating_alliance_ids(request.user) and not access.is_admin(request.user):
        raise PermissionDenied
    revisions = (
        access.revisions_for_moderator(request.user)
        .filter(state=RevisionState.SUBMITTED)
        .order_by("submitted_at", "created_at")
    )
    page = Paginator(revisions, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/manage/moderation_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The diff between published and proposed values, and the decision."""
    revision = access.get_revision_for_moderator(request.user, pk)
    comment = ""
    comment_error = ""
    if request.method == "POST":
        decision = request.POST.get("decision")
        comment = request.POST.get("comment", "")
        back = reverse("directory-manage:review", args=[revision.pk])
        try:
            if decision == "approve":
                editing.revision_approve(actor=request.user, revision=revision, comment=comment, request=request)
                messages.success(request, _("Approved: the service page shows the new content."))
                return redirect("directory-manage:queue")
            if decision == "reject":
                editing.revision_reject(actor=request.user, revision=revision, comment=comment, request=request)
                messages.success(request, _("Returned to the provider with your comment."))
                return redirect("directory-manage:queue")
            messages.error(request, _("Choose whether to approve or return the revision."))
            return redirect(back)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "comment" in error.error_dict:
                comment_error = refusal_text(error)
            else:
                return _refuse(request, error, back)
    service = revision.service
    diff = payload_diff(base_payload(service), revision.payload)
    context = {
        "revision": revision,
        "service": service,
        "diff": diff,
        "comment": comment,
        "comment_error": comment_error,
        "decidable": revision.state == RevisionState.SUBMITTED,
    }
    status = 400 if comment_error else 200
    return render(request, "directory/manage/moderation_review.html", context, status=status)
