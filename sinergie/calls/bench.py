"""`sinergie bench vouchers`: concurrent redemptions against the configured database.

A fresh call (marked fictitious) is funded and its vouchers issued; then `redeemers` threads,
each with its own database connection, send `redemptions` requests between them at random
vouchers (so they overlap and contend for the same rows): random amounts, a few vouchers small
enough to run out, and one request in twenty a replay of an earlier one with the same key.
Afterwards the database is checked: the ledger recomputed (`ledger_check`), balances, the
budget, and every replayed key must have answered with the first redemption. `anomalies`
must be 0. Each run adds its own call, vouchers and users; run it on a scratch database.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.calls import services
from sinergie.calls.models import Call, CallKind, Redemption, Voucher
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import VoucherError
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role

VOUCHERS = 64
SMALL_VOUCHERS = 8  # these run out during the run: refusals under contention are part of the test
BIG_VALUE_CENTS = 500_000
SMALL_VALUE_CENTS = 5_000
AMOUNTS_CENTS = [500, 1_000, 2_500, 5_000]
REPLAY_SHARE = 0.05


def _setup(run: str) -> tuple[Call, Organization, User, list[str]]:
    alliance_org = Organization.objects.create(
        kind=OrganizationKind.ALLIANCE, name=f"Bench alliance {run}", slug=f"bench-alliance-{run}", is_demo=True
    )
    alliance = Alliance.objects.create(organization=alliance_org)
    provider = Organization.objects.create(
        kind=OrganizationKind.PROVIDER, name=f"Bench provider {run}", slug=f"bench-provider-{run}", is_demo=True
    )
    staff = User.objects.create(email=f"bench-provider-{run}@example.invalid")
    Membership.objects.create(user=staff, organization=provider, role=Role.PROVIDER_STAFF)
    values = [SMALL_VALUE_CENTS] * SMALL_VOUCHERS + [BIG_VALUE_CENTS] * (VOUCHERS - SMALL_VOUCHERS)
    now = timezone.now()
    call = Call.objects.create(
        alliance=alliance,
        kind=CallKind.WORKER_VOUCHERS,
        title_it=f"Bando di prova {run} (fittizio)",
        budget_cents=sum(values) + BIG_VALUE_CENTS,
        amount_per_beneficiary_cents=BIG_VALUE_CENTS,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    call.providers.add(provider)
    services.call_publish(call=call, by=None)
    codes = []
    for index, value in enumerate(values):
        beneficiary = User.objects.create(email=f"bench-{run}-{index}@example.invalid")
        codes.append(services.voucher_issue(call=call, beneficiary=beneficiary, by=None, value_cents=value).code)
    return call, provider, staff, codes


def bench_vouchers(redemptions: int = 2000, redeemers: int = 32, seed: int = 1) -> dict[str, Any]:
    """Redemptions per second with `redeemers` concurrent threads, and the anomalies found after."""
    run = uuid.uuid4().hex[:10]
    call, provider, staff, codes = _setup(run)
    today = services.rome_today()
    start = threading.Barrier(redeemers + 1)
    answers: dict[str, set[Any]] = defaultdict(set)  # key -> ids of the redemptions it was answered with
    counts: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    failures: list[str] = []

    def redeemer(number: int) -> None:
        rng = random.Random(seed * 1000 + number)  # noqa: S311 - a reproducible mix, not a secret
        sent: list[tuple[str, str, int]] = []
        mine = redemptions // redeemers + (1 if number < redemptions % redeemers else 0)
        try:
            start.wait(timeout=60)
            for index in range(mine):
                if sent and rng.random() < REPLAY_SHARE:
                    key, code, amount = rng.choice(sent)
                else:
                    key, code, amount = f"{run}-{number}-{index}", rng.choice(codes), rng.choice(AMOUNTS_CENTS)
                    sent.append((key, code, amount))
                try:
                    redemption = services.voucher_redeem(
                        voucher_code=code,
                        provider=provider,
                        amount_cents=amount,
                        service_date=today,
                        idempotency_key=key,
                        by=staff,
                    )
                    outcome = "answered"
                except VoucherError:
                    redemption, outcome = None, "refused"
                except Exception as error:  # noqa: BLE001 - any other failure is an anomaly to count, not a crash
                    redemption, outcome = None, "errors"
                    with lock:
                        failures.append(f"{type(error).__name__}: {error}")
                with lock:
                    counts[outcome] += 1
                    if redemption is not None:
                        answers[key].add(redemption.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeemer, args=(n,)) for n in range(redeemers)]
    for thread in threads:
        thread.start()
    start.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    call.refresh_from_db()
    found = ledger_check(call)
    created = Redemption.objects.filter(voucher__call=call).count()
    balances = ledger_balances(call)
    duplicates = sum(1 for ids in answers.values() if len(ids) > 1) + max(0, created - len(answers))
    negative = Voucher.objects.filter(call=call, balance_cents__lt=0).count()
    over_committed = int(balances["committed"] > call.budget_cents or balances["available"] < 0)
    anomalies = {
        "ledger": len(found),
        "negative_balances": negative,
        "over_commitment": over_committed,
        "duplicate_redemptions": duplicates,
        "errors": counts["errors"],
    }
    return {
        "benchmark": "vouchers",
        "database": connection.vendor,
        "redeemers": redeemers,
        "requests": redemptions,
        "redemptions": created,
        "refused": counts["refused"],
        "replays": counts["answered"] - created,
        "seconds": round(elapsed, 3),
        "requests_per_s": round(redemptions / elapsed, 1),
        "redemptions_per_s": round(created / elapsed, 1),
        "anomalies": sum(anomalies.values()),
        "anomalies_by_kind": anomalies,
        "ledger_findings": [f"{a.kind}: {a.detail}" for a in found[:10]],
        "error_samples": sorted(set(failures))[:5],
    }
