"""Providers edit their services, alliance staff moderate: the write side (services).

The state machine of a revision (`ServiceRevision.state`):

    draft ──submit──► submitted ──approve──► approved   (payload copied onto the live service)
      ▲  │                │  └─────reject──► rejected   (comment required; the next edit starts from it)
      │  └──discard──► withdrawn
      └──────withdraw─────┘                             (the provider takes it back to change it)

The live service (`Service.state`): draft while it has never been approved, submitted while
its first revision waits, published after an approval, archived when its provider takes it
off line. Archiving needs no moderator: withdrawing information from families is always
safe and must be quick when a service stops. Publishing it again goes through a revision.

Every function checks access itself (directory/access.py), locks the service row, re-reads
the revision under that lock (two moderators approving at once: one applies, the other is
told it was already decided), and writes an audit record with before/after.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergie.audit.services import audit_record, snapshot
from sinergie.directory import access
from sinergie.directory.models import (
    OPEN_REVISION_STATES,
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    RevisionState,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    ServiceRevision,
    TaxonomyTerm,
)
from sinergie.directory.revisions import SCALAR_FIELDS, service_payload
from sinergie.directory.search_index import deferred_reindex
from sinergie.lib.tasks import send_email
from sinergie.organizations.models import Membership, Organization, Role
from sinergie.territory.models import Municipality

ERROR_NOT_DRAFT = gettext_lazy("Only a draft can be changed or submitted; this revision is %(state)s.")
ERROR_NOT_SUBMITTED = gettext_lazy("Only a revision waiting for moderation can be decided; this one is %(state)s.")
ERROR_SUBMITTED_PENDING = gettext_lazy(
    "A revision of this service is waiting for moderation: withdraw it before changing it again."
)
ERROR_COMMENT_REQUIRED = gettext_lazy("Say what the provider should change: a comment is required to return it.")
ERROR_COMMENT_TOO_LONG = gettext_lazy("Keep the comment within %(limit)d characters.")
ERROR_OWN_REVISION = gettext_lazy("You wrote this revision: another moderator has to decide on it.")
ERROR_NOT_PUBLISHED = gettext_lazy("Only a published service can be archived.")
ERROR_NO_CHANGES = gettext_lazy("This revision changes nothing in the published service.")
ERROR_NOT_PROVIDER = gettext_lazy("Services belong to service providers.")

ERROR_UNKNOWN_MUNICIPALITY = gettext_lazy("The new location's municipality (ISTAT code %(code)s) no longer exists.")

MAX_COMMENT_LENGTH = 4000
REVISION_FIELDS = ("state", "moderator_id", "moderator_comment", "submitted_at", "decided_at")


# --- Applying a payload to the live rows ------------------------------------------------------


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _time(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


def _new_location(organization: Organization, data: dict[str, Any]) -> Location:
    municipality = Municipality.objects.filter(istat_code=data.get("municipality")).first()
    if municipality is None:
        # The form checked it; the territory could have been reloaded since.
        raise ValidationError(ERROR_UNKNOWN_MUNICIPALITY % {"code": data.get("municipality")}, code="municipality")
    location = Location(
        organization=organization,
        name=data["name"],
        address_1=data["address_1"],
        postal_code=data.get("postal_code") or "",
        municipality=municipality,
        latitude=float(data["latitude"]),
        longitude=float(data["longitude"]),
        accessibility_it=data.get("accessibility_it") or "",
        accessibility_en=data.get("accessibility_en") or "",
    )
    location.full_clean()
    location.save()
    return location


def payload_apply(service: Service, payload: dict[str, Any]) -> None:
    """Make the live service and its children say exactly what `payload` says.

    Called inside the caller's transaction with the service row locked. Sites of locations
    kept keep their own opening hours; new locations are created for the provider.
    """
    # Children are replaced in bulk (no signals): the search rows follow once, at the end.
    with deferred_reindex():
        for name in SCALAR_FIELDS:
            if name in payload:
                setattr(service, name, payload[name])
        service.full_clean(exclude=["categories"])
        service.save()
        service.categories.set(TaxonomyTerm.objects.filter(code__in=payload.get("categories", [])))

        service.costs.all().delete()
        CostOption.objects.bulk_create(
            CostOption(
                service=service,
                option_it=cost["option_it"],
                option_en=cost.get("option_en") or "",
                amount_cents=cost.get("amount_cents"),
                unit=cost.get("unit") or "week",
                valid_from=_date(cost.get("valid_from")),
                valid_to=_date(cost.get("valid_to")),
            )
            for cost in payload.get("costs", [])
        )

        service.schedules.all().delete()
        for row in payload.get("schedules", []):
            schedule = Schedule.objects.create(
                service=service,
                byday=row["byday"],
                opens_at=_time(row["opens_at"]),
                closes_at=_time(row["closes_at"]),
                valid_from=_date(row.get("valid_from")),
                valid_to=_date(row.get("valid_to")),
                description_it=row.get("description_it") or "",
                description_en=row.get("description_en") or "",
            )
            ScheduleException.objects.bulk_create(
                ScheduleException(
                    schedule=schedule,
                    start=_date(exception["start"]),
                    end=_date(exception["end"]),
                    closed=exception.get("closed", True),
                    opens_at=_time(exception.get("opens_at")),
                    closes_at=_time(exception.get("closes_at")),
                    note=exception.get("note") or "",
                )
                for exception in row.get("exceptions", [])
            )

        service.closure_availability.all().delete()
        ClosureAvailability.objects.bulk_create(
            ClosureAvailability(
                service=service,
                period=row["period"],
                start=_date(row["start"]),
                end=_date(row["end"]),
                note=row.get("note") or "",
            )
            for row in payload.get("closures", [])
        )

        wanted: dict[str, str] = {}
        for site in payload.get("sites", []):
            if site.get("new_location"):
                location = _new_location(service.organization, site["new_location"])
                wanted[str(location.pk)] = site.get("description") or ""
            # Only the provider's own locations: a payload cannot move a service into someone else's.
            elif (
                site.get("location")
                and Location.objects.filter(pk=site["location"], organization=service.organization_id).exists()
            ):
                wanted[str(site["location"])] = site.get("description") or ""
        for existing in service.sites.all():
            if str(existing.location_id) not in wanted:
                existing.delete()
            else:
                description = wanted.pop(str(existing.location_id))
                if existing.description != description:
                    existing.description = description
                    existing.save(update_fields=["description"])
        for location_id, description in wanted.items():
            ServiceAtLocation.objects.create(service=service, location_id=location_id, description=description)


# --- E-mail -----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(recipients: list[str], subject: str, body: str) -> None:
    if recipients:
        # After commit: a rolled-back decision must not announce itself.
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))


def _provider_addresses(service: Service) -> list[str]:
    return sorted(
        Membership.objects.filter(organization_id=service.organization_id, role=Role.PROVIDER_STAFF)
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def _moderator_addresses(service: Service) -> list[str]:
    alliances = access.alliances_moderating(service.organization)
    return sorted(
        Membership.objects.filter(organization__alliance__in=alliances, role=Role.ALLIANCE_STAFF, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def _notify_submitted(revision: ServiceRevision) -> None:
    service = revision.service
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Sinergie: %(service)s is waiting for moderation") % {"service": revision.payload.get("name_it")}
        body = _("%(provider)s submitted changes to “%(service)s”.\n\nReview them: %(url)s\n") % {
            "provider": service.organization.name,
            "service": revision.payload.get("name_it"),
            "url": _absolute(reverse("directory-manage:review", args=[revision.pk])),
        }
    _mail(_moderator_addresses(service), subject, body)


def _notify_decided(revision: ServiceRevision) -> None:
    service = revision.service
    with translation.override(settings.LANGUAGE_CODE):
        if revision.state == RevisionState.APPROVED:
            subject = _("Sinergie: your changes to %(service)s are published") % {"service": service.name_it}
            body = _("The alliance approved your changes to “%(service)s”: families see them now.\n\n%(url)s\n")
        else:
            subject = _("Sinergie: your changes to %(service)s need another look") % {"service": service.name_it}
            body = _(
                "The alliance returned your changes to “%(service)s” with this comment:\n\n%(comment)s\n\n"
                "Change them and submit again: %(url)s\n"
            )
        body = body % {
            "service": revision.payload.get("name_it") or service.name_it,
            "comment": revision.moderator_comment,
            "url": _absolute(reverse("directory-manage:history", args=[service.pk])),
        }
    _mail(_provider_addresses(service), subject, body)


# --- Locks and checks -------------------------------------------------------------------------


def _locked(revision: ServiceRevision) -> tuple[Service, ServiceRevision]:
    """The service row locked, then the revision as it is now (another request may have moved it)."""
    service = Service.objects.select_for_update().select_related("organization").get(pk=revision.service_id)
    current = ServiceRevision.objects.select_for_update().get(pk=revision.pk)
    current.service = service
    return service, current


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _state_error(message: Any, revision: ServiceRevision) -> ValidationError:
    return ValidationError(message % {"state": revision.get_state_display()}, code="state")


def _audit_revision(
    actor: Any, action: str, revision: ServiceRevision, before: dict[str, Any], request: Any, note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=revision.service,
        before=before,
        after=snapshot(revision, REVISION_FIELDS),
        note=note or f"revision {revision.pk}",
        request=request,
    )


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def service_create(
    *, actor: Any, organization: Organization, payload: dict[str, Any], request: Any = None
) -> ServiceRevision:
    """A new service starts unpublished (state draft) with its first revision as a draft."""
    _require(access.can_edit_services_of(actor, organization.pk))
    if organization.kind != "provider":
        raise ValidationError(ERROR_NOT_PROVIDER, code="kind")
    service = Service(organization=organization, state=ModerationState.DRAFT)
    # The row holds the first draft too (nobody but its editors and moderators sees it),
    # except new locations: those are created once, on approval.
    payload_apply(service, {**payload, "sites": [site for site in payload.get("sites", []) if site.get("location")]})
    revision = ServiceRevision.objects.create(service=service, author=actor, payload=payload)
    audit_record(
        actor=actor,
        action="directory.service.create",
        obj=service,
        after={**snapshot(service, ["state", "organization_id"]), **payload},
        note=f"revision {revision.pk}",
        request=request,
    )
    return revision


@transaction.atomic
def revision_save(*, actor: Any, service: Service, payload: dict[str, Any], request: Any = None) -> ServiceRevision:
    """Save the provider's edit as the service's draft revision; the live service is untouched."""
    _require(access.can_edit(actor, service))
    service = Service.objects.select_for_update().get(pk=service.pk)
    revision = (
        ServiceRevision.objects.select_for_update().filter(service=service, state__in=OPEN_REVISION_STATES).first()
    )
    if revision is not None and revision.state == RevisionState.SUBMITTED:
        raise ValidationError(ERROR_SUBMITTED_PENDING, code="state")
    if revision is None:
        revision = ServiceRevision.objects.create(service=service, author=actor, payload=payload)
        action, before = "directory.revision.create", {}
    else:
        before = {"payload": revision.payload}
        revision.payload = payload
        revision.author = actor
        revision.save(update_fields=["payload", "author", "updated_at"])
        action = "directory.revision.update"
    audit_record(
        actor=actor,
        action=action,
        obj=service,
        before=before,
        after={"payload": payload},
        note=f"revision {revision.pk}",
        request=request,
    )
    return revision


@transaction.atomic
def revision_submit(*, actor: Any, revision: ServiceRevision, request: Any = None) -> ServiceRevision:
    """A draft goes to the alliance's moderators; a revision that changes nothing is refused."""
    service, revision = _locked(revision)
    _require(access.can_edit(actor, service))
    if revision.state != RevisionState.DRAFT:
        raise _state_error(ERROR_NOT_DRAFT, revision)
    if service.state in (ModerationState.PUBLISHED, ModerationState.ARCHIVED):
        from sinergie.directory.revisions import payload_equal

        if service.state == ModerationState.PUBLISHED and payload_equal(service_payload(service), revision.payload):
            raise ValidationError(ERROR_NO_CHANGES, code="unchanged")
    before = snapshot(revision, REVISION_FIELDS)
    revision.state = RevisionState.SUBMITTED
    revision.submitted_at = timezone.now()
    revision.save(update_fields=["state", "submitted_at", "updated_at"])
    if service.state == ModerationState.DRAFT:
        service.state = ModerationState.SUBMITTED
        service.save(update_fields=["state", "updated_at"])
    _audit_revision(actor, "directory.revision.submit", revision, before, request)
    _notify_submitted(revision)
    return revision


