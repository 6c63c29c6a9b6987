"""The issue's "Done when": the planner lists the 2026/27 closure periods for a family in Cernusco
sul Naviglio with services for each, on the demo data, in Chromium, with no serious axe violations."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

from sinergie.directory.models import Taxonomy, TaxonomyTerm
from sinergie.directory.taxonomy import taxonomy_sync
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSURES_2026_27 = [
    "Vacanze di Natale",
    "Carnevale",
    "Vacanze di Pasqua",
    "Estate 2027",
    "Settembre prima della scuola",
]


@pytest.fixture
def demo(settings) -> None:
    # A transactional test that ran before flushed the taxonomy its data migration created.
    taxonomy_sync(Taxonomy, TaxonomyTerm)
    settings.DEBUG = True  # the demo refuses to run outside development
    call_command("demo", "--no-serve", stdout=StringIO())
    settings.DEBUG = False


def _fill_family(tab: Page, base_url: str) -> None:
    tab.goto(f"{base_url}/pianificatore/")
    tab.fill("#id_comune", "Cernusco sul Naviglio (MI)")
    tab.select_option("#id_anno", "2026")
    tab.fill("#id_eta1", "7")
    # Parent 1 works Monday to Friday by default; parent 2 as well.
    for index in range(5):
        tab.locator(f"label[for='id_lavora2_{index}']").click()
    tab.get_by_role("button", name="Trova i giorni da coprire").click()
    tab.wait_for_selector("#planner-summary")


def test_the_planner_lists_cernusco_s_2026_27_closures_with_services_for_each(
    chromium: Browser, live_server: LiveServer, demo: None
) -> None:
    page = new_context(chromium).new_page()
    _fill_family(page, live_server.url)
    assert "comune=" in page.url
    for name in CLOSURES_2026_27:
        heading = page.get_by_role("heading", name=name, exact=False)
        cards = page.locator("section.planner-period").filter(has=heading)
        assert cards.count() >= 1, name
        # The last one: September 2027, not the September 2026 already over.
        assert cards.last.locator("a[href^='/servizi/']").count() >= 1, f"no service for {name}"
    assert_accessible(page)
    page.context.close()

    # Without JavaScript, on a phone: the same plain GET form, no horizontal scrolling.
    phone = new_context(chromium, java_script_enabled=False).new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    _fill_family(phone, live_server.url)
    assert phone.locator("section.planner-period").count() >= len(CLOSURES_2026_27)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376
    phone.context.close()
