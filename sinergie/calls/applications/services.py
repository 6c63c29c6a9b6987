"""Applying to a call: a draft saved and resumed, submission with a protocol number before the
deadline, changes and withdrawal until then, and the documents that go with it.

Every service runs in one transaction, locks the application it changes, writes an audit event
and refuses with `ApplicationError` (a `ValidationError` keyed by the field at fault) before
writing anything. Deadlines are instants (`Call.opens_at`, `closes_at`); protocol years and the
dates people read are in Europe/Rome.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.calls.design import design_of
from sinergie.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Call,
    CallState,
    DocumentKind,
    ProtocolCounter,
)
from sinergie.lib import privacy
from sinergie.lib.errors import FieldError, refusal_text
from sinergie.lib.tasks import send_email
from sinergie.organizations.models import Organization

ROME = ZoneInfo("Europe/Rome")

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 20
MAX_ANSWERS_BYTES = 20_000
MAX_NAME_LENGTH = 120
# What a file's first bytes say it is, whatever its name claims.
SIGNATURES = [
    (b"%PDF-", DocumentKind.PDF),
    (b"\x89PNG\r\n\x1a\n", DocumentKind.PNG),
    (b"\xff\xd8\xff", DocumentKind.JPEG),
]
EXTENSIONS = {DocumentKind.PDF: {".pdf"}, DocumentKind.PNG: {".png"}, DocumentKind.JPEG: {".jpg", ".jpeg"}}

CALL_NOT_OPEN = _("This call is not taking applications now.")
CALL_NOT_OPEN_YET = _("This call opens on %(opens)s.")
DEADLINE_PASSED = _("The deadline was %(closes)s: applications can no longer be sent or changed.")
ALREADY_APPLIED = _("You have already applied to this call: open your application to change it.")
ALREADY_SUBMITTED = _("This application has already been sent (protocol %(protocol)s).")
WITHDRAWN = _("This application has been withdrawn.")
ANSWERS_NOT_AN_OBJECT = _("The answers are not in the expected form.")
ANSWERS_TOO_LONG = _("The answers are too long.")
NOT_A_COMPANY = _("Choose a company.")
DOCUMENT_NAME_MISSING = _("Say which document this is.")
DOCUMENT_NAME_TOO_LONG = _("The document's name is too long (at most %(maximum)s characters).")
DOCUMENT_EMPTY = _("The file is empty.")
DOCUMENT_TOO_LARGE = _("The file is larger than %(maximum)s MB.")
DOCUMENT_NOT_ACCEPTED = _("Only PDF files and PNG or JPEG images are accepted.")
DOCUMENT_NAME_MISMATCH = _("The file's name says %(extension)s but its content is a %(kind)s: check the file.")
TOO_MANY_DOCUMENTS = _("An application can have at most %(maximum)s documents.")
DOCUMENT_STILL_REQUIRED = _("“%(name)s” is required: attach the new file first, then remove this one.")
DOCUMENT_MISSING = _("Attach the required document “%(name)s” before sending the application.")


class ApplicationError(FieldError):
    """A refused step of an application: the message names the field at fault; nothing was written."""


def rome_text(moment: datetime.datetime) -> str:
    """An instant as people in Italy read it: 31/12/2026 12:00."""
    return moment.astimezone(ROME).strftime("%d/%m/%Y %H:%M")


def _check_open(call: Call, now: datetime.datetime) -> None:
    if call.state != CallState.PUBLISHED:
        raise ApplicationError("call", CALL_NOT_OPEN, code="call_not_open")
    if now < call.opens_at:
        raise ApplicationError("call", CALL_NOT_OPEN_YET, {"opens": rome_text(call.opens_at)}, code="call_not_open_yet")
    if now >= call.closes_at:
        raise ApplicationError("call", DEADLINE_PASSED, {"closes": rome_text(call.closes_at)}, code="deadline_passed")


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",)).select_related("call", "applicant").get(pk=application.pk)
    )


def _check_changeable(application: Application, now: datetime.datetime) -> None:
    if application.state == ApplicationState.WITHDRAWN:
        raise ApplicationError("application", WITHDRAWN, code="withdrawn")
    _check_open(application.call, now)


def _mail(application: Application, subject: str, body: str) -> None:
    address = application.applicant.email
    if address:
        # After commit: a rolled-back step must not announce itself.
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[address]))


def _mail_changed(application: Application, now: datetime.datetime) -> None:
    _mail(
        application,
        str(_("Application changed: protocol %(protocol)s") % {"protocol": application.protocol}),
        str(
            _(
                "Your application %(protocol)s to “%(call)s” was changed on %(when)s. "
                "Its protocol number stays the same."
            )
            % {"protocol": application.protocol, "call": application.call.title_it, "when": rome_text(now)}
        ),
    )


def required_documents(call: Call) -> list[dict[str, Any]]:
    """The documents the call's design says every application must carry."""
    return [document for document in design_of(call).documents if document.get("mandatory")]


