"""`sinergie demo`: set up a demo instance from a fresh clone and serve it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergie.demo.load import DEMO_PASSWORD, MissingTerritory, demo_load
from sinergie.territory.models import Municipality


class Command(BaseCommand):
    help = "Create the database, load the territory and the fictitious demo data, print the accounts and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on (default 127.0.0.1).")
        parser.add_argument("--port", default=8000, type=int, help="Port to serve on (default 8000).")
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the database, do not serve.")
        parser.add_argument("--reload-territory", action="store_true", help="Load the territory data again.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo accounts have a published password: never on a production instance.
            raise CommandError("The demo is for development machines only: it refuses to run with DEBUG=false.")
        started = time.monotonic()
        self.stdout.write("1/4 Database: applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        if settings.CACHE_BACKEND == "database":
            call_command("createcachetable", verbosity=0)

        if options["reload_territory"] or not Municipality.objects.exists():
            self.stdout.write("2/4 Territory: loading ISTAT and Openpolis data…")
            call_command("territory_load", verbosity=1, stdout=self.stdout)
        else:
            self.stdout.write(f"2/4 Territory: already loaded ({Municipality.objects.count()} municipalities).")

        self.stdout.write("3/4 Demo data: fictitious organizations, people and roles…")
        try:
            credentials = demo_load()
        except MissingTerritory as error:
            raise CommandError(str(error)) from None

        self.stdout.write(f"4/4 Ready in {time.monotonic() - started:.1f} s.\n")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Sinergie demo: {url}  (English: {url}en/)"))
        self.stdout.write("All organizations and people are fictitious; the municipalities are real.\n")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for item in credentials:
            self.stdout.write(f"  {item.account.role_label:<22} {item.account.email}")
        self.stdout.write(
            "\nStaff accounts are asked for a second factor after the password. Without a phone, type one of "
            "the account's recovery codes below (each works once; re-run the demo for fresh ones), or add the "
            "secret to an authenticator app (TOTP, 6 digits, 30 s)."
        )
        for item in credentials:
            if item.recovery_codes:
                codes = " ".join(item.recovery_codes[:3])
                self.stdout.write(f"  {item.account.email:<40} recovery codes: {codes}   secret: {item.totp_secret}")
        if options["no_serve"]:
            return
        self.stdout.write("\nServing (Ctrl+C to stop)…")
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
