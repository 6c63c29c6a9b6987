"""Applying an import: all or nothing, idempotent, audited; and the export round trip."""

from __future__ import annotations

import io

import pytest

from sinergie.audit.models import AuditEvent
from sinergie.catalogue import services
from sinergie.catalogue.exporting import catalogue_rows, csv_stream, write_xlsx
from sinergie.catalogue.models import BatchStatus, ImportBatch
from sinergie.catalogue.selectors import catalogue_published
from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    Schedule,
    Service,
    ServiceAtLocation,
)

MODELS = (Service, Location, ServiceAtLocation, Schedule, CostOption, ClosureAvailability)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run_import(world, data: bytes, *, organization=None, actor=None, filename="servizi.csv") -> ImportBatch:
    batch = services.import_batch_create(
        organization=organization or world.provider,
        actor=actor or world.alliance_staff,
        filename=filename,
        data=data,
    )
    return services.import_batch_run(batch.pk)


def test_it_creates_the_services_places_hours_prices_and_closures_published(world):
    batch = run_import(world, csv_bytes())
    assert batch.status == BatchStatus.DONE, batch.errors
    assert batch.summary["services_create"] == 3 and batch.summary["locations_create"] == 2
    assert counts() == {
        "Service": 3,
        "Location": 2,
        "ServiceAtLocation": 3,
        "Schedule": 4,
        "CostOption": 3,
        "ClosureAvailability": 2,
    }
    camp = Service.objects.get(external_id="CE-1")
    assert camp.organization == world.provider
    assert camp.state == ModerationState.PUBLISHED
    assert list(camp.categories.values_list("code", flat=True)) == ["summer_camp"]
    assert camp.costs.get().amount_cents == 12050
    assert camp.languages == ["it"]
    assert sorted(camp.sites.values_list("location__external_id", flat=True)) == ["S1", "S2"]
    babysitting = Service.objects.get(external_id="BS-1")
    assert babysitting.schedules.get().byday == "SA,SU"
    assert batch.processed_rows == batch.total_rows == 4
    assert bytes(batch.content) == b"" and len(batch.sha256) == 64  # the file is not kept once imported
    # One record for the batch with its counts, one per service and place, all naming the batch.
    event = AuditEvent.objects.get(action="catalogue.import")
    assert event.actor == world.alliance_staff and event.after["services_create"] == 3
    assert AuditEvent.objects.filter(action="catalogue.service_create", note__contains=str(batch.pk)).count() == 3
    assert AuditEvent.objects.filter(action="catalogue.location_create").count() == 2


def test_importing_the_same_file_again_changes_nothing(world):
    run_import(world, csv_bytes())
    before = counts()
    stamps = dict(Service.objects.values_list("external_id", "updated_at"))
    events = AuditEvent.objects.count()
    batch = run_import(world, csv_bytes())
    assert batch.summary["services_unchanged"] == 3 and batch.summary["locations_unchanged"] == 2
    assert counts() == before
    assert dict(Service.objects.values_list("external_id", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events + 1  # only the batch's own record


def test_an_edited_file_updates_what_changed_and_replaces_the_children(world):
    run_import(world, csv_bytes())
    renamed = [row.replace("Centro estivo Girasole", "Centro estivo Girasole 2027") for row in ROWS[:2]]
    edited = [
        renamed[0].replace("Via Roma 1", "Via Roma 11"),
        renamed[1],
        ROWS[2].replace("25;day", "30;day").replace("Via Roma 1", "Via Roma 11"),
        ROWS[3],
    ]
    batch = run_import(world, csv_bytes(edited))
    assert batch.status == BatchStatus.DONE, batch.errors
    assert batch.summary["services_update"] == 2 and batch.summary["services_unchanged"] == 1
    assert batch.summary["locations_update"] == 1 and batch.summary["locations_unchanged"] == 1
    assert Service.objects.count() == 3 and Location.objects.count() == 2
    assert Service.objects.get(external_id="NAT-1").costs.get().amount_cents == 3000
    assert Location.objects.get(external_id="S1").address_1 == "Via Roma 11"
    update = AuditEvent.objects.filter(action="catalogue.service_update").first()
    assert update.before and update.after


def test_an_import_publishes_a_draft_with_the_same_code(world, towns):
    run_import(world, csv_bytes([ROWS[3]]))
    Service.objects.update(state=ModerationState.DRAFT)
    batch = run_import(world, csv_bytes([ROWS[3]]))
    assert batch.summary["services_update"] == 1
    assert Service.objects.get().state == ModerationState.PUBLISHED


def test_codes_are_per_provider(world):
    run_import(world, csv_bytes([ROWS[3]]))
    batch = run_import(world, csv_bytes([ROWS[3]]), organization=world.other_provider, actor=world.admin)
    assert batch.summary["services_create"] == 1
    assert Service.objects.filter(external_id="BS-1").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes([ROWS[0], ROWS[2].replace("2026-12-23", "2026-12-32")]),
        csv_bytes([ROWS[3], ROWS[3]]),
        csv_bytes([ROWS[2].replace("45.4979;9.4195", "48.8566;2.3522")]),
        csv_bytes([ROWS[2].replace(";015142;", ";123456;")]),
        csv_bytes([ROWS[0]], header="name_it;capacity"),
        b"",
        b"\x00\x01\x02\x03" * 100,
    ],
    ids=["broken-date", "duplicated-id", "outside-italy", "unknown-municipality", "missing-columns", "empty", "binary"],
)
def test_a_bad_file_saves_nothing_not_even_its_good_rows(world, data):
    run_import(world, csv_bytes([ROWS[3]]))
    before = counts()
    batch = run_import(world, data)
    assert batch.status == BatchStatus.FAILED
    assert batch.errors and all("message" in error for error in batch.errors)
    assert counts() == before


