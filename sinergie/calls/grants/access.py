"""Who may act on company incentives: the one place their views ask.

A company's referents (any of them, not only the one who started it) see and change their
company's applications to company calls and act on its grants as the company; the staff of the
call's alliance see the applications and act on the grants as staff. Anyone else gets 404: the
existence of another company's application or grant is not revealed.

Both relationships are memberships read at every request (`company_referent` of the company,
`alliance_staff` of the call's alliance): removing one closes the door (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.calls.grants.services import COMPANY_KINDS
from sinergie.calls.models import Application, Call, GrantDocument, IncentiveGrant
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.access import is_alliance_staff_of
from sinergie.organizations.models import Membership, Organization, OrganizationKind, Role

if TYPE_CHECKING:
    from sinergie.accounts.models import User

Side = Literal["company", "staff"]


def _active(user: AnyUser) -> TypeGuard[User]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def companies_for_referent(user: AnyUser) -> list[Organization]:
    """The companies `user` is a referent of, by name."""
    if not _active(user):
        return []
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.COMPANY, memberships__user=user, memberships__role=Role.COMPANY_REFERENT
        )
        .distinct()
        .order_by("name")
    )


def _is_referent(user: User, organization_id: int | None) -> bool:
    return (
        organization_id is not None
        and Membership.objects.filter(user=user, organization_id=organization_id, role=Role.COMPANY_REFERENT).exists()
    )


def side_of(user: AnyUser, organization_id: int | None, call: Call) -> Side | None:
    """ "company" for a referent of the company, "staff" for the call's alliance staff, None for anyone else."""
    if not _active(user):
        return None
    if _is_referent(user, organization_id):
        return "company"
    if is_alliance_staff_of(user, call.alliance.organization_id):
        return "staff"
    return None


def get_company_application_for_user(
    user: AnyUser, application_id: Any, *, change: bool = False
) -> tuple[Application, Side]:
    """A company's application to a company call that `user` may see (with `change`, change: its
    referents only), and on which side `user` stands; 404 for anyone or anything else."""
    application = get_or_404(
        Application.objects.select_related("call__alliance", "organization", "applicant"),
        pk=application_id,
        organization__isnull=False,
        call__kind__in=COMPANY_KINDS,
    )
    side = side_of(user, application.organization_id, application.call)
    if side is None or (change and side != "company"):
        raise Http404
    return application, side


def get_company_call_for_staff(user: AnyUser, call_id: Any) -> Call:
    """A company call of an alliance `user` is staff of; 404 otherwise."""
    call = get_or_404(Call.objects.select_related("alliance__organization"), pk=call_id, kind__in=COMPANY_KINDS)
    if not is_alliance_staff_of(user, call.alliance.organization_id):
        raise Http404
    return call


def get_grant_for_user(user: AnyUser, grant_id: Any, *, side: Side | None = None) -> tuple[IncentiveGrant, Side]:
    """A grant `user` may see as its company or as staff (with `side`, only as that side); 404 otherwise."""
    grant = get_or_404(
        IncentiveGrant.objects.select_related("call__alliance", "organization", "application"), pk=grant_id
    )
    found = side_of(user, grant.organization_id, grant.call)
    if found is None or (side is not None and found != side):
        raise Http404
    return grant, found


def get_grant_document_for_user(user: AnyUser, document_id: Any) -> GrantDocument:
    """A document of a grant `user` may see; 404 for anyone else."""
    document = get_or_404(GrantDocument.objects.select_related("grant__call__alliance"), pk=document_id)
    if side_of(user, document.grant.organization_id, document.grant.call) is None:
        raise Http404
    return document
