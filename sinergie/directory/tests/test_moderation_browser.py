"""Moderation end to end in Chromium: a provider edits, the alliance returns it, the provider fixes it, it is published.

Families keep seeing the published name until the approval; both staff members log in
through the real forms, second factor included.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.db import connections

from sinergie.conftest import PASSWORD
from sinergie.core.tests.test_browser import BLOCKING_IMPACTS, CHROMIUM_ARGS
from sinergie.directory.tests.moderation_world import Moderation, moderation_fixture  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_own_thread(chromium_executable: Path, scenario: Callable[[Browser], None]) -> None:
    """Run `scenario` with its own Chromium in a thread of its own.

    Playwright's sync API refuses to start where an asyncio loop already runs, and another
    module's session-wide browser may keep one running in the main thread. The worker
    thread has its own database connection: the test is transactional, so it sees the data.
    """
    from playwright.sync_api import sync_playwright

    errors: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    scenario(browser)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    # Playwright's loop runs in the worker; its ORM calls (TOTP secrets) are plainly sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(timeout=600)
        assert not worker.is_alive(), "the browser scenario hung"
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    if errors:
        raise errors[0]


def _page(browser: Browser) -> Page:
    context = browser.new_context(locale="it-IT")
    context.set_default_timeout(15_000)
    return context.new_page()


def _log_in(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    form = page.locator("form:has(input[name='code'])")
    form.locator("input[name='code']").fill(code)
    with page.expect_navigation(url=f"{base_url}/area-personale/"):
        form.locator("button[type='submit']:not([form])").click()


def _assert_accessible(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core found serious or critical violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(", ".join(n["target"]) for n in v["nodes"])
        for v in blocking
    )


def _public_name(browser: Browser, base_url: str, service: Any) -> str:
    visitor = _page(browser)
    try:
        response = visitor.goto(f"{base_url}/servizi/{service.pk}/")
        assert response is not None and response.status == 200
        return visitor.locator("main h1").inner_text().strip()
    finally:
        visitor.context.close()


def _save_name(page: Page, base_url: str, service: Any, name: str) -> None:
    page.goto(f"{base_url}/gestione/servizi/{service.pk}/modifica/")
    page.locator("input[name='name_it']").fill(name)
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").last.click()
    errors = page.locator("#form-errors")
    assert errors.count() == 0, errors.inner_text()
    assert page.url == f"{base_url}/gestione/servizi/{service.pk}/anteprima/"
    assert name in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator(f"form[action='/gestione/servizi/{service.pk}/invia/'] button").click()
    assert page.locator(".alert-success").count() == 1


def _open_review(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/gestione/servizi/moderazione/")
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()


def test_a_change_is_returned_fixed_and_published(
    chromium_executable: Path, live_server: Any, moderation: Moderation
) -> None:
    _in_own_thread(chromium_executable, lambda browser: _scenario(browser, live_server.url, moderation))


def _scenario(browser: Browser, base: str, m: Moderation) -> None:
    provider = _page(browser)
    moderator = _page(browser)
    _log_in(provider, base, m.world.provider_staff)
    _log_in(moderator, base, m.world.alliance_staff)

    # The provider renames the published service and submits; families still see the old name.
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/modifica/")
    _assert_accessible(provider)
    _save_name(provider, base, m.service, "Centro estivo Girasol")
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole"

    # The alliance sees it in the queue with the field-by-field difference, and returns it.
    _open_review(moderator, base, "Centro estivo Girasol")
    diff = moderator.locator("#revision-diff").inner_text()
    assert "Centro estivo Girasole" in diff and "Centro estivo Girasol" in diff
    _assert_accessible(moderator)
    moderator.locator("textarea[name='comment']").fill("Manca una lettera nel nome.")
    with moderator.expect_navigation():
        moderator.locator("button[name='decision'][value='reject']").click()
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole"

    # The provider reads the comment, fixes the name and submits again.
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/anteprima/")
    assert "Manca una lettera nel nome." in provider.locator("#moderator-comment").inner_text()
    _assert_accessible(provider)
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/storia/")
    assert "Manca una lettera nel nome." in provider.locator("main").inner_text()
    _assert_accessible(provider)
    _save_name(provider, base, m.service, "Centro estivo Girasole 2027")

    # The alliance approves; the public page now shows the new name.
    moderator.goto(f"{base}/gestione/servizi/moderazione/")
    _assert_accessible(moderator)  # the queue
    _open_review(moderator, base, "Centro estivo Girasole 2027")
    with moderator.expect_navigation():
        moderator.locator("button[name='decision'][value='approve']").click()
    assert moderator.locator(".alert-success").count() == 1
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole 2027"

    provider.context.close()
    moderator.context.close()
