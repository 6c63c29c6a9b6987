"""In Chromium: a company referent reads the report's charts beside their tables on a phone and a
wide screen, in Italian and English; the inline SVG breaks no rule of the CSP; axe finds nothing
serious; printing drops the navigation and the forms and keeps the charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.surveys.tests.test_charts import released_campaign
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1280, "height": 900}}
CHARTS = 7  # kids, stress, ages (one chart for its options), minutes, two matrix rows, measures

# Every CSP report of the page, whoever caused it (the console only says some of them).
LISTEN = (
    "window.cspReports = [];"
    "document.addEventListener('securitypolicyviolation', e => window.cspReports.push("
    "{directive: e.violatedDirective, source: e.sourceFile, blocked: e.blockedURI}));"
)


def _not_the_themes(page: Page) -> list[dict[str, str]]:
    """The CSP reports of the page, less the two every page has: Bootstrap Italia's script
    adding a style element, and its stylesheet's font given as a data: URL."""
    return [
        report
        for report in page.evaluate("window.cspReports")
        if not report["source"].endswith("/bootstrap-italia.bundle.min.js")
        and not (report["directive"] == "font-src" and report["blocked"] == "data")
    ]


def _open(chromium: Browser, live_server: Any, world: Any, **options: Any) -> Page:
    from sinergie.directory.tests.test_moderation_browser import _log_in

    context = new_context(chromium, **options)
    context.add_init_script(LISTEN)
    page = context.new_page()
    _log_in(page, live_server.url, world.referent)
    return page


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_on_a_phone_the_charts_sit_above_their_tables_in_both_languages(
    chromium: Browser, live_server: Any, world: Any
) -> None:
    campaign = released_campaign(world.company)
    page = _open(chromium, live_server, world, **PHONE)
    for prefix, lang in (("", "it"), ("/en", "en")):
        page.goto(f"{live_server.url}{prefix}/questionari/campagne/{campaign.pk}/risultati/")
        assert page.locator("html").get_attribute("lang") == lang
        charts = page.locator("main svg.report-chart-svg")
        assert charts.count() == CHARTS
        assert all(charts.nth(i).get_attribute("aria-hidden") == "true" for i in range(CHARTS))
        chart, table = _box(page, ".report-item .report-chart svg"), _box(page, ".report-item table")
        assert chart["y"] + chart["height"] <= table["y"]  # stacked
        assert 300 <= chart["width"] <= 390  # as wide as the column, no wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert _not_the_themes(page) == []
        assert_accessible(page)
    # The listener does see an inline style, so an SVG with one would have failed above.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    assert any(r["directive"].startswith("style-src") for r in _not_the_themes(page))
    page.context.close()


def test_on_a_wide_screen_each_chart_is_beside_its_table_and_prints_without_navigation(
    chromium: Browser, live_server: Any, world: Any
) -> None:
    campaign = released_campaign(world.company)
    page = _open(chromium, live_server, world, **WIDE)
    page.goto(f"{live_server.url}/en/questionari/campagne/{campaign.pk}/risultati/")
    chart, table = _box(page, ".report-item .report-chart svg"), _box(page, ".report-item table")
    assert chart["x"] + chart["width"] <= table["x"]  # side by side
    assert table["y"] < chart["y"] + chart["height"]
    assert page.locator(".report-summary").inner_text().count("%") >= 2  # the key needs
    # The breakdown is a plain GET form.
    page.select_option("#breakdown", "kids")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "breakdown=kids" in page.url
    assert page.locator("main svg.report-chart-svg").count() == CHARTS - 1
    legend = page.locator("main svg.report-chart-svg").first.inner_html()
    assert ">YES<" in legend and ">NO<" in legend
    assert _not_the_themes(page) == []
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("header.it-header-wrapper").is_visible()
    assert not page.locator("#breakdown").is_visible()
    assert page.locator("main svg.report-chart-svg").first.is_visible()
    page.context.close()
