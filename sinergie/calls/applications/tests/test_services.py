"""Applications: drafts, submission with protocol numbers before the deadline, withdrawal,
documents checked by content, and who may see them."""

from __future__ import annotations

import datetime
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.calls import services
from sinergie.calls.applications.services import (
    MAX_DOCUMENT_BYTES,
    ApplicationError,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
    document_attach,
    document_remove,
)
from sinergie.calls.conftest import make_call
from sinergie.calls.models import Application, ApplicationDocument, ApplicationState, Call
from sinergie.conftest import UserFactory, World, add_member, enrol_totp
from sinergie.organizations.models import Role

ROME = ZoneInfo("Europe/Rome")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


@pytest.fixture
def call(world: World) -> Call:
    opened = make_call(world)
    services.call_publish(call=opened, by=world.alliance_staff)
    opened.refresh_from_db()
    return opened


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def draft(world: World, call: Call) -> Application:
    return application_start(call=call, applicant=world.citizen, by=world.citizen)


def field_of(error: pytest.ExceptionInfo[ApplicationError]) -> str:
    return error.value.field


# --- Drafts and the one-application rule ------------------------------------------------------


def test_a_draft_saves_and_resumes_without_a_protocol(world, draft):
    application_save(application=draft, answers={"children": 2, "isee_cents": 1_500_000}, by=world.citizen)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    assert draft.answers == {"children": 2, "isee_cents": 1_500_000}
    assert draft.protocol == ""
    assert AuditEvent.objects.filter(action="calls.application_save").count() == 1
    event = AuditEvent.objects.get(action="calls.application_save")
    assert "1500000" not in str(event.after)  # the trail names the answers, it does not copy them


def test_a_second_application_to_the_same_call_is_refused(world, call, draft):
    with pytest.raises(ApplicationError) as error:
        application_start(call=call, applicant=world.citizen, by=world.citizen)
    assert field_of(error) == "call"
    assert "already applied" in str(error.value.messages[0])
    assert Application.objects.count() == 1


def test_after_withdrawing_one_can_apply_again(world, call, draft):
    application_withdraw(application=draft, by=world.citizen)
    again = application_start(call=call, applicant=world.citizen, by=world.citizen)
    assert again.pk != draft.pk


@pytest.mark.parametrize("answers", [[1, 2], "text", {1: "a"}, {"x": {1, 2}}, {"x": "y" * 30_000}])
def test_answers_that_are_not_a_small_object_are_refused(world, draft, answers):
    with pytest.raises(ApplicationError) as error:
        application_save(application=draft, answers=answers, by=world.citizen)
    assert field_of(error) == "answers"
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_draft_call_or_a_closed_one_takes_no_application(world):
    draft_call = make_call(world)
    with pytest.raises(ApplicationError) as error:
        application_start(call=draft_call, applicant=world.citizen, by=world.citizen)
    assert field_of(error) == "call"
    assert not Application.objects.exists()


def test_a_company_application_names_a_company(world, call):
    with pytest.raises(ApplicationError) as error:
        application_start(call=call, applicant=world.referent, by=world.referent, organization=world.provider)
    assert field_of(error) == "organization"
    application = application_start(call=call, applicant=world.referent, by=world.referent, organization=world.company)
    assert application.organization == world.company


def test_an_information_point_operator_applies_for_a_citizen_and_it_is_recorded(world, call):
    operator = UserFactory(email="desk@example.org")
    add_member(operator, world.alliance_org, Role.INFO_POINT_OPERATOR)
    application = application_start(call=call, applicant=world.citizen, by=operator)
    assert application.assisted_by == operator
    event = AuditEvent.objects.get(action="calls.application_start")
    assert event.actor_id == operator.pk
    assert event.after["assisted"] is True


# --- Submission, protocol numbers and deadlines -----------------------------------------------


def test_submission_gives_sequential_protocol_numbers_and_a_receipt_by_mail(
    world, call, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=draft, by=world.citizen)
    other = application_start(call=call, applicant=world.stranger, by=world.stranger)
    second = application_submit(application=other, by=world.stranger)
    year = first.submitted_at.astimezone(ROME).year
    assert (first.protocol_year, first.protocol_sequence) == (year, 1)
    assert second.protocol_sequence == 2
    assert first.protocol == f"{call.pk}/{year}/000001"
    assert [message.to for message in mail.outbox] == [[world.citizen.email]]
    assert first.protocol in mail.outbox[0].subject


