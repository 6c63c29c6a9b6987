"""`sinergie generate --services N [--seed S]`: fictitious services for load tests (see directory.generate)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.directory.generate import MissingTerritory, generate_services


class Command(BaseCommand):
    help = (
        "Make sure the first N synthetic (fictitious) services of a seed exist over Lombardy's municipalities, "
        "adding the missing ones; progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, required=True, help="How many synthetic services (N).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generator (default 1).")

    def handle(self, *args: Any, **options: Any) -> str:
        if options["services"] < 0:
            raise CommandError("--services must be 0 or more.")
        try:
            summary = generate_services(options["services"], options["seed"], stderr=self.stderr)
        except MissingTerritory as error:
            raise CommandError(str(error)) from None
        return (
            f"{summary.created} synthetic services added, {summary.existing} already there "
            f"(seed {options['seed']}), in {summary.seconds:.1f} s. All of them are fictitious."
        )