def missing_documents(application: Application) -> list[dict[str, Any]]:
    """The required documents with no file attached under their name yet."""
    attached = set(application.documents.values_list("name", flat=True))
    return [document for document in required_documents(application.call) if document["name_it"] not in attached]


def _check_answers(answers: Any) -> dict[str, Any]:
    if not isinstance(answers, dict) or not all(isinstance(key, str) for key in answers):
        raise ApplicationError("answers", ANSWERS_NOT_AN_OBJECT, code="answers_not_an_object")
    try:
        size = len(json.dumps(answers, ensure_ascii=False))
    except (TypeError, ValueError):
        raise ApplicationError("answers", ANSWERS_NOT_AN_OBJECT, code="answers_not_an_object") from None
    if size > MAX_ANSWERS_BYTES:
        raise ApplicationError("answers", ANSWERS_TOO_LONG, code="answers_too_long")
    return answers


def application_start(
    *,
    call: Call,
    applicant: Any,
    by: Any,
    organization: Organization | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """A new draft application of `applicant` to an open call. `by` other than the applicant is
    an information-point operator filling it in for them (recorded as `assisted_by`)."""
    now = now or timezone.now()
    _check_open(call, now)
    if organization is not None and organization.kind != "company":
        raise ApplicationError("organization", NOT_A_COMPANY, code="not_a_company")
    if Application.objects.filter(call=call, applicant=applicant).exclude(state=ApplicationState.WITHDRAWN).exists():
        raise ApplicationError("call", ALREADY_APPLIED, code="already_applied")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                applicant=applicant,
                organization=organization,
                assisted_by=None if by == applicant else by,
            )
    except IntegrityError:  # the same applicant, at the same moment, in another request
        raise ApplicationError("call", ALREADY_APPLIED, code="already_applied") from None
    audit_record(
        actor=by,
        action="calls.application_start",
        obj=application,
        after={"call": call.pk, "state": application.state, "assisted": application.assisted_by_id is not None},
        request=request,
    )
    if application.assisted_by_id is not None:
        body = _(
            "An information point has started an application to “%(call)s” for you. You can read and "
            "change it from “My applications” until the deadline, %(closes)s."
        )
    else:
        body = _(
            "You have started an application to “%(call)s”. It is a draft: send it before the deadline, %(closes)s."
        )
    _mail(
        application,
        str(_("Application started: %(call)s") % {"call": call.title_it}),
        str(body % {"call": call.title_it, "closes": rome_text(call.closes_at)}),
    )
    return application


