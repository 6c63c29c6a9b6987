"""Providers edit, alliance staff moderate: the state machine, the payload, the forms, the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse as django_reverse
from django.utils import translation

from sinergie.audit.labels import action_label
from sinergie.audit.models import AuditEvent
from sinergie.directory import editing
from sinergie.directory.models import (
    CostOption,
    Location,
    ModerationState,
    RevisionState,
    ScheduleException,
    Service,
    ServiceRevision,
)
from sinergie.directory.revisions import payload_diff, service_payload
from sinergie.directory.tests.moderation_world import Moderation, form_data, moderation_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Services' messages in English here; the pages (unprefixed URLs) answer in Italian."""
    with translation.override("en"):
        yield


def reverse(name: str, args: list | None = None) -> str:
    with translation.override("it"):
        return django_reverse(name, args=args)


def _edit(m: Moderation, **changes) -> ServiceRevision:
    payload = {**service_payload(m.service), **changes}
    return editing.revision_save(actor=m.world.provider_staff, service=m.service, payload=payload)


def _submitted(m: Moderation, **changes) -> ServiceRevision:
    revision = _edit(m, **changes)
    return editing.revision_submit(actor=m.world.provider_staff, revision=revision)


# --- State machine ----------------------------------------------------------------------------


def test_it_keeps_the_published_data_while_an_edit_waits_and_applies_it_on_approval(moderation: Moderation) -> None:
    m = moderation
    revision = _submitted(m, name_it="Centro estivo Girasole 2027")

    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole"
    assert m.service.state == ModerationState.PUBLISHED

    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    m.service.refresh_from_db()
    revision.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole 2027"
    assert m.service.state == ModerationState.PUBLISHED
    assert revision.state == RevisionState.APPROVED
    assert revision.moderator == m.world.alliance_staff
    assert revision.decided_at is not None


def test_it_keeps_dated_exceptions_and_children_through_an_approval(moderation: Moderation) -> None:
    m = moderation
    before = service_payload(m.service)
    revision = _submitted(m, name_it="Altro nome")
    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    after = service_payload(m.service)
    assert after["schedules"] == before["schedules"]
    assert after["schedules"][0]["exceptions"]
    assert after["costs"] == before["costs"]
    assert after["closures"] == before["closures"]
    assert after["categories"] == before["categories"]
    assert after["sites"] == before["sites"]
    assert ScheduleException.objects.filter(schedule__service=m.service).count() == 1


def test_the_public_page_shows_the_old_name_until_approval_and_the_new_one_after(
    moderation: Moderation, client
) -> None:
    m = moderation
    revision = _submitted(m, name_it="Centro estivo Girasole rinnovato")
    page = client.get(reverse("directory:service-detail", [m.service.pk])).content.decode()
    assert "Centro estivo Girasole" in page
    assert "rinnovato" not in page

    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    page = client.get(reverse("directory:service-detail", [m.service.pk])).content.decode()
    assert "Centro estivo Girasole rinnovato" in page


def test_it_refuses_to_approve_a_draft(moderation: Moderation) -> None:
    m = moderation
    revision = _edit(m, name_it="Nuovo")
    with pytest.raises(ValidationError) as error:
        editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    assert "waiting for moderation" in " ".join(error.value.messages)
    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole"


def test_it_refuses_to_submit_twice(moderation: Moderation) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo")
    with pytest.raises(ValidationError, match="Only a draft"):
        editing.revision_submit(actor=m.world.provider_staff, revision=revision)


def test_it_refuses_a_submission_that_changes_nothing(moderation: Moderation) -> None:
    m = moderation
    revision = _edit(m)
    with pytest.raises(ValidationError, match="changes nothing"):
        editing.revision_submit(actor=m.world.provider_staff, revision=revision)


def test_it_refuses_an_edit_while_a_revision_waits(moderation: Moderation) -> None:
    m = moderation
    _submitted(m, name_it="Nuovo")
    with pytest.raises(ValidationError, match="withdraw it"):
        _edit(m, name_it="Ancora")


