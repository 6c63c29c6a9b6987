"""The issue's "Done when": the planner lists the 2026/27 closure periods for a family in Cernusco
sul Naviglio with services for each, on the demo data, in Chromium, with no serious axe violations."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

# Shared browser fixtures (Debian's Chromium through Playwright) live with the core browser tests.
from sinergie.core.tests.test_browser import BLOCKING_IMPACTS, chromium, page, page_without_js  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Page
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
    tab.get_by_role("button", name="Find the days to cover").or_(
        tab.get_by_role("button", name="Trova i giorni da coprire")
    ).click()
    tab.wait_for_selector("#planner-summary")


def test_the_planner_lists_cernusco_s_2026_27_closures_with_services_for_each(
    page: Page,  # noqa: F811
    page_without_js: Page,  # noqa: F811
    live_server: LiveServer,
    demo: None,
) -> None:
    # One test for both: loading the demo is the slow part, and a transactional test's flush
    # removes the taxonomy that a second load would need.
    from axe_playwright_python.sync_playwright import Axe

    _fill_family(page, live_server.url)
    assert "comune=015070" in page.url or "Cernusco" in page.url
    for name in CLOSURES_2026_27:
        cards = page.locator("section.planner-period").filter(has=page.get_by_role("heading", name=name, exact=False))
        assert cards.count() >= 1, name
        card = cards.last  # the 2027 September, not the 2026 one
        assert card.locator("a[href^='/servizi/']").count() >= 1, f"no service for {name}"
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, "axe-core found serious or critical violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(", ".join(n["target"]) for n in v["nodes"])
        for v in blocking
    )

    # Without JavaScript, on a phone: the same plain GET form, no horizontal scrolling.
    phone = page_without_js
    phone.set_viewport_size({"width": 375, "height": 800})
    _fill_family(phone, live_server.url)
    assert phone.locator("section.planner-period").count() >= len(CLOSURES_2026_27)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376
