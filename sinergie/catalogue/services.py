"""State changes of the catalogue import: keep the upload, preview it, apply it all-or-nothing.

The rules:
- nothing is saved while any row has an error; the file is read and checked again when the
  import is confirmed (it is never trusted from the client, and the data may have changed);
- services and places are matched by (provider, external_id): importing the same file twice
  changes nothing, an edited file updates what changed; a changed service's opening hours,
  prices, closure dates, places and categories are replaced to match the file; services and
  places the file does not mention are left alone;
- imported services are published (only alliance staff and admins import) and every change
  is in the audit trail, one record per service and one for the batch with its counts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.catalogue.importing import read_table, validate
from sinergie.catalogue.models import BatchStatus, ImportBatch
from sinergie.catalogue.records import ImportFileError, LocationData, Plan, RowError, ServiceData
from sinergie.catalogue.selectors import (
    existing_locations,
    existing_services,
    location_state,
    lookups_for,
    service_state,
)
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    CostUnit,
    Location,
    ModerationState,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.directory.search_index import deferred_reindex
from sinergie.organizations.models import Organization
from sinergie.territory.models import Municipality

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SERVICE_FIELDS = [
    "kind",
    "name_it",
    "name_en",
    "description_it",
    "description_en",
    "minimum_age_months",
    "maximum_age_months",
    "capacity",
    "email",
    "phone",
    "url",
    "accepts_vouchers",
]


def catalogue_check(
    *, organization: Organization, data: bytes, filename: str = "", progress: Progress | None = None
) -> Plan:
    """Read and check a file for `organization`: a plan with every error (reads only)."""
    try:
        table = read_table(data, filename)
    except ImportFileError as error:
        return Plan(errors=[RowError(None, "", error.message)])
    return validate(table, lookups_for(table), organization_slug=organization.slug, progress=progress)


@dataclass
class RowPreview:
    row: int
    external_id: str
    location_external_id: str
    name: str
    service_action: str
    location_action: str


@dataclass
class Preview:
    plan: Plan
    rows: list[RowPreview] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)  # external_id -> action
    locations: dict[str, str] = field(default_factory=dict)

    def count(self, what: str, action: str) -> int:
        return sum(1 for value in getattr(self, what).values() if value == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            f"{what}_{action}": self.count(what, action)
            for what in ("services", "locations")
            for action in (CREATE, UPDATE, UNCHANGED)
        }


def catalogue_preview(*, organization: Organization, plan: Plan) -> Preview:
    """What confirming `plan` would do, per row: create, update or leave unchanged (reads only)."""
    preview = Preview(plan=plan)
    if not plan.ok:
        return preview
    stored_locations = existing_locations(organization, list(plan.locations))
    for external_id, location in plan.locations.items():
        stored = stored_locations.get(external_id)
        preview.locations[external_id] = (
            CREATE if stored is None else UNCHANGED if location_state(stored) == location else UPDATE
        )
    stored_services = existing_services(organization, list(plan.services))
    for external_id, service in plan.services.items():
        preview.services[external_id] = _service_action(stored_services.get(external_id), service)
    for number, external_id, location_id in plan.rows:
        preview.rows.append(
            RowPreview(
                row=number,
                external_id=external_id,
                location_external_id=location_id,
                name=plan.services[external_id].name_it,
                service_action=preview.services[external_id],
                location_action=preview.locations.get(location_id, ""),
            )
        )
    return preview


def _service_action(stored: Service | None, wanted: ServiceData) -> str:
    if stored is None:
        return CREATE
    if stored.state != ModerationState.PUBLISHED or service_state(stored) != wanted:
        return UPDATE
    return UNCHANGED


@transaction.atomic
def catalogue_import_apply(
    *,
    organization: Organization,
    plan: Plan,
    actor: Any,
    batch: ImportBatch,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Save a checked plan, all or nothing; returns the counts. Raises ValueError on a plan with errors."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be applied")
    # Two imports for the same provider run one after the other: the second then sees what the
    # first created instead of failing on the unique code.
    # Children are written in bulk (no signals): the search rows follow once, at the end.
    with deferred_reindex():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        note = f"catalogue import {batch.pk}"
        counts = {f"{what}_{action}": 0 for what in ("services", "locations") for action in (CREATE, UPDATE, UNCHANGED)}
        municipalities = dict(
            Municipality.objects.filter(
                istat_code__in={location.municipality_istat for location in plan.locations.values()}
            ).values_list("istat_code", "pk")
        )
        stored_locations = existing_locations(organization, list(plan.locations))
        locations: dict[str, Location] = {}
        for external_id, wanted in plan.locations.items():
            stored = stored_locations.get(external_id)
            action, locations[external_id] = _location_save(
                organization, stored, wanted, municipalities, actor=actor, note=note
            )
            counts[f"locations_{action}"] += 1
        terms = dict(TaxonomyTerm.objects.values_list("code", "pk"))
        stored_services = existing_services(organization, list(plan.services))
        total = len(plan.services)
        for done, (external_id, wanted) in enumerate(plan.services.items(), start=1):
            stored = stored_services.get(external_id)
            action = _service_action(stored, wanted)
            counts[f"services_{action}"] += 1
            if action != UNCHANGED:
                _service_save(organization, stored, wanted, locations, terms, actor=actor, note=note, action=action)
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
    audit_record(actor=actor, action="catalogue.import", obj=batch, after={"organization": organization.pk, **counts})
    return counts


def _location_save(
    organization: Organization,
    stored: Location | None,
    wanted: LocationData,
    municipalities: dict[str, int],
    *,
    actor: Any,
    note: str,
) -> tuple[str, Location]:
    if stored is not None and location_state(stored) == wanted:
        return UNCHANGED, stored
    location = stored or Location(organization=organization, external_id=wanted.external_id)
    before = snapshot(location) if stored is not None else {}
    location.name = wanted.name
    location.address_1 = wanted.address
    location.postal_code = wanted.postal_code
    location.municipality_id = municipalities[wanted.municipality_istat]
    location.latitude = wanted.latitude
    location.longitude = wanted.longitude
    location.full_clean(exclude=["organization", "municipality"], validate_unique=False, validate_constraints=False)
    location.save()
    action = CREATE if stored is None else UPDATE
    audit_record(
        actor=actor,
        action=f"catalogue.location_{action}",
        obj=location,
        before=before,
        after=snapshot(location),
        note=note,
    )
    return action, location


def _service_save(
    organization: Organization,
    stored: Service | None,
    wanted: ServiceData,
    locations: dict[str, Location],
    terms: dict[str, Any],
    *,
    actor: Any,
    note: str,
    action: str,
) -> Service:
    service = stored or Service(organization=organization, external_id=wanted.external_id)
    before = {}
    if stored is not None:
        before = {"state": stored.state, **_audit_view(service_state(stored))}
    for name in SERVICE_FIELDS:
        setattr(service, name, getattr(wanted, name))
    service.languages = list(wanted.languages)
    service.state = ModerationState.PUBLISHED
    # The foreign keys are known to exist (the provider is locked, the terms were just read).
    service.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    service.save()
    if stored is not None:
        # Replace the children: simpler and safer than matching rows that have no code of their own.
        service.schedules.all().delete()
        service.sites.all().delete()
        service.costs.all().delete()
        service.closure_availability.all().delete()
    if stored is None:
        links = Service.categories.through
        links.objects.bulk_create([links(service=service, taxonomyterm_id=terms[code]) for code in wanted.categories])
    else:
        service.categories.set([terms[code] for code in wanted.categories])
    Schedule.objects.bulk_create(
        [
            Schedule(
                service=service,
                byday=hours.byday,
                opens_at=hours.opens_at,
                closes_at=hours.closes_at,
                valid_from=hours.valid_from,
                valid_to=hours.valid_to,
            )
            for hours in wanted.hours
        ]
    )
    for site_data in wanted.sites:
        site = ServiceAtLocation.objects.create(service=service, location=locations[site_data.location_external_id])
        Schedule.objects.bulk_create(
            [
                Schedule(
                    service_at_location=site,
                    byday=hours.byday,
                    opens_at=hours.opens_at,
                    closes_at=hours.closes_at,
                    valid_from=hours.valid_from,
                    valid_to=hours.valid_to,
                )
                for hours in site_data.hours
            ]
        )
    CostOption.objects.bulk_create(
        [
            CostOption(
                service=service,
                option_it=_cost_label(cost.unit, "it"),
                option_en=_cost_label(cost.unit, "en"),
                amount_cents=cost.amount_cents,
                unit=cost.unit,
            )
            for cost in wanted.costs
        ]
    )
    ClosureAvailability.objects.bulk_create(
        [
            ClosureAvailability(service=service, period=closure.period, start=closure.start, end=closure.end)
            for closure in wanted.closures
        ]
    )
    after = {"state": service.state, **_audit_view(wanted)}
    audit_record(actor=actor, action=f"catalogue.service_{action}", obj=service, before=before, after=after, note=note)
    return service


def _audit_view(data: ServiceData) -> dict[str, Any]:
    """A service as the trail keeps it: its fields, and its hours, prices, closures and places as text."""
    from sinergie.catalogue.exporting import hours_text

    return {
        **{name: getattr(data, name) for name in SERVICE_FIELDS},
        "languages": list(data.languages),
        "categories": list(data.categories),
        "hours": hours_text(data.hours),
        "sites": {site.location_external_id: hours_text(site.hours) for site in data.sites},
        "costs": [f"{cost.amount_cents} {cost.unit}" for cost in data.costs],
        "closures": [f"{c.period} {c.start.isoformat()}..{c.end.isoformat()}" for c in data.closures],
    }


_COST_LABELS = {
    CostUnit.HOUR: ("Tariffa oraria", "Hourly rate"),
    CostUnit.DAY: ("Tariffa giornaliera", "Daily rate"),
    CostUnit.WEEK: ("Tariffa settimanale", "Weekly rate"),
    CostUnit.MONTH: ("Tariffa mensile", "Monthly rate"),
    CostUnit.ONCE: ("Quota una tantum", "One-off fee"),
}


def _cost_label(unit: str, language: str) -> str:
    italian, english = _COST_LABELS.get(unit, ("Tariffa", "Rate"))
    return english if language == "en" else italian


# --- Batches -----------------------------------------------------------------------------------


def import_batch_create(*, organization: Organization, actor: Any, filename: str, data: bytes) -> ImportBatch:
    """Keep an uploaded file server-side until it is confirmed (nothing of the directory is written)."""
    return ImportBatch.objects.create(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        filename=filename[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def import_batch_confirm(*, batch: ImportBatch) -> bool:
    """Queue the import of a batch once: False if it was already confirmed."""
    from sinergie.catalogue.tasks import catalogue_import_run

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.UPLOADED).update(
        status=BatchStatus.QUEUED, updated_at=timezone.now()
    )
    if not claimed:
        return False
    # With the database backend the worker must find the committed row.
    transaction.on_commit(lambda: catalogue_import_run.enqueue(batch_id=str(batch.pk)))
    return True


def _errors_as_json(errors: list[RowError]) -> list[dict[str, Any]]:
    return [{"row": error.row, "column": error.column, "message": error.message} for error in errors]


def import_batch_run(
    batch_id: Any, *, check_progress: Progress | None = None, save_progress: Progress | None = None
) -> ImportBatch:
    """Check the batch's file again, then apply it in one transaction; the batch records progress and outcome.

    Progress of the check is saved on the batch as it goes (visible to the progress page); the
    saving phase is one transaction, so other connections only see it start and finish.
    """
    batch = ImportBatch.objects.select_related("organization", "created_by").get(pk=batch_id)
    if batch.finished:
        return batch
    batch.status = BatchStatus.CHECKING
    batch.processed_rows = 0
    batch.save(update_fields=["status", "processed_rows", "updated_at"])

    def on_check(done: int, total: int) -> None:
        if batch.total_rows != total or done % 1000 == 0 or done == total:
            batch.total_rows, batch.processed_rows = total, done
            batch.save(update_fields=["total_rows", "processed_rows", "updated_at"])
        if check_progress is not None:
            check_progress(done, total)

    plan = catalogue_check(
        organization=batch.organization, data=bytes(batch.content), filename=batch.filename, progress=on_check
    )
    if not plan.ok:
        return _batch_finish(batch, BatchStatus.FAILED, errors=_errors_as_json(plan.errors))
    batch.status = BatchStatus.SAVING
    batch.save(update_fields=["status", "updated_at"])
    try:
        counts = catalogue_import_apply(
            organization=batch.organization, plan=plan, actor=batch.created_by, batch=batch, progress=save_progress
        )
    except Exception:
        # Everything was rolled back; the person sees a clear message, the log has the details.
        logger.exception("catalogue import %s failed", batch.pk)
        message = _("An unexpected error stopped the import: nothing was saved. Please try again or contact us.")
        return _batch_finish(batch, BatchStatus.FAILED, errors=[{"row": None, "column": "", "message": message}])
    return _batch_finish(batch, BatchStatus.DONE, summary=counts)


def _batch_finish(
    batch: ImportBatch, status: str, *, errors: list[dict[str, Any]] | None = None, summary: dict | None = None
) -> ImportBatch:
    batch.status = status
    batch.errors = errors or []
    batch.summary = summary or {}
    batch.finished_at = timezone.now()
    if status == BatchStatus.DONE:
        batch.processed_rows = batch.total_rows
    # The file is no longer needed (its hash stays): the table does not grow with every upload.
    batch.content = b""
    batch.save(update_fields=["status", "errors", "summary", "finished_at", "processed_rows", "content", "updated_at"])
    return batch
