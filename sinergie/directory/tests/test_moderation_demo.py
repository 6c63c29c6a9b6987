"""The demo shows the moderation workflow: a change waiting in the alliance's queue and a draft."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sinergie.accounts.models import User
from sinergie.demo.load import DEMO_ACCOUNTS
from sinergie.directory import access
from sinergie.directory.demo import MODERATION_DEMO_PROVIDER
from sinergie.directory.models import ModerationState, RevisionState, Service, ServiceRevision
from sinergie.organizations.models import Role

pytestmark = pytest.mark.django_db


def test_the_demo_provider_has_a_draft_and_a_change_waiting_for_its_alliance(settings) -> None:
    settings.DEBUG = True  # the demo only runs on development machines
    call_command("demo", "--no-serve", stdout=StringIO())
    call_command("demo", "--no-serve", stdout=StringIO())  # idempotent

    services = Service.objects.filter(organization__slug=MODERATION_DEMO_PROVIDER)
    assert set(services.values_list("state", flat=True)) == {ModerationState.PUBLISHED, ModerationState.DRAFT}
    revisions = ServiceRevision.objects.filter(service__in=services)
    assert sorted(revisions.values_list("state", flat=True)) == [RevisionState.DRAFT, RevisionState.SUBMITTED]
    waiting = revisions.get(state=RevisionState.SUBMITTED)
    # Families still see the published name while the change waits.
    assert waiting.service.name_it == "Centro estivo Il Girotondo"
    assert waiting.payload["name_it"] != waiting.service.name_it

    def account(role: str) -> User:
        return User.objects.get(email=next(a.email for a in DEMO_ACCOUNTS if a.role == role))

    assert access.can_edit(account(Role.PROVIDER_STAFF), waiting.service)
    assert access.revisions_for_moderator(account(Role.ALLIANCE_STAFF)).filter(pk=waiting.pk).exists()
