"""Who may redeem for a provider and see its redemptions, and whose wallet a voucher is: every role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sinergie.calls.access import (
    get_redemption_for_provider_user,
    get_voucher_for_beneficiary,
    is_provider_staff,
    provider_for_redeeming,
)
from sinergie.calls.conftest import Money

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "stranger", "referent", "provider_staff", "alliance_staff", "evaluator", "analyst", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_providers_own_staff_redeem_and_see_its_redemptions(money: Money, role: str) -> None:
    user = getattr(money.world, role)
    redemption = money.redeem(amount_cents=100)
    allowed = role == "provider_staff"
    assert is_provider_staff(user, money.provider) is allowed
    if allowed:
        assert provider_for_redeeming(user, money.provider) == money.provider
        assert get_redemption_for_provider_user(user, money.provider, redemption.pk) == redemption
    else:
        with pytest.raises(PermissionDenied):
            provider_for_redeeming(user, money.provider)
        with pytest.raises(Http404):
            get_redemption_for_provider_user(user, money.provider, redemption.pk)


def test_another_providers_staff_see_nothing_of_this_providers(money: Money) -> None:
    staff = money.other_provider_staff
    redemption = money.redeem(amount_cents=100)
    with pytest.raises(Http404):
        get_redemption_for_provider_user(staff, money.other_provider, redemption.pk)
    with pytest.raises(Http404):
        get_redemption_for_provider_user(staff, money.provider, redemption.pk)
    with pytest.raises(Http404):
        get_redemption_for_provider_user(money.world.provider_staff, money.provider, "not-a-uuid")


def test_an_organization_that_is_not_a_provider_never_redeems(money: Money) -> None:
    assert not is_provider_staff(money.world.referent, money.world.company)


@pytest.mark.parametrize("role", ROLES)
def test_a_voucher_is_seen_only_by_its_beneficiary(money: Money, role: str) -> None:
    user = getattr(money.world, role)
    if role == "citizen":
        assert get_voucher_for_beneficiary(user, money.voucher.pk) == money.voucher
    else:
        with pytest.raises(Http404):
            get_voucher_for_beneficiary(user, money.voucher.pk)


def test_an_anonymous_visitor_and_a_bad_id_get_404(money: Money) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_voucher_for_beneficiary(AnonymousUser(), money.voucher.pk)
    with pytest.raises(Http404):
        get_voucher_for_beneficiary(money.world.citizen, "x")
    assert not is_provider_staff(AnonymousUser(), money.provider)
