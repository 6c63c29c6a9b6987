"""The personal area links the people who follow needs surveys to the campaigns page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SHOWN = {"referent", "alliance_staff", "analyst", "admin"}


@pytest.mark.parametrize("persona", ["citizen", "provider_staff", "evaluator", *sorted(SHOWN)])
def test_the_dashboard_links_to_the_campaigns_for_those_who_follow_them(login, world, persona):
    page = login(getattr(world, persona)).get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert (reverse("surveys:campaign-list") in page.content.decode()) is (persona in SHOWN)
