"""The money services: every rule, every refusal (clear message, nothing written), every audit event."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import timezone, translation

from sinergie.audit.models import AuditEvent
from sinergie.audit.services import audit_events_for
from sinergie.calls import services
from sinergie.calls.conftest import Money, make_call
from sinergie.calls.models import Account, Call, CallState, LedgerEntry, Redemption, Voucher, VoucherState
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import VoucherError

pytestmark = pytest.mark.django_db

TODAY = services.rome_today


def _state() -> tuple[Any, ...]:
    """Everything money touches, to prove a refusal wrote nothing."""
    return (
        LedgerEntry.objects.count(),
        Redemption.objects.count(),
        AuditEvent.objects.count(),
        tuple(Voucher.objects.order_by("pk").values_list("balance_cents", "state")),
        tuple(Call.objects.order_by("pk").values_list("available_cents", "state")),
    )


@contextmanager
def refused(field: str, words: str):
    """The block raises VoucherError on `field` with a message containing `words`, and writes nothing."""
    before = _state()
    with pytest.raises(VoucherError) as caught:
        yield
    assert caught.value.field == field
    messages = caught.value.message_dict[field]
    assert any(words in message for message in messages), messages
    assert _state() == before


# --- Publishing ----------------------------------------------------------------------------------


def test_publishing_funds_the_call_and_audits(money: Money) -> None:
    balances = ledger_balances(money.call)
    assert balances["funding"] == -100_000
    assert money.call.state == CallState.PUBLISHED
    events = audit_events_for(money.call)
    assert events.filter(action="calls.call.publish").count() == 1
    assert events.get(action="calls.call.publish").after == {"state": "published", "available_cents": 100_000}


def test_a_call_is_published_once(money: Money) -> None:
    with refused("state", "Only a draft call"):
        services.call_publish(call=money.call, by=money.staff)


def test_a_call_cannot_be_published_with_an_amount_over_its_budget(money: Money) -> None:
    call = make_call(money.world, budget=1_000, amount=2_000)
    with refused("amount_per_beneficiary_cents", "cannot be larger than the budget"):
        services.call_publish(call=call, by=money.staff)


def test_closing_a_call_keeps_vouchers_spendable_and_audits(money: Money) -> None:
    services.call_close(call=money.call, by=money.staff)
    money.redeem(amount_cents=100)
    assert audit_events_for(money.call).filter(action="calls.call.close").count() == 1
    with refused("state", "Only a published call"):
        services.call_close(call=money.call, by=money.staff)


# --- Issuing -------------------------------------------------------------------------------------


def test_issuing_commits_the_amount_from_the_budget(money: Money) -> None:
    voucher = money.voucher
    assert voucher.value_cents == voucher.balance_cents == 20_000
    assert voucher.valid_from == TODAY()
    assert voucher.valid_to == TODAY() + datetime.timedelta(days=365)
    money.call.refresh_from_db()
    assert money.call.available_cents == 80_000
    balances = ledger_balances(money.call)
    assert (balances["available"], balances["voucher"], balances["committed"]) == (80_000, 20_000, 20_000)
    event = audit_events_for(voucher).get(action="calls.voucher.issue")
    assert event.actor == money.staff
    assert event.after["value_cents"] == 20_000


def test_issuing_stops_at_the_budget(money: Money) -> None:
    for _ in range(4):
        money.issue()
    money.call.refresh_from_db()
    assert money.call.available_cents == 0
    with refused("value_cents", "budget has only € 0,00 left"):
        money.issue()
    with refused("value_cents", "budget has only"):
        money.issue(value_cents=1)


def test_a_partial_last_voucher_fits_the_rest_of_the_budget(money: Money) -> None:
    money.issue(value_cents=79_999)
    money.issue(value_cents=1)
    with refused("value_cents", "€ 0,00"):
        money.issue(value_cents=1)


def test_a_draft_call_issues_nothing(money: Money) -> None:
    draft = make_call(money.world)
    with refused("call", "published or closed call"):
        money.issue(call=draft)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "more than zero"),
        (-100, "more than zero"),
        (10.5, "whole number of cents"),
        ("1000", "whole number of cents"),
        (True, "whole number of cents"),
        (services.MAX_VOUCHER_CENTS + 1, "larger than the most allowed"),
        (10**30, "larger than the most allowed"),
    ],
)
def test_issuing_refuses_bad_values(money: Money, value: Any, words: str) -> None:
    with refused("value_cents", words):
        money.issue(value_cents=value)


def test_issuing_refuses_bad_validity(money: Money) -> None:
    today = TODAY()
    with refused("valid_to", "must not be before"):
        money.issue(valid_from=today, valid_to=today - datetime.timedelta(days=1))
    with refused("valid_to", "already past"):
        money.issue(valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1))
    with refused("valid_from", "valid date"):
        money.issue(valid_from="2026-01-01")


def test_voucher_codes_are_unique_and_checked(money: Money) -> None:
    from sinergie.calls.codes import code_normalize

    codes = {money.issue(value_cents=100).code for _ in range(20)} | {money.voucher.code}
    assert len(codes) == 21
    assert all(code_normalize(code) == code for code in codes)


# --- Redeeming -----------------------------------------------------------------------------------


def test_a_partial_redemption_moves_the_amount_to_the_provider(money: Money) -> None:
    redemption = money.redeem(amount_cents=7_550, service=money.after_school)
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == 12_450
    entries = list(redemption.ledger_entries.order_by("account"))
    assert [(e.account, e.amount_cents) for e in entries] == [("payable", 7_550), ("voucher", -7_550)]
    assert entries[0].provider == money.provider and entries[1].voucher == money.voucher
    assert ledger_balances(money.call)["payable"] == 7_550
    assert ledger_check() == []
    event = audit_events_for(redemption).get(action="calls.redemption.create")
    assert event.actor == money.world.provider_staff
    assert event.after["voucher_balance_cents"] == 12_450


def test_the_code_may_be_typed_in_lower_case_with_spaces_and_dashes(money: Money) -> None:
    typed = money.voucher.display_code.lower().replace("-", " - ")
    money.redeem(voucher_code=typed, amount_cents=100)
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == 19_900


def test_the_whole_balance_can_be_spent_and_not_a_cent_more(money: Money) -> None:
    money.redeem(amount_cents=15_000)
    with refused("amount_cents", "larger than the voucher's balance (€ 50,00)"):
        money.redeem(amount_cents=5_001)
    money.redeem(amount_cents=5_000)
    with refused("amount_cents", "(€ 0,00)"):
        money.redeem(amount_cents=1)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "more than zero"),
        (-500, "more than zero"),
        (49.99, "whole number of cents"),
        ("5000", "whole number of cents"),
        ("50,00", "whole number of cents"),
        (None, "whole number of cents"),
        (True, "whole number of cents"),
        (services.MAX_REDEMPTION_CENTS + 1, "larger than the most allowed"),
        (2**63, "larger than the most allowed"),
        (10**40, "larger than the most allowed"),
    ],
)
def test_tampered_negative_and_huge_amounts_are_refused(money: Money, amount: Any, words: str) -> None:
    with refused("amount_cents", words):
        money.redeem(amount_cents=amount)


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "ABC", "A" * 200, None, 12345, "O0I1-LLLL-0000", "<script>alert(1)</script>"],
)
def test_malformed_codes_are_refused_before_looking(money: Money, typed: Any) -> None:
    with refused("voucher_code", "not a valid voucher code"):
        money.redeem(voucher_code=typed)


def test_a_mistyped_code_is_caught_by_the_check_character(money: Money) -> None:
    code = money.voucher.code
    wrong = code[:3] + ("2" if code[3] != "2" else "3") + code[4:]
    with refused("voucher_code", "not a valid voucher code"):
        money.redeem(voucher_code=wrong)


def test_a_well_formed_unknown_code_is_refused(money: Money) -> None:
    from sinergie.calls.codes import check_character

    body = "23456789ABC"
    with refused("voucher_code", "No voucher has this code"):
        money.redeem(voucher_code=body + check_character(body))


def test_a_provider_not_accredited_for_the_call_is_refused(money: Money) -> None:
    with refused("voucher_code", "not accredited"):
        money.redeem(provider=money.other_provider, by=money.other_provider_staff)


def test_a_code_of_another_call_is_refused(money: Money) -> None:
    foreign = money.issue(call=money.other_call)
    # Provider A is not accredited for the other call: the voucher is foreign to it.
    with refused("voucher_code", "not accredited"):
        money.redeem(voucher=foreign)
    # A redemption desk working for one call names it: a code of any other call is refused.
    money.other_call.providers.through.objects.create(call=money.other_call, organization=money.provider)
    with refused("voucher_code", "belongs to another call"):
        money.redeem(voucher=foreign, call=money.call)


def test_an_expired_voucher_is_refused(money: Money) -> None:
    yesterday = TODAY() - datetime.timedelta(days=1)
    Voucher.objects.filter(pk=money.voucher.pk).update(valid_from=yesterday, valid_to=yesterday)
    with refused("voucher_code", "has expired"):
        money.redeem(service_date=TODAY() - datetime.timedelta(days=1))
    services.vouchers_expire(today=TODAY())
    with refused("voucher_code", "has expired"):
        money.redeem(service_date=TODAY() - datetime.timedelta(days=1))


def test_a_voucher_not_valid_yet_is_refused(money: Money) -> None:
    tomorrow = TODAY() + datetime.timedelta(days=1)
    voucher = money.issue(valid_from=tomorrow, valid_to=tomorrow + datetime.timedelta(days=30))
    with refused("voucher_code", "not valid yet"):
        money.redeem(voucher=voucher, service_date=tomorrow)


def test_a_cancelled_voucher_is_refused(money: Money) -> None:
    services.voucher_cancel(voucher=money.voucher, by=money.staff, reason="Granted by mistake")
    with refused("voucher_code", "has been cancelled"):
        money.redeem()


def test_the_service_date_must_fall_within_validity(money: Money) -> None:
    with refused("service_date", "within the voucher's validity"):
        money.redeem(service_date=TODAY() - datetime.timedelta(days=1))
    with refused("service_date", "within the voucher's validity"):
        money.redeem(service_date=money.voucher.valid_to + datetime.timedelta(days=1))
    with refused("service_date", "valid date"):
        money.redeem(service_date="2026-11-22")
    with refused("service_date", "valid date"):
        money.redeem(service_date=timezone.now())


def test_the_service_must_be_the_providers_and_of_an_eligible_category(money: Money) -> None:
    with refused("service", "not one of your organization's services"):
        money.redeem(service=money.foreign_service)
    with refused("service", "not eligible"):
        money.redeem(service=money.laundry)
    # A child category of an eligible one is eligible (after_school under school_time).
    money.redeem(service=money.after_school, amount_cents=100)


def test_a_call_without_categories_accepts_any_service(money: Money) -> None:
    call = make_call(money.world)
    call.providers.add(money.provider)
    services.call_publish(call=call, by=money.staff)
    voucher = money.issue(call=call)
    money.redeem(voucher=voucher, service=money.laundry, amount_cents=100)


# --- Idempotency ---------------------------------------------------------------------------------


def test_the_same_request_twice_redeems_once(money: Money) -> None:
    first = money.redeem(idempotency_key="abc", amount_cents=3_000, service=money.after_school)
    before = _state()
    again = money.redeem(idempotency_key="abc", amount_cents=3_000, service=money.after_school)
    assert again.pk == first.pk
    assert _state() == before
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == 17_000


def test_a_replay_is_answered_even_when_the_balance_is_now_spent(money: Money) -> None:
    first = money.redeem(idempotency_key="all", amount_cents=20_000)
    assert money.redeem(idempotency_key="all", amount_cents=20_000).pk == first.pk


def test_a_reused_key_with_different_details_is_refused(money: Money) -> None:
    money.redeem(idempotency_key="abc", amount_cents=3_000)
    with refused("idempotency_key", "already used for a different redemption"):
        money.redeem(idempotency_key="abc", amount_cents=3_001)
    other = money.issue()
    with refused("idempotency_key", "already used"):
        money.redeem(voucher=other, idempotency_key="abc", amount_cents=3_000)


def test_the_same_key_from_another_provider_is_another_request(money: Money) -> None:
    voucher = money.issue(call=money.other_call)
    money.redeem(idempotency_key="abc", amount_cents=100)
    money.redeem(voucher=voucher, provider=money.other_provider, by=money.other_provider_staff, idempotency_key="abc")
    assert Redemption.objects.filter(idempotency_key="abc").count() == 2


@pytest.mark.parametrize("key", ["", "   ", "k" * 65, None, 42])
def test_a_missing_or_bad_key_is_refused(money: Money, key: Any) -> None:
    with refused("idempotency_key", "no key"):
        money.redeem(idempotency_key=key)


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_gives_the_money_back_to_the_voucher(money: Money) -> None:
    redemption = money.redeem(amount_cents=4_000)
    services.redemption_cancel(
        redemption=redemption, provider=money.provider, by=money.world.provider_staff, reason="Wrong amount"
    )
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == 20_000
    redemption.refresh_from_db()
    assert redemption.cancelled_at is not None
    assert redemption.cancel_reason == "Wrong amount"
    assert ledger_balances(money.call)["payable"] == 0
    assert ledger_check() == []
    event = audit_events_for(redemption).get(action="calls.redemption.cancel")
    assert event.note == "Wrong amount"


def test_only_the_same_provider_cancels_once_within_48_hours_with_a_reason(money: Money) -> None:
    redemption = money.redeem(amount_cents=4_000)
    with refused("redemption", "Only the provider that registered"):
        services.redemption_cancel(
            redemption=redemption, provider=money.other_provider, by=money.other_provider_staff, reason="Mine"
        )
    with refused("reason", "Say why"):
        services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="   ")
    with refused("reason", "too long"):
        services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="x" * 1001)
    Redemption.objects.filter(pk=redemption.pk).update(
        created_at=timezone.now() - services.CANCEL_WINDOW - datetime.timedelta(seconds=1)
    )
    with refused("redemption", "within 48 hours"):
        services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="Late")
    Redemption.objects.filter(pk=redemption.pk).update(
        created_at=timezone.now() - services.CANCEL_WINDOW + datetime.timedelta(minutes=1)
    )
    services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="In time")
    with refused("redemption", "already been cancelled"):
        services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="Again")


def test_cancelling_after_expiry_returns_the_money_to_the_budget(money: Money) -> None:
    redemption = money.redeem(amount_cents=4_000)
    Voucher.objects.filter(pk=money.voucher.pk).update(valid_to=TODAY())
    services.vouchers_expire(today=TODAY() + datetime.timedelta(days=1))
    money.call.refresh_from_db()
    assert money.call.available_cents == 80_000 + 16_000
    services.redemption_cancel(redemption=redemption, provider=money.provider, by=None, reason="Not delivered")
    money.voucher.refresh_from_db()
    money.call.refresh_from_db()
    assert (money.voucher.state, money.voucher.balance_cents) == (VoucherState.EXPIRED, 0)
    assert money.call.available_cents == 100_000
    assert ledger_check() == []


# --- Expiring and cancelling vouchers ------------------------------------------------------------


def test_expiry_returns_the_unspent_value_once(money: Money) -> None:
    money.redeem(amount_cents=6_000)
    spent = money.issue()
    money.redeem(voucher=spent, amount_cents=20_000)
    last_day = TODAY() + datetime.timedelta(days=365)
    assert services.vouchers_expire(today=last_day) == 0  # the last day of validity is still valid
    assert services.vouchers_expire(today=last_day + datetime.timedelta(days=1)) == 2
    before = _state()
    assert services.vouchers_expire(today=last_day + datetime.timedelta(days=1)) == 0
    assert _state() == before
    money.call.refresh_from_db()
    assert money.call.available_cents == 60_000 + 14_000
    balances = ledger_balances(money.call)
    assert (balances["voucher"], balances["payable"], balances["committed"]) == (0, 26_000, 26_000)
    assert audit_events_for(money.voucher).filter(action="calls.voucher.expire").count() == 1
    assert audit_events_for(spent).filter(action="calls.voucher.expire").count() == 1
    assert ledger_check() == []


def test_voucher_cancel_returns_the_balance_and_is_final(money: Money) -> None:
    money.redeem(amount_cents=1_000)
    services.voucher_cancel(voucher=money.voucher, by=money.staff, reason="Duplicate")
    money.call.refresh_from_db()
    assert money.call.available_cents == 99_000
    with refused("voucher", "no longer active"):
        services.voucher_cancel(voucher=money.voucher, by=money.staff, reason="Again")
    assert audit_events_for(money.voucher).filter(action="calls.voucher.cancel").count() == 1


# --- Checks and messages -------------------------------------------------------------------------


def test_ledger_check_finds_a_tampered_cache(money: Money) -> None:
    money.redeem(amount_cents=1_000)
    assert ledger_check() == []
    Voucher.objects.filter(pk=money.voucher.pk).update(balance_cents=19_500)
    Call.objects.filter(pk=money.call.pk).update(available_cents=1)
    kinds = {anomaly.kind for anomaly in ledger_check(money.call)}
    assert kinds == {"voucher_cache", "call_cache"}


def test_ledger_check_finds_an_unbalanced_transaction(money: Money) -> None:
    import uuid

    LedgerEntry.objects.create(
        transaction=uuid.uuid4(), kind="issue", account=Account.AVAILABLE, amount_cents=5, call=money.call
    )
    kinds = {anomaly.kind for anomaly in ledger_check(money.call)}
    assert {"unbalanced_transaction", "call_cache"} <= kinds


def test_messages_are_translated_to_italian(money: Money) -> None:
    with pytest.raises(VoucherError) as caught:
        money.redeem(amount_cents=50_000)
    with translation.override("it"):
        assert caught.value.message_dict["amount_cents"] == ["L’importo supera il saldo del voucher (€ 200,00)."]


def test_euro_formats_cents_for_messages() -> None:
    assert services.euro(0) == "€ 0,00"
    assert services.euro(5) == "€ 0,05"
    assert services.euro(123_456_789) == "€ 1.234.567,89"
    assert services.euro(-150) == "-€ 1,50"
