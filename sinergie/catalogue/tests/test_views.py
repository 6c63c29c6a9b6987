"""The web flow (upload → preview → confirm → progress), who may use it, and the public downloads."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse as django_reverse
from django.utils import translation
from openpyxl import load_workbook

from sinergie.audit.models import AuditEvent
from sinergie.catalogue.access import can_import_for, organizations_for_import
from sinergie.catalogue.models import BatchStatus, ImportBatch
from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.catalogue.tests.test_services import counts
from sinergie.directory.models import Service


def reverse(name: str, args: list | None = None) -> str:
    with translation.override("it"):
        return django_reverse(name, args=args)


def upload(client, organization, data: bytes, name: str = "servizi.csv"):
    return client.post(
        reverse("catalogue:import"),
        {"organization": organization.pk, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_only_admins_and_alliance_staff_of_a_partner_may_import_for_a_provider(world):
    assert can_import_for(world.alliance_staff, world.provider)
    assert not can_import_for(world.alliance_staff, world.other_provider)
    assert not can_import_for(world.alliance_staff, world.company)  # not an organization that runs services
    assert can_import_for(world.admin, world.other_provider)
    for person in (world.citizen, world.stranger, world.provider_staff, world.referent, world.evaluator):
        assert not can_import_for(person, world.provider)
        assert not organizations_for_import(person).exists()


def test_the_import_page_is_refused_to_everyone_else(client, login, world):
    url = reverse("catalogue:import")
    assert client.get(url).status_code == 302  # to the login page
    for person in (world.citizen, world.stranger, world.provider_staff, world.referent):
        assert login(person).get(url).status_code == 403
        assert upload(login(person), world.provider, csv_bytes()).status_code == 403
    assert not ImportBatch.objects.exists()
    assert login(world.alliance_staff).get(url).status_code == 200


def test_alliance_staff_cannot_import_for_a_provider_of_another_alliance(login, world):
    response = upload(login(world.alliance_staff), world.other_provider, csv_bytes())
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_the_form_names_the_field_of_a_wrong_file(login, world):
    client = login(world.alliance_staff)
    response = upload(client, world.provider, b"%PDF-1.4", name="servizi.pdf")
    assert "file" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_upload_preview_confirm_and_progress(login, world, django_capture_on_commit_callbacks):
    client = login(world.alliance_staff)
    response = upload(client, world.provider, csv_bytes())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("catalogue:import-preview", [batch.pk])
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Centro estivo Girasole" in html
    assert f'action="{reverse("catalogue:import-confirm", [batch.pk])}"' in html
    assert preview.context["counts"]["services_create"] == 3
    assert counts()["Service"] == 0  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalogue:import-confirm", [batch.pk]))
    assert response["Location"] == reverse("catalogue:import-progress", [batch.pk])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Service.objects.count() == 3
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'http-equiv="refresh"' not in page.content  # finished: no more refreshing
    # Confirming again does nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("catalogue:import-confirm", [batch.pk]))
    assert AuditEvent.objects.filter(action="catalogue.import").count() == 1
    assert client.get(reverse("catalogue:import-preview", [batch.pk])).status_code == 302


def test_the_progress_page_refreshes_itself_until_the_import_is_done(login, world):
    client = login(world.alliance_staff)
    upload(client, world.provider, csv_bytes())
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.CHECKING, total_rows=4, processed_rows=2)
    page = client.get(reverse("catalogue:import-progress", [batch.pk]))
    assert b'http-equiv="refresh"' in page.content
    assert b'value="50"' in page.content


def test_a_file_with_errors_shows_every_error_and_cannot_be_confirmed(login, world, django_capture_on_commit_callbacks):
    client = login(world.alliance_staff)
    bad = [ROWS[0], ROWS[2].replace("2026-12-23", "2026-12-32"), ROWS[3].replace(";0;12;", ";0;200;")]
    upload(client, world.provider, csv_bytes(bad))
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("catalogue:import-preview", [batch.pk]))
    assert [(error.row, error.column) for error in preview.context["errors"]] == [
        (3, "closures"),
        (4, "max_age_years"),
    ]
    assert reverse("catalogue:import-confirm", [batch.pk]) not in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalogue:import-confirm", [batch.pk]))
    assert response["Location"] == reverse("catalogue:import-preview", [batch.pk])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED
    assert counts()["Service"] == 0


def test_a_batch_is_only_for_the_person_who_uploaded_it(client, login, world):
    upload(login(world.alliance_staff), world.provider, csv_bytes())
    batch = ImportBatch.objects.get()
    preview = reverse("catalogue:import-preview", [batch.pk])
    confirm = reverse("catalogue:import-confirm", [batch.pk])
    other_staff = world._staff("staff-b@example.org", world.other_alliance_org, "alliance_staff")
    for person in (world.citizen, world.provider_staff, other_staff):
        assert login(person).get(preview).status_code == 404
        assert login(person).post(confirm).status_code == 404
    assert login(world.admin).get(preview).status_code == 200
    assert counts()["Service"] == 0


def test_the_templates_can_be_downloaded_and_read_back(client, world):
    response = client.get(reverse("catalogue:template-csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("external_id;organization;name_it")
    response = client.get(reverse("catalogue:template-xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["servizi", "istruzioni"]
    sheet = workbook["servizi"]
    assert sheet["A1"].value == "external_id" and sheet["A2"].value == "CE-2026-01"
    assert {validation.formula1 for validation in sheet.data_validations.dataValidation} == {
        '"service,info_point"',
        '"hour,day,week,month,once"',
    }
    codes = [row[0] for row in workbook["istruzioni"].iter_rows(values_only=True)]
    assert "summer_camp" in codes and "municipality_istat" in codes


def test_the_exports_are_public_and_only_hold_published_services(
    client, login, world, django_capture_on_commit_callbacks
):
    upload(login(world.alliance_staff), world.provider, csv_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        login(world.alliance_staff).post(reverse("catalogue:import-confirm", [ImportBatch.objects.get().pk]))
    Service.objects.filter(external_id="BS-1").update(state="draft")
    client.logout()
    response = client.get(reverse("catalogue:export-csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "CE-1" in text and "NAT-1" in text and "BS-1" not in text
    assert len(text.strip().splitlines()) == 1 + 3  # two places for CE-1, one for NAT-1
    response = client.get(reverse("catalogue:export-xlsx"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 4
    response = client.get(reverse("catalogue:export-hsds"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_the_import_pages_speak_italian_and_english(login, world):
    client = login(world.alliance_staff)
    assert "Importa servizi da un file" in client.get(reverse("catalogue:import")).content.decode()
    assert "Import services from a file" in client.get("/en" + reverse("catalogue:import")).content.decode()
    upload(client, world.provider, csv_bytes([ROWS[3].replace(";0;12;", ";0;200;")]))
    batch = ImportBatch.objects.get()
    italian = client.get(reverse("catalogue:import-preview", [batch.pk])).content.decode()
    assert "Un&#x27;età di 200 anni non è possibile." in italian
    english = client.get("/en" + reverse("catalogue:import-preview", [batch.pk])).content.decode()
    assert "An age of 200 years is not possible." in english


def test_the_preview_reads_a_fixed_number_of_queries_whatever_the_number_of_rows(login, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sinergie.catalogue.tests.test_exporting import _many_rows
    from sinergie.catalogue.tests.test_services import run_import

    client = login(world.alliance_staff)
    client.get(reverse("catalogue:import"))  # the layout caches what it reads once (the demo banner)
    numbers = []
    for size in (5, 50):
        run_import(world, csv_bytes(_many_rows(size)))  # stored services to compare with
        upload(client, world.provider, csv_bytes(_many_rows(size)))
        batch = ImportBatch.objects.filter(status=BatchStatus.UPLOADED).latest("created_at")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("catalogue:import-preview", [batch.pk])).status_code == 200
        numbers.append(len(queries))
    assert numbers[0] == numbers[1]


def test_the_template_checks_clean_for_the_provider_it_names(world):
    from sinergie.catalogue.exporting import template_csv, template_xlsx
    from sinergie.catalogue.importing import read_table, validate
    from sinergie.catalogue.selectors import lookups_for

    for data in (template_csv().encode("utf-8"), template_xlsx()):
        table = read_table(data)
        plan = validate(table, lookups_for(table), organization_slug="cooperativa-aurora")
        assert plan.ok, plan.errors
        assert list(plan.services) == ["CE-2026-01"]