@transaction.atomic
def revision_withdraw(*, actor: Any, revision: ServiceRevision, request: Any = None) -> ServiceRevision:
    """The provider takes a submitted revision back to change it (it leaves the queue)."""
    service, revision = _locked(revision)
    _require(access.can_edit(actor, service))
    if revision.state != RevisionState.SUBMITTED:
        raise _state_error(ERROR_NOT_SUBMITTED, revision)
    before = snapshot(revision, REVISION_FIELDS)
    revision.state = RevisionState.DRAFT
    revision.submitted_at = None
    revision.save(update_fields=["state", "submitted_at", "updated_at"])
    if service.state == ModerationState.SUBMITTED:
        service.state = ModerationState.DRAFT
        service.save(update_fields=["state", "updated_at"])
    _audit_revision(actor, "directory.revision.withdraw", revision, before, request)
    return revision


@transaction.atomic
def revision_discard(*, actor: Any, revision: ServiceRevision, request: Any = None) -> ServiceRevision:
    """The provider drops a draft; the live service stays as it is."""
    service, revision = _locked(revision)
    _require(access.can_edit(actor, service))
    if revision.state != RevisionState.DRAFT:
        raise _state_error(ERROR_NOT_DRAFT, revision)
    before = snapshot(revision, REVISION_FIELDS)
    revision.state = RevisionState.WITHDRAWN
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "decided_at", "updated_at"])
    _audit_revision(actor, "directory.revision.discard", revision, before, request)
    return revision


