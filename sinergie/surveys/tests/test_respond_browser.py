"""In Chromium on a phone-sized screen: a worker answers with a single-use link, without
JavaScript doing anything the server does not check; the referent then sees the report.
Every page is checked with axe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.surveys import services
from sinergie.surveys.models import Response, Survey
from sinergie.surveys.tests.helpers import make_campaign
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


def _next(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[value='next']").click()


def test_a_worker_answers_the_needs_template_on_a_phone(chromium: Browser, live_server: Any, world: Any) -> None:
    from sinergie.surveys.models import Question, Section
    from sinergie.surveys.needs_template import load

    template = load(Survey, Section, Question)  # transactional tests flush the data migration
    campaign = make_campaign(world.company, survey=template)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    page = new_context(chromium, **PHONE).new_page()
    page.goto(f"{live_server.url}/questionari/{token}/")
    assert "Pagina 1 di" in page.locator("main").inner_text()
    assert_accessible(page)
    _no_sideways_scroll(page)

    # Sent empty: the errors name the questions and link to them; nothing is saved.
    _next(page)
    assert page.locator("#form-errors a[href='#q-gender']").count() == 1
    assert_accessible(page)
    assert not Response.objects.exists()

    page.locator("label[for='q-gender-f']").click()
    page.locator("label[for='q-age_band-30_44']").click()
    page.locator("label[for='q-household-partner_children']").click()
    page.locator("label[for='q-children-yes']").click()
    _next(page)
    # No JavaScript needed: the page comes back with the questions "yes" opened.
    assert "Pagina 1 di" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("label[for='q-children_ages-0_2']").click()
    page.locator("#q-children_count").fill("1")
    _next(page)
    steps = 0
    while "Grazie" not in page.locator("h1").inner_text() and steps < 20:
        steps += 1
        assert_accessible(page)
        _no_sideways_scroll(page)
        # Answer every required question on the page with its first choice or a number.
        for fieldset in page.locator("main form fieldset[id^='q-']").all():
            first = fieldset.locator("input[type='radio'], input[type='checkbox']").first
            if first.count() and not first.is_checked():
                # Bootstrap Italia draws the control on the label, which takes the click.
                fieldset.locator(f"label[for='{first.get_attribute('id')}']").click()
        for number in page.locator("main form input[type='number']").all():
            number.fill("2")
        _next(page)
    assert "Grazie" in page.locator("h1").inner_text()
    response = Response.objects.get(completed=True)
    assert response.answers["children_ages"] == ["0_2"]
    page.goto(f"{live_server.url}/questionari/{token}/")
    assert "già stato usato" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.context.close()


def test_the_referent_reads_the_report_with_hidden_cells(chromium: Browser, live_server: Any, world: Any) -> None:
    from sinergie.directory.tests.test_moderation_browser import _log_in
    from sinergie.surveys.tests.helpers import answer, close

    campaign = make_campaign(world.company, mode="open")
    for index in range(12):
        answer(
            campaign,
            {"kids": "yes" if index < 9 else "no", "stress": 1 + index % 5, "ages": ["0_2"]}
            if index < 9
            else {"kids": "no", "stress": 1 + index % 5},
        )
    close(campaign)  # results are released once, at the close
    page = new_context(chromium, **PHONE).new_page()
    _log_in(page, live_server.url, world.referent)
    page.goto(f"{live_server.url}/questionari/campagne/{campaign.pk}/risultati/")
    assert "12" in page.locator(".report-summary p").first.inner_text()
    assert page.locator("main a[href$='/questionari/come-proteggiamo-le-risposte/']").count() == 1
    assert_accessible(page)
    page.locator("#breakdown").select_option("kids")
    with page.expect_navigation():
        page.locator("main form[method='get'] button[type='submit']").click()
    assert "–" in page.locator("main table").first.inner_text()
    assert_accessible(page)
    page.context.close()
