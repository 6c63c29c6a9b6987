"""Who may see a campaign and its report (the one place that answers it).

- a company's referents see their company's campaigns;
- alliance staff see the campaigns of their alliance and of the companies that are its partners;
- analysts (members of an observatory) see the campaigns run by alliances, of every alliance:
  aggregates at alliance level under the same disclosure rules, without free text. A company's
  campaign describes one determined employer's workforce and stays with the company and its
  alliances;
- platform administrators see everything; everyone else gets 404 (a campaign's existence is private).
Free text is for the alliance side only (staff, administrators), never for companies or analysts.

Every relationship is read at every request (memberships, `AlliancePartner` rows): the report
and its API twin close (404) when the membership is removed or the company stops being a
partner (web/tests/test_access_doors.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.access import _is_admin, _memberships
from sinergie.organizations.models import AlliancePartner, OrganizationKind, Role
from sinergie.surveys.models import Campaign, Survey

ALLIANCE_ROLES = {Role.ALLIANCE_STAFF}


def is_analyst(memberships: Any) -> bool:
    return any(m.role == Role.ANALYST and m.organization.kind == OrganizationKind.OBSERVATORY for m in memberships)


def _alliance_orgs_over(campaign: Campaign) -> set[int]:
    """The organizations of the alliances the campaign's organization belongs to (or is)."""
    organization = campaign.organization
    if organization.kind == OrganizationKind.ALLIANCE:
        return {organization.pk}
    return set(
        AlliancePartner.objects.filter(organization=organization).values_list("alliance__organization_id", flat=True)
    )


def viewer_side(user: AnyUser, campaign: Campaign) -> str | None:
    """ "alliance", "company", "analyst" or None: which view of the campaign's report the user gets."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if _is_admin(user):
        return "alliance"
    memberships = _memberships(user)
    alliance_orgs = _alliance_orgs_over(campaign)
    if any(m.organization_id in alliance_orgs and m.role in ALLIANCE_ROLES for m in memberships):
        return "alliance"
    if campaign.organization.kind == OrganizationKind.COMPANY and any(
        m.organization_id == campaign.organization_id and m.role == Role.COMPANY_REFERENT for m in memberships
    ):
        return "company"
    if campaign.organization.kind == OrganizationKind.ALLIANCE and is_analyst(memberships):
        return "analyst"
    return None


def can_manage_campaign(user: AnyUser, campaign: Campaign) -> bool:
    """Generate links: the company's referents, the alliance's staff (not analysts), administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin(user):
        return True
    memberships = _memberships(user)
    if campaign.organization.kind == OrganizationKind.COMPANY:
        return any(
            m.organization_id == campaign.organization_id and m.role == Role.COMPANY_REFERENT for m in memberships
        )
    return any(m.organization_id == campaign.organization_id and m.role == Role.ALLIANCE_STAFF for m in memberships)


def get_campaign_for_user(user: AnyUser, campaign_id: int) -> tuple[Campaign, str]:
    """The campaign and the viewer's side, or 404 for anyone who may not see it."""
    campaign = get_or_404(Campaign.objects.select_related("organization", "survey"), pk=campaign_id)
    side = viewer_side(user, campaign)
    if side is None:
        raise Http404
    return campaign, side


# --- Who edits a survey's questions (the survey builder) ----------------------------
#
# - a company's surveys: the company's referents;
# - an alliance's surveys: the alliance's staff (not analysts, not evaluators);
# - the platform's templates (no owner): platform administrators only — the "staff" of the
#   platform who ship them; everyone else may copy a template into their own organization;
# - administrators may edit every survey; anyone else gets 404 (a survey's existence is private).


def survey_owner_ids(user: AnyUser) -> set[int]:
    """The organizations whose surveys the user edits (and where they may create or copy one)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {
        m.organization_id
        for m in _memberships(user)
        if (m.role == Role.COMPANY_REFERENT and m.organization.kind == OrganizationKind.COMPANY)
        or (m.role == Role.ALLIANCE_STAFF and m.organization.kind == OrganizationKind.ALLIANCE)
    }


def can_edit_survey(user: AnyUser, survey: Survey) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin(user):
        return True
    if survey.owner_id is None:
        return False
    return survey.owner_id in survey_owner_ids(user)


def can_copy_survey(user: AnyUser, survey: Survey) -> bool:
    """Copy into a new version: a survey one may edit, or a platform template for anyone who owns surveys."""
    if can_edit_survey(user, survey):
        return True
    return survey.is_template and survey.owner_id is None and bool(survey_owner_ids(user))


def get_survey_for_editor(user: AnyUser, survey_id: int, *, copy: bool = False) -> Survey:
    """The survey the user may edit (or copy, with `copy`), or 404."""
    survey = get_or_404(Survey.objects.select_related("owner"), pk=survey_id)
    allowed = can_copy_survey(user, survey) if copy else can_edit_survey(user, survey)
    if not allowed:
        raise Http404
    return survey
