"""Checks that only mean something on PostgreSQL: row locks under real concurrent transactions.

SQLite serialises every writer, so a race there proves nothing; these run in the CI pass
with DATABASE_URL pointing to PostgreSQL (see the root conftest for when they may skip).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from sinergie.accounts.models import User
from sinergie.organizations import services
from sinergie.organizations.models import Membership, Organization, OrganizationKind, Role

pytestmark = pytest.mark.postgres

# Long enough for the other thread to reach the same point when nothing blocks it;
# when the service serialises the two calls, one waits here this long, once.
RACE_WINDOW_SECONDS = 3.0


@pytest.mark.django_db
def test_it_runs_on_postgresql() -> None:
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_manager_when_the_last_two_are_removed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    organization = Organization.objects.create(kind=OrganizationKind.COMPANY, name="Tessitura Rossi", slug="rossi")
    anna = User.objects.create_user(email="anna@example.org", password="una-Password-robusta-42")
    bruno = User.objects.create_user(email="bruno@example.org", password="una-Password-robusta-42")
    managers = [
        Membership.objects.create(user=user, organization=organization, role=Role.COMPANY_REFERENT, is_manager=True)
        for user in (anna, bruno)
    ]

    # The worst interleaving: each call passes its "another manager remains" check before
    # either deletes. Holding every delete until both got there (or the window closes,
    # when the service makes one call wait for the other) makes that race happen every run.
    both_checked = threading.Barrier(2)
    real_delete = Membership.delete

    def delete_once_both_checked(self: Membership, *args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=RACE_WINDOW_SECONDS)
        return real_delete(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "delete", delete_once_both_checked)

    outcomes: dict[int, Exception | None] = {}

    def remove(membership_pk: int, actor_pk: int) -> None:
        # Its own thread, so its own connection and its own transaction.
        try:
            services.membership_remove(
                actor=User.objects.get(pk=actor_pk), membership=Membership.objects.get(pk=membership_pk)
            )
            outcomes[membership_pk] = None
        except Exception as error:  # noqa: BLE001 - the test reports whatever the service raised
            outcomes[membership_pk] = error
        finally:
            connections.close_all()

    # Each manager removes the other: two different rows, one organization.
    threads = [
        threading.Thread(target=remove, args=(managers[0].pk, bruno.pk)),
        threading.Thread(target=remove, args=(managers[1].pk, anna.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "membership_remove hung"

    remaining = Membership.objects.filter(organization=organization, is_manager=True).count()
    assert remaining >= 1, f"both removals succeeded and the organization has no manager left: {outcomes}"
    succeeded = [pk for pk, error in outcomes.items() if error is None]
    refused = [error for error in outcomes.values() if error is not None]
    assert len(succeeded) == 1, outcomes
    # The loser must get the service's own refusal, which views show as a message,
    # not a database error (a deadlock, say) that surfaces as a server error.
    assert len(refused) == 1
    assert isinstance(refused[0], ValidationError), repr(refused[0])