def test_a_second_submission_changes_nothing(world, draft):
    sent = application_submit(application=draft, by=world.citizen)
    with pytest.raises(ApplicationError) as error:
        application_submit(application=draft, by=world.citizen)
    assert field_of(error) == "application"
    draft.refresh_from_db()
    assert (draft.protocol_sequence, draft.submitted_at) == (sent.protocol_sequence, sent.submitted_at)


def test_the_deadline_is_judged_by_the_server_on_the_instant(world, call, draft):
    late = call.closes_at
    with pytest.raises(ApplicationError) as error:
        application_submit(application=draft, by=world.citizen, now=late)
    assert "deadline" in str(error.value.messages[0])
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    sent = application_submit(application=draft, by=world.citizen, now=late - datetime.timedelta(seconds=1))
    assert sent.state == ApplicationState.SUBMITTED
    with pytest.raises(ApplicationError):
        application_save(application=sent, answers={"late": True}, by=world.citizen, now=late)
    with pytest.raises(ApplicationError):
        application_withdraw(application=sent, by=world.citizen, now=late)


def test_deadlines_across_the_change_to_winter_time(world):
    # 25 October 2026: at 03:00 summer time clocks go back to 02:00, so 02:30 comes twice. A call
    # closing at the second 02:30 (UTC+1) still takes an application at the first one (UTC+2),
    # an hour earlier, and refuses one at the second. (Python compares two datetimes of the same
    # zone ignoring `fold`: the test, like the database, compares instants in UTC.)
    utc = datetime.UTC
    closes = datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ROME).astimezone(utc)
    first_half_past_two = datetime.datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=ROME).astimezone(utc)
    assert closes - first_half_past_two == datetime.timedelta(hours=1)
    opened = make_call(world, closes_at=closes, opens_at=closes - datetime.timedelta(days=30))
    services.call_publish(call=opened, by=world.alliance_staff)
    opened.refresh_from_db()
    early = application_start(call=opened, applicant=world.citizen, by=world.citizen, now=first_half_past_two)
    assert application_submit(application=early, by=world.citizen, now=first_half_past_two).state == "submitted"
    late = application_start(call=opened, applicant=world.stranger, by=world.stranger, now=first_half_past_two)
    with pytest.raises(ApplicationError) as error:
        application_submit(application=late, by=world.stranger, now=closes)
    assert "25/10/2026 02:30" in str(error.value.messages[0])  # the deadline as people in Rome read it


def test_the_protocol_year_is_the_year_in_rome(world):
    # 23:30 UTC on 31 December is already New Year in Rome.
    new_year = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    opened = make_call(
        world, opens_at=new_year - datetime.timedelta(days=1), closes_at=new_year + datetime.timedelta(days=1)
    )
    services.call_publish(call=opened, by=world.alliance_staff)
    opened.refresh_from_db()
    application = application_start(call=opened, applicant=world.citizen, by=world.citizen, now=new_year)
    sent = application_submit(application=application, by=world.citizen, now=new_year)
    assert sent.protocol_year == 2027


def test_withdrawing_keeps_the_protocol_and_is_audited(world, draft):
    sent = application_submit(application=draft, by=world.citizen)
    withdrawn = application_withdraw(application=sent, by=world.citizen)
    assert withdrawn.state == ApplicationState.WITHDRAWN
    assert withdrawn.protocol == sent.protocol
    with pytest.raises(ApplicationError):
        application_withdraw(application=withdrawn, by=world.citizen)
    actions = set(AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
    assert {"calls.application_start", "calls.application_submit", "calls.application_withdraw"} <= actions


# --- Documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "content", "kind"), [("isee.pdf", PDF, "application/pdf"),
                                                           ("Carta.PNG", PNG, "image/png"),
                                                           ("foto.jpeg", JPEG, "image/jpeg")])  # fmt: skip
def test_pdfs_and_images_are_attached_by_their_content(world, draft, filename, content, kind):
    attached = document_attach(application=draft, name="ISEE", filename=filename, content=content, by=world.citizen)
    assert (attached.content_type, attached.size) == (kind, len(content))
    assert bytes(attached.content) == content