def _check_comment(comment: str) -> None:
    """A moderator's comment fits its column: not too long, and no NUL, which PostgreSQL refuses
    in text (it was a server error; the comment comes straight from the request)."""
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": ERROR_COMMENT_TOO_LONG % {"limit": MAX_COMMENT_LENGTH}})
    try:
        ProhibitNullCharactersValidator()(comment)
    except ValidationError as error:
        raise ValidationError({"comment": error}) from None


@transaction.atomic
def revision_approve(
    *, actor: Any, revision: ServiceRevision, comment: str = "", request: Any = None
) -> ServiceRevision:
    """Copy the revision onto the live service atomically and publish it.

    Two moderators approving at once: the second waits for the lock, then finds the
    revision approved and is told so; the payload is applied once.
    """
    _check_comment(comment)
    service, revision = _locked(revision)
    _require(access.can_moderate(actor, service))
    if revision.state != RevisionState.SUBMITTED:
        raise _state_error(ERROR_NOT_SUBMITTED, revision)
    if revision.author_id == getattr(actor, "pk", None):
        raise ValidationError(ERROR_OWN_REVISION, code="four_eyes")
    before = {"state": service.state, **service_payload(service)}
    payload_apply(service, revision.payload)
    service.state = ModerationState.PUBLISHED
    service.save(update_fields=["state", "updated_at"])
    revision.state = RevisionState.APPROVED
    revision.moderator = actor
    revision.moderator_comment = comment.strip()
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "moderator", "moderator_comment", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="directory.revision.approve",
        obj=service,
        before=before,
        after={"state": service.state, **service_payload(service)},
        note=f"revision {revision.pk}",
        request=request,
    )
    _notify_decided(revision)
    return revision


