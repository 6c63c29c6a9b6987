"""In Chromium on a phone: the desk's refusal with a manager's override, and the repeat warning
(issue 13, points 10 and 11), each page checked with axe and for sideways scrolling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.audit.models import AuditEvent
from sinergie.calls.conftest import Money
from sinergie.calls.models import Redemption
from sinergie.directory.models import Service
from sinergie.directory.tests.test_moderation_browser import _log_in as log_in_with_second_factor
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _checked(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"
    assert_accessible(page)


def _preview(page: Page, base: str, money: Money) -> None:
    page.goto(f"{base}/buoni/sportello/{money.provider.slug}/")
    page.locator("input[name='code']").fill(money.voucher.display_code)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()


def _register(page: Page, amount: str, service: Service) -> None:
    page.locator("input[name='amount']").fill(amount)
    page.locator("select[name='service']").select_option(value=str(service.pk))
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()


def test_a_manager_overrides_a_refusal_and_is_asked_before_a_repeat(
    chromium: Browser, live_server: Any, money: Money
) -> None:
    base = live_server.url
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    page = new_context(chromium, viewport=PHONE).new_page()
    log_in_with_second_factor(page, base, money.world.provider_staff)  # a manager of Provider A

    _preview(page, base, money)
    _register(page, "45,50", money.after_school)
    assert page.locator("#id_service_error").is_visible()
    assert Redemption.objects.count() == 0
    _checked(page)
    page.locator("textarea[name='override_reason']").fill("Accetta i voucher da lunedì")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()
    assert "/riscatti/" in page.url
    assert AuditEvent.objects.get(action="calls.redemption.create").note == "Accetta i voucher da lunedì"

    # The code typed again after "the page did not answer": the same amount is asked about.
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=True)
    _preview(page, base, money)
    assert page.locator("#just-made").is_visible()
    _register(page, "45,50", money.after_school)
    assert page.locator("#repeat-warning").is_visible()
    assert Redemption.objects.count() == 1
    _checked(page)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()
    assert "/riscatti/" in page.url
    assert Redemption.objects.count() == 2
