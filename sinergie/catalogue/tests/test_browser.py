"""The import in a real browser (its pages use no script of their own), with axe-core on each page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.core.tests.test_browser import BLOCKING_IMPACTS, CHROMIUM_ARGS
from sinergie.directory.models import Service

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser(chromium_executable: Path) -> Iterator[Browser]:
    """Our own Chromium, closed with this module: Playwright's sync API allows one running at a time,
    and core's session-wide one starts only after this module (tests run in file order)."""
    import os

    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # as core's fixture: the ORM runs beside Playwright's loop
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _assert_accessible(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, "\n".join(f"- {v['id']}: {v['help']}" for v in blocking)


def test_alliance_staff_upload_preview_and_confirm_an_import(browser: Browser, live_server, world, tmp_path):
    # A session made by the test client: the staff member is enrolled in MFA, as the middleware wants.
    client = Client()
    client.force_login(world.alliance_staff, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(locale="it-IT")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    try:
        path = tmp_path / "servizi.csv"
        path.write_bytes(csv_bytes([ROWS[3].replace("babysitting", "")]))
        page.goto(f"{live_server.url}/catalogo/importa/")
        _assert_accessible(page)
        page.select_option("select[name='organization']", str(world.provider.pk))
        page.set_input_files("input[name='file']", str(path))
        page.locator("main form[enctype] [type='submit']").click()
        page.wait_for_url("**/catalogo/importa/*/")
        assert "Baby sitting a domicilio" in page.locator("main").inner_text()
        _assert_accessible(page)
        assert not Service.objects.exists()
        page.locator("main form[action$='/conferma/'] [type='submit']").click()
        page.wait_for_url("**/avanzamento/")
        assert Service.objects.filter(external_id="BS-1", state="published").exists()
        _assert_accessible(page)
    finally:
        context.close()
