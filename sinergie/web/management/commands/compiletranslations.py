"""`sinergie compiletranslations`: .po to .mo with polib, so no system gettext is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def catalogues() -> list[Path]:
    return sorted(path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/*.po"))


def compiled_bytes(po_path: Path) -> bytes:
    """The .mo content for a .po file; fuzzy entries are left out, as msgfmt does."""
    catalogue = polib.pofile(str(po_path))
    for entry in [e for e in catalogue if e.fuzzy]:
        catalogue.remove(entry)
    content: bytes = catalogue.to_binary()  # polib has no type information
    return content


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po) into .mo files, without system gettext."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if a .mo file is missing or out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = []
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            content = compiled_bytes(po_path)
            if mo_path.exists() and mo_path.read_bytes() == content:
                continue
            if options["check"]:
                stale.append(str(mo_path))
                continue
            mo_path.write_bytes(content)
            self.stdout.write(f"Compiled {mo_path}")
        if stale:
            raise CommandError("Out of date, run `uv run sinergie compiletranslations`: " + ", ".join(stale))
