"""catalogue_import and catalogue_export on the command line."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.catalogue.tests.test_services import counts
from sinergie.directory.models import Service


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_with_a_progress_counter_and_again_changes_nothing(world, tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(csv_bytes())
    out, err = run("catalogue_import", str(path), organization="provider-a")
    assert "3 created" in out
    assert "4/4" in err  # the progress counter
    assert Service.objects.filter(organization=world.provider, state="published").count() == 3
    before = counts()
    out, _err = run("catalogue_import", str(path), organization=str(world.provider.pk))
    assert "3 unchanged" in out
    assert counts() == before


def test_a_dry_run_saves_nothing(world, tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(csv_bytes())
    out, _err = run("catalogue_import", str(path), organization="provider-a", dry_run=True)
    assert "would be: 3 created" in out
    assert counts()["Service"] == 0


def test_errors_are_printed_by_row_and_column_and_nothing_is_saved(world, tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(csv_bytes([ROWS[3], ROWS[2].replace(";015142;", ";999999;"), ROWS[3]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised, translation.override("en"):
        call_command("catalogue_import", str(path), organization="provider-a", stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert "row 3, municipality_istat: No municipality has the ISTAT code 999999." in err.getvalue()
    assert "row 4, external_id: Duplicated" in err.getvalue()
    assert counts()["Service"] == 0


def test_it_refuses_an_unknown_organization_or_file(world, tmp_path):
    with pytest.raises(CommandError):
        run("catalogue_import", str(tmp_path / "missing.csv"), organization="provider-a")
    path = tmp_path / "servizi.csv"
    path.write_bytes(csv_bytes())
    with pytest.raises(CommandError):
        run("catalogue_import", str(path), organization="nobody")


def test_it_exports_csv_xlsx_and_the_hsds_package(world, tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(csv_bytes())
    run("catalogue_import", str(path), organization="provider-a")
    run("catalogue_export", format="csv", output=str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").count("\n") == 5
    run("catalogue_export", format="xlsx", output=str(tmp_path / "out.xlsx"))
    assert load_workbook(tmp_path / "out.xlsx").active.max_row == 5
    run("catalogue_export", format="hsds", output=str(tmp_path / "out.zip"))
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert json.loads(archive.read("datapackage.json"))["profile"] == "tabular-data-package"
    # What was exported imports back unchanged.
    out, _err = run("catalogue_import", str(tmp_path / "out.xlsx"), organization="provider-a", dry_run=True)
    assert "3 unchanged" in out
    with pytest.raises(CommandError):
        run("catalogue_export", format="csv", output=str(tmp_path / "no" / "such" / "dir.csv"))
