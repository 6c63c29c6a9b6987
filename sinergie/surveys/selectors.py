"""Read queries of the surveys app."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from sinergie.accounts.typing import AnyUser
from sinergie.organizations.access import _is_admin, _memberships
from sinergie.organizations.models import AlliancePartner, Organization, OrganizationKind, Role
from sinergie.surveys.access import ALLIANCE_ROLES, is_analyst
from sinergie.surveys.models import Campaign, Survey

ROME = ZoneInfo("Europe/Rome")


def campaigns_for_user(user: AnyUser) -> QuerySet[Campaign]:
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
    analysts = Q(organization__kind=OrganizationKind.ALLIANCE) if is_analyst(memberships) else Q(pk__in=[])
    return campaigns.filter(
        Q(organization_id__in=companies, organization__kind=OrganizationKind.COMPANY)
        | Q(organization_id__in=alliances | partners)
        | analysts
    )


def organizations_running_campaigns(user: AnyUser) -> QuerySet[Organization]:
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


def latest_closed_campaign_day(organization: Organization) -> datetime.date | None:
    """The Rome day the organization's latest closed workers' needs campaign closed (one made from
    the platform's needs template, with at least one completed response); None when there is none."""
    from sinergie.surveys.needs_template import TEMPLATE_KEY

    needs = (
        Q(survey__template_key=TEMPLATE_KEY)
        | Q(survey__copied_from__template_key=TEMPLATE_KEY)
        | Q(survey__copied_from__copied_from__template_key=TEMPLATE_KEY)
    )
    closed = (
        Campaign.objects.filter(needs, organization=organization, closes_at__lte=timezone.now())
        .filter(responses__completed=True)
        .order_by("-closes_at")
        .values_list("closes_at", flat=True)
        .first()
    )
    return None if closed is None else timezone.localtime(closed, ROME).date()


def surveys_editable_by(user: AnyUser) -> QuerySet[Survey]:
    """The surveys the user edits in the builder (the rules of `access.can_edit_survey`)."""
    from sinergie.surveys.access import survey_owner_ids

    surveys = Survey.objects.select_related("owner").order_by("-is_template", "title_it", "version", "pk")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return surveys.none()
    if _is_admin(user):
        return surveys
    return surveys.filter(owner_id__in=survey_owner_ids(user))


def templates_to_copy() -> QuerySet[Survey]:
    """The platform's templates, which anyone who owns surveys may copy."""
    return Survey.objects.filter(is_template=True, owner__isnull=True).order_by("title_it", "version", "pk")
