"""In Chromium on a phone-sized screen, without any JavaScript of ours: a company referent builds a
questionnaire (a section, a choice question, a question shown only for one answer), previews it,
and finds it read-only once it has answers. Every page is checked with axe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.surveys.models import Response, Survey
from sinergie.surveys.tests.helpers import make_campaign
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _check(page: Page) -> None:
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_a_referent_builds_previews_and_freezes_a_questionnaire(
    chromium: Browser, live_server: Any, world: Any
) -> None:
    from sinergie.directory.tests.test_moderation_browser import _log_in

    page = new_context(chromium, **PHONE).new_page()
    _log_in(page, live_server.url, world.referent)
    page.goto(f"{live_server.url}/questionari/modelli/")
    _check(page)
    page.locator("#id_title_it").fill("Famiglie dell'azienda")
    page.locator("#id_title_en").fill("Our families")
    _submit(page, "main form:has(#id_title_it) button[type='submit']")
    survey = Survey.objects.get(title_it="Famiglie dell'azienda")
    assert survey.owner == world.company
    _check(page)

    page.locator("#id_section-title_it").fill("Casa")
    _submit(page, "main form:has(#id_section-title_it) button[type='submit']")
    section = survey.sections.get()
    page.goto(f"{live_server.url}/questionari/modelli/{survey.pk}/sezioni/{section.pk}/domande/nuova/")
    _check(page)
    page.locator("#id_code").fill("kids")
    page.locator("#id_text_it").fill("Hai figli?")
    page.locator("#id_choices").fill("yes | Sì | Yes\nno | No | No")
    page.locator("label[for='id_required']").click()
    _submit(page, "main form button[type='submit']")

    # A bad options line: the page names the field and the line, and nothing is saved.
    page.goto(f"{live_server.url}/questionari/modelli/{survey.pk}/sezioni/{section.pk}/domande/nuova/")
    page.locator("#id_code").fill("ages")
    page.locator("#id_kind").select_option("multiple")
    page.locator("#id_text_it").fill("Quanti anni hanno?")
    page.locator("#id_choices").fill("0_2 | 0-2 anni\n3_5")
    _submit(page, "main form button[type='submit']")
    assert "2" in page.locator("#form-errors").inner_text()
    _check(page)
    assert survey.questions().count() == 1
    page.locator("#id_choices").fill("0_2 | 0-2 anni | 0-2 years\n3_5 | 3-5 anni | 3-5 years")
    kids = survey.questions().get(code="kids")
    page.locator("#id_show_when_question").select_option(str(kids.pk))
    page.locator("#id_show_when_values").fill("yes")
    _submit(page, "main form button[type='submit']")
    ages = survey.questions().get(code="ages")
    assert ages.show_when_question == kids and ages.show_when_values == ["yes"]
    _check(page)

    page.goto(f"{live_server.url}/questionari/modelli/{survey.pk}/anteprima/")
    assert page.locator("main fieldset#q-kids").count() == 1
    _check(page)

    campaign = make_campaign(world.company, survey=survey)
    Response.objects.create(campaign=campaign, answers={"kids": "no"}, completed=True)
    page.goto(f"{live_server.url}/questionari/modelli/{survey.pk}/")
    assert page.locator("main form[action$='/copia/']").count() == 1
    assert page.locator("main form[action$='/elimina/']").count() == 0
    _check(page)
    _submit(page, "main form[action$='/copia/'] button[type='submit']")
    copy = Survey.objects.get(copied_from=survey)
    assert page.url.endswith(f"/questionari/modelli/{copy.pk}/")
    assert copy.questions().count() == 2
    page.context.close()
