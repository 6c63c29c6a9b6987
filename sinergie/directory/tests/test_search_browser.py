"""The issue's first "Done when", in Chromium on the demo data.

A visitor looks for the holiday camps for a 7-year-old in Melzo during Christmas 2026 within
10 km, sees them in the list and on the map, opens one and adds it to a calendar — in Italian
and in English, with axe-core finding no serious or critical violation on the search page; and
once more with JavaScript disabled (a plain form submit and full pages).
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

from sinergie.directory.models import Taxonomy, TaxonomyTerm
from sinergie.directory.taxonomy import taxonomy_sync
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The period is in the starting URL: the form lists only coming periods, and this one is fixed.
START = "/servizi/?period=natale-2026"


@pytest.fixture
def visitor(chromium: Browser) -> Iterator[Page]:
    context = new_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def visitor_without_js(chromium: Browser) -> Iterator[Page]:
    context = new_context(chromium, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo(settings: pytest.FixtureRequest) -> None:
    # A transactional test empties every table afterwards, the taxonomy of the data migration
    # too: put it back (serialized_rollback clashes with the other browser modules' flushes).
    taxonomy_sync(Taxonomy, TaxonomyTerm)
    settings.DEBUG = True  # the demo command refuses to run in production
    call_command("demo", "--no-serve", stdout=StringIO())
    settings.DEBUG = False


def _search(page: Page, base_url: str, prefix: str) -> None:
    page.goto(f"{base_url}{prefix}{START}")
    # A period is already chosen: the filters are folded (unfolded by script on a wide screen).
    if page.locator("#search-filters[open]").count() == 0:
        page.locator("#search-filters summary").click()
    page.fill("#id_municipality", "Melzo")
    page.fill("#id_radius_km", "10")
    page.fill("#id_age", "7")
    page.select_option("#id_category", "holiday_camps")
    assert page.locator("#id_period").input_value() == "natale-2026"
    page.locator("#search-form [type='submit']").click()


def _results(page: Page) -> list[str]:
    return page.locator("#search-results h3 a").all_inner_texts()


def _open_first_and_download_its_calendar(page: Page, tmp_path: Path) -> None:
    first = page.locator("#search-results h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/servizi/[0-9a-f-]{36}/$"))
    assert page.locator("h1").inner_text() == name
    with page.expect_download() as info:
        page.locator("a[href$='calendario.ics']").first.click()
    path = tmp_path / "service.ics"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert "20261223" in text  # the camp's first day of Christmas 2026


@pytest.mark.parametrize(("prefix", "heading"), [("", "risultat"), ("/en", "result")])
def test_a_visitor_finds_christmas_camps_near_melzo_and_adds_one_to_a_calendar(
    demo: None, visitor: Page, live_server: LiveServer, tmp_path: Path, prefix: str, heading: str
) -> None:
    page = visitor
    _search(page, live_server.url, prefix)
    # htmx updates the results in place and puts the filters in the address bar. Each change sends
    # the form after 300 ms, so an answer to an earlier state (before the category was chosen) may
    # come first: wait for the one that carries every filter, and for htmx to be idle.
    page.wait_for_url(re.compile(r"age=7.*category=holiday_camps|category=holiday_camps.*age=7"))
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.locator("#search-map .search-map__marker").first.wait_for()
    names = _results(page)
    assert names, page.locator("#search-results").inner_text()
    assert heading in page.locator("#results-title").inner_text()
    assert all("Natale" in name or "Christmas" in name for name in names), names
    assert page.locator("#search-map .search-map__marker").count() == len(names)
    assert "municipality=Melzo" in page.url and "category=holiday_camps" in page.url
    assert_accessible(page)

    # The information points and a search with errors pass axe-core too.
    page.goto(f"{live_server.url}{prefix}/punti-informativi/?municipality=Melzo")
    assert page.locator("#search-results h3 a").count() > 0
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/servizi/?age=200&municipality=Atlantide")
    assert page.locator("#form-errors li").count() == 2
    assert_accessible(page)
    page.go_back()
    page.go_back()

    # The address bar is the state: a reload gives the same list.
    page.reload()
    assert _results(page) == names

    _open_first_and_download_its_calendar(page, tmp_path)


def test_the_search_works_without_javascript(
    demo: None, visitor_without_js: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    page = visitor_without_js
    _search(page, live_server.url, "")
    page.wait_for_url(re.compile(r"age=7"))
    names = _results(page)
    assert names
    assert page.locator("#near-me").is_hidden()
    assert page.locator(".leaflet-marker-icon").count() == 0
    _open_first_and_download_its_calendar(page, tmp_path)


# --- Information points: "use my position" and "open now" stay on their own page ----------------


@pytest.fixture
def desks(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    from sinergie.directory.tests.test_search import Directory
    from sinergie.directory.tests.test_search_page import NOW

    taxonomy_sync(Taxonomy, TaxonomyTerm)
    Directory()
    # The live server runs in this process: its "now" is the test's, Tuesday 11:30 in Rome.
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_near_me_and_open_now_on_the_information_points_page_search_information_points(
    desks: None, chromium: Browser, live_server: LiveServer
) -> None:
    context = new_context(chromium, geolocation={"latitude": 45.5, "longitude": 9.42}, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/punti-informativi/")
        page.locator("label[for=id_open_now]").click()
        page.wait_for_url(re.compile(r"open_now=on"))
        page.locator("#near-me").click()
        page.wait_for_url(re.compile(r"lat=45\.5"))
        assert "/punti-informativi/?" in page.url
        assert _results(page) == ["Family Pit Stop Melzo"]
        assert page.locator("#search-results .badge").all_inner_texts() == ["Aperto ora, fino alle 12:00"]
        # The address bar is the state: a reload shows the same page, heading and list.
        page.reload()
        assert page.locator("h1").inner_text() == "Punti informativi"
        assert _results(page) == ["Family Pit Stop Melzo"]
    finally:
        context.close()
