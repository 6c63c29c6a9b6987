"""In Chromium: alliance staff create, check and publish a call; a visitor reads it in Italian and English.

The staff member logs in through the real forms, second factor included; every page is checked by axe.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from sinergie.calls.models import Call, CallState
from sinergie.conftest import PASSWORD
from sinergie.web.tests.browser_support import assert_accessible, new_context, totp_code

from .design_world import Designer, designer_fixture  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    code = totp_code(secret)
    form = page.locator("form:has(input[name='code'])")
    form.locator("input[name='code']").fill(code)
    with page.expect_navigation(url=f"{base_url}/area-personale/"):
        form.locator("button[type='submit']:not([form])").click()


def _tick(page: Page, box_id: str) -> None:
    # Bootstrap Italia draws the box on the label: people click the label, so does the test.
    if not page.locator(f"#{box_id}").is_checked():
        page.locator(f"label[for='{box_id}']").click()
    assert page.locator(f"#{box_id}").is_checked(), box_id


def _fill_call(page: Page, designer: Designer) -> None:
    opens = timezone.localtime() + datetime.timedelta(hours=1)
    closes = opens + datetime.timedelta(days=30)
    page.fill("#id_title_it", "Voucher centri estivi 2027")
    page.fill("#id_title_en", "Summer camp vouchers 2027")
    page.fill("#id_text_it", "Il bando rimborsa i centri estivi dei figli dei lavoratori.")
    page.fill("#id_text_en", "The call pays for summer camps for workers' children.")
    page.fill("#id_budget", "12.000")
    page.fill("#id_amount", "400,00")
    page.fill("#id_opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    for box in ("id_rule_territory", "id_rule_children", "id_rule_not_beneficiary"):
        _tick(page, box)
    page.fill("#id_min_age", "3")
    page.fill("#id_max_age", "14")
    page.fill("#id_isee_ceiling", "30000")
    page.fill("#id_weight_single_parent", "20")
    page.fill("#id_weight_children", "10")
    page.fill("#id_max_children", "3")
    page.select_option("#id_tie_breaker_1", "lower_isee")
    page.fill("#id_documents-0-name_it", "Attestazione ISEE")
    page.fill("#id_documents-0-name_en", "ISEE statement")
    _tick(page, "id_documents-0-mandatory")
    _tick(page, "id_documents-0-types_0")
    box_id = page.locator(f"input[name='providers'][value='{designer.world.provider.pk}']").get_attribute("id")
    _tick(page, str(box_id))


def test_staff_create_check_and_publish_a_call_that_a_visitor_reads(
    chromium: Browser, live_server: Any, designer: Designer
) -> None:
    base = live_server.url
    staff = new_context(chromium).new_page()
    _log_in(staff, base, designer.staff)

    staff.goto(f"{base}/bandi/gestione/")
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.get_by_role("link", name="Nuovo bando").click()
    assert_accessible(staff)

    # A first try with the ages the wrong way round: the error names the field, nothing is saved.
    _fill_call(staff, designer)
    staff.fill("#id_min_age", "14")
    staff.fill("#id_max_age", "3")
    with staff.expect_navigation():
        staff.locator("main form button[type='submit']").click()
    assert "Bambini fino all'età" in staff.locator("#form-errors").inner_text()
    assert_accessible(staff)
    assert not Call.objects.exists()

    staff.fill("#id_min_age", "3")
    staff.fill("#id_max_age", "14")
    staff.fill("#id_budget", "12.000")
    staff.fill("#id_amount", "400,00")
    staff.fill("#id_documents-0-name_it", "Attestazione ISEE")
    with staff.expect_navigation():
        staff.locator("main form button[type='submit']").click()
    assert staff.locator("#form-errors").count() == 0
    call = Call.objects.get()
    assert call.budget_cents == 1_200_000

    # The check says the rules are consistent and how many people the budget covers.
    assert "almeno 30 beneficiari" in staff.locator("#validation-ok").inner_text()
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Pubblica il bando").click()
    assert staff.locator(".alert-success").count() >= 1
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    staff.context.close()

    # A visitor finds it among the calls opening soon and reads it, in Italian then in English.
    visitor = new_context(chromium).new_page()
    visitor.goto(f"{base}/")
    with visitor.expect_navigation():
        visitor.locator("#main-nav").get_by_role("link", name="Bandi e buoni").click()
    assert "Voucher centri estivi 2027" in visitor.locator("#calls-upcoming + ul, #calls-upcoming ~ ul").inner_text()
    assert_accessible(visitor)
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="Voucher centri estivi 2027").click()
    text = visitor.locator("main").inner_text()
    assert "Hai almeno un figlio di età compresa tra 3 e 14 anni." in text
    assert "Attestazione ISEE" in text and "€ 12.000,00" in text
    assert_accessible(visitor)
    visitor.goto(f"{base}/en/bandi/{call.pk}/")
    text = visitor.locator("main").inner_text()
    assert "Summer camp vouchers 2027" in text
    assert "You have at least one child aged between 3 and 14 years." in text
    assert "ISEE statement" in text and "€12,000.00" in text
    assert_accessible(visitor)
    # On a phone the page still reads without scrolling sideways.
    visitor.set_viewport_size({"width": 360, "height": 740})
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    visitor.context.close()