def test_it_refuses_someone_elses_service(moderation: Moderation) -> None:
    m = moderation
    with pytest.raises(PermissionDenied):
        editing.revision_save(
            actor=m.other_provider_staff, service=m.service, payload={**service_payload(m.service), "name_it": "X"}
        )
    revision = _submitted(m, name_it="Nuovo")
    with pytest.raises(PermissionDenied):
        editing.revision_approve(actor=m.other_alliance_staff, revision=revision)
    with pytest.raises(PermissionDenied):
        editing.revision_approve(actor=m.world.provider_staff, revision=revision)
    with pytest.raises(PermissionDenied):
        editing.revision_withdraw(actor=m.other_provider_staff, revision=revision)
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.SUBMITTED


def test_a_moderator_cannot_decide_on_a_revision_they_wrote(moderation: Moderation) -> None:
    m = moderation
    revision = editing.revision_save(
        actor=m.world.admin, service=m.service, payload={**service_payload(m.service), "name_it": "Dall'admin"}
    )
    editing.revision_submit(actor=m.world.admin, revision=revision)
    with pytest.raises(ValidationError, match="another moderator"):
        editing.revision_approve(actor=m.world.admin, revision=revision)
    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)


def test_rejection_needs_a_comment_and_the_next_edit_starts_from_the_rejected_proposal(
    moderation: Moderation, login
) -> None:
    m = moderation
    revision = _submitted(m, name_it="Centro estivo Girasole con errore")
    with pytest.raises(ValidationError):
        editing.revision_reject(actor=m.world.alliance_staff, revision=revision, comment="   ")
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.SUBMITTED

    editing.revision_reject(actor=m.world.alliance_staff, revision=revision, comment="Il nome ha un refuso.")
    revision.refresh_from_db()
    assert revision.state == RevisionState.REJECTED
    assert revision.moderator_comment == "Il nome ha un refuso."

    client = login(m.world.provider_staff)
    page = client.get(reverse("directory-manage:edit", [m.service.pk])).content.decode()
    assert "Il nome ha un refuso." in page
    assert 'value="Centro estivo Girasole con errore"' in page

    again = _submitted(m, name_it="Centro estivo Girasole corretto")
    editing.revision_approve(actor=m.world.alliance_staff, revision=again)
    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole corretto"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_nul_in_the_moderators_comment_is_a_message_on_the_comment(
    moderation: Moderation, login, decision: str
) -> None:
    """Issue 12, point 3: PostgreSQL refuses NUL in text, and the comment reached it (a 500)."""
    m = moderation
    revision = _submitted(m, name_it="Centro estivo Girasole 2027")
    response = login(m.world.alliance_staff).post(
        reverse("directory-manage:review", [revision.pk]), {"decision": decision, "comment": "Un refuso\x00"}
    )
    assert response.status_code == 400
    assert response.context["comment_error"]
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.SUBMITTED


def test_the_database_allows_one_open_revision_per_service(moderation: Moderation) -> None:
    m = moderation
    _edit(m, name_it="Uno")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRevision.objects.create(service=m.service, payload={}, state=RevisionState.SUBMITTED)


def test_withdraw_returns_it_to_draft_and_discard_closes_it(moderation: Moderation) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo")
    editing.revision_withdraw(actor=m.world.provider_staff, revision=revision)
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.DRAFT
    with pytest.raises(ValidationError):
        editing.revision_withdraw(actor=m.world.provider_staff, revision=revision)
    editing.revision_discard(actor=m.world.provider_staff, revision=revision)
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.WITHDRAWN
    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole"


def test_a_new_service_is_a_draft_until_its_first_approval(moderation: Moderation, client) -> None:
    m = moderation
    payload = {**service_payload(m.service), "name_it": "Nido nuovo", "sites": []}
    revision = editing.service_create(actor=m.world.provider_staff, organization=m.world.provider, payload=payload)
    service = revision.service
    assert service.state == ModerationState.DRAFT
    assert client.get(reverse("directory:service-detail", [service.pk])).status_code == 404

    editing.revision_submit(actor=m.world.provider_staff, revision=revision)
    service.refresh_from_db()
    assert service.state == ModerationState.SUBMITTED
    # A first revision is compared against nothing: every filled field is a change.
    assert {change.field for change in payload_diff({}, revision.payload)} >= {"name_it", "costs"}

    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    service.refresh_from_db()
    assert service.state == ModerationState.PUBLISHED
    assert client.get(reverse("directory:service-detail", [service.pk])).status_code == 200


