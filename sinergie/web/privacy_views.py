"""The privacy notices' pages: `/privacy/` and one page per purpose (see `lib/privacy.py`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from sinergie.lib.privacy import NOTICES, Notice


@require_safe
def privacy_index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy/index.html", {"notices": list(NOTICES.values())})


def _version(notice: Notice, raw: str | None) -> int:
    """The version asked with ?versione= (an earlier text someone was shown), else the current one."""
    if raw is None or raw == "":
        return notice.version
    if not raw.isdigit() or not 1 <= int(raw) <= notice.version:
        raise Http404
    return int(raw)


def call_controller(call_id: str | None) -> dict[str, Any] | None:
    """For a notice shown from a call's pages: the call, its alliance and the alliance's lead body
    (the controller of the call's data). Unknown, draft or malformed calls give the generic notice."""
    if not call_id:
        return None
    from sinergie.calls.access import get_public_call  # calls sits below web
    from sinergie.organizations.models import AlliancePartner, PartnerRole

    try:
        call = get_public_call(call_id)
    except Http404:
        return None
    alliance = call.alliance
    lead = (
        AlliancePartner.objects.select_related("organization").filter(alliance=alliance, role=PartnerRole.LEAD).first()
    )
    controller = lead.organization if lead else alliance.organization
    language = "en" if (get_language() or "it").startswith("en") else "it"
    return {"call": call, "title": call.title(language), "alliance": alliance, "controller": controller}


@require_safe
def privacy_notice(request: HttpRequest, key: str) -> HttpResponse:
    notice = NOTICES[key]
    version = _version(notice, request.GET.get("versione"))
    context = {
        "notice": notice,
        "version": version,
        "is_current": version == notice.version,
        "body_template": notice.template_for(version),
        "context_call": call_controller(request.GET.get("bando")),
    }
    return render(request, "web/privacy/notice.html", context)
