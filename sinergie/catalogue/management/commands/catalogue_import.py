"""Import a provider's services from a CSV or XLSX file: errors by row and column, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.catalogue import services
from sinergie.catalogue.importing import MAX_BYTES, all_errors
from sinergie.organizations.models import Organization


class Command(BaseCommand):
    help = "Import services from a CSV or XLSX file for a provider (id or slug); nothing is saved on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="the provider's id or slug")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change, save nothing")

    def _progress(self, label: str) -> Any:
        def show(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            self.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")

        return show

    def handle(self, *args: Any, **options: Any) -> str:
        path = Path(options["file"])
        value = str(options["organization"]).strip()
        organization = (
            Organization.objects.filter(pk=int(value)).first()
            if value.isdigit()
            else Organization.objects.filter(slug=value).first()
        )
        if organization is None:
            raise CommandError(f"No organization with id or slug {value!r}.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES // 2**20} MB; split it into smaller files.")
        data = path.read_bytes()
        plan = services.catalogue_check(
            organization=organization, data=data, filename=path.name, progress=self._progress("checking")
        )
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        if not plan.ok:
            for error in all_errors(plan.errors):
                self.stderr.write(str(error))
            raise CommandError(f"{len(plan.errors)} error(s): nothing was saved.", returncode=1)
        preview = services.catalogue_preview(organization=organization, plan=plan)
        counts = preview.counts
        if options["dry_run"]:
            summary = self._summary(counts, "would be")
            self.stdout.write(summary)
            return ""
        batch = services.import_batch_create(organization=organization, actor=None, filename=path.name, data=data)
        batch = services.import_batch_run(
            batch.pk, check_progress=self._progress("checking"), save_progress=self._progress("saving")
        )
        if batch.status != "done":
            for error in batch.errors:
                self.stderr.write(f"row {error['row']}, {error['column']}: {error['message']}")
            raise CommandError("The import failed: nothing was saved.", returncode=1)
        self.stdout.write(self._summary(batch.summary, "were"))
        sys.stderr.flush()
        return ""

    @staticmethod
    def _summary(counts: dict[str, int], verb: str) -> str:
        return (
            f"Services {verb}: {counts['services_create']} created, {counts['services_update']} updated, "
            f"{counts['services_unchanged']} unchanged. Places {verb}: {counts['locations_create']} created, "
            f"{counts['locations_update']} updated, {counts['locations_unchanged']} unchanged."
        )