@transaction.atomic
def application_save(
    *,
    application: Application,
    answers: Any,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Replace the application's answers (a draft, or a sent application before the deadline)."""
    now = now or timezone.now()
    answers = _check_answers(answers)
    application = _locked(application)
    _check_changeable(application, now)
    before = sorted(application.answers)
    application.answers = answers
    application.save(update_fields=["answers", "updated_at"])
    # The trail says which answers exist, not what they say (they may be personal).
    audit_record(
        actor=by,
        action="calls.application_save",
        obj=application,
        before={"answered": before},
        after={"answered": sorted(answers)},
        request=request,
    )
    if application.state == ApplicationState.SUBMITTED:
        _mail_changed(application, now)
    return application


def _next_protocol(call: Call, year: int) -> int:
    ProtocolCounter.objects.get_or_create(call=call, year=year)
    counter = ProtocolCounter.objects.select_for_update().get(call=call, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def application_submit(
    *,
    application: Application,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Send a draft before the deadline: it gets the next protocol number of its call and year
    (in Europe/Rome) and the applicant a receipt by e-mail."""
    now = now or timezone.now()
    application = _locked(application)
    if application.state == ApplicationState.SUBMITTED:
        raise ApplicationError(
            "application", ALREADY_SUBMITTED, {"protocol": application.protocol}, code="already_submitted"
        )
    _check_changeable(application, now)
    missing = missing_documents(application)
    if missing:
        raise ApplicationError("documents", DOCUMENT_MISSING, {"name": missing[0]["name_it"]}, code="document_missing")
    year = now.astimezone(ROME).year
    application.protocol_year = year
    application.protocol_sequence = _next_protocol(application.call, year)
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = now
    # The review page that sends it links the applications' privacy notice (GDPR art. 13).
    application.privacy_notice_version = privacy.current("applications").cited
    application.save(
        update_fields=[
            "protocol_year",
            "protocol_sequence",
            "state",
            "submitted_at",
            "privacy_notice_version",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="calls.application_submit",
        obj=application,
        before={"state": ApplicationState.DRAFT},
        after={
            "state": application.state,
            "protocol": application.protocol,
            "privacy_notice_version": application.privacy_notice_version,
        },
        request=request,
    )
    _mail(
        application,
        str(_("Application received: protocol %(protocol)s") % {"protocol": application.protocol}),
        str(
            _("Your application to “%(call)s” was received on %(when)s with protocol number %(protocol)s.")
            % {"call": application.call.title_it, "when": rome_text(now), "protocol": application.protocol}
        ),
    )
    return application


@transaction.atomic
def application_withdraw(
    *,
    application: Application,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Withdraw an application before the deadline (a sent one keeps its protocol number)."""
    now = now or timezone.now()
    application = _locked(application)
    _check_changeable(application, now)
    before = application.state
    application.state = ApplicationState.WITHDRAWN
    application.withdrawn_at = now
    application.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(
        actor=by,
        action="calls.application_withdraw",
        obj=application,
        before={"state": before},
        after={"state": application.state},
        request=request,
    )
    if before == ApplicationState.SUBMITTED:
        _mail(
            application,
            str(_("Application withdrawn: protocol %(protocol)s") % {"protocol": application.protocol}),
            str(_("Your application %(protocol)s has been withdrawn.") % {"protocol": application.protocol}),
        )
    return application


def document_kind(filename: str, content: bytes) -> str:
    """The document's type from its first bytes, checked against its name; raises ApplicationError."""
    kind = next((kind for signature, kind in SIGNATURES if content.startswith(signature)), None)
    if kind is None:
        raise ApplicationError("file", DOCUMENT_NOT_ACCEPTED, code="document_not_accepted")
    extension = PurePath(filename).suffix.lower()
    if extension not in EXTENSIONS[kind]:
        raise ApplicationError(
            "file",
            DOCUMENT_NAME_MISMATCH,
            {"extension": extension or "-", "kind": DocumentKind(kind).label},
            code="document_name_mismatch",
        )
    return kind


@transaction.atomic
def document_attach(
    *,
    application: Application,
    name: str,
    filename: str,
    content: bytes,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> ApplicationDocument:
    """Attach a PDF or an image (its content decides, not its name) to an application that can
    still change."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise ApplicationError("name", DOCUMENT_NAME_MISSING, code="document_name_missing")
    if len(name) > MAX_NAME_LENGTH:
        raise ApplicationError(
            "name", DOCUMENT_NAME_TOO_LONG, {"maximum": MAX_NAME_LENGTH}, code="document_name_too_long"
        )
    if not content:
        raise ApplicationError("file", DOCUMENT_EMPTY, code="document_empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ApplicationError(
            "file", DOCUMENT_TOO_LARGE, {"maximum": MAX_DOCUMENT_BYTES // (1024 * 1024)}, code="document_too_large"
        )
    kind = document_kind(filename, content)
    application = _locked(application)
    _check_changeable(application, now)
    if application.documents.count() >= MAX_DOCUMENTS:
        raise ApplicationError("file", TOO_MANY_DOCUMENTS, {"maximum": MAX_DOCUMENTS}, code="too_many_documents")
    document = ApplicationDocument.objects.create(
        application=application,
        name=name,
        filename=PurePath(filename).name[:255],
        content_type=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    audit_record(
        actor=by,
        action="calls.document_attach",
        obj=application,
        after={"document": str(document.pk), "name": name, "type": kind, "size": len(content)},
        request=request,
    )
    return document


@transaction.atomic
def document_remove(
    *,
    document: ApplicationDocument,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Remove a document from an application that can still change; a sent application keeps at
    least one file for each required document (it was sent with them)."""
    now = now or timezone.now()
    application = _locked(document.application)
    _check_changeable(application, now)
    if application.state == ApplicationState.SUBMITTED:
        required = {d["name_it"] for d in required_documents(application.call)}
        others = application.documents.filter(name=document.name).exclude(pk=document.pk)
        if document.name in required and not others.exists():
            raise ApplicationError(
                "document", DOCUMENT_STILL_REQUIRED, {"name": document.name}, code="document_still_required"
            )
    audit_record(
        actor=by,
        action="calls.document_remove",
        obj=application,
        before={"document": str(document.pk), "name": document.name},
        request=request,
    )
    document.delete()
    if application.state == ApplicationState.SUBMITTED:
        _mail_changed(application, now)


DESIGN_TYPES = {"pdf": {DocumentKind.PDF}, "image": {DocumentKind.PNG, DocumentKind.JPEG}}
DOCUMENT_WRONG_TYPE_PDF = _("This document must be a PDF file.")
DOCUMENT_WRONG_TYPE_IMAGE = _("This document must be a PNG or JPEG image.")


def _check_design_type(types: list[str] | None, filename: str, content: bytes) -> None:
    """The call may ask for a document as a PDF only, or as an image only."""
    if not types or not content or len(content) > MAX_DOCUMENT_BYTES:
        return  # document_attach gives these their own message
    kind = document_kind(filename, content)
    allowed = set().union(*(DESIGN_TYPES.get(t, set()) for t in types))
    if kind not in allowed:
        raise ApplicationError(
            "file",
            DOCUMENT_WRONG_TYPE_PDF if "pdf" in types else DOCUMENT_WRONG_TYPE_IMAGE,
            code="document_wrong_type",
        )


def application_fill(
    *,
    call: Call,
    application: Application | None,
    answers: Any,
    uploads: list[tuple[str, str, str, bytes]],
    by: Any,
    applicant: Any = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Start (when `application` is None) or update an application with its answers and new files,
    all or nothing: a refused file undoes the answers too. `uploads` are (form field, document
    name, file name, content); a refused file's error is keyed by its form field."""
    with transaction.atomic():
        if application is None:
            application = application_start(call=call, applicant=applicant or by, by=by, now=now, request=request)
        application = application_save(application=application, answers=answers, by=by, now=now, request=request)
        types_by_name = {str(d.get("name_it")): d.get("types") or [] for d in design_of(call).documents}
        for field, name, filename, content in uploads:
            try:
                _check_design_type(types_by_name.get(name), filename, content)
                document_attach(
                    application=application,
                    name=name,
                    filename=filename,
                    content=content,
                    by=by,
                    now=now,
                    request=request,
                )
            except ApplicationError as error:
                raise ApplicationError(field, refusal_text(error), code=error.code) from None
    return application
