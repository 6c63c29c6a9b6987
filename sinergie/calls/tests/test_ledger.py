"""The ledger's one writer writes every column of the model, for vouchers and grants alike."""

from __future__ import annotations

from typing import Any

import pytest

from sinergie.calls.conftest import Money
from sinergie.calls.ledger import LEDGER_COLUMNS, ledger_post
from sinergie.calls.models import Account, EntryKind, LedgerEntry
from sinergie.calls.tests.incentive_world import Incentives

pytestmark = pytest.mark.django_db


def test_the_writer_writes_every_stored_field_of_the_model() -> None:
    stored = {field.name for field in LedgerEntry._meta.concrete_fields if not field.primary_key}
    assert {field.name for field in LEDGER_COLUMNS} == stored


def test_every_reference_given_is_read_back(money: Money) -> None:
    redemption = money.redeem()
    before = set(LedgerEntry.objects.values_list("pk", flat=True))
    written = ledger_post(
        EntryKind.CANCELLATION,
        money.call.pk,
        [
            (Account.PAYABLE, -100, {"provider": money.provider}),
            (Account.VOUCHER, 100, {"voucher": money.voucher}),
        ],
        by=money.staff,
        redemption=redemption,
    )
    rows = LedgerEntry.objects.exclude(pk__in=before).order_by("amount_cents")
    assert len(rows) == len(written) == 2
    for row, entry in zip(rows, sorted(written, key=lambda e: e.amount_cents), strict=True):
        for field in LEDGER_COLUMNS:
            assert getattr(row, field.attname) == getattr(entry, field.attname), field.name
    assert rows[0].provider_id == money.provider.pk and rows[1].voucher_id == money.voucher.pk
    assert {row.redemption_id for row in rows} == {redemption.pk}
    assert {row.created_by_id for row in rows} == {money.staff.pk}


def test_an_unbalanced_transaction_writes_nothing(money: Money) -> None:
    count = LedgerEntry.objects.count()
    with pytest.raises(AssertionError):
        ledger_post(EntryKind.FUNDING, money.call.pk, [(Account.AVAILABLE, 100, {})], by=money.staff)
    with pytest.raises(AssertionError):
        ledger_post(
            EntryKind.FUNDING, money.call.pk, [(Account.AVAILABLE, 100, {}), (Account.FUNDING, -99, {})], by=None
        )
    assert LedgerEntry.objects.count() == count


def test_a_grants_lines_name_the_grant(world: Any) -> None:
    inc = Incentives(world)
    grant = inc.to_paid(inc.grant())
    lines = LedgerEntry.objects.filter(call=grant.call_id, kind__in=[EntryKind.GRANT, EntryKind.GRANT_PAYMENT])
    assert lines.count() == 4
    assert set(lines.values_list("grant_id", flat=True)) == {grant.pk}
