from __future__ import annotations

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergie.web.management.commands.compiletranslations import catalogues


def test_it_has_an_italian_catalogue():
    assert any(path.parts[-3] == "it" for path in catalogues())


@pytest.mark.parametrize("po_path", catalogues(), ids=str)
def test_it_translates_every_string(po_path):
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"


def test_it_ships_compiled_catalogues_up_to_date():
    try:
        call_command("compiletranslations", "--check")
    except CommandError as error:
        pytest.fail(str(error))
