"""Random sequences of grants, payments, revocations and vouchers on one budget keep the books exact."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.calls import services
from sinergie.calls.grants import services as incentives
from sinergie.calls.grants.services import IncentiveError
from sinergie.calls.models import Account, Call, IncentiveGrant, LedgerEntry
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import VoucherError
from sinergie.calls.tests.incentive_world import Incentives
from sinergie.conftest import OrganizationFactory, UserFactory, add_member
from sinergie.organizations.models import Role

pytestmark = pytest.mark.django_db

amounts = st.one_of(st.integers(min_value=-100, max_value=520_000), st.sampled_from([0, 1, 10**12]))
operation = st.one_of(
    st.tuples(st.just("grant"), st.integers(0, 4), amounts),
    st.tuples(st.just("pay"), st.integers(0, 4)),
    st.tuples(st.just("revoke"), st.integers(0, 4)),
    st.tuples(st.just("issue"), amounts),
)


class Rollback(Exception):
    pass


@pytest.fixture
def many(world) -> tuple[Incentives, list[Any]]:
    inc = Incentives(world)
    applications = [inc.application]
    for number in range(4):
        company = OrganizationFactory(kind="company", name=f"Impresa {number}", slug=f"impresa-{number}")
        referent = UserFactory(email=f"ref{number}@example.org")
        add_member(referent, company, Role.COMPANY_REFERENT)
        applications.append(inc.apply(referent, company))
    return inc, applications


def _assert_books(call: Call) -> None:
    assert ledger_check() == []
    balances = ledger_balances(call)
    assert balances["available"] >= 0 and balances["committed"] <= balances["budget"]
    parts = [Account.AVAILABLE, Account.VOUCHER, Account.PAYABLE, Account.GRANT, Account.GRANT_PAID]
    assert sum(balances[account] for account in parts) == balances["budget"]


def _apply(inc: Incentives, applications: list[Any], step: tuple[Any, ...]) -> None:
    kind = step[0]
    grants = list(IncentiveGrant.objects.order_by("pk"))
    if kind == "grant":
        inc.grant(applications[step[1]], amount=step[2])
    elif kind == "issue":
        services.voucher_issue(call=inc.call, beneficiary=inc.world.citizen, by=inc.staff, value_cents=step[1])
    elif grants:
        grant = grants[step[1] % len(grants)]
        if kind == "revoke":
            incentives.grant_revoke(grant=grant, reason="Prova", by=inc.staff)
        else:
            inc.to_paid(grant)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(operation, max_size=12))
def test_random_sequences_never_overcommit_and_the_ledger_balances(many, steps: list) -> None:
    inc, applications = many
    try:
        with transaction.atomic():  # each example starts from the fixture's state
            for step in steps:
                before = LedgerEntry.objects.count()
                try:
                    with transaction.atomic():
                        _apply(inc, applications, step)
                except (IncentiveError, VoucherError):
                    if step[0] != "pay":  # paying is several steps; each refusal of one writes nothing
                        assert LedgerEntry.objects.count() == before
                _assert_books(Call.objects.get(pk=inc.call.pk))
            raise Rollback
    except Rollback:
        pass
