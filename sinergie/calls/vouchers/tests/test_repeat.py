"""Repeat protection at the counter (issue 13, point 11).

A network failure after the commit, then the code typed again, gives the desk a fresh form and a
fresh idempotency key: the same amount on the same voucher from the same provider a few minutes
later is asked about before a second redemption is registered.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.models import LedgerEntry, Redemption
from sinergie.calls.selectors import REPEAT_WINDOW

pytestmark = pytest.mark.django_db


def desk_url(money: Money) -> str:
    return reverse("vouchers:desk", kwargs={"provider": money.provider.slug})


def confirm(money: Money, key: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "step": "confirm",
        "code": money.voucher.code,
        "idempotency_key": key,
        "amount": "50,00",
        "service": money.after_school.pk,
        "service_date": services.rome_today().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def desk(money: Money, login: Any) -> Any:
    http = login(money.world.provider_staff)
    assert http.post(desk_url(money), confirm(money, "first")).status_code == 302
    return http


def test_the_same_amount_again_is_asked_about_before_a_second_redemption(money: Money, desk: Any) -> None:
    # The code typed again: the preview already shows what was just registered.
    preview = desk.post(desk_url(money), {"step": "preview", "code": money.voucher.code}).content.decode()
    assert 'id="just-made"' in preview and "€ 50,00" in preview
    ledger = LedgerEntry.objects.count()
    response = desk.post(desk_url(money), confirm(money, "second"))
    body = response.content.decode()
    assert response.status_code == 409
    assert "A redemption of this amount was just made" in body
    first = Redemption.objects.get()
    assert reverse("vouchers:redemption", args=[money.provider.slug, first.pk]) in body
    assert 'name="repeat_confirmed" value="1"' in body and 'value="second"' in body
    assert Redemption.objects.count() == 1 and LedgerEntry.objects.count() == ledger
    # Confirmed: a second redemption, once.
    response = desk.post(desk_url(money), confirm(money, "second", repeat_confirmed="1"))
    assert response.status_code == 302
    assert Redemption.objects.count() == 2
    money.voucher.refresh_from_db()
    assert money.voucher.balance_cents == money.voucher.value_cents - 10_000


def test_the_same_form_sent_again_is_not_asked_about(money: Money, desk: Any) -> None:
    response = desk.post(desk_url(money), confirm(money, "first"))
    assert response.status_code == 302
    assert Redemption.objects.count() == 1


def test_another_amount_is_not_asked_about(money: Money, desk: Any) -> None:
    assert desk.post(desk_url(money), confirm(money, "second", amount="20")).status_code == 302
    assert Redemption.objects.count() == 2


def test_a_cancelled_redemption_is_not_asked_about(money: Money, desk: Any) -> None:
    services.redemption_cancel(
        redemption=Redemption.objects.get(), provider=money.provider, by=money.world.provider_staff, reason="wrong"
    )
    assert desk.post(desk_url(money), confirm(money, "second")).status_code == 302


def test_a_redemption_older_than_the_window_is_not_asked_about(money: Money, desk: Any) -> None:
    Redemption.objects.update(created_at=timezone.now() - REPEAT_WINDOW - datetime.timedelta(seconds=1))
    assert desk.post(desk_url(money), confirm(money, "second")).status_code == 302
    assert Redemption.objects.count() == 2


def test_another_providers_redemption_is_not_asked_about(money: Money, login: Any) -> None:
    money.redeem(provider=money.provider, amount_cents=5_000)  # Provider A, through the service
    Redemption.objects.update(provider=money.other_provider)  # as if Provider B had made it
    http = login(money.world.provider_staff)
    assert http.post(desk_url(money), confirm(money, "mine")).status_code == 302
