"""`territory_load`: load the committed territory data (regions, provinces, municipalities) into the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.territory.datafiles import DEFAULT_BOUNDARY_REGIONS, parse_region_codes
from sinergie.territory.services import TerritoryDataError, territory_load


class Command(BaseCommand):
    help = "Load regions, provinces and municipalities from sinergie/territory/data/ (offline, safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regions",
            default=None,
            help=(
                "Comma-separated ISTAT region codes whose boundaries to load; an empty value loads none. "
                "Default: settings.SINERGIE_BOUNDARY_REGIONS, else 03 (Lombardy)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        value = options["regions"]
        if value is None:
            value = getattr(settings, "SINERGIE_BOUNDARY_REGIONS", DEFAULT_BOUNDARY_REGIONS)
        try:
            territory_load(regions_with_boundaries=parse_region_codes(value), stdout=self.stdout)
        except (ValueError, TerritoryDataError) as error:
            raise CommandError(str(error)) from error
