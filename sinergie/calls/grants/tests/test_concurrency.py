"""Company grants made at once on PostgreSQL: never above the call's budget, one grant per application."""

from __future__ import annotations

import pytest

from sinergie.calls.grants import services as incentives
from sinergie.calls.grants.services import IncentiveError
from sinergie.calls.models import Call, IncentiveGrant
from sinergie.calls.selectors import ledger_balances, ledger_check
from sinergie.calls.services import rome_today
from sinergie.calls.tests.incentive_world import Incentives
from sinergie.calls.tests.test_concurrency import _run_together
from sinergie.conftest import OrganizationFactory, UserFactory, add_member
from sinergie.organizations.models import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COMPANIES = 12


def _grant(application_pk, staff_pk, amount: int):
    from sinergie.accounts.models import User
    from sinergie.calls.models import Application

    return incentives.grant_create(
        application=Application.objects.get(pk=application_pk),
        amount_cents=amount,
        signed_at=rome_today(),
        conditions="",
        by=User.objects.get(pk=staff_pk),
    )


def test_concurrent_grants_on_one_call_never_exceed_its_budget(world):
    inc = Incentives(world)  # budget 1,000,000; Company A's application already sent
    applications = [inc.application]
    for number in range(COMPANIES - 1):
        company = OrganizationFactory(kind="company", name=f"Impresa {number}", slug=f"impresa-{number}")
        referent = UserFactory(email=f"ref{number}@example.org")
        add_member(referent, company, Role.COMPANY_REFERENT)
        applications.append(inc.apply(referent, company))
    staff_pk = inc.staff.pk
    # Twelve grants of 300,000 on a budget of 1,000,000: exactly three fit.
    results = _run_together(COMPANIES, lambda i: _grant(applications[i].pk, staff_pk, 300_000))
    granted = [r for r in results if isinstance(r, IncentiveGrant)]
    refused = [r for r in results if isinstance(r, IncentiveError)]
    assert len(granted) == 3 and len(refused) == COMPANIES - 3, results
    call = Call.objects.get(pk=inc.call.pk)
    assert call.available_cents == 100_000
    balances = ledger_balances(call)
    assert balances["committed"] == 900_000 <= balances["budget"]
    assert ledger_check() == []


def test_the_same_application_granted_from_8_threads_is_granted_once(world):
    inc = Incentives(world)
    staff_pk = inc.staff.pk
    results = _run_together(8, lambda i: _grant(inc.application.pk, staff_pk, 100_000))
    assert sum(isinstance(r, IncentiveGrant) for r in results) == 1, results
    assert all(isinstance(r, (IncentiveGrant, IncentiveError)) for r in results), results
    assert IncentiveGrant.objects.count() == 1
    assert Call.objects.get(pk=inc.call.pk).available_cents == 900_000
    assert ledger_check() == []
