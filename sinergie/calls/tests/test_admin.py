from __future__ import annotations

import pytest

from sinergie.calls.conftest import Money
from sinergie.calls.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["call", "voucher", "redemption", "ledgerentry"])
def test_the_admin_shows_the_money_core_read_only(login, money: Money, model: str) -> None:
    redemption = money.redeem(amount_cents=100)
    objects = {
        "call": money.call.pk,
        "voucher": money.voucher.pk,
        "redemption": redemption.pk,
        "ledgerentry": LedgerEntry.objects.first().pk,
    }
    client = login(money.world.admin)
    assert client.get(f"/admin/calls/{model}/").status_code == 200
    page = client.get(f"/admin/calls/{model}/{objects[model]}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"/admin/calls/{model}/add/").status_code == 403
    assert client.post(f"/admin/calls/{model}/{objects[model]}/delete/", {"post": "yes"}).status_code == 403
