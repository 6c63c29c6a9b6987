"""Read queries of the surveys app."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sinergie.organizations.access import _is_admin, _memberships
from sinergie.organizations.models import AlliancePartner, Organization, OrganizationKind, Role
from sinergie.surveys.access import ALLIANCE_ROLES
from sinergie.surveys.models import Campaign, Survey


def campaigns_for_user(user: Any) -> QuerySet[Campaign]:
    """The campaigns whose report the user may see (the same rules as `access.viewer_side`)."""
    campaigns = Campaign.objects.select_related("organization", "survey").order_by("-opens_at", "pk")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return campaigns.none()
    if _is_admin(user):
        return campaigns
    memberships = _memberships(user)
    companies = {m.organization_id for m in memberships if m.role == Role.COMPANY_REFERENT}
    alliances = {m.organization_id for m in memberships if m.role in ALLIANCE_ROLES}
    partners = set(
        AlliancePartner.objects.filter(alliance__organization_id__in=alliances).values_list(
            "organization_id", flat=True
        )
    )
    return campaigns.filter(
        Q(organization_id__in=companies, organization__kind=OrganizationKind.COMPANY)
        | Q(organization_id__in=alliances | partners)
    )


def organizations_running_campaigns(user: Any) -> QuerySet[Organization]:
    """Where the user may open a campaign: their companies (referents), their alliances (staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    if _is_admin(user):
        return Organization.objects.filter(kind__in=[OrganizationKind.COMPANY, OrganizationKind.ALLIANCE])
    memberships = _memberships(user)
    ids = {
        m.organization_id
        for m in memberships
        if (m.role == Role.COMPANY_REFERENT and m.organization.kind == OrganizationKind.COMPANY)
        or (m.role == Role.ALLIANCE_STAFF and m.organization.kind == OrganizationKind.ALLIANCE)
    }
    return Organization.objects.filter(pk__in=ids).order_by("name")


def surveys_for_campaigns(organizations: QuerySet[Organization]) -> QuerySet[Survey]:
    """The platform's templates and the organizations' own surveys."""
    return Survey.objects.filter(Q(is_template=True, copied_from__isnull=True) | Q(owner__in=organizations)).order_by(
        "-is_template", "title_it", "version"
    )