@pytest.mark.parametrize(
    ("filename", "content", "field", "says"),
    [
        ("virus.pdf", EXE, "file", "Only PDF"),  # a program renamed .pdf
        ("isee.png", PDF, "file", "says .png"),  # a PDF named as an image
        ("isee", PDF, "file", "says -"),
        ("isee.pdf", b"", "file", "empty"),
        ("isee.pdf", PDF + b"\x00" * MAX_DOCUMENT_BYTES, "file", "larger"),
        ("page.html", b"<html><script>alert(1)</script>", "file", "Only PDF"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_saved(world, draft, filename, content, field, says):
    with pytest.raises(ApplicationError) as error:
        document_attach(application=draft, name="ISEE", filename=filename, content=content, by=world.citizen)
    assert field_of(error) == field
    assert says in str(error.value.messages[0])
    assert not ApplicationDocument.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_document_needs_a_name(world, draft, name):
    with pytest.raises(ApplicationError) as error:
        document_attach(application=draft, name=name, filename="a.pdf", content=PDF, by=world.citizen)
    assert field_of(error) == "name"


def test_documents_can_change_until_the_deadline_only(world, call, draft):
    attached = document_attach(application=draft, name="ISEE", filename="a.pdf", content=PDF, by=world.citizen)
    with pytest.raises(ApplicationError):
        document_attach(
            application=draft, name="ISEE", filename="b.pdf", content=PDF, by=world.citizen, now=call.closes_at
        )
    with pytest.raises(ApplicationError):
        document_remove(document=attached, by=world.citizen, now=call.closes_at)
    document_remove(document=attached, by=world.citizen)
    assert not ApplicationDocument.objects.exists()


# --- Who sees what ------------------------------------------------------------------------------


def _personas(world: World) -> dict[str, Any]:
    operator = UserFactory(email="desk@example.org")
    add_member(operator, world.alliance_org, Role.INFO_POINT_OPERATOR)
    other_staff = UserFactory(email="staff-b@example.org")
    add_member(other_staff, world.other_alliance_org, Role.ALLIANCE_STAFF)
    for staff in (operator, other_staff):
        enrol_totp(staff)  # staff pages need the second factor: the answer must still be 404
    return {
        "anonymous": None,
        "applicant": world.citizen,
        "stranger": world.stranger,
        "operator_not_assisting": operator,
        "provider_staff": world.provider_staff,
        "company_referent": world.referent,
        "evaluator_not_assigned": world.evaluator,
        "other_alliance_staff": other_staff,
        "alliance_staff": world.alliance_staff,
        "admin": world.admin,
    }


SEES = {"applicant", "alliance_staff"}


PERSONAS = ["anonymous", "applicant", "stranger", "operator_not_assisting", "provider_staff", "company_referent",
            "evaluator_not_assigned", "other_alliance_staff", "alliance_staff", "admin"]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_receipts_and_documents_are_shown_only_to_who_may_see_them(world, draft, client, login, persona):
    attached = document_attach(application=draft, name="ISEE", filename="isee.pdf", content=PDF, by=world.citizen)
    application_submit(application=draft, by=world.citizen)
    user = _personas(world)[persona]
    if user is not None:
        login(user)
    receipt = client.get(reverse("applications:receipt", args=[draft.pk]))
    download = client.get(reverse("applications:document", args=[attached.pk]))
    if user is None:
        assert receipt.status_code == download.status_code == 302  # to the login page
    elif persona in SEES:
        assert receipt.status_code == 200
        assert draft.protocol in receipt.text or str(draft.call.pk) in receipt.text
        assert download.status_code == 200
        assert download.content == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
    else:
        assert receipt.status_code == download.status_code == 404


def test_guessed_and_malformed_ids_are_404(world, client, login):
    login(world.citizen)
    assert client.get("/domande/00000000-0000-0000-0000-000000000000/ricevuta/").status_code == 404
    assert client.get("/domande/documenti/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/domande/not-an-id/ricevuta/").status_code == 404
    assert client.post(reverse("applications:receipt", args=[Application().pk])).status_code in (404, 405)


def test_the_receipt_reads_in_italian_and_english(world, draft, client, login):
    application_submit(application=draft, by=world.citizen)
    login(world.citizen)
    italian = client.get(f"/domande/{draft.pk}/ricevuta/")
    english = client.get(f"/en/domande/{draft.pk}/ricevuta/")
    assert "Numero di protocollo" in italian.text
    assert "Protocol number" in english.text
    assert draft.protocol in italian.text


# --- Protocol numbers under concurrency (PostgreSQL) ----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_protocol_numbers_stay_unique_and_without_gaps_when_sent_together(world, call):
    applicants = [UserFactory(email=f"applicant{n}@example.org") for n in range(8)]
    drafts = [application_start(call=call, applicant=user, by=user) for user in applicants]
    start = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def send(application: Application) -> None:
        try:
            start.wait(timeout=30)
            application_submit(application=application, by=application.applicant)
        except BaseException as error:  # noqa: BLE001 - the test reports whatever happened
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(application,)) for application in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = sorted(Application.objects.values_list("protocol_sequence", flat=True))
    assert sequences == list(range(1, 9))