@transaction.atomic
def revision_reject(*, actor: Any, revision: ServiceRevision, comment: str, request: Any = None) -> ServiceRevision:
    """Return a submitted revision to its provider with a comment saying what to change."""
    if not comment.strip():
        raise ValidationError({"comment": ERROR_COMMENT_REQUIRED})
    _check_comment(comment)
    service, revision = _locked(revision)
    _require(access.can_moderate(actor, service))
    if revision.state != RevisionState.SUBMITTED:
        raise _state_error(ERROR_NOT_SUBMITTED, revision)
    if revision.author_id == getattr(actor, "pk", None):
        raise ValidationError(ERROR_OWN_REVISION, code="four_eyes")
    before = snapshot(revision, REVISION_FIELDS)
    revision.state = RevisionState.REJECTED
    revision.moderator = actor
    revision.moderator_comment = comment.strip()
    revision.decided_at = timezone.now()
    revision.save(update_fields=["state", "moderator", "moderator_comment", "decided_at", "updated_at"])
    if service.state == ModerationState.SUBMITTED:
        service.state = ModerationState.DRAFT
        service.save(update_fields=["state", "updated_at"])
    _audit_revision(actor, "directory.revision.reject", revision, before, request)
    _notify_decided(revision)
    return revision


@transaction.atomic
def service_archive(*, actor: Any, service: Service, request: Any = None) -> Service:
    """The provider takes a published service off line at once (no moderation needed)."""
    _require(access.can_edit(actor, service))
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.state != ModerationState.PUBLISHED:
        raise ValidationError(ERROR_NOT_PUBLISHED, code="state")
    before = snapshot(service, ["state"])
    service.state = ModerationState.ARCHIVED
    service.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="directory.service.archive",
        obj=service,
        before=before,
        after=snapshot(service, ["state"]),
        request=request,
    )
    return service
