"""Issue 5's "Done when", in Chromium: a company referent opens a campaign from the workers'
needs template and downloads the single-use links; a worker answers on a phone-sized screen; the
referent reads the report, with hidden figures where groups are small; builds a plan from it and
asks for the family-friendly label; the alliance's staff verify it and the company appears in the
public register. Every page on the way is checked with axe."""

from __future__ import annotations

import csv
import datetime
import io
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from sinergie.companies import assessment
from sinergie.companies.models import LabelAward, LabelScheme, LabelState, PlanMeasure
from sinergie.directory.tests.test_moderation_browser import _log_in
from sinergie.surveys import services
from sinergie.surveys.models import Campaign, Question, Response, Section, Survey
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def _synthetic(survey: Survey, rng: random.Random) -> dict[str, Any]:
    """A complete, valid set of answers: random choices, skip logic followed, no free text."""
    answers: dict[str, Any] = {}
    for question in Question.objects.filter(section__survey=survey).order_by("section__order", "order"):
        gate = question.show_when_question
        if gate is not None:
            given = answers.get(gate.code)
            given = given if isinstance(given, list) else [given]
            if not set(map(str, given)) & set(map(str, question.show_when_values or [])):
                continue
        options = question.options or {}
        values = [choice["value"] for choice in options.get("choices", [])]
        if question.kind == "single":
            answers[question.code] = rng.choice(values)
        elif question.kind == "multiple":
            answers[question.code] = [rng.choice(values)]
        elif question.kind == "scale":
            answers[question.code] = rng.randint(options["min"], options["max"])
        elif question.kind == "number":
            answers[question.code] = rng.randint(options.get("min", 0), min(options.get("max", 3), 3))
        elif question.kind == "matrix":
            answers[question.code] = {row["value"]: rng.choice(values) for row in options["rows"]}
    return answers


def _answer_on_a_phone(page: Page, link: str) -> None:
    page.goto(link)
    assert_accessible(page)
    for _step in range(25):
        if "Grazie" in page.locator("h1").inner_text():
            return
        for fieldset in page.locator("main form fieldset[id^='q-']").all():
            first = fieldset.locator("input[type='radio'], input[type='checkbox']").first
            if first.count() and not first.is_checked():
                fieldset.locator(f"label[for='{first.get_attribute('id')}']").click()
        for number in page.locator("main form input[type='number']").all():
            number.fill("1")
        _submit(page, "main form button[value='next']")
    raise AssertionError("the questionnaire never ended")