def test_providers_archive_directly_and_republish_through_moderation(moderation: Moderation, client) -> None:
    m = moderation
    editing.service_archive(actor=m.world.provider_staff, service=m.service)
    m.service.refresh_from_db()
    assert m.service.state == ModerationState.ARCHIVED
    assert client.get(reverse("directory:service-detail", [m.service.pk])).status_code == 404
    with pytest.raises(ValidationError):
        editing.service_archive(actor=m.world.provider_staff, service=m.service)

    revision = editing.revision_submit(actor=m.world.provider_staff, revision=_edit(m))
    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    m.service.refresh_from_db()
    assert m.service.state == ModerationState.PUBLISHED


def test_every_state_change_writes_an_audit_record(moderation: Moderation) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo nome")
    editing.revision_reject(actor=m.world.alliance_staff, revision=revision, comment="No")
    second = _submitted(m, name_it="Nuovo nome bis")
    editing.revision_withdraw(actor=m.world.provider_staff, revision=second)
    editing.revision_submit(actor=m.world.provider_staff, revision=second)
    editing.revision_approve(actor=m.world.alliance_staff, revision=second)
    editing.service_archive(actor=m.world.provider_staff, service=m.service)
    actions = list(
        AuditEvent.objects.filter(object_id=str(m.service.pk))
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "directory.revision.create",
        "directory.revision.submit",
        "directory.revision.reject",
        "directory.revision.create",
        "directory.revision.submit",
        "directory.revision.withdraw",
        "directory.revision.submit",
        "directory.revision.approve",
        "directory.service.archive",
    ]
    approval = AuditEvent.objects.get(action="directory.revision.approve")
    assert approval.before["name_it"] == "Centro estivo Girasole"
    assert approval.after["name_it"] == "Nuovo nome bis"
    rejection = AuditEvent.objects.get(action="directory.revision.reject")
    assert rejection.before["state"] == "submitted"
    assert rejection.after["state"] == "rejected"


def test_it_emails_moderators_on_submission_and_providers_on_decisions(
    moderation: Moderation, django_capture_on_commit_callbacks
) -> None:
    m = moderation
    with django_capture_on_commit_callbacks(execute=True):
        revision = _submitted(m, name_it="Nuovo")
    assert [message.to for message in mail.outbox] == [[m.world.alliance_staff.email]]
    with django_capture_on_commit_callbacks(execute=True):
        editing.revision_reject(actor=m.world.alliance_staff, revision=revision, comment="Manca il prezzo.")
    assert mail.outbox[-1].to == [m.world.provider_staff.email]
    assert "Manca il prezzo." in mail.outbox[-1].body


# --- Pages and forms --------------------------------------------------------------------------


