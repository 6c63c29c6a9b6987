"""In Chromium on a phone: the referent reads the report beside similar companies and downloads
it with the chosen breakdown; the page stays accessible (axe)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.surveys.tests.test_peers import _own, _peers, _template
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_the_referent_compares_and_downloads_the_report(chromium: Browser, live_server: Any, world: Any) -> None:
    from sinergie.directory.tests.test_moderation_browser import _log_in

    template = _template()
    own = _own(world, template)
    peers = _peers(template, 5)
    page = new_context(chromium, accept_downloads=True, **PHONE).new_page()
    _log_in(page, live_server.url, world.referent)
    page.goto(f"{live_server.url}/questionari/campagne/{own.pk}/risultati/?breakdown=stress")
    main = page.locator("main").inner_text()
    assert "Aziende simili (%)" in main
    assert not any(peer.organization.name in main for peer in peers)
    assert_accessible(page)
    with page.expect_download() as info:
        page.locator("a[href$='/risultati/csv/?breakdown=stress']").click()
    download = info.value
    assert download.suggested_filename == f"risultati-{own.pk}-campagna.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "\nkids," in text and own.organization.name not in text
    page.context.close()
