"""Selects offer "Choose…" in the user's language, never Django's "---------" (issue 13, point 18)."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from sinergie.organizations.models import Organization

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)


def test_the_empty_option_is_named_in_the_users_language():
    for language, word in (("it", "Scegli…"), ("en", "Choose…")):
        with translation.override(language):
            html = str(_Form())
        assert "---------" not in html
        assert html.count(f'<option value="" selected>{word}</option>') == 2


def test_a_page_with_a_select_has_no_dashes(client, world, login):
    login(world.referent)
    page = client.get("/questionari/campagne/").content.decode()
    assert "<select" in page and "---------" not in page
