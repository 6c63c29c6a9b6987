from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.audit.services import audit_events_for
from sinergie.lib.errors import refusal_text, refuse_on_form
from sinergie.lib.lookups import get_or_404
from sinergie.organizations import services
from sinergie.organizations.access import Action, can, get_alliance_for_user, get_organization_for_user
from sinergie.organizations.forms import (
    AllianceMunicipalitiesForm,
    MemberAddForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from sinergie.organizations.models import Membership
from sinergie.organizations.selectors import (
    alliance_geojson,
    alliance_partners,
    alliances_public,
    organizations_public,
)
from sinergie.organizations.selectors import (
    organization_members as members_of,
)


@require_safe
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None)
    kind = q = None
    if form.is_valid():
        kind, q = form.cleaned_data["kind"] or None, form.cleaned_data["q"] or None
    page = Paginator(organizations_public(kind=kind, q=q), 24).get_page(request.GET.get("page"))
    return render(request, "organizations/organization_list.html", {"form": form, "page": page})


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_user(request.user, slug)
    private = can(request.user, Action.ORGANIZATION_VIEW_PRIVATE, organization)
    context = {
        "organization": organization,
        "description": organization.description(get_language() or "it"),
        "can_view_private": private,
        "can_edit": can(request.user, Action.ORGANIZATION_EDIT, organization),
        "can_manage_members": can(request.user, Action.ORGANIZATION_MANAGE_MEMBERS, organization),
        "members": members_of(organization) if private else None,
        "alliances": organization.alliance_partnerships.select_related("organization"),
    }
    return render(request, "organizations/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_user(request.user, slug, Action.ORGANIZATION_EDIT)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        # The form only validates: the service saves and records the change.
        try:
            services.organization_update(
                actor=request.user, organization=organization, data=form.cleaned_data, request=request
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("The organization's profile has been saved."))
            return redirect("organizations:detail", slug=organization.slug)
    return render(request, "organizations/organization_edit.html", {"organization": organization, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_members(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_user(request.user, slug, Action.ORGANIZATION_MANAGE_MEMBERS)
    form = MemberAddForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(
                actor=request.user,
                organization=organization,
                user=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                is_manager=form.cleaned_data["is_manager"],
                request=request,
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            messages.success(request, _("The person has been added."))
            return redirect("organizations:members", slug=organization.slug)
    context = {
        "organization": organization,
        "form": form,
        "members": members_of(organization),
        "events": audit_events_for(organization)[:20],
    }
    return render(request, "organizations/organization_members.html", context)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request.user, slug, Action.ORGANIZATION_MANAGE_MEMBERS)
    membership = get_or_404(Membership.objects.select_related("user", "organization"), pk=pk, organization=organization)
    try:
        services.membership_remove(actor=request.user, membership=membership, request=request)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The role has been removed."))
    return redirect("organizations:members", slug=organization.slug)


@require_safe
def alliance_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/alliance_list.html", {"alliances": alliances_public()})


@require_safe
def alliance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_alliance_for_user(request.user, slug)
    context = {
        "alliance": alliance,
        "organization": alliance.organization,
        "description": alliance.organization.description(get_language() or "it"),
        "partners": alliance_partners(alliance),
        "municipalities": alliance.municipalities.select_related("province").order_by("name"),
        "districts": alliance.districts.all(),
        "can_manage": can(request.user, Action.ALLIANCE_MANAGE, alliance),
    }
    return render(request, "organizations/alliance_detail.html", context)


@require_safe
def alliances_geojson(request: HttpRequest) -> JsonResponse:
    slug = request.GET.get("alliance")
    alliances = alliances_public()
    if slug:
        alliances = alliances.filter(organization__slug=slug)
    return JsonResponse(alliance_geojson(list(alliances)))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alliance_municipalities_edit(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_alliance_for_user(request.user, slug, Action.ALLIANCE_MANAGE)
    initial = "\n".join(f"{m.istat_code} {m.name}" for m in alliance.municipalities.order_by("name"))
    form = AllianceMunicipalitiesForm(request.POST or None, initial={"municipalities": initial})
    if request.method == "POST" and form.is_valid():
        services.alliance_set_municipalities(
            actor=request.user, alliance=alliance, municipalities=form.cleaned_data["municipalities"], request=request
        )
        messages.success(request, _("The member municipalities have been saved."))
        return redirect("organizations:alliance-detail", slug=slug)
    return render(request, "organizations/alliance_municipalities.html", {"alliance": alliance, "form": form})
