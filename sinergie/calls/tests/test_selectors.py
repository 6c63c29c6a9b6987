"""Statements from the ledger, month bounds in Rome, and validity judged in Rome across daylight saving."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.selectors import (
    ledger_balances,
    month_bounds,
    provider_statement,
    redemptions_for_provider,
    voucher_movements,
)
from sinergie.calls.services import ROME, VoucherError

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _at(monkeypatch: pytest.MonkeyPatch, instant: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)


def test_month_bounds_follow_rome_across_daylight_saving() -> None:
    start, end = month_bounds(2027, 3)
    assert start == datetime.datetime(2027, 2, 28, 23, tzinfo=UTC)  # CET, +1
    assert end == datetime.datetime(2027, 3, 31, 22, tzinfo=UTC)  # CEST, +2
    start, end = month_bounds(2026, 12)
    assert (start.astimezone(UTC).hour, end) == (23, datetime.datetime(2026, 12, 31, 23, tzinfo=UTC))


@pytest.mark.parametrize(("year", "month", "field"), [(2026, 0, "month"), (2026, 13, "month"), (1999, 5, "year"),
                                                      ("2026", 5, "year"), (2026, "5", "month")])  # fmt: skip
def test_month_bounds_refuse_nonsense(year: object, month: object, field: str) -> None:
    with pytest.raises(VoucherError) as caught:
        month_bounds(year, month)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_the_statement_nets_cancellations_by_the_month_they_happen(
    money: Money, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = services.rome_today()
    # The first month boundary at least 40 days ahead, inside the voucher's validity.
    ahead = today + datetime.timedelta(days=40)
    year, month = (ahead.year, ahead.month + 1) if ahead.month < 12 else (ahead.year + 1, 1)
    boundary = datetime.datetime(year, month, 1, tzinfo=ROME)
    before = (year, month - 1) if month > 1 else (year - 1, 12)

    _at(monkeypatch, boundary - datetime.timedelta(hours=2))
    kept = money.redeem(
        amount_cents=1_500, service=money.after_school, service_date=boundary.date() - datetime.timedelta(days=1)
    )
    undone = money.redeem(amount_cents=2_000)
    money.redeem(voucher=money.issue(call=money.other_call), provider=money.other_provider, amount_cents=999)
    _at(monkeypatch, boundary + datetime.timedelta(minutes=30))  # 00:30 in Rome: the next month
    services.redemption_cancel(redemption=undone, provider=money.provider, by=None, reason="Not delivered")
    third = money.redeem(amount_cents=700)

    first = provider_statement(money.provider, *before)
    assert [(row.kind, row.amount_cents) for row in first.rows] == [("redemption", 1_500), ("redemption", 2_000)]
    assert first.total_cents == 3_500
    assert first.rows[0].voucher_code == money.voucher.display_code
    assert first.rows[0].service_name == "Doposcuola"
    assert first.rows[0].redemption_id == kept.pk
    second = provider_statement(money.provider, year, month)
    assert [(row.kind, row.amount_cents) for row in second.rows] == [("cancellation", -2_000), ("redemption", 700)]
    assert second.total_cents == -1_300
    assert third.pk in {row.redemption_id for row in second.rows}
    # Over both months the provider is owed what the ledger says it is owed.
    assert first.total_cents + second.total_cents == ledger_balances(money.call)["payable"] == 2_200
    assert provider_statement(money.provider, year, (month % 12) + 1 if month < 12 else 1).rows == []


def test_a_vouchers_movements_are_its_wallet(money: Money) -> None:
    redemption = money.redeem(amount_cents=2_500)
    services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="Wrong")
    money.redeem(amount_cents=1_000)
    movements = list(voucher_movements(money.voucher))
    assert [(m.kind, m.amount_cents) for m in movements] == [
        ("issue", 20_000),
        ("redemption", -2_500),
        ("cancellation", 2_500),
        ("redemption", -1_000),
    ]
    assert sum(m.amount_cents for m in movements) == 19_000
    assert movements[1].redemption.provider == money.provider


def test_a_providers_redemptions_are_only_its_own(money: Money) -> None:
    mine = money.redeem(amount_cents=100)
    money.redeem(voucher=money.issue(call=money.other_call), provider=money.other_provider, amount_cents=100)
    assert list(redemptions_for_provider(money.provider)) == [mine]


def test_validity_ends_at_midnight_in_rome_across_daylight_saving(
    money: Money, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Summer time starts on Sunday 28 March 2027: midnight in Rome is then 22:00 UTC.
    _at(monkeypatch, datetime.datetime(2027, 3, 27, 12, tzinfo=UTC))
    voucher = money.issue(valid_from=datetime.date(2027, 3, 1), valid_to=datetime.date(2027, 3, 28))
    last_day = datetime.date(2027, 3, 28)
    _at(monkeypatch, datetime.datetime(2027, 3, 28, 21, 30, tzinfo=UTC))  # 23:30 in Rome, still the 28th
    money.redeem(voucher=voucher, amount_cents=100, service_date=last_day)
    _at(monkeypatch, datetime.datetime(2027, 3, 28, 22, 30, tzinfo=UTC))  # 00:30 on the 29th in Rome
    with pytest.raises(VoucherError) as caught:
        money.redeem(voucher=voucher, amount_cents=100, service_date=last_day)
    assert caught.value.message_dict == {"voucher_code": ["This voucher has expired."]}
    # Expiry judged the same way: the 29th in Rome expires it, the 28th does not.
    assert services.vouchers_expire(today=last_day) == 0
    assert services.vouchers_expire(today=services.rome_today()) >= 1
