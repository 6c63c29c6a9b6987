"""Random sequences of issue, redeem, cancel, expire and voucher cancel keep the books exact to the cent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.models import Call, LedgerEntry, Redemption, Voucher
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import VoucherError

pytestmark = pytest.mark.django_db

amounts = st.one_of(st.integers(min_value=-100, max_value=25_000), st.sampled_from([0, 1, 10**12]))
operation = st.one_of(
    st.tuples(st.just("issue"), st.one_of(st.none(), amounts)),
    st.tuples(st.just("redeem"), st.integers(0, 7), amounts, st.integers(0, 4), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 15), st.booleans()),
    st.tuples(st.just("expire"), st.integers(0, 400)),
    st.tuples(st.just("void"), st.integers(0, 7)),
)


class Rollback(Exception):
    pass


def _written() -> tuple[int, int]:
    return LedgerEntry.objects.count(), Redemption.objects.count()


def _assert_books(money: Money) -> None:
    assert ledger_check() == []
    for call in Call.objects.all():
        balances = ledger_balances(call)
        assert balances["available"] >= 0
        assert balances["committed"] <= balances["budget"]
        assert balances["available"] + balances["voucher"] + balances["payable"] == balances["budget"]
        assert balances["payable"] >= 0
    assert not Voucher.objects.filter(balance_cents__lt=0).exists()


def _apply(money: Money, step: tuple[Any, ...], vouchers: list[Voucher], redemptions: list[Redemption]) -> None:
    today = services.rome_today()
    kind = step[0]
    if kind == "issue":
        vouchers.append(money.issue(value_cents=step[1]))
    elif kind == "redeem":
        _, index, amount, key, foreign = step
        voucher = vouchers[index % len(vouchers)] if vouchers else money.voucher
        provider, staff = (
            (money.other_provider, money.other_provider_staff)
            if foreign
            else (money.provider, money.world.provider_staff)
        )
        redemptions.append(
            money.redeem(voucher=voucher, amount_cents=amount, idempotency_key=f"k{key}", provider=provider, by=staff)
        )
    elif kind == "cancel":
        if not redemptions:
            return
        _, index, foreign = step
        redemption = redemptions[index % len(redemptions)]
        provider = money.other_provider if foreign else money.provider
        services.redemption_cancel(redemption=redemption, provider=provider, by=None, reason="Test")
    elif kind == "void":
        voucher = vouchers[step[1] % len(vouchers)]
        services.voucher_cancel(voucher=voucher, by=None, reason="Test")
    else:
        services.vouchers_expire(today=today + datetime.timedelta(days=step[1]))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(operation, max_size=18))
def test_random_sequences_keep_the_ledger_balanced_and_balances_non_negative(money: Money, steps: list) -> None:
    try:
        with transaction.atomic():  # each example starts from the fixture's state
            vouchers: list[Voucher] = [money.voucher]
            redemptions: list[Redemption] = []
            for step in steps:
                before = _written()
                try:
                    _apply(money, step, vouchers, redemptions)
                except VoucherError:
                    assert _written() == before  # a refusal writes nothing
                _assert_books(money)
            raise Rollback
    except Rollback:
        pass
