"""`sinergie serve`: the development server, or a hint to the production one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Sinergie. In development: Django's server. In production use gunicorn (see README)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=8000, type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            self.stderr.write(
                "With DEBUG=false, serve with gunicorn: uv run gunicorn sinergie.wsgi --bind 0.0.0.0:8000 --workers 4"
            )
            return
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
