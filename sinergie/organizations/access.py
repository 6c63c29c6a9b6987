"""The one place that answers "may this user do X on this object?".

Every view and API endpoint that touches an organization or alliance asks here, either
with `can()` or through a `get_<object>_for_user()` helper that raises 404 or
PermissionDenied. Later capabilities add their own actions to this module.

Relationships: a `Membership` (role, manager flag) and, for alliance staff, the `AlliancePartner`
rows of their alliance. Neither has an end date: a role ends when `membership_remove` deletes the
row, a partnership when its row is deleted, so every check reads the current rows. The
memberships are cached on the request's user object only, and `forget_cached_memberships` drops
them when a service changes them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from sinergie.lib.lookups import get_or_404
from sinergie.organizations.models import Alliance, Membership, Organization, Role

if TYPE_CHECKING:
    from sinergie.accounts.typing import AnyUser

# Every role except the visitor's and the citizen's needs a second factor (SPEC §3).
STAFF_ROLES = frozenset(Role.values)


class Action(StrEnum):
    ORGANIZATION_VIEW_PRIVATE = "organization.view_private"
    ORGANIZATION_EDIT = "organization.edit"
    ORGANIZATION_MANAGE_MEMBERS = "organization.manage_members"
    ALLIANCE_MANAGE = "alliance.manage"


def _memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships, read once per request object and cached on the user."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sinergie_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organization"))
        user._sinergie_memberships = cached
    return cached


def forget_cached_memberships(user: AnyUser) -> None:
    if hasattr(user, "_sinergie_memberships"):
        del user._sinergie_memberships


def user_roles(user: AnyUser) -> set[str]:
    return {m.role for m in _memberships(user)}


def user_has_staff_role(user: AnyUser) -> bool:
    """Whether `user` is staff anywhere: a platform administrator or the holder of any role (every
    role needs a second factor and a staff session). Not "staff of this alliance": see
    `is_alliance_staff_of`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user_roles(user) & STAFF_ROLES)


def is_alliance_staff_of(user: AnyUser, alliance_organization_id: int) -> bool:
    """Whether `user` (signed in and active) holds the `alliance_staff` role in this alliance's own
    organization, read from the database now. Platform administrators are not, by this: a door that
    lets them in says so."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, organization_id=alliance_organization_id, role=Role.ALLIANCE_STAFF
    ).exists()


def _is_admin(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def _member_of(user: AnyUser, organization: Organization, *, roles: set[str] | None = None) -> list[Membership]:
    return [
        m for m in _memberships(user) if m.organization_id == organization.pk and (roles is None or m.role in roles)
    ]


def _alliance_staff_over(user: AnyUser, organization: Organization) -> bool:
    """Alliance staff oversee the organizations that are partners of their alliance."""
    staff_alliance_orgs = {m.organization_id for m in _memberships(user) if m.role == Role.ALLIANCE_STAFF}
    if not staff_alliance_orgs:
        return False
    if organization.pk in staff_alliance_orgs:
        return True
    return Alliance.objects.filter(
        organization_id__in=staff_alliance_orgs, alliancepartner__organization=organization
    ).exists()


def can(user: AnyUser, action: Action | str, obj: Organization | Alliance) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin(user):
        return True
    if isinstance(obj, Alliance):
        if action == Action.ALLIANCE_MANAGE:
            return bool(_member_of(user, obj.organization, roles={Role.ALLIANCE_STAFF}))
        return can(user, action, obj.organization)
    organization = obj
    if action == Action.ORGANIZATION_VIEW_PRIVATE:
        return bool(_member_of(user, organization)) or _alliance_staff_over(user, organization)
    if action == Action.ORGANIZATION_EDIT:
        return any(m.is_manager for m in _member_of(user, organization))
    if action == Action.ORGANIZATION_MANAGE_MEMBERS:
        return any(m.is_manager for m in _member_of(user, organization))
    if action == Action.ALLIANCE_MANAGE:
        return False
    raise ValueError(f"Unknown action {action!r}")


def get_organization_for_user(user: AnyUser, slug: str, action: Action | None = None) -> Organization:
    """The organization at `slug`; public data needs no action, anything else is checked here."""
    organization = get_or_404(Organization.objects.select_related("municipality__province"), slug=slug)
    if action is not None and not can(user, action, organization):
        raise PermissionDenied
    return organization


def get_alliance_for_user(user: AnyUser, slug: str, action: Action | None = None) -> Alliance:
    alliance = get_or_404(Alliance.objects.select_related("organization"), organization__slug=slug)
    if action is not None and not can(user, action, alliance):
        raise PermissionDenied
    return alliance
