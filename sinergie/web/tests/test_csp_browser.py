"""In Chromium (issue 13, points 19 and 20): no page breaks the Content-Security-Policy, and tables
that scroll sideways on a phone are regions a keyboard can reach and a screen reader can name.

The walk saw the console report, on every page, the inline styles that video.js (inside Bootstrap
Italia's bundle) adds and the `data:` font in the theme's stylesheet; the fixes are
`sinergie/js/theme-config.js` and `web/finders.py`. The pages come from the access matrix's world
(`test_access_matrix.Matrix`), opened by the personas who may see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from sinergie.web.tests.browser_support import assert_accessible, new_context
from sinergie.web.tests.test_access_matrix import ARGUMENTS, QUERIES, Matrix

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (persona, URL name): public pages, a citizen's, and staff of each kind, with and without maps,
# forms, tables and the survey report's charts.
PAGES = [
    ("anonymous", "web:home"),
    ("anonymous", "directory:search"),
    ("anonymous", "directory:info-points"),
    ("anonymous", "directory:service-detail"),
    ("anonymous", "planner:plan"),
    ("anonymous", "calls:list"),
    ("anonymous", "calls:detail"),
    ("anonymous", "schoolcalendar:detail"),
    ("anonymous", "organizations:alliance-list"),
    ("anonymous", "organizations:alliance-detail"),
    ("anonymous", "applications:ranking"),
    ("anonymous", "account_login"),
    ("anonymous", "account_signup"),
    ("citizen", "web:dashboard"),
    ("citizen", "vouchers:wallet"),
    ("citizen", "applications:mine"),
    ("provider", "directory-manage:list"),
    ("provider", "directory-manage:history"),
    ("referent", "companies:plan"),
    ("alliance_staff", "calls:manage-list"),
    ("alliance_staff", "calls:evaluation-ranking"),
    ("alliance_staff", "surveys:campaign-report"),
    ("alliance_staff", "catalogue:import"),
    ("admin", "admin:index"),
]

# The tables the walk found scrolling without a focusable, named region at 390 px.
NARROW_TABLES = [
    ("anonymous", "schoolcalendar:detail"),
    ("anonymous", "applications:ranking"),
    ("provider", "directory-manage:history"),
]


@pytest.fixture
def matrix(live_server: LiveServer) -> Matrix:
    return Matrix()


def _url(name: str, matrix: Matrix) -> str:
    kwargs = ARGUMENTS[name](matrix) if name in ARGUMENTS else {}
    return reverse(name, kwargs=kwargs) + QUERIES.get(name, "")


@pytest.fixture
def open_as(chromium: Browser, live_server: LiveServer, matrix: Matrix) -> Iterator[Any]:
    contexts: dict[tuple[str, int], Any] = {}

    def page_for(persona: str, width: int = 1280) -> Page:
        key = (persona, width)
        if key not in contexts:
            context = new_context(chromium, viewport={"width": width, "height": 900})
            user = matrix.people[persona]
            if user is not None:
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                cookie = client.cookies["sessionid"].value
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
            contexts[key] = context.new_page()
        return contexts[key]

    yield page_for
    for page in contexts.values():
        page.context.close()


def test_no_page_breaks_the_content_security_policy(open_as: Any, live_server: LiveServer, matrix: Matrix) -> None:
    violations: list[str] = []
    reports: list[str] = []
    for persona, name in PAGES:
        url = _url(name, matrix)
        for width in (1280, 390):
            page = open_as(persona, width)
            if not getattr(page, "_listening", False):
                page.on("console", lambda message: reports.append(message.text))
                page._listening = True
            reports.clear()
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None
            assert response.status == 200, f"{persona} {url}: {response.status}"
            page.wait_for_load_state("networkidle")
            violations += [
                f"{persona} {url} at {width}px: {text[:200]}" for text in reports if "Content Security Policy" in text
            ]
    assert not violations, "\n".join(violations)


def test_tables_that_scroll_on_a_phone_are_focusable_named_regions(
    open_as: Any, live_server: LiveServer, matrix: Matrix
) -> None:
    for persona, name in NARROW_TABLES:
        page = open_as(persona, 390)
        response = page.goto(f"{live_server.url}{_url(name, matrix)}")
        assert response is not None
        assert response.status == 200
        regions = page.locator("main .table-responsive")
        assert regions.count() >= 1, name
        for index in range(regions.count()):
            region = regions.nth(index)
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
            assert (region.get_attribute("aria-label") or "").strip(), name
        # The table does scroll sideways at this width, and the keyboard reaches the region.
        assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", regions.first.element_handle()), name
        assert_accessible(page)
