"""Search results a parent can compare, in Chromium (issue 13, point 5).

On a phone (390 × 844) the filters are folded once something is searched, so the first result
shows in the first screen; the map's markers are numbered as the list, reachable with the
keyboard, their popup names the service, and the map's base is the municipal boundaries from
the local data, without any tile server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from sinergie.directory.models import Taxonomy, TaxonomyTerm
from sinergie.directory.taxonomy import taxonomy_sync
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from pytest_django.live_server_helper import LiveServer

    from sinergie.directory.tests.test_search import Directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH = "/servizi/?municipality=Melzo&age=7"


def _square(latitude: float, longitude: float, half: float = 0.02) -> dict:
    ring = [
        [longitude - half, latitude - half],
        [longitude + half, latitude - half],
        [longitude + half, latitude + half],
        [longitude - half, latitude + half],
        [longitude - half, latitude - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def families(db: None) -> Directory:
    from sinergie.directory.tests.test_search import Directory

    # A transactional test empties every table afterwards, the taxonomy of the data migration too.
    taxonomy_sync(Taxonomy, TaxonomyTerm)
    directory = Directory()
    for town in (directory.melzo, directory.cernusco, directory.milano):
        town.boundary = _square(town.latitude, town.longitude)
        town.save()
    return directory


def test_on_a_phone_the_first_result_shows_in_the_first_screen(
    families: Directory, chromium: Browser, live_server: LiveServer
) -> None:
    context = new_context(chromium, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{SEARCH}")
        assert page.locator("#search-filters[open]").count() == 0
        assert page.locator("#id_q").is_hidden()
        title = page.locator("#search-results article h3").first
        box = title.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, box
        # The card says what it costs and whether vouchers pay for it.
        card = page.locator("#search-results article").first
        assert card.locator(".search-result__price").inner_text()
        assert card.locator(".search-result__vouchers").inner_text()
        # No sideways scroll, and the filters unfold with one tap, showing what was searched.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("#search-filters summary").click()
        assert page.locator("#id_municipality").input_value() == "Melzo"
        assert page.locator("#id_age").input_value() == "7"
        assert_accessible(page)
    finally:
        context.close()


def test_the_map_markers_are_numbered_keyboard_reachable_on_local_boundaries(
    families: Directory, chromium: Browser, live_server: LiveServer
) -> None:
    context = new_context(chromium, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    try:
        page.goto(f"{live_server.url}/en{SEARCH}")
        # On a wide screen the filters are unfolded by script.
        assert page.locator("#search-filters[open]").count() == 1
        names = page.locator("#search-results h3 a").all_inner_texts()
        markers = page.locator("#search-map .search-map__marker")
        markers.first.wait_for()
        assert markers.count() == len(names)

        # The base: the municipalities' boundaries, faint, with their names; no tile anywhere.
        page.locator("#search-map path.search-map__boundary").first.wait_for()
        assert page.locator("#search-map path.search-map__boundary").count() >= 2
        page.locator("#search-map .search-map__place").first.wait_for()
        assert "Melzo" in page.locator("#search-map .search-map__place").all_inner_texts()
        assert page.locator("#search-map .leaflet-tile").count() == 0
        assert hosts == {urlsplit(live_server.url).netloc}, hosts

        # The keyboard: Tab from the map reaches the first marker, Enter opens its popup with the
        # service's name (its link focused), Escape closes it and gives the focus back.
        page.locator("#search-map").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('aria-label')]")
        assert "search-map__marker" in focused[0]
        assert focused[1] == f"1. {names[0]}"
        page.keyboard.press("Enter")
        popup = page.locator("#search-map .leaflet-popup-content")
        popup.wait_for()
        assert names[0] in popup.inner_text()
        assert page.evaluate("document.activeElement.textContent") == names[0]
        page.keyboard.press("Escape")
        popup.wait_for(state="detached")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"1. {names[0]}"
        assert_accessible(page)
    finally:
        context.close()