def test_an_unexpected_failure_while_saving_rolls_everything_back(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.ClosureAvailability.objects, "bulk_create", explode)
    batch = run_import(world, csv_bytes())
    assert batch.status == BatchStatus.FAILED
    assert "non è stato salvato nulla" in batch.errors[0]["message"]  # in the site's default language
    assert counts() == dict.fromkeys(counts(), 0)
    assert not AuditEvent.objects.filter(action__startswith="catalogue.").exists()


def test_the_preview_writes_nothing(world):
    run_import(world, csv_bytes([ROWS[3]]))
    before, events = counts(), AuditEvent.objects.count()
    plan = services.catalogue_check(organization=world.provider, data=csv_bytes())
    preview = services.catalogue_preview(organization=world.provider, plan=plan)
    assert [(row.row, row.service_action, row.location_action) for row in preview.rows] == [
        (2, "create", "create"),
        (3, "create", "create"),
        (4, "create", "create"),
        (5, "unchanged", ""),
    ]
    assert counts() == before and AuditEvent.objects.count() == events


def _export_csv(organization) -> bytes:
    return "".join(csv_stream(catalogue_rows(catalogue_published(organization)))).encode("utf-8")


def test_an_export_imports_back_unchanged_as_csv_and_as_xlsx(world):
    run_import(world, csv_bytes())
    Service.objects.filter(external_id="NAT-1").update(minimum_age_months=30)  # months, not whole years
    exported = _export_csv(world.provider)
    assert exported.startswith("\ufeff".encode())
    before = counts()
    plan = services.catalogue_check(organization=world.provider, data=exported)
    assert plan.ok, plan.errors
    preview = services.catalogue_preview(organization=world.provider, plan=plan)
    assert preview.counts["services_unchanged"] == 3 and preview.counts["locations_unchanged"] == 2
    buffer = io.BytesIO()
    write_xlsx(catalogue_rows(catalogue_published(world.provider)), buffer)
    batch = run_import(world, buffer.getvalue(), filename="export.xlsx")
    assert batch.status == BatchStatus.DONE, batch.errors
    assert batch.summary["services_unchanged"] == 3
    assert counts() == before


def test_an_export_of_every_provider_is_refused_for_one_provider(world):
    run_import(world, csv_bytes([ROWS[3]]))
    run_import(world, csv_bytes([ROWS[2]]), organization=world.other_provider, actor=world.admin)
    plan = services.catalogue_check(organization=world.provider, data=_export_csv(None))
    assert [(error.row, error.column) for error in plan.errors] == [(3, "organization")]


def test_cells_that_look_like_formulas_stay_text_in_the_exports_and_import_back(world):
    formula_name = ROWS[3].replace("Baby sitting a domicilio", '=HYPERLINK("http://evil.example")')
    run_import(world, csv_bytes([formula_name.replace(";it;;;;no", ";it;;+39 02 1234567;;no")]))
    exported = _export_csv(world.provider).decode("utf-8")
    assert "\"'=HYPERLINK" in exported and ";'+39 02 1234567;" in exported
    buffer = io.BytesIO()
    write_xlsx(catalogue_rows(catalogue_published(world.provider)), buffer)
    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    for data in (exported.encode("utf-8"), buffer.getvalue()):
        plan = services.catalogue_check(organization=world.provider, data=data)
        assert plan.ok, plan.errors
        assert services.catalogue_preview(organization=world.provider, plan=plan).counts["services_unchanged"] == 1
