from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from sinergie.conftest import World
from sinergie.lib.admin import SafeRelationsMixin
from sinergie.territory.models import District


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-99999999999999999999", "1\x00", "1.5", " "])
def test_an_id_that_names_no_row_is_a_form_error_not_a_server_error(login, world: World, value: str):
    """Issue 12, point 3: `POST /admin/territory/district/add/` with `municipalities=abc` was a 500."""
    response = login(world.admin).post(
        reverse("admin:territory_district_add"), {"name": "Ambito", "code": "ambito", "municipalities": value}
    )
    assert response.status_code == 200
    assert "municipalities" in response.context["adminform"].form.errors
    assert not District.objects.exists()


def test_a_foreign_key_with_a_bad_id_comes_back_with_its_error(login, world: World):
    response = login(world.admin).post(
        reverse("admin:schoolcalendar_municipalitycalendar_add"), {"municipality": "not-a-municipality"}
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors


def test_every_admin_of_the_project_uses_the_safe_relation_widgets():
    ours = [
        model_admin
        for model_admin in admin.site._registry.values()
        if type(model_admin).__module__.startswith("sinergie.")
    ]
    assert ours
    for model_admin in ours:
        assert isinstance(model_admin, SafeRelationsMixin), type(model_admin)
        for inline in model_admin.inlines:
            assert issubclass(inline, SafeRelationsMixin), inline
