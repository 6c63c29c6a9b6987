"""`sinergie bench <name> [--json]`: the capability benchmarks recorded in docs/benchmarks.md."""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

BENCHMARKS: dict[str, str] = {
    "directory": "sinergie.directory.bench:bench_directory",
    "foundation": "sinergie.core.bench:bench_foundation",
    "territory": "sinergie.territory.bench:bench_territory",
    "school-calendar": "sinergie.schoolcalendar.bench:bench_school_calendar",
    "search": "sinergie.directory.search_bench:bench_search",
}


def _load(path: str) -> Callable[[], dict[str, Any]]:
    module, name = path.split(":")
    return getattr(import_module(module), name)


class Command(BaseCommand):
    help = "Run a benchmark against the current database and print its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            figures = _load(BENCHMARKS[name])()
        except LookupError as error:
            raise CommandError(f"Benchmark {name} cannot run: {error}") from None
        report = {
            "benchmark": name,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
            "figures": figures,
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:<40} {value}")
