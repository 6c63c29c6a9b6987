"""32 threads at once on PostgreSQL: no negative balance, no over-commitment, one redemption per key.

SQLite serialises writers, so a race there proves nothing: these run on PostgreSQL only.
Each thread has its own connection (Django opens one per thread) and closes it at the end.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.models import Call, Redemption, Voucher
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import VoucherError
from sinergie.conftest import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 32


def _run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in `count` threads released at the same instant; return results or exceptions."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def test_32_threads_redeeming_the_same_vouchers_never_overspend(money: Money) -> None:
    vouchers = [money.voucher, money.issue(), money.issue()]
    codes = [voucher.code for voucher in vouchers]
    staff_pk = money.world.provider_staff.pk

    def work(index: int) -> list[Any]:
        from sinergie.accounts.models import User

        staff = User.objects.get(pk=staff_pk)
        rng = random.Random(index)
        outcomes = []
        for attempt in range(6):
            try:
                outcomes.append(
                    services.voucher_redeem(
                        voucher_code=rng.choice(codes),
                        provider=money.provider,
                        service=money.after_school,
                        amount_cents=rng.choice([500, 1_000, 2_500, 4_000]),
                        service_date=services.rome_today(),
                        idempotency_key=f"t{index}-{attempt}",
                        by=staff,
                    )
                )
            except VoucherError as error:
                outcomes.append(error)
        return outcomes

    results = _run_together(THREADS, work)
    unexpected = [r for r in results if isinstance(r, Exception)]
    assert unexpected == []
    outcomes = [outcome for result in results for outcome in result]
    succeeded = [o for o in outcomes if isinstance(o, Redemption)]
    refused = [o for o in outcomes if isinstance(o, VoucherError)]
    assert {error.field for error in refused} <= {"amount_cents"}
    assert refused, "the vouchers were meant to run out under contention"

    assert ledger_check() == []
    assert not Voucher.objects.filter(balance_cents__lt=0).exists()
    spent = sum(r.amount_cents for r in succeeded)
    assert spent == sum(Redemption.objects.values_list("amount_cents", flat=True))
    for voucher in vouchers:
        voucher.refresh_from_db()
        mine = sum(r.amount_cents for r in succeeded if r.voucher_id == voucher.pk)
        assert voucher.balance_cents == 20_000 - mine >= 0
    balances = ledger_balances(Call.objects.get(pk=money.call.pk))
    assert balances["committed"] <= balances["budget"]
    assert balances["payable"] == spent


def test_32_threads_issuing_from_one_budget_never_overcommit(money: Money) -> None:
    beneficiaries = [UserFactory().pk for _ in range(THREADS)]

    def work(index: int) -> Any:
        from sinergie.accounts.models import User

        return services.voucher_issue(
            call=Call.objects.get(pk=money.call.pk),
            beneficiary=User.objects.get(pk=beneficiaries[index]),
            by=None,
            value_cents=7_000,
        )

    results = _run_together(THREADS, work)
    issued = [r for r in results if isinstance(r, Voucher)]
    refused = [r for r in results if isinstance(r, VoucherError)]
    assert len(issued) + len(refused) == THREADS
    assert len(issued) == 80_000 // 7_000  # 11 fit in what the fixture's voucher left
    call = Call.objects.get(pk=money.call.pk)
    assert call.available_cents == 80_000 - 11 * 7_000
    assert ledger_check() == []


def test_the_same_key_from_8_threads_redeems_once(money: Money) -> None:
    staff_pk = money.world.provider_staff.pk

    def work(index: int) -> Any:
        from sinergie.accounts.models import User

        return services.voucher_redeem(
            voucher_code=money.voucher.code,
            provider=money.provider,
            service=money.after_school,
            amount_cents=3_000,
            service_date=services.rome_today(),
            idempotency_key="same-request",
            by=User.objects.get(pk=staff_pk),
        )

    results = _run_together(8, work)
    assert all(isinstance(r, Redemption) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Redemption.objects.count() == 1
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == 17_000
    assert ledger_check() == []


def test_the_same_key_on_different_vouchers_from_8_threads_redeems_once(money: Money) -> None:
    codes = [money.voucher.code, *(money.issue().code for _ in range(3))]

    def work(index: int) -> Any:
        return services.voucher_redeem(
            voucher_code=codes[index % len(codes)],
            provider=money.provider,
            service=money.after_school,
            amount_cents=3_000,
            service_date=services.rome_today(),
            idempotency_key="same-key",
            by=None,
        )

    results = _run_together(8, work)
    assert Redemption.objects.count() == 1
    winners = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, VoucherError)]
    assert len(winners) + len(refused) == 8
    assert all(error.field == "idempotency_key" for error in refused)
    assert Counter(r.pk for r in winners).most_common(1)[0][1] == len(winners)
    assert ledger_check() == []


def test_32_threads_mixing_every_operation_keep_the_books_exact(money: Money) -> None:
    """Issue, redeem, cancel, cancel vouchers and expire at once: no deadlock, no error, exact books."""
    import datetime

    from sinergie.accounts.models import User

    vouchers = [money.voucher.pk, *(money.issue(value_cents=5_000).pk for _ in range(4))]
    beneficiaries = [UserFactory().pk for _ in range(THREADS)]
    staff_pk = money.world.provider_staff.pk

    def work(index: int) -> list[Any]:
        rng = random.Random(1000 + index)
        staff = User.objects.get(pk=staff_pk)
        mine: list[Redemption] = []
        outcomes: list[Any] = []
        for step in range(5):
            choice = rng.random()
            try:
                if choice < 0.5:
                    voucher = Voucher.objects.get(pk=rng.choice(vouchers))
                    mine.append(
                        services.voucher_redeem(
                            voucher_code=voucher.code,
                            provider=money.provider,
                            service=money.after_school,
                            amount_cents=rng.choice([300, 1_000, 2_000]),
                            service_date=services.rome_today(),
                            idempotency_key=f"m{index}-{step}",
                            by=staff,
                        )
                    )
                elif choice < 0.7 and mine:
                    services.redemption_cancel(
                        redemption=mine.pop(), provider=money.provider, by=staff, reason="Concurrent test"
                    )
                elif choice < 0.85:
                    services.voucher_issue(
                        call=Call.objects.get(pk=money.call.pk),
                        beneficiary=User.objects.get(pk=beneficiaries[index]),
                        by=None,
                        value_cents=1_000,
                    )
                elif choice < 0.95:
                    services.voucher_cancel(
                        voucher=Voucher.objects.get(pk=rng.choice(vouchers)), by=None, reason="Concurrent test"
                    )
                else:
                    services.vouchers_expire(today=services.rome_today() + datetime.timedelta(days=400))
                outcomes.append("done")
            except VoucherError as error:
                outcomes.append(error)
        return outcomes

    results = _run_together(THREADS, work)
    unexpected = [r for r in results if isinstance(r, Exception)]
    assert unexpected == []
    done = sum(outcome == "done" for result in results for outcome in result)
    assert done > THREADS, "most operations were meant to succeed"
    assert ledger_check() == []
    balances = ledger_balances(Call.objects.get(pk=money.call.pk))
    assert balances["available"] >= 0 and balances["committed"] <= balances["budget"]
    assert not Voucher.objects.filter(balance_cents__lt=0).exists()
