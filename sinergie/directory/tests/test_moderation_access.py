"""Every role on every back-office page, GET and POST: provider staff never touch another provider's services.

Anyone who may not see a service's unpublished side gets 404 (its back office is not
revealed, even by guessing ids); a moderator gets 403 on the provider's actions and the
provider 403 on the moderator's; anonymous visitors are sent to log in.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from sinergie.directory import access, editing
from sinergie.directory.models import ModerationState, RevisionState, Service, ServiceRevision
from sinergie.directory.revisions import service_payload
from sinergie.directory.tests.moderation_world import (  # noqa: F401
    Moderation,
    moderation_fixture,
    published_service,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "citizen",
    "stranger",
    "referent",
    "provider_staff",
    "other_provider_staff",
    "local_provider_staff",
    "alliance_staff",
    "other_alliance_staff",
    "evaluator",
    "analyst",
    "admin",
]
EDITORS = {"provider_staff", "admin"}
MODERATORS = {"alliance_staff", "admin"}
PROVIDERS = {"provider_staff", "other_provider_staff", "local_provider_staff", "admin"}
ALLIANCE_STAFF = {"alliance_staff", "other_alliance_staff", "admin"}


def reverse(name: str, args: list | None = None) -> str:
    with translation.override("it"):
        return django_reverse(name, args=args)


def _user(m: Moderation, persona: str):
    return getattr(m, persona, None) or getattr(m.world, persona)


def _setup(m: Moderation) -> tuple[Service, ServiceRevision]:
    """Service A with a draft in progress, and a second service of provider A waiting for moderation."""
    editing.revision_save(
        actor=m.world.provider_staff, service=m.service, payload={**service_payload(m.service), "name_it": "Bozza"}
    )
    second = published_service(m.world.provider, m.location, "Pre-scuola Girasole")
    waiting = editing.revision_save(
        actor=m.world.provider_staff, service=second, payload={**service_payload(second), "name_it": "In attesa"}
    )
    editing.revision_submit(actor=m.world.provider_staff, revision=waiting)
    return second, waiting


def _expected(persona: str, allowed: set[str], seen: set[str]) -> set[int]:
    if persona in allowed:
        return {200, 302}
    if persona in seen:
        return {403}
    return {404}


SERVICE_ACTIONS = [
    ("edit", "get"),
    ("edit", "post"),
    ("submit", "post"),
    ("withdraw", "post"),
    ("discard", "post"),
    ("archive", "get"),
    ("archive", "post"),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("view", "method"), SERVICE_ACTIONS)
def test_only_the_owner_and_admins_act_on_a_service(
    moderation: Moderation, login, persona: str, view: str, method: str
) -> None:
    m = moderation
    _setup(m)
    before = service_payload(m.service)
    draft = ServiceRevision.objects.get(service=m.service)
    client = login(_user(m, persona))
    response = getattr(client, method)(reverse(f"directory-manage:{view}", [m.service.pk]))
    assert response.status_code in _expected(persona, EDITORS, seen=MODERATORS), persona
    if persona not in EDITORS:
        draft.refresh_from_db()
        m.service.refresh_from_db()
        assert draft.state == RevisionState.DRAFT
        assert draft.payload["name_it"] == "Bozza"
        assert m.service.state == ModerationState.PUBLISHED
        assert service_payload(m.service) == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["preview", "history"])
def test_only_editors_and_moderators_see_drafts_and_history(
    moderation: Moderation, login, persona: str, view: str
) -> None:
    m = moderation
    _setup(m)
    response = login(_user(m, persona)).get(reverse(f"directory-manage:{view}", [m.service.pk]))
    assert response.status_code in _expected(persona, EDITORS | MODERATORS, seen=set()), persona
    if response.status_code == 200:
        assert "Bozza" in response.content.decode() or view == "history"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_providers_moderators_review(moderation: Moderation, login, persona: str, method: str) -> None:
    m = moderation
    second, waiting = _setup(m)
    client = login(_user(m, persona))
    data = {"decision": "approve"} if method == "post" else None
    response = getattr(client, method)(reverse("directory-manage:review", [waiting.pk]), data)
    assert response.status_code in _expected(persona, MODERATORS, seen=EDITORS - {"admin"}), persona
    waiting.refresh_from_db()
    second.refresh_from_db()
    if persona in MODERATORS and method == "post":
        assert waiting.state == RevisionState.APPROVED
        assert second.name_it == "In attesa"
    else:
        assert waiting.state == RevisionState.SUBMITTED
        assert second.name_it == "Pre-scuola Girasole"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_is_for_alliance_staff_and_shows_only_their_providers(
    moderation: Moderation, login, persona: str
) -> None:
    m = moderation
    _setup(m)
    response = login(_user(m, persona)).get(reverse("directory-manage:queue"))
    if persona not in ALLIANCE_STAFF:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shows_it = "In attesa" in response.content.decode()
    assert shows_it == (persona in MODERATORS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["list", "create"])
def test_the_list_and_creation_are_for_providers(moderation: Moderation, login, persona: str, view: str) -> None:
    m = moderation
    _setup(m)
    response = login(_user(m, persona)).get(reverse(f"directory-manage:{view}"))
    assert response.status_code == (200 if persona in PROVIDERS else 403)
    if view == "list" and persona in PROVIDERS - {"admin"}:
        assert ("Centro estivo Girasole" in response.content.decode()) == (persona == "provider_staff")


def test_a_provider_cannot_create_a_service_for_another_provider(moderation: Moderation, login) -> None:
    m = moderation
    client = login(m.other_provider_staff)
    response = client.post(
        reverse("directory-manage:create"), {"organization": m.world.provider.pk, "name_it": "Intruso"}
    )
    assert response.status_code == 200
    assert not Service.objects.filter(name_it="Intruso").exists()


@pytest.mark.parametrize("view", ["edit", "preview", "history", "submit", "withdraw", "discard", "archive", "review"])
def test_guessed_ids_are_not_found_even_for_admins(moderation: Moderation, login, view: str) -> None:
    client = login(moderation.world.admin)
    url = reverse(f"directory-manage:{view}", [uuid.uuid4()])
    method = client.get if view in {"edit", "preview", "history", "review"} else client.post
    assert method(url).status_code == 404


@pytest.mark.parametrize("view", ["list", "create", "queue"])
def test_anonymous_visitors_are_sent_to_log_in(moderation: Moderation, client, view: str) -> None:
    response = client.get(reverse(f"directory-manage:{view}"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_an_alliance_moderates_its_partners_and_the_providers_in_its_municipalities(moderation: Moderation) -> None:
    m = moderation
    local = Service.objects.create(organization=m.local_provider, name_it="Servizio locale")
    assert access.can_moderate(m.world.alliance_staff, m.service)  # partner
    assert access.can_moderate(m.world.alliance_staff, local)  # based in a member municipality
    assert not access.can_moderate(m.other_alliance_staff, m.service)
    assert not access.can_moderate(m.other_alliance_staff, local)
    assert access.can_moderate(m.other_alliance_staff, m.other_service)
    assert not access.can_moderate(m.world.evaluator, m.service)
    assert not access.can_moderate(m.world.provider_staff, m.service)
    assert not access.can_edit(m.world.alliance_staff, m.service)
    assert not access.can_edit(m.local_provider_staff, m.service)
    assert access.can_edit(m.local_provider_staff, local)
