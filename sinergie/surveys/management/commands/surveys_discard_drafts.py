"""`sinergie surveys_discard_drafts`: delete unfinished answers of closed campaigns (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sinergie.surveys.services import drafts_discard_closed


class Command(BaseCommand):
    help = "Delete the unfinished answers of survey campaigns that have closed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = drafts_discard_closed()
        self.stdout.write(f"Discarded {count} unfinished answers of closed campaigns.")
