"""Who may act on calls, vouchers and redemptions: the one place views and APIs ask.

Calls are designed, published and closed by the staff of the call's alliance (and platform
administrators); anyone may read a published or closed call, nobody else sees a draft (404).

A provider's staff redeem and cancel for their own organization and see only its
redemptions; anyone else gets 404 for a redemption (its existence is not revealed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from sinergie.calls.models import Call, CallState, Redemption, Voucher
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role


def is_provider_staff(user: Any, provider: Organization) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if provider.kind != OrganizationKind.PROVIDER:
        return False
    return Membership.objects.filter(user=user, organization=provider, role=Role.PROVIDER_STAFF).exists()


def provider_for_redeeming(user: Any, provider: Organization) -> Organization:
    """`provider` when `user` may redeem vouchers in its name; PermissionDenied otherwise."""
    if not is_provider_staff(user, provider):
        raise PermissionDenied
    return provider


def get_redemption_for_provider_user(user: Any, provider: Organization, redemption_id: Any) -> Redemption:
    """One of the provider's own redemptions, for its staff; 404 for anyone or anything else."""
    if not is_provider_staff(user, provider):
        raise Http404
    try:
        return Redemption.objects.select_related("voucher").get(pk=redemption_id, provider=provider)
    except (Redemption.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None


def get_voucher_for_beneficiary(user: Any, voucher_id: Any) -> Voucher:
    """The beneficiary's own voucher (the wallet); 404 for anyone else's."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return Voucher.objects.select_related("call").get(pk=voucher_id, beneficiary=user)
    except (Voucher.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None


# --- Calls ---------------------------------------------------------------------------------------


def alliances_for_call_design(user: Any) -> QuerySet[Alliance]:
    """The alliances whose calls `user` designs: their alliance staff, or every alliance for an admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Alliance.objects.none()
    queryset = Alliance.objects.select_related("organization")
    if not user.is_superuser:
        queryset = queryset.filter(
            organization__memberships__user=user, organization__memberships__role=Role.ALLIANCE_STAFF
        ).distinct()
    return queryset.order_by("organization__name", "pk")


def may_design_calls(user: Any) -> bool:
    """Whether the call design pages are for `user` at all."""
    return alliances_for_call_design(user).exists()


def can_design_call(user: Any, call: Call) -> bool:
    return alliances_for_call_design(user).filter(pk=call.alliance_id).exists()


def _call_pk(call_id: Any) -> int:
    """A call id from a URL, or 404: not a number, or outside what the database can hold."""
    try:
        pk = int(call_id)
    except (ValueError, TypeError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def get_call_for_designer(user: Any, call_id: Any) -> Call:
    """A call of an alliance `user` designs for; 404 for anything else (a draft's existence is not revealed)."""
    pk = _call_pk(call_id)
    try:
        call = Call.objects.select_related("alliance__organization").get(pk=pk)
    except (Call.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not can_design_call(user, call):
        raise Http404
    return call


def get_public_call(call_id: Any) -> Call:
    """A published or closed call, for anyone; drafts and unknown ids are 404."""
    pk = _call_pk(call_id)
    try:
        return Call.objects.select_related("alliance__organization").get(
            pk=pk, state__in=[CallState.PUBLISHED, CallState.CLOSED]
        )
    except (Call.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
