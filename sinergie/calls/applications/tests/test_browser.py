"""In Chromium on a phone-sized screen: a citizen applies to an open call with a PDF and reaches
the receipt; the same flow works with JavaScript switched off (the form is plain HTML).
Every page is checked with axe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.calls.models import Application, ApplicationState
from sinergie.calls.tests.apply_world import CODICE_FISCALE, PDF, Applying, applying_fixture  # noqa: F401
from sinergie.conftest import PASSWORD
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


def _check(page: Page, javascript: bool) -> None:
    if javascript:
        _no_sideways_scroll(page)
        assert_accessible(page)


def _apply(page: Page, base: str, user: User, call_id: int, *, javascript: bool) -> None:
    # Apply from the call's page: the login comes first, then back to the form.
    page.goto(f"{base}/bandi/{call_id}/")
    _check(page, javascript)
    with page.expect_navigation():
        page.locator("#apply-button").click()
    assert "/account/login/" in page.url
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    assert f"/bandi/{call_id}/domanda/" in page.url
    _check(page, javascript)

    page.locator("input[name='codice_fiscale']").fill(CODICE_FISCALE)
    page.locator("select[name='lives_in']").select_option("015142")
    page.locator("input[name='children_ages']").fill("4, 9")
    page.locator("input[name='isee']").fill("15.000")
    page.locator("label[for='id_single_parent']").click()
    page.locator("input[name='document_0']").set_input_files(
        {"name": "isee.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        page.locator("button[name='continua']").click()
    assert "/riepilogo/" in page.url
    assert CODICE_FISCALE in page.locator("#answers").inner_text()
    _check(page, javascript)

    page.locator("label[for='id_declaration']").click()
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert "/ricevuta/" in page.url
    _check(page, javascript)


def test_a_citizen_applies_on_a_phone_with_a_pdf_and_reaches_the_receipt(
    chromium: Browser, live_server: Any, applying: Applying
) -> None:
    page = new_context(chromium, viewport=PHONE).new_page()
    _apply(page, live_server.url, applying.world.citizen, applying.call.pk, javascript=True)
    application = Application.objects.get(applicant=applying.world.citizen)
    assert application.state == ApplicationState.SUBMITTED
    assert application.protocol in page.locator("main").inner_text()
    assert application.documents.get().filename == "isee.pdf"
    page.context.close()


def test_the_same_flow_works_without_javascript(chromium: Browser, live_server: Any, applying: Applying) -> None:
    page = new_context(chromium, viewport=PHONE, java_script_enabled=False).new_page()
    _apply(page, live_server.url, applying.world.stranger, applying.call.pk, javascript=False)
    application = Application.objects.get(applicant=applying.world.stranger)
    assert application.state == ApplicationState.SUBMITTED
    assert application.protocol in page.locator("main").inner_text()
    page.context.close()
