"""`sinergie worker`: runs background tasks queued in the database (production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run queued background tasks (needs TASKS_BACKEND=database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                "Tasks run in-process in this configuration (TASKS_BACKEND=immediate): no worker is needed. "
                "Set TASKS_BACKEND=database to queue them for a worker."
            )
        arguments = ["--batch"] if options["batch"] else []
        call_command("db_worker", *arguments)
