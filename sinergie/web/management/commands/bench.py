"""`sinergie bench <name> [--json]`: the capability benchmarks recorded in docs/benchmarks.md.

Every benchmark prints one JSON shape: `{"benchmark", "database", "date", "machine", "figures": {...}}`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sinergie.lib.bench import machine

BENCHMARKS: dict[str, str] = {
    "directory": "sinergie.directory.bench:bench_directory",
    "hsds": "sinergie.directory.bench:bench_hsds",
    "foundation": "sinergie.web.bench:bench_foundation",
    "territory": "sinergie.territory.bench:bench_territory",
    "school-calendar": "sinergie.schoolcalendar.bench:bench_school_calendar",
    "search": "sinergie.directory.search_bench:bench_search",
    "vouchers": "sinergie.calls.bench:bench_vouchers",
    "ranking": "sinergie.calls.evaluation.bench:bench_ranking",
    "surveys": "sinergie.surveys.bench:bench_surveys",
}


def _load(path: str) -> Callable[..., dict[str, Any]]:
    module, name = path.split(":")
    benchmark: Callable[..., dict[str, Any]] = getattr(import_module(module), name)
    return benchmark


class Command(BaseCommand):
    help = "Run a benchmark against the current database and print its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")
        parser.add_argument(
            "--services", type=int, help="directory: how many generated services (missing ones are generated)."
        )
        parser.add_argument("--seed", type=int, help="directory: seed of the generated services (default 1).")
        parser.add_argument("--runs", type=int, help="directory: runs of each named query (default 60).")
        parser.add_argument("--redemptions", type=int, help="vouchers: how many redemption requests (default 2000).")
        parser.add_argument("--redeemers", type=int, help="vouchers: concurrent redeemers (default 32).")
        parser.add_argument("--applications", type=int, help="ranking: how many applications (default 100000).")
        parser.add_argument("--responses", type=int, help="surveys: how many responses (default 10000).")
        parser.add_argument(
            "--no-generate", action="store_true", help="directory: fail instead of generating missing services."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        function = _load(BENCHMARKS[name])
        accepted = inspect.signature(function).parameters
        given = {
            key: options[key]
            for key in ("services", "seed", "runs", "redemptions", "redeemers", "applications", "responses")
            if options[key] is not None
        }
        if options["no_generate"]:
            given["generate"] = False
        refused = sorted(set(given) - set(accepted))
        if refused:
            raise CommandError(f"Benchmark {name} takes no --{refused[0].replace('_', '-')}.")
        if any(value is not True and value is not False and value < 1 for value in given.values()):
            raise CommandError(
                "--services, --seed, --runs, --redemptions, --redeemers, --applications and --responses"
                " must be 1 or more."
            )
        try:
            figures = function(**given)
        except LookupError as error:
            raise CommandError(f"Benchmark {name} cannot run: {error}") from None
        report = {
            "benchmark": name,
            "database": connection.vendor,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            # Some benchmarks name themselves and their database in their figures: said once above.
            "figures": {key: value for key, value in figures.items() if key not in ("benchmark", "database")},
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            lines = {key: value for key, value in report["figures"].items() if key != "queries"}
            lines.update(dict(report["figures"].get("queries", {})))
            for key, value in {"database": report["database"], **lines}.items():
                self.stdout.write(f"{key:<40} {value}")
