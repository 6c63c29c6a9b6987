"""Applying from the call's page: the generated form, drafts resumed, uploads checked, review and
submission, changes and withdrawal until the deadline, assisted mode and the receipt as PDF."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.calls import models as calls_models
from sinergie.calls import services as money
from sinergie.calls.applications import forms as apply_forms
from sinergie.calls.applications import services as A
from sinergie.calls.applications import views as apply_views
from sinergie.calls.applications.services import application_start, application_submit, document_attach
from sinergie.calls.conftest import make_call
from sinergie.calls.models import Application, ApplicationDocument, ApplicationState, CallKind
from sinergie.calls.tests.apply_world import CODICE_FISCALE, EXE, PDF, PNG, Applying, applying_fixture, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db


def apply_url(applying: Applying) -> str:
    return reverse("calls:apply", args=[applying.call.pk])


def started(applying: Applying, **kwargs: Any) -> Application:
    application = application_start(call=applying.call, applicant=applying.world.citizen, by=applying.world.citizen)
    if kwargs.get("answers", True):
        A.application_save(
            application=application,
            answers={
                "codice_fiscale": CODICE_FISCALE,
                "lives_in": "015142",
                "children_ages": [4],
                "isee_cents": 1_500_000,
                "already_beneficiary": False,
                "single_parent": False,
            },
            by=applying.world.citizen,
        )
    if kwargs.get("document", True):
        document_attach(
            application=application,
            name="Attestazione ISEE",
            filename="isee.pdf",
            content=PDF,
            by=applying.world.citizen,
        )
    application.refresh_from_db()
    return application


def after_deadline(monkeypatch: Any, applying: Applying) -> None:
    """The calls' clock one minute past the deadline (the sessions' clock stays where it is)."""
    later = applying.call.closes_at + datetime.timedelta(minutes=1)
    clock = SimpleNamespace(now=lambda: later)
    for module in (A, calls_models, apply_views):
        monkeypatch.setattr(module, "timezone", clock)


# --- The call page and the way in ---------------------------------------------------------------


def test_an_open_call_offers_apply_to_anyone_and_resume_to_whoever_started(client, login, applying):
    page = client.get(reverse("calls:detail", args=[applying.call.pk])).content.decode()
    assert apply_url(applying) in page
    application = started(applying)
    page = login(applying.world.citizen).get(reverse("calls:detail", args=[applying.call.pk])).content.decode()
    assert "Resume your application" in page
    assert reverse("applications:mine") in page
    assert reverse("applications:edit", args=[application.pk]) in page


def test_a_closed_call_offers_no_apply_button(client, applying, monkeypatch):
    after_deadline(monkeypatch, applying)
    page = client.get(reverse("calls:detail", args=[applying.call.pk])).content.decode()
    assert apply_url(applying) not in page


def test_applying_needs_a_login_and_comes_back(client, applying):
    response = client.get(apply_url(applying))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"] and "next=" in response["Location"]


def test_the_dashboard_links_my_applications(login, world):
    page = login(world.citizen).get(reverse("web:dashboard")).content.decode()
    assert reverse("applications:mine") in page


def test_the_form_asks_the_calls_questions_the_codice_fiscale_and_its_documents(login, applying):
    response = login(applying.world.citizen).get(apply_url(applying))
    assert response.status_code == 200
    form = response.context["form"]
    for name in ("codice_fiscale", "lives_in", "works_in", "children_ages", "isee", "single_parent", "document_0"):
        assert name in form.fields, name
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "ISEE statement" in page and "(required)" in page


# --- Filling in, saving, resuming ---------------------------------------------------------------


def test_continue_starts_the_application_with_answers_and_document_and_goes_to_the_review(login, applying):
    client = login(applying.world.citizen)
    response = client.post(apply_url(applying), applying.post())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:review", args=[application.pk])
    assert application.state == ApplicationState.DRAFT
    assert application.answers == {
        "codice_fiscale": CODICE_FISCALE,
        "lives_in": "015142",
        "children_ages": [4, 9],
        "isee_cents": 1_500_000,
        "already_beneficiary": False,
        "single_parent": True,
    }
    document = application.documents.get()
    assert (document.name, document.filename, document.content_type) == (
        "Attestazione ISEE",
        "isee.pdf",
        "application/pdf",
    )


def test_a_draft_may_have_blanks_and_resumes_with_the_same_answers(login, applying):
    client = login(applying.world.citizen)
    post = applying.post(children_ages="", isee="", document_0=None, continua=None, bozza="1")
    response = client.post(apply_url(applying), post)
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert "isee_cents" not in application.answers
    page = client.get(reverse("applications:edit", args=[application.pk]))
    assert page.context["form"]["codice_fiscale"].value() == CODICE_FISCALE
    assert page.context["form"]["lives_in"].value() == "015142"
    assert page.context["form"]["single_parent"].value() is True


def test_continue_wants_every_answer(login, applying):
    response = login(applying.world.citizen).post(apply_url(applying), applying.post(isee=""))
    assert response.status_code == 400
    assert "isee" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("RSSMRA85T10A562X", "not a valid codice fiscale"),
        ("12345678901", "not of a company"),
        ("<script>", "not of a company"),
    ],
)
def test_a_bad_codice_fiscale_is_refused_on_its_field_and_nothing_is_saved(login, applying, value, message):
    response = login(applying.world.citizen).post(apply_url(applying), applying.post(codice_fiscale=value))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["codice_fiscale"])
    assert "Your codice fiscale" in response.content.decode()  # the error names the field
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_the_codice_fiscale_is_stored_in_its_standard_form(login, applying):
    login(applying.world.citizen).post(apply_url(applying), applying.post(codice_fiscale=" rssmra 85t10 a562s "))
    assert Application.objects.get().answers["codice_fiscale"] == CODICE_FISCALE


def test_a_renamed_exe_is_refused_on_its_field_and_nothing_is_saved(login, applying):
    post = applying.post(document_0=pdf_upload("virus.pdf", EXE))
    response = login(applying.world.citizen).post(apply_url(applying), post)
    assert response.status_code == 400
    assert "Only PDF files and PNG or JPEG images" in str(response.context["form"].errors["document_0"])
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calls.application").exists()


def test_a_mislabelled_file_is_refused_and_an_existing_draft_keeps_its_answers(login, applying):
    application = started(applying, document=False)
    before = dict(application.answers)
    post = applying.post(document_0=pdf_upload("photo.pdf", PNG), isee="1")
    response = login(applying.world.citizen).post(reverse("applications:edit", args=[application.pk]), post)
    assert response.status_code == 400
    assert "its content is a PNG" in str(response.context["form"].errors["document_0"])
    application.refresh_from_db()
    assert application.answers == before
    assert not application.documents.exists()


def test_an_image_for_a_pdf_only_document_is_refused(login, applying):
    post = applying.post(document_0=pdf_upload("photo.png", PNG))
    response = login(applying.world.citizen).post(apply_url(applying), post)
    assert response.status_code == 400
    assert "must be a PDF" in str(response.context["form"].errors["document_0"])
    assert not Application.objects.exists()


def test_an_oversize_file_is_refused_on_its_field(login, applying, monkeypatch):
    monkeypatch.setattr(apply_forms, "MAX_DOCUMENT_BYTES", 10)
    response = login(applying.world.citizen).post(apply_url(applying), applying.post())
    assert response.status_code == 400
    assert "larger than" in str(response.context["form"].errors["document_0"])
    assert not Application.objects.exists()


def test_an_empty_file_is_refused(login, applying):
    response = login(applying.world.citizen).post(
        apply_url(applying), applying.post(document_0=pdf_upload(content=b""))
    )
    assert response.status_code == 400
    assert "document_0" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_second_application_goes_to_the_first(login, applying):
    application = started(applying)
    client = login(applying.world.citizen)
    response = client.post(apply_url(applying), applying.post())
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert Application.objects.count() == 1
    assert client.get(apply_url(applying))["Location"] == reverse("applications:edit", args=[application.pk])


@pytest.mark.parametrize("call_id", ["999999", "0", "99999999999999999999"])
def test_a_tampered_call_id_is_404(login, applying, call_id):
    response = login(applying.world.citizen).post(f"/bandi/{call_id}/domanda/", applying.post())
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_a_draft_call_and_a_company_call_are_not_applied_to_here(login, applying, world):
    draft = applying.designer.create()
    company = make_call(world)
    company.kind = CallKind.COMPANY_INCENTIVES
    company.save()
    money.call_publish(call=company, by=world.alliance_staff)
    client = login(world.citizen)
    for call in (draft, company):
        assert client.get(reverse("calls:apply", args=[call.pk])).status_code == 404
        assert client.post(reverse("calls:apply", args=[call.pk]), applying.post()).status_code == 404
    assert not Application.objects.exists()


def test_a_call_not_open_yet_sends_back_to_its_page(login, applying):
    later = applying.open_call(opens_at=timezone.now() + datetime.timedelta(days=2), title_it="Futuro")
    client = login(applying.world.citizen)
    assert client.get(reverse("calls:apply", args=[later.pk]))["Location"] == reverse("calls:detail", args=[later.pk])
    response = client.post(reverse("calls:apply", args=[later.pk]), applying.post())
    assert response.status_code == 400
    assert "This call opens on" in response.content.decode()
    assert not Application.objects.exists()


# --- Review and submission ----------------------------------------------------------------------


def test_review_shows_answers_and_documents_and_submits_with_the_declaration(
    login, applying, django_capture_on_commit_callbacks
):
    application = started(applying)
    client = login(applying.world.citizen)
    url = reverse("applications:review", args=[application.pk])
    page = client.get(url).content.decode()
    assert CODICE_FISCALE in page and "Melzo" in page and "€15,000.00" in page and "isee.pdf" in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Tick the declaration" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"declaration": "on"})
    assert response["Location"] == reverse("applications:receipt", args=[application.pk])
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.protocol
    assert application.protocol in mail.outbox[-1].subject
    receipt = client.get(response["Location"]).content.decode()
    assert application.protocol in receipt and "Change the application" in receipt


def test_submission_is_refused_while_a_required_document_is_missing(login, applying):
    application = started(applying, document=False)
    response = login(applying.world.citizen).post(
        reverse("applications:review", args=[application.pk]), {"declaration": "on"}
    )
    assert response.status_code == 400
    assert "Attach the required document “Attestazione ISEE”" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.protocol == ""


def test_the_service_refuses_submission_without_a_required_document(applying):
    application = started(applying, document=False)
    with pytest.raises(A.ApplicationError) as error:
        application_submit(application=application, by=applying.world.citizen)
    assert error.value.field == "documents"
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_submission_is_refused_while_answers_are_blank(login, applying):
    application = started(applying, answers=False)
    response = login(applying.world.citizen).post(
        reverse("applications:review", args=[application.pk]), {"declaration": "on"}
    )
    assert response.status_code == 400
    assert "Some questions have no answer yet" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_submission_after_the_deadline_is_refused_with_a_message(login, applying, monkeypatch):
    application = started(applying)
    client = login(applying.world.citizen)
    after_deadline(monkeypatch, applying)
    response = client.post(reverse("applications:review", args=[application.pk]), {"declaration": "on"})
    assert response.status_code == 400
    assert "The deadline was" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


# --- Changes and withdrawal until the deadline --------------------------------------------------


def test_a_sent_application_changes_until_the_deadline_and_keeps_its_protocol(
    login, applying, django_capture_on_commit_callbacks
):
    application = application_submit(application=started(applying), by=applying.world.citizen)
    protocol = application.protocol
    client = login(applying.world.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:edit", args=[application.pk]), applying.post(isee="9.000", document_0=None)
        )
    assert response["Location"] == reverse("applications:receipt", args=[application.pk])
    application.refresh_from_db()
    assert application.answers["isee_cents"] == 900_000
    assert application.protocol == protocol and application.state == ApplicationState.SUBMITTED
    assert mail.outbox[-1].subject == f"Application changed: protocol {protocol}"


def test_after_the_deadline_the_buttons_go_and_posts_get_a_message(login, applying, monkeypatch):
    application = application_submit(application=started(applying), by=applying.world.citizen)
    document = application.documents.get()
    client = login(applying.world.citizen)
    after_deadline(monkeypatch, applying)
    receipt = client.get(reverse("applications:receipt", args=[application.pk])).content.decode()
    assert "Change the application" not in receipt and "Withdraw the application" not in receipt
    edit = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "can no longer be changed" in edit and 'name="salva"' not in edit

    response = client.post(reverse("applications:edit", args=[application.pk]), applying.post(isee="1"))
    assert response.status_code == 400 and "The deadline was" in response.content.decode()
    response = client.post(reverse("applications:withdraw", args=[application.pk]))
    assert response.status_code == 400 and "The deadline was" in response.content.decode()
    response = client.post(reverse("applications:document-remove", args=[document.pk]), follow=True)
    assert "The deadline was" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.answers["isee_cents"] == 1_500_000
    assert application.documents.count() == 1


def test_withdrawal_asks_for_confirmation_then_withdraws_and_mails(login, applying, django_capture_on_commit_callbacks):
    application = application_submit(application=started(applying), by=applying.world.citizen)
    client = login(applying.world.citizen)
    url = reverse("applications:withdraw", args=[application.pk])
    assert "Yes, withdraw the application" in client.get(url).content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("applications:mine")
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    assert mail.outbox[-1].subject.startswith("Application withdrawn")
    # Withdrawn: a new application may start.
    assert client.get(apply_url(applying)).status_code == 200


def test_a_document_is_removed_from_the_form(login, applying):
    application = started(applying)
    document = application.documents.get()
    client = login(applying.world.citizen)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert reverse("applications:document-remove", args=[document.pk]) in page
    response = client.post(reverse("applications:document-remove", args=[document.pk]))
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert not application.documents.exists()
    assert AuditEvent.objects.filter(action="calls.document_remove").count() == 1


def test_start_and_changes_after_submission_are_mailed(applying, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = application_start(call=applying.call, applicant=applying.world.citizen, by=applying.world.citizen)
    assert mail.outbox[-1].subject.startswith("Application started")
    A.application_save(application=application, answers={"a": 1}, by=applying.world.citizen)
    assert len(mail.outbox) == 1  # a draft's changes are not mailed


# --- My applications ----------------------------------------------------------------------------


def test_my_applications_lists_mine_with_state_protocol_and_deadline(login, applying, world):
    sent = application_submit(application=started(applying), by=world.citizen)
    application_start(call=applying.call, applicant=world.stranger, by=world.stranger)
    response = login(world.citizen).get(reverse("applications:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert sent.protocol in page and "Summer vouchers 2027" in page
    assert reverse("applications:receipt", args=[sent.pk]) in page
    assert len(response.context["page"].object_list) == 1


def test_my_applications_is_for_logged_in_people(client):
    assert client.get(reverse("applications:mine")).status_code == 302


# --- Assisted mode -----------------------------------------------------------------------------


def test_an_operator_starts_an_application_for_a_citizen_who_then_sees_it(
    login, client, applying, world, django_capture_on_commit_callbacks
):
    operator = login(applying.info_point)
    url = reverse("calls:apply-assisted", args=[applying.call.pk])
    assert (
        "Apply on behalf of a citizen"
        in operator.get(reverse("calls:detail", args=[applying.call.pk])).content.decode()
    )
    assert operator.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(url, {"email": "CITIZEN@example.org"})
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert (application.applicant, application.assisted_by) == (world.citizen, applying.info_point)
    assert mail.outbox[-1].to == [world.citizen.email] and "information point" in mail.outbox[-1].body

    # The operator fills it in and finds it among their applications.
    response = operator.post(reverse("applications:edit", args=[application.pk]), applying.post())
    assert response.status_code == 302
    assert (
        reverse("applications:edit", args=[application.pk])
        in operator.get(reverse("applications:mine")).content.decode()
    )

    operator.logout()
    citizen = login(world.citizen)
    page = citizen.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Filled in with the help of Ida Sportello" in page
    assert (
        reverse("applications:edit", args=[application.pk])
        in citizen.get(reverse("applications:mine")).content.decode()
    )


def test_assisted_mode_for_an_unknown_email_says_so_and_saves_nothing(login, applying):
    response = login(applying.info_point).post(
        reverse("calls:apply-assisted", args=[applying.call.pk]), {"email": "nobody@example.org"}
    )
    assert response.status_code == 400
    assert "There is no account with this e-mail address" in response.content.decode()
    assert not Application.objects.exists()


def test_assisted_mode_for_a_citizen_who_already_applied_is_refused(login, applying):
    started(applying)
    response = login(applying.info_point).post(
        reverse("calls:apply-assisted", args=[applying.call.pk]), {"email": applying.world.citizen.email}
    )
    assert response.status_code == 400
    assert Application.objects.count() == 1


@pytest.mark.parametrize("name", ["citizen", "provider_staff", "alliance_staff", "admin", "referent"])
def test_assisted_mode_is_only_for_information_point_operators(login, applying, name):
    client = login(getattr(applying.world, name))
    url = reverse("calls:apply-assisted", args=[applying.call.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": applying.world.stranger.email}).status_code == 404
    assert not Application.objects.exists()


# --- The receipt as PDF ------------------------------------------------------------------------


def test_the_receipt_downloads_as_a_pdf(login, applying):
    application = application_submit(application=started(applying), by=applying.world.citizen)
    response = login(applying.world.citizen).get(reverse("applications:receipt-pdf", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "ricevuta-" in response["Content-Disposition"]


def test_a_sent_application_keeps_a_file_for_each_required_document(login, applying):
    application = application_submit(application=started(applying), by=applying.world.citizen)
    document = application.documents.get()
    client = login(applying.world.citizen)
    response = client.post(reverse("applications:document-remove", args=[document.pk]), follow=True)
    assert "is required: attach the new file first" in response.content.decode()
    assert application.documents.count() == 1
    # With a newer file under the same name the old one may go.
    client.post(reverse("applications:edit", args=[application.pk]), applying.post(document_0=pdf_upload("new.pdf")))
    assert application.documents.count() == 2
    client.post(reverse("applications:document-remove", args=[document.pk]))
    assert list(application.documents.values_list("filename", flat=True)) == ["new.pdf"]


def test_continue_wants_where_one_lives_or_works(login, applying):
    response = login(applying.world.citizen).post(apply_url(applying), applying.post(lives_in=""))
    assert response.status_code == 400
    assert "Say where you live or where you work" in str(response.context["form"].errors["lives_in"])
    assert not Application.objects.exists()
    response = login(applying.world.citizen).post(apply_url(applying), applying.post(lives_in="", works_in="015108"))
    assert response.status_code == 302


def test_a_withdrawn_application_says_so_on_its_form(login, applying):
    application = A.application_withdraw(application=started(applying), by=applying.world.citizen)
    page = login(applying.world.citizen).get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "This application has been withdrawn." in page and 'name="continua"' not in page
