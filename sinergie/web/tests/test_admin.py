from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from sinergie.conftest import World


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_it_opens_every_admin_list_for_platform_admins(login, world: World, model):
    client = login(world.admin)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200


def test_it_keeps_alliance_staff_out_of_the_admin(login, world: World):
    response = login(world.alliance_staff).get(reverse("admin:index"))
    assert response.status_code == 302
