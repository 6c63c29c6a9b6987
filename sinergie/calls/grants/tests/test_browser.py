"""In Chromium: a company referent applies with a plan, staff make the grant agreement; axe on every page,
the plan also on a phone-sized screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.calls.models import Application, Evaluation, IncentiveGrant
from sinergie.calls.services import rome_today
from sinergie.calls.tests.incentive_world import VAT, Incentives
from sinergie.directory.tests.test_moderation_browser import _log_in as log_in_with_second_factor
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referent_applies_and_staff_grant(chromium: Browser, live_server: Any, world: Any) -> None:
    inc = Incentives(world)
    world.other_company.vat_number = VAT
    world.other_company.save()
    base = live_server.url
    today = rome_today().isoformat()

    page = new_context(chromium, viewport={"width": 390, "height": 844}).new_page()
    log_in_with_second_factor(page, base, world.other_referent)
    page.goto(f"{base}/bandi/{inc.call.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/incentivi/bando/{inc.call.pk}/']").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert "/incentivi/domande/" in page.url
    assert_accessible(page)
    # A first try without the workers: the error is named beside its field.
    page.locator("input[name='employees']").fill("8")
    page.locator("label[for='id_smart_working']").click()
    page.locator("input[name='smart_working_cost']").fill("3.000")
    page.locator("input[name='smart_working_start']").fill(today)
    page.locator("input[name='smart_working_end']").fill(today)
    page.locator("input[name='requested']").fill("2500")
    page.locator("textarea[name='timeline']").fill("Da subito.")
    with page.expect_navigation():
        page.locator("button[name='send']").click()
    assert page.locator("#id_smart_working_workers_error").count() == 1
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.locator("input[name='smart_working_workers']").fill("6")
    with page.expect_navigation():
        page.locator("button[name='send']").click()
    application = Application.objects.get(organization=world.other_company)
    assert application.protocol in page.locator("main").inner_text()
    Evaluation.objects.create(application=application, admissible=True)  # the evaluators' part

    staff = new_context(chromium).new_page()
    log_in_with_second_factor(staff, base, world.alliance_staff)
    staff.goto(f"{base}/incentivi/gestione/{inc.call.pk}/")
    assert_accessible(staff)
    staff.goto(f"{base}/incentivi/gestione/domande/{application.pk}/concedi/")
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.locator("main form button[type='submit']").click()
    grant = IncentiveGrant.objects.get(application=application)
    assert grant.amount_cents == 250_000
    assert_accessible(staff)
    staff.goto(f"{base}/rendiconti/{inc.call.pk}/")
    assert_accessible(staff)
    staff.context.close()

    # The company's side of the grant: the report form and the upload, on a phone.
    company = page  # still signed in (a second sign-in in the same minute would reuse the TOTP code)
    company.goto(f"{base}/incentivi/")
    assert_accessible(company)
    company.goto(f"{base}/incentivi/contributi/{grant.pk}/")
    assert company.locator("textarea[name='smart_working_done']").count() == 1
    assert_accessible(company)
