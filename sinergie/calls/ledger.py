"""The ledger's one writer: every movement of a call's money, for vouchers and company grants alike.

A transaction is a set of lines (account, signed cents) that sum to zero, written in one INSERT
with every column of `LedgerEntry` (the list comes from the model, so a new field cannot be
forgotten). The callers hold the row locks (the call's, the voucher's) and keep `Call.available_cents`
in step with `call_set_available`, inside their own transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from sinergie.calls.models import Call, IncentiveGrant, LedgerEntry, Redemption

# Every stored column but the id, which the database gives.
LEDGER_COLUMNS: list[Field[Any, Any]] = [field for field in LedgerEntry._meta.concrete_fields if not field.primary_key]

Line = tuple[str, int, Mapping[str, Any]]


def ledger_post(
    kind: str,
    call_id: int,
    lines: Iterable[Line],
    *,
    by: Any,
    redemption: Redemption | None = None,
    grant: IncentiveGrant | None = None,
) -> list[LedgerEntry]:
    """Append one transaction: `lines` are (account, signed cents, references such as voucher or
    provider) and must sum to zero over at least two non-zero lines, or nothing is written."""
    transaction_id = uuid.uuid4()
    now = timezone.now()
    author = by if getattr(by, "is_authenticated", False) else None
    entries = [
        LedgerEntry(
            transaction=transaction_id,
            kind=kind,
            account=account,
            amount_cents=amount,
            call_id=call_id,
            redemption=redemption,
            grant=grant,
            created_by=author,
            created_at=now,
            **references,
        )
        for account, amount, references in lines
        if amount != 0
    ]
    if sum(entry.amount_cents for entry in entries) != 0 or len(entries) < 2:
        # A programming error, never a user's: refuse rather than write an unbalanced book.
        raise AssertionError(f"unbalanced ledger transaction {kind}: {[(e.account, e.amount_cents) for e in entries]}")
    ledger_insert(entries)
    return entries


def ledger_insert(entries: list[LedgerEntry]) -> None:
    """One multi-row INSERT of the lines: the ORM's bulk_create costs more than the statement on this hot path.

    Values go through each field's own conversion (UUIDs on SQLite, aware datetimes), as the ORM would.
    """
    row = "(" + ", ".join(["%s"] * len(LEDGER_COLUMNS)) + ")"
    sql = "INSERT INTO {table} ({columns}) VALUES {rows}".format(  # noqa: S608 - names from the model, values bound
        table=connection.ops.quote_name(LedgerEntry._meta.db_table),
        columns=", ".join(connection.ops.quote_name(str(field.column)) for field in LEDGER_COLUMNS),
        rows=", ".join([row] * len(entries)),
    )
    params = [
        field.get_db_prep_save(getattr(entry, field.attname), connection)
        for entry in entries
        for field in LEDGER_COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def call_set_available(call: Call, available: int) -> None:
    """Store the call's available budget (the ledger's AVAILABLE account, cached on the row the caller locked)."""
    # An UPDATE of the cache alone: Call.save() would re-read the row to guard the frozen rules.
    Call.objects.filter(pk=call.pk).update(available_cents=available, updated_at=timezone.now())
    call.available_cents = available
