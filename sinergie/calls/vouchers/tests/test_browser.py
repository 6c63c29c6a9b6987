"""In Chromium: a provider redeems part of a voucher at its desk; the beneficiary sees the new balance.

Both log in through the real forms (the provider with its second factor); every page is
checked with axe, and the beneficiary's pages also on a phone-sized screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.calls.conftest import Money
from sinergie.calls.models import Redemption
from sinergie.conftest import PASSWORD
from sinergie.directory.tests.test_moderation_browser import _log_in as log_in_with_second_factor
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_citizen(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_a_provider_redeems_part_of_a_voucher_and_the_beneficiary_sees_it(
    chromium: Browser, live_server: Any, money: Money
) -> None:
    base = live_server.url
    code = money.voucher.display_code

    provider = new_context(chromium).new_page()
    log_in_with_second_factor(provider, base, money.world.provider_staff)
    # From the dashboard to the desk.
    with provider.expect_navigation():
        provider.locator(f"a[href='/buoni/sportello/{money.provider.slug}/']").click()
    assert_accessible(provider)

    # The code as someone types it in a hurry: lower case with spaces.
    provider.locator("input[name='code']").fill(code.lower().replace("-", " "))
    with provider.expect_navigation():
        provider.locator("main form button[type='submit']").click()
    preview = provider.locator("#voucher-preview").inner_text()
    assert "Voucher conciliazione 2026" in preview and "€ 200,00" in preview
    assert_accessible(provider)

    provider.locator("input[name='amount']").fill("45,50")
    provider.locator("select[name='service']").select_option(label="Doposcuola")
    with provider.expect_navigation():
        provider.locator("main form button[type='submit']").first.click()
    assert "/riscatti/" in provider.url
    assert "€ 154,50" in provider.locator("#redemption-balance").inner_text()
    assert provider.locator(".alert-success, .messages").count() >= 1
    assert_accessible(provider)

    # A reload of the receipt redeems nothing more.
    provider.reload()
    assert Redemption.objects.count() == 1

    provider.goto(f"{base}/buoni/sportello/{money.provider.slug}/riscatti/")
    assert "€ 45,50" in provider.locator("#redemptions").inner_text()
    assert_accessible(provider)

    provider.goto(f"{base}/buoni/sportello/{money.provider.slug}/rendiconto/")
    assert "€ 45,50" in provider.locator("#statement-total").inner_text()
    assert_accessible(provider)
    provider.context.close()

    # The beneficiary, on a phone.
    citizen = new_context(chromium, viewport={"width": 375, "height": 800}).new_page()
    _log_in_citizen(citizen, base, money.world.citizen)
    with citizen.expect_navigation():
        citizen.locator("a[href='/buoni/']").click()
    assert "€ 154,50" in citizen.locator("#wallet").inner_text()
    _no_sideways_scroll(citizen)
    assert_accessible(citizen)
    with citizen.expect_navigation():
        citizen.get_by_role("link", name=code).click()
    assert citizen.locator("#voucher-code").inner_text().strip() == code
    assert citizen.locator("svg.voucher-qr").count() == 1
    assert "€ 154,50" in citizen.locator("#voucher-balance").inner_text()
    movements = citizen.locator("#voucher-movements").inner_text()
    assert "Provider A — Doposcuola" in movements and "-€ 45,50" in movements
    _no_sideways_scroll(citizen)
    assert_accessible(citizen)
    citizen.context.close()
