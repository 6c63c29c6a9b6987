"""The import in a real browser (its pages use no script of their own), with axe-core on each page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from sinergie.catalogue.tests.conftest import ROWS, csv_bytes
from sinergie.directory.models import Service
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alliance_staff_upload_preview_and_confirm_an_import(chromium: Browser, live_server, world, tmp_path):
    # A session made by the test client: the staff member is enrolled in MFA, as the middleware wants.
    client = Client()
    client.force_login(world.alliance_staff, backend="django.contrib.auth.backends.ModelBackend")
    context = new_context(chromium)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    try:
        path = tmp_path / "servizi.csv"
        path.write_bytes(csv_bytes([ROWS[3].replace("babysitting", "")]))
        page.goto(f"{live_server.url}/catalogo/importa/")
        assert_accessible(page)
        page.select_option("select[name='organization']", str(world.provider.pk))
        page.set_input_files("input[name='file']", str(path))
        page.locator("main form[enctype] [type='submit']").click()
        page.wait_for_url("**/catalogo/importa/*/")
        assert "Baby sitting a domicilio" in page.locator("main").inner_text()
        assert_accessible(page)
        assert not Service.objects.exists()
        page.locator("main form[action$='/conferma/'] [type='submit']").click()
        page.wait_for_url("**/avanzamento/")
        assert Service.objects.filter(external_id="BS-1", state="published").exists()
        assert_accessible(page)
    finally:
        context.close()
