"""In Chromium (issue 13, points 7, 9 and 16): signing up with a name that the dashboard then uses;
a person the pre-check turns down sees other calls and the nearest information point, on a phone;
"Apply for your company" tells a citizen who can apply and how. axe on every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.calls import services
from sinergie.calls.conftest import make_call
from sinergie.calls.models import CallKind
from sinergie.conftest import PASSWORD, UserFactory
from sinergie.web.tests.browser_support import assert_accessible, new_context

from .design_world import Designer, designer_fixture  # noqa: F401
from .test_precheck_help import places_fixture  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()


def test_turned_down_by_the_precheck_a_person_finds_other_calls_and_an_info_point(
    chromium: Browser, live_server: Any, places: Any
) -> None:
    this, milano, *_rest = places
    page = new_context(chromium, viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/bandi/{this.pk}/posso-partecipare/")
    page.locator("select[name='lives_in']").select_option("015142")
    page.locator("input[name='children_ages']").fill("4")
    page.locator("input[name='isee']").fill("35.000")
    with page.expect_navigation():
        page.locator("button[name='verifica']").click()
    help_section = page.locator("#precheck-help")
    assert help_section.is_visible()
    assert "Voucher Milano" in page.locator("#other-calls").inner_text()
    assert "Sportello Melzo" in page.locator("#nearest-info-points").inner_text()
    assert_accessible(page)
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator(f"#other-calls a[href='/bandi/{milano.pk}/posso-partecipare/']").click()
    assert page.url.endswith(f"/bandi/{milano.pk}/posso-partecipare/")


def test_a_citizen_following_apply_for_your_company_learns_who_can_apply(
    chromium: Browser, live_server: Any, world: Any
) -> None:
    call = make_call(world, kind=CallKind.COMPANY_INCENTIVES, title_it="Incentivi aziende")
    services.call_publish(call=call, by=world.alliance_staff)
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page = new_context(chromium, viewport=viewport).new_page()
        _log_in(page, live_server.url, world.citizen.email)
        page.goto(f"{live_server.url}/en/bandi/{call.pk}/")
        assert "Companies apply, through one of their referents" in page.locator("#call-who ~ p").first.inner_text()
        with page.expect_navigation():
            page.locator(f"a[href='/en/incentivi/bando/{call.pk}/']").click()
        main = page.locator("main").inner_text()
        assert "Your account is not the referent of any company" in main
        assert "Page not found" not in main
        assert page.locator(f"a[href='/en/organizzazioni/{world.alliance_org.slug}/']").is_visible()
        assert_accessible(page)
        _no_sideways_scroll(page)
        page.context.close()


def test_a_new_person_signs_up_with_a_name_the_dashboard_then_uses(
    chromium: Browser, live_server: Any, world: Any
) -> None:
    page = new_context(chromium, viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/account/signup/")
    names = page.locator("main form input:not([type='hidden'])").evaluate_all("els => els.map(e => e.name)")
    assert names[:3] == ["first_name", "last_name", "email"]
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.locator("input[name='first_name']").fill("Giulia")
    page.locator("input[name='last_name']").fill("Bianchi")
    page.locator("input[name='email']").fill("giulia.bianchi@example.org")
    page.locator("input[name='password1']").fill("correct horse battery")
    page.locator("input[name='password2']").fill("correct horse battery")
    with page.expect_navigation():
        page.locator("main form [type='submit']").click()
    assert "/account/confirm-email/" in page.url
    # Someone already signed up with a name is greeted by it, not by an e-mail address.
    UserFactory(email="anna@example.org", first_name="Anna", last_name="Verdi")
    other = new_context(chromium, viewport=PHONE).new_page()
    _log_in(other, live_server.url, "anna@example.org")
    welcome = other.locator("#welcome").inner_text()
    assert "Anna" in welcome and "@" not in welcome
    assert_accessible(other)