def test_from_a_needs_survey_to_the_public_register(chromium: Browser, live_server: Any, world: Any) -> None:
    from sinergie.surveys.needs_template import load

    base = live_server.url
    load(Survey, Section, Question)  # transactional tests flush what the data migration loaded
    LabelScheme.objects.create(
        alliance=world.alliance, name="Azienda amica della famiglia", min_measures_active=1, survey_within_months=24
    )
    assessment.assessment_submit(
        company=world.company, raw={q.code: 2 for q in assessment.QUESTIONS}, by=world.referent
    )

    # 1. The referent opens a campaign from the template and downloads the single-use links.
    referent = new_context(chromium).new_page()
    _log_in(referent, base, world.referent)
    referent.goto(f"{base}/questionari/campagne/")
    assert_accessible(referent)
    referent.locator("#id_organization").select_option(str(world.company.pk))
    referent.locator("#id_survey").select_option(index=1)
    referent.locator("#id_title").fill("Bisogni di conciliazione 2026")
    today = timezone.localdate()
    referent.locator("#id_opens_on").fill(today.isoformat())
    referent.locator("#id_closes_on").fill((today + datetime.timedelta(days=14)).isoformat())
    referent.locator("#id_target_size").fill("40")
    referent.locator("#id_mode").select_option("tokens")
    _submit(referent, "main form[method='post'] button[type='submit']")
    campaign = Campaign.objects.get(organization=world.company)
    assert "/risultati/" in referent.url
    assert_accessible(referent)
    referent.locator("#links-count").fill("12")
    with referent.expect_download() as download:
        referent.locator("form[action$='/link/'] button[type='submit']").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    links = [row[0] for row in rows[1:]]
    assert len(links) == 12 and all("/questionari/" in link for link in links)

    # 2. A worker answers on a phone with the first link; eleven colleagues answer too.
    worker = new_context(chromium, **PHONE).new_page()
    _answer_on_a_phone(worker, links[0])
    worker.context.close()
    rng = random.Random(5)
    for link in links[1:]:
        token = link.rstrip("/").rsplit("/", 1)[1]
        token_hash = services.token_check(campaign, token)
        services.response_submit(
            campaign=campaign, token_hash=token_hash, resume_secret=None, answers=_synthetic(campaign.survey, rng)
        )
    assert Response.objects.filter(campaign=campaign, completed=True).count() == 12

    # 3. While the campaign is open the report says only how many answered (at least, by fives);
    # at its deadline the twelve answers are released at once: figures, small groups hidden.
    referent.goto(f"{base}/questionari/campagne/{campaign.pk}/risultati/")
    text = referent.locator("main").inner_text()
    assert "Finora almeno 10 risposte." in text and "<table" not in referent.content()
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    referent.goto(f"{base}/questionari/campagne/{campaign.pk}/risultati/")
    assert "Hanno risposto 12 persone" in referent.locator("main").inner_text()
    assert_accessible(referent)
    referent.locator("#breakdown").select_option(index=1)
    _submit(referent, "main form[method='get'] button[type='submit']")
    assert "–" in referent.locator("main").inner_text()
    assert_accessible(referent)

    # 4. From what the survey showed, a measure goes into the plan.
    referent.goto(f"{base}/aziende/{world.company.slug}/piano/")
    referent.locator("#id_measure").select_option("camp_agreement")
    referent.locator("#id_target").fill("Posti nei centri estivi per i figli dei turnisti")
    referent.locator("#id_owner").fill("Ufficio del personale")
    referent.locator("#id_starts_on").fill(today.isoformat())
    referent.locator("#id_ends_on").fill((today + datetime.timedelta(days=300)).isoformat())
    referent.locator("#id_cost").fill("4.000")
    referent.locator("#id_need").fill("Rilevazione 2026: l'estate è il periodo più critico")
    _submit(referent, "form:has(#id_measure) button[type='submit']")
    assert PlanMeasure.objects.filter(plan__company=world.company).count() == 1
    assert_accessible(referent)

    # 5. The referent asks for the label: every check is met.
    referent.goto(f"{base}/aziende/{world.company.slug}/marchio/")
    assert referent.locator("[id^='checks-'] .bg-danger").count() == 0
    referent.locator("#id_declaration").fill("Rilevazione dei bisogni fatta, piano avviato.")
    referent.locator("#id_evidence").fill("Report della rilevazione e convenzione con il centro estivo.")
    _submit(referent, "form:has(#id_declaration) button[type='submit']")
    award = LabelAward.objects.get(company=world.company)
    assert award.state == LabelState.SUBMITTED and all(award.checks.values())
    assert_accessible(referent)
    referent.context.close()

    # 6. Staff verify it.
    staff = new_context(chromium).new_page()
    _log_in(staff, base, world.alliance_staff)
    staff.goto(f"{base}/aziende/marchi/")
    _submit(staff, f"a[href$='/aziende/marchi/{award.pk}/']")
    assert_accessible(staff)
    staff.locator("label[for='id_decision_0']").click()
    _submit(staff, "form:has(input[name='decision']) button[type='submit']")
    award.refresh_from_db()
    assert award.state == LabelState.VERIFIED
    staff.context.close()

    # 7. The company is in the public register.
    visitor = new_context(chromium).new_page()
    visitor.goto(f"{base}/aziende/registro/")
    assert world.company.name in visitor.locator("#register").inner_text()
    assert_accessible(visitor)
    visitor.context.close()
