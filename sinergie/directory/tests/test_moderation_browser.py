"""Moderation end to end in Chromium: a provider edits, the alliance returns it, the provider fixes it, it is published.

Families keep seeing the published name until the approval; both staff members log in
through the real forms, second factor included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator

from sinergie.conftest import PASSWORD
from sinergie.directory.tests.moderation_world import Moderation, moderation_fixture  # noqa: F401
from sinergie.web.tests.browser_support import assert_accessible, new_context, totp_code

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from sinergie.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser: Browser) -> Page:
    return new_context(browser).new_page()


def _log_in(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(user.email)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    code = totp_code(secret)
    form = page.locator("form:has(input[name='code'])")
    form.locator("input[name='code']").fill(code)
    with page.expect_navigation(url=f"{base_url}/area-personale/"):
        form.locator("button[type='submit']:not([form])").click()


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


def test_a_change_is_returned_fixed_and_published(chromium: Browser, live_server: Any, moderation: Moderation) -> None:
    _scenario(chromium, live_server.url, moderation)


def _scenario(browser: Browser, base: str, m: Moderation) -> None:
    provider = _page(browser)
    moderator = _page(browser)
    _log_in(provider, base, m.world.provider_staff)
    _log_in(moderator, base, m.world.alliance_staff)

    # The provider renames the published service and submits; families still see the old name.
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/modifica/")
    assert_accessible(provider)
    _save_name(provider, base, m.service, "Centro estivo Girasol")
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole"

    # The alliance sees it in the queue with the field-by-field difference, and returns it.
    _open_review(moderator, base, "Centro estivo Girasol")
    diff = moderator.locator("#revision-diff").inner_text()
    assert "Centro estivo Girasole" in diff and "Centro estivo Girasol" in diff
    assert_accessible(moderator)
    moderator.locator("textarea[name='comment']").fill("Manca una lettera nel nome.")
    with moderator.expect_navigation():
        moderator.locator("button[name='decision'][value='reject']").click()
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole"

    # The provider reads the comment, fixes the name and submits again.
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/anteprima/")
    assert "Manca una lettera nel nome." in provider.locator("#moderator-comment").inner_text()
    assert_accessible(provider)
    provider.goto(f"{base}/gestione/servizi/{m.service.pk}/storia/")
    assert "Manca una lettera nel nome." in provider.locator("main").inner_text()
    assert_accessible(provider)
    _save_name(provider, base, m.service, "Centro estivo Girasole 2027")

    # The alliance approves; the public page now shows the new name.
    moderator.goto(f"{base}/gestione/servizi/moderazione/")
    assert_accessible(moderator)  # the queue
    _open_review(moderator, base, "Centro estivo Girasole 2027")
    with moderator.expect_navigation():
        moderator.locator("button[name='decision'][value='approve']").click()
    assert moderator.locator(".alert-success").count() == 1
    assert _public_name(browser, base, m.service) == "Centro estivo Girasole 2027"

    provider.context.close()
    moderator.context.close()
