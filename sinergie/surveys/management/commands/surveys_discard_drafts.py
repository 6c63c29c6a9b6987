"""`sinergie surveys_discard_drafts`: release closed campaigns and delete their unfinished answers (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sinergie.surveys.services import campaigns_release_closed, drafts_discard_closed


class Command(BaseCommand):
    help = "Release the results of survey campaigns that have closed and delete their unfinished answers."

    def handle(self, *args: Any, **options: Any) -> None:
        released = campaigns_release_closed()
        count = drafts_discard_closed()
        self.stdout.write(f"Released {released} closed campaigns; discarded {count} unfinished answers.")
