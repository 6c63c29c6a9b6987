"""Model-level guards: a published call's rules are frozen; the ledger is append-only."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from sinergie.calls.conftest import Money, make_call
from sinergie.calls.models import CallFrozenError, LedgerAppendOnlyError, LedgerEntry
from sinergie.directory.models import TaxonomyTerm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_cents", 1),
        ("amount_per_beneficiary_cents", 1),
        ("title_it", "Altro"),
        ("text_en", "Other rules"),
        ("kind", "consultancy"),
        ("closes_at", "later"),
    ],
)
def test_a_published_calls_rules_cannot_change(money: Money, field: str, value: object) -> None:
    call = money.call
    if value == "later":
        value = call.closes_at + datetime.timedelta(days=1)
    setattr(call, field, value)
    with pytest.raises(CallFrozenError) as caught:
        call.save()
    assert field in caught.value.message_dict
    call.refresh_from_db()
    assert getattr(call, field) != value


def test_the_alliance_of_a_published_call_cannot_change(money: Money) -> None:
    money.call.alliance = money.world.other_alliance
    with pytest.raises(CallFrozenError) as caught:
        money.call.save()
    assert "alliance" in caught.value.message_dict


def test_accredited_providers_and_categories_are_frozen_both_ways(money: Money) -> None:
    call = money.call
    term = TaxonomyTerm.objects.get(code="laundry")
    # Django changes relations inside the caller's transaction: each attempt gets a savepoint.
    attempts = [
        lambda: call.providers.add(money.other_provider),
        lambda: call.providers.remove(money.provider),
        lambda: call.categories.clear(),
        lambda: money.other_provider.accredited_calls.add(call),
        lambda: money.provider.accredited_calls.clear(),
        lambda: term.calls.add(call),
    ]
    for attempt in attempts:
        with pytest.raises(CallFrozenError), transaction.atomic():
            attempt()
    assert list(call.providers.all()) == [money.provider]
    assert call.categories.count() == 1


def test_a_draft_changes_freely_and_the_state_of_a_published_call_may_move(money: Money) -> None:
    draft = make_call(money.world)
    draft.budget_cents = 5
    draft.save()
    draft.providers.add(money.other_provider)
    draft.providers.clear()
    money.call.state = "closed"
    money.call.save()


def test_the_ledger_refuses_updates_and_deletes_through_the_orm(money: Money) -> None:
    entry = LedgerEntry.objects.filter(call=money.call).first()
    entry.amount_cents = 1
    with pytest.raises(LedgerAppendOnlyError):
        entry.save()
    with pytest.raises(LedgerAppendOnlyError):
        entry.delete()
    with pytest.raises(LedgerAppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_cents=1)
    with pytest.raises(LedgerAppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(LedgerAppendOnlyError):
        LedgerEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.amount_cents != 1


def test_the_ledger_accepts_new_lines(money: Money) -> None:
    count = LedgerEntry.objects.count()
    LedgerEntry.objects.create(
        transaction=uuid.uuid4(), kind="issue", account="available", amount_cents=1, call=money.call
    )
    assert LedgerEntry.objects.count() == count + 1


@pytest.mark.postgres
def test_on_postgresql_a_trigger_refuses_update_and_delete_in_sql(money: Money) -> None:
    table = LedgerEntry._meta.db_table
    for statement in (f"UPDATE {table} SET amount_cents = 1", f"DELETE FROM {table}"):  # noqa: S608 - constant
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert LedgerEntry.objects.filter(amount_cents=1).count() == 0


def test_a_call_is_open_from_its_opening_instant_to_before_its_closing_one_in_rome(money: Money) -> None:
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    call = make_call(money.world)
    # Closing at noon in Rome on the day summer time starts (28 March 2027): 10:00 UTC, not 11:00.
    call.opens_at = datetime.datetime(2027, 3, 1, 9, tzinfo=rome)
    call.closes_at = datetime.datetime(2027, 3, 28, 12, tzinfo=rome)
    call.save()
    assert not call.is_open(datetime.datetime(2027, 3, 10, tzinfo=datetime.UTC))  # still a draft
    call.state = "published"
    utc = datetime.UTC
    assert not call.is_open(datetime.datetime(2027, 3, 1, 7, 59, tzinfo=utc))
    assert call.is_open(datetime.datetime(2027, 3, 1, 8, 0, tzinfo=utc))
    assert call.is_open(datetime.datetime(2027, 3, 28, 9, 59, tzinfo=utc))
    assert not call.is_open(datetime.datetime(2027, 3, 28, 10, 0, tzinfo=utc))
    call.state = "closed"
    assert not call.is_open(datetime.datetime(2027, 3, 10, tzinfo=utc))