def test_the_whole_flow_through_the_pages(moderation: Moderation, login, client) -> None:
    m = moderation
    provider = login(m.world.provider_staff)
    data = form_data(service_payload(m.service), m.world.provider, name_it="Centro estivo Girasole 2027")
    response = provider.post(reverse("directory-manage:edit", [m.service.pk]), data)
    assert response.status_code == 302
    revision = ServiceRevision.objects.get(service=m.service, state=RevisionState.DRAFT)
    assert revision.payload["name_it"] == "Centro estivo Girasole 2027"
    # Nothing else changed: the form round-trips the live content.
    assert [change.field for change in payload_diff(service_payload(m.service), revision.payload)] == ["name_it"]

    preview = provider.get(reverse("directory-manage:preview", [m.service.pk])).content.decode()
    assert "Centro estivo Girasole 2027" in preview
    assert provider.post(reverse("directory-manage:submit", [m.service.pk])).status_code == 302
    provider.logout()

    moderator = login(m.world.alliance_staff)
    queue = moderator.get(reverse("directory-manage:queue")).content.decode()
    assert "Centro estivo Girasole 2027" in queue
    review = moderator.get(reverse("directory-manage:review", [revision.pk])).content.decode()
    assert "Centro estivo Girasole 2027" in review and "<del>Centro estivo Girasole</del>" in review
    response = moderator.post(reverse("directory-manage:review", [revision.pk]), {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    assert "serve un commento" in response.content.decode()
    response = moderator.post(reverse("directory-manage:review", [revision.pk]), {"decision": "approve"})
    assert response.status_code == 302
    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole 2027"
    # A second approval of the same revision is refused with a message, not applied again.
    response = moderator.post(reverse("directory-manage:review", [revision.pk]), {"decision": "approve"}, follow=True)
    assert "Si può decidere solo su una revisione in attesa di moderazione" in response.content.decode()
    assert AuditEvent.objects.filter(action="directory.revision.approve").count() == 1


@pytest.mark.parametrize(
    ("changes", "field_label"),
    [
        ({"costs-0-amount": "-5"}, "Amount in euro"),
        ({"costs-0-amount": "1000000.01"}, "Amount in euro"),
        ({"costs-0-amount": "dieci"}, "Amount in euro"),
        ({"hours-0-opens_at": "18:00"}, "Closes at"),
        ({"closures-0-end": "2020-01-01"}, "To"),
        ({"closures-0-start": "1999-01-01"}, "From"),
        ({"minimum_age_years": "12", "maximum_age_years": "3"}, "Maximum age: years"),
        ({"minimum_age_months": "14"}, "Minimum age: months"),
        ({"email": "not-an-address"}, "E-mail"),
        ({"url": "javascript:alert(1)"}, "Website"),
        ({"phone": "call me"}, "Phone"),
        ({"name_it": ""}, "Name (Italian)"),
        ({"categories": ["no-such-term"]}, "Categories"),
        ({"new_location_name": "Nuova sede"}, "New location: address"),
        (
            {
                "new_location_name": "Nuova sede",
                "new_location_address": "Via X 1",
                "new_location_municipality": "Parigi",
                "new_location_latitude": "45.5",
                "new_location_longitude": "9.4",
            },
            "New location: municipality",
        ),
        (
            {
                "new_location_name": "Nuova sede",
                "new_location_address": "Via X 1",
                "new_location_municipality": "Melzo",
                "new_location_latitude": "48.9",
                "new_location_longitude": "2.35",
            },
            "New location: latitude",
        ),
        ({"costs-TOTAL_FORMS": "500"}, "Costs"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    moderation: Moderation, login, changes: dict, field_label: str
) -> None:
    m = moderation
    client = login(m.world.provider_staff)
    data = form_data(service_payload(m.service), m.world.provider, **{"name_it": "Nome cambiato", **changes})
    with translation.override("en"):
        url = django_reverse("directory-manage:edit", args=[m.service.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing has been saved" in page
    assert field_label in page
    assert not ServiceRevision.objects.filter(service=m.service).exists()
    assert not AuditEvent.objects.exists()


def test_the_error_summary_links_to_every_field_even_groups_of_checkboxes(moderation: Moderation, login) -> None:
    m = moderation
    data = form_data(service_payload(m.service), m.world.provider)
    data.pop("categories")
    page = login(m.world.provider_staff).post(reverse("directory-manage:edit", [m.service.pk]), data).content.decode()
    assert 'href="#id_categories"' in page
    assert 'id="id_categories"' in page


def test_a_new_service_with_a_new_location_through_the_form(moderation: Moderation, login) -> None:
    m = moderation
    client = login(m.world.provider_staff)
    base = service_payload(m.service)
    base.update(costs=[], schedules=[], closures=[], sites=[])
    data = form_data(
        base,
        m.world.provider,
        name_it="Doposcuola Arcobaleno",
        **{
            "costs-0-option_it": "Mensile",
            "costs-0-amount": "120,50",
            "costs-0-unit": "month",
            "hours-0-days": ["MO", "WE"],
            "hours-0-opens_at": "14:00",
            "hours-0-closes_at": "18:30",
            "new_location_name": "Oratorio",
            "new_location_address": "Piazza Libertà 3",
            "new_location_municipality": "015142",
            "new_location_latitude": "45.50",
            "new_location_longitude": "9.42",
            "sites": [str(m.location.pk)],
        },
    )
    response = client.post(reverse("directory-manage:create"), data)
    assert response.status_code == 302
    service = Service.objects.get(name_it="Doposcuola Arcobaleno")
    assert service.state == ModerationState.DRAFT
    revision = service.revisions.get()
    assert revision.payload["costs"][0]["amount_cents"] == 12050
    assert revision.payload["schedules"][0]["byday"] == "MO,WE"
    assert revision.payload["sites"][1]["new_location"]["municipality"] == "015142"

    editing.revision_submit(actor=m.world.provider_staff, revision=revision)
    editing.revision_approve(actor=m.world.alliance_staff, revision=revision)
    assert Location.objects.filter(organization=m.world.provider, name="Oratorio").count() == 1
    assert set(service.sites.values_list("location__name", flat=True)) == {"Oratorio", "Sede di via Roma"}
    assert CostOption.objects.get(service=service).amount_cents == 12050


def test_a_provider_cannot_attach_another_providers_location(moderation: Moderation, login) -> None:
    m = moderation
    client = login(m.world.provider_staff)
    foreign = m.other_service.sites.get().location
    data = form_data(service_payload(m.service), m.world.provider, sites=[str(foreign.pk)])
    response = client.post(reverse("directory-manage:edit", [m.service.pk]), data)
    assert response.status_code == 200
    assert not ServiceRevision.objects.exists()


def test_the_list_shows_the_state_and_the_pending_revision(moderation: Moderation, login) -> None:
    m = moderation
    _submitted(m, name_it="Nuovo")
    page = login(m.world.provider_staff).get(reverse("directory-manage:list")).content.decode()
    assert "Centro estivo Girasole" in page
    assert "Centro estivo Aquilone" not in page


def test_the_history_lists_revisions_and_audit_events(moderation: Moderation, login) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo")
    editing.revision_reject(actor=m.world.alliance_staff, revision=revision, comment="Serve una foto.")
    page = login(m.world.provider_staff).get(reverse("directory-manage:history", [m.service.pk])).content.decode()
    assert "Serve una foto." in page
    with translation.override("it"):
        assert action_label("directory.revision.reject") in page and action_label("directory.revision.submit") in page
    assert m.world.alliance_staff.email in page
    # Each event in words (audit/labels.py), never its code or a raw state ("→ submitted").
    assert "directory.revision" not in page and "→" not in page


def test_an_approval_that_cannot_apply_is_refused_with_a_message_and_changes_nothing(
    moderation: Moderation, login
) -> None:
    m = moderation
    new_site = {
        "new_location": {
            "name": "Sede",
            "address_1": "Via X",
            "municipality": "999999",
            "latitude": 45.5,
            "longitude": 9.4,
        },
        "description": "",
    }
    revision = _submitted(m, name_it="Con sede sparita", sites=[*service_payload(m.service)["sites"], new_site])
    client = login(m.world.alliance_staff)
    response = client.post(reverse("directory-manage:review", [revision.pk]), {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "999999" in response.content.decode()
    m.service.refresh_from_db()
    assert m.service.name_it == "Centro estivo Girasole"
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.SUBMITTED
    assert not Location.objects.filter(name="Sede").exists()


def test_the_personal_area_links_providers_to_their_services_and_alliance_staff_to_the_queue(
    moderation: Moderation, login
) -> None:
    m = moderation
    page = login(m.world.provider_staff).get(reverse("web:dashboard")).content.decode()
    assert reverse("directory-manage:list") in page
    assert reverse("directory-manage:queue") not in page
    page = login(m.world.alliance_staff).get(reverse("web:dashboard")).content.decode()
    assert reverse("directory-manage:queue") in page
    page = login(m.world.citizen).get(reverse("web:dashboard")).content.decode()
    assert "/gestione/" not in page


def test_archiving_asks_for_confirmation_first(moderation: Moderation, login) -> None:
    m = moderation
    client = login(m.world.provider_staff)
    url = reverse("directory-manage:archive", [m.service.pk])
    assert client.get(url).status_code == 200
    m.service.refresh_from_db()
    assert m.service.state == ModerationState.PUBLISHED
    assert client.post(url).status_code == 302
    m.service.refresh_from_db()
    assert m.service.state == ModerationState.ARCHIVED


def test_an_overlong_comment_is_refused_and_nothing_decided(moderation: Moderation, login) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo")
    client = login(m.world.alliance_staff)
    for decision in ("reject", "approve"):
        response = client.post(
            reverse("directory-manage:review", [revision.pk]), {"decision": decision, "comment": "x" * 4001}
        )
        assert response.status_code == 400
        assert "4000" in response.content.decode()
    assert ServiceRevision.objects.get(pk=revision.pk).state == RevisionState.SUBMITTED


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_the_queue_read_a_fixed_number_of_queries(moderation: Moderation, login, client) -> None:
    from sinergie.directory.tests.moderation_world import published_service

    m = moderation
    _submitted(m, name_it="Uno")
    provider = login(m.world.provider_staff)
    list_url, queue_url = reverse("directory-manage:list"), reverse("directory-manage:queue")
    _queries(provider, list_url)  # the first request after logging in also touches the session
    few = _queries(provider, list_url)
    for number in range(5):
        service = published_service(m.world.provider, m.location, f"Servizio {number}")
        revision = editing.revision_save(
            actor=m.world.provider_staff, service=service, payload={**service_payload(service), "name_it": f"N{number}"}
        )
        editing.revision_submit(actor=m.world.provider_staff, revision=revision)
    assert _queries(provider, list_url) == few
    moderator = login(m.world.alliance_staff)
    _queries(moderator, queue_url)
    assert _queries(moderator, queue_url) <= few


def test_the_pages_answer_in_english_too(moderation: Moderation, login) -> None:
    m = moderation
    revision = _submitted(m, name_it="Nuovo")
    provider = login(m.world.provider_staff)
    for name, args in (("list", None), ("edit", [m.service.pk]), ("history", [m.service.pk])):
        with translation.override("en"):
            url = django_reverse(f"directory-manage:{name}", args=args)
        response = provider.get(url, follow=True)
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()
    with translation.override("en"):
        url = django_reverse("directory-manage:review", args=[revision.pk])
    page = login(m.world.alliance_staff).get(url).content.decode()
    assert "Approve and publish" in page


# --- Concurrency (PostgreSQL only: SQLite serialises writers, so a race there proves nothing) --

# Long enough for the other thread to reach the same point when nothing blocks it.
RACE_WINDOW_SECONDS = 3.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_apply_the_revision_once(moderation: Moderation, monkeypatch) -> None:
    import contextlib
    import threading

    from django.db import connections

    from sinergie.accounts.models import User

    m = moderation
    revision = _submitted(m, name_it="Approvato una volta")
    # The worst interleaving: each approval passes its "still submitted" check before either
    # applies. Holding every apply until both got there (or the window closes, when the lock
    # makes one wait for the other) makes that race happen on every run.
    both_checked = threading.Barrier(2)
    real_apply = editing.payload_apply

    def apply_once_both_checked(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=RACE_WINDOW_SECONDS)
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(editing, "payload_apply", apply_once_both_checked)
    outcomes: dict[str, Exception | None] = {}

    def approve(user_pk: int, label: str) -> None:
        try:
            editing.revision_approve(
                actor=User.objects.get(pk=user_pk), revision=ServiceRevision.objects.get(pk=revision.pk)
            )
            outcomes[label] = None
        except Exception as error:  # noqa: BLE001 - the test reports whatever the service raised
            outcomes[label] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(m.world.alliance_staff.pk, "staff")),
        threading.Thread(target=approve, args=(m.world.admin.pk, "admin")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "revision_approve hung"

    failures = [error for error in outcomes.values() if error is not None]
    assert len(outcomes) == 2
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], ValidationError)
    assert AuditEvent.objects.filter(action="directory.revision.approve").count() == 1
    m.service.refresh_from_db()
    assert m.service.name_it == "Approvato una volta"
