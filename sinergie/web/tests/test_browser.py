"""End-to-end checks in Debian's Chromium, driven by Playwright against pytest-django's live server.

These cover what the Django test client cannot: the language switcher as a real form post,
logging in through the rendered allauth form, keyboard access to the skip link, axe-core's
accessibility rules on the rendered page, and that the pages still work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "una-Password-robusta-42"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = new_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(chromium: Browser) -> Iterator[Page]:
    context = new_context(chromium, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def citizen() -> User:
    """A citizen with a verified address: allauth's mandatory verification lets them in."""
    from allauth.account.models import EmailAddress

    from sinergie.accounts.models import User

    user = User.objects.create_user(email="giulia.bianchi@example.org", password=PASSWORD, first_name="Giulia")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation(url=f"{base_url}/area-personale/"):
        form.locator("[type='submit']").click()


def _assert_in_personal_area(page: Page, base_url: str, user: User) -> None:
    assert page.url == f"{base_url}/area-personale/"
    main = page.locator("main")
    # The page greets by first name; "Area personale" is what the Italian catalogue will say.
    text = main.inner_text()
    assert user.first_name in text or "Area personale" in text, text


def test_it_serves_the_home_page_in_italian_and_switches_to_english(page: Page, live_server: LiveServer) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.get_by_role("main").count() == 1

    # The skip link is the first thing a keyboard user reaches, and it leads to <main>.
    page.keyboard.press("Tab")
    focused_href = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
    assert focused_href == "#main-content"
    # Following it puts keyboard focus on <main> (it has tabindex=-1 for this). It also hides
    # the link again: while focused it pushes the header down, and a mouse click during
    # that layout shift would land on whatever moved under the pointer.
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")
    assert page.locator("main#main-content").count() == 1

    english_home = f"{live_server.url}/en/"
    # Listening before the click: a form post may finish before a later wait would start.
    with page.expect_navigation(url=lambda url: url.startswith(english_home)):
        page.locator("form[action='/i18n/setlang/'] button[name='language'][value='en']").click()
    assert page.url.startswith(english_home)
    assert page.locator("html").get_attribute("lang") == "en"


def test_it_logs_a_citizen_in_to_the_personal_area(page: Page, live_server: LiveServer, citizen: User) -> None:
    _log_in(page, live_server.url, citizen)
    _assert_in_personal_area(page, live_server.url, citizen)


@pytest.mark.parametrize("path", ["/", "/account/login/"])
def test_it_has_no_serious_accessibility_violations(page: Page, live_server: LiveServer, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200
    assert_accessible(page)


def test_it_works_without_javascript(page_without_js: Page, live_server: LiveServer, citizen: User) -> None:
    page = page_without_js
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.get_by_role("main").count() == 1

    # Plain HTML forms: the login posts and redirects with no script at all.
    _log_in(page, live_server.url, citizen)
    _assert_in_personal_area(page, live_server.url, citizen)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_label_is_drawn_over_another_field_on_the_home_page(chromium: Browser, live_server: LiveServer, width):
    """The child's age label wrapped onto two lines over the municipality field at 390 px
    (issue 13, point 6)."""
    from sinergie.web.tests.browser_support import assert_no_label_over_a_field

    for prefix in ("", "/en"):
        context = new_context(chromium, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}{prefix}/")
        assert_no_label_over_a_field(page)
        context.close()


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_main_menu_holds_on_one_line(chromium: Browser, live_server: LiveServer, citizen: User, width):
    """The signed-in menu wrapped onto two lines at 1280 px (issue 13, point 14)."""
    for prefix in ("", "/en"):
        context = new_context(chromium, viewport={"width": width, "height": 900})
        page = context.new_page()
        if prefix == "":
            _log_in(page, live_server.url, citizen)
        page.goto(f"{live_server.url}{prefix}/")
        boxes = page.eval_on_selector_all(
            ".it-header-navbar-wrapper .navbar-nav a.nav-link",
            "links => links.filter(a => a.offsetParent !== null).map(a => a.getBoundingClientRect())"
            ".map(r => [Math.round(r.top), Math.round(r.height)])",
        )
        assert len(boxes) >= 6
        assert len({top for top, _height in boxes}) == 1, f"menu on several lines at {width} px: {boxes}"
        assert max(height for _top, height in boxes) < 2 * min(height for _top, height in boxes)
        context.close()
