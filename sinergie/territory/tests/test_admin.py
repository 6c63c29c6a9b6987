from __future__ import annotations

from django.contrib import admin

from sinergie.territory.models import District, Municipality, Province, Region


def test_it_registers_the_territory_in_the_admin() -> None:
    for model in (Region, Province, Municipality, District):
        assert model in admin.site._registry


def test_it_never_edits_boundaries_in_the_admin() -> None:
    municipality_admin = admin.site._registry[Municipality]

    assert "boundary" in municipality_admin.exclude
    assert admin.site._registry[District].autocomplete_fields == ["municipalities"]
