"""Export the published catalogue as CSV or XLSX (the import format) or as the HSDS 3.0 tabular package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.catalogue import exporting
from sinergie.catalogue.selectors import catalogue_published
from sinergie.directory.hsds_selectors import services_public


class Command(BaseCommand):
    help = "Export the published catalogue: --format csv|xlsx|hsds --output PATH."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx", "hsds"], default="csv")
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> str:
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory.")
        kind = options["format"]
        if kind == "csv":
            with output.open("w", encoding="utf-8", newline="") as handle:
                for line in exporting.csv_stream(exporting.catalogue_rows(catalogue_published())):
                    handle.write(line)
        elif kind == "xlsx":
            with output.open("wb") as handle:
                exporting.write_xlsx(exporting.catalogue_rows(catalogue_published()), handle)
        else:
            with output.open("wb") as handle:
                exporting.write_hsds_package(services_public(full=True), handle)
        self.stdout.write(f"Wrote {output} ({kind}).")
        return ""
