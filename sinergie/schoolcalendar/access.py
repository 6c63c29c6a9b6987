"""Who may change a municipality's school calendar: the one place that answers it.

Reading the calendar is public. Changing it (local closures, rite, patron day) is for the
platform admin and for the staff of an alliance that has the municipality as a member.
The door closes (403) when the membership is removed or the municipality leaves the alliance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sinergie.lib.lookups import get_or_404
from sinergie.organizations.models import Membership, Role
from sinergie.territory.models import Municipality

if TYPE_CHECKING:
    from sinergie.accounts.typing import AnyUser


def can_manage_calendar(user: AnyUser, municipality: Municipality) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role=Role.ALLIANCE_STAFF, organization__alliance__municipalities=municipality
    ).exists()


def get_municipality_for_user(user: AnyUser, istat_code: str, *, manage: bool = False) -> Municipality:
    """The municipality at `istat_code` (404 if unknown); with `manage`, only for its managers."""
    if "\x00" in istat_code:
        raise Http404  # no code has one, and PostgreSQL refuses it in a query (it was a server error)
    municipality = get_or_404(Municipality.objects.select_related("province"), istat_code=istat_code)
    if manage and not can_manage_calendar(user, municipality):
        raise PermissionDenied
    return municipality
