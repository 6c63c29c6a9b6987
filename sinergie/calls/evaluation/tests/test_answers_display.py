"""What the applicant declared, on the staff's and the evaluator's application pages: every key
has its label and every stored choice its name; a company's plan reads as a block, not a dict."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.evaluation.ranking import ranking_compute, ranking_publish
from sinergie.calls.evaluation.selectors import AnswerBlock, answers_for_display, plan_for_display
from sinergie.calls.grants.services import MEASURE_LABELS
from sinergie.calls.services import euro
from sinergie.calls.tests.incentive_world import VAT, Incentives, plan
from sinergie.calls.tests.review_world import Review, review_fixture  # noqa: F401


@pytest.fixture
def inc(world) -> Incentives:
    return Incentives(world)


def test_a_company_plan_reads_as_words_on_the_staff_application_page(inc: Incentives, login: Any) -> None:
    with translation.override("it"):
        url = reverse("calls:evaluation-application", args=[inc.call.pk, inc.application.pk])
        page = login(inc.staff).get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
        for raw in ("incentive_plan", "{'vat_number'", "cost_cents", "smart_working", "hour_bank"):
            assert raw not in page
        assert str(MEASURE_LABELS["smart_working"]) in page and str(MEASURE_LABELS["hour_bank"]) in page
        assert euro(300_000) in page and euro(400_000) in page
        start = datetime.date.fromisoformat(plan()["measures"][0]["start"])
        assert date_format(start, "DATE_FORMAT") in page
    assert VAT in page and "Da gennaio a giugno." in page


def test_the_plan_block_names_each_measure_with_cost_dates_and_workers(db: None) -> None:
    stored = plan(measures=[{**plan()["measures"][0], "start": "2026-12-05", "end": "2027-06-05", "workers": 1}])
    block = plan_for_display(stored)
    rows = dict(block.rows)
    assert rows["VAT number"] == VAT and rows["Employees"] == "45" and rows["Amount requested"] == euro(400_000)
    start, end = (date_format(datetime.date(*day), "DATE_FORMAT") for day in [(2026, 12, 5), (2027, 6, 5)])
    assert block.items == [f"Smart-working plan: € 3.000,00, from {start} to {end}, 1 worker"]
    assert plan_for_display("not a plan").items == []


def test_stored_choices_and_keys_read_in_words(db: None) -> None:
    answers = {
        "codice_fiscale": "RSSMRA85T10A562S",
        "gender": "f",
        "shift_work": True,
        "lives_in": "other",
        "employer_id": "other",
        "single_parent": False,
    }
    shown = dict(answers_for_display(answers))
    assert shown == {
        "Codice fiscale": "RSSMRA85T10A562S",
        "Gender": "woman",
        "Night or shift work": "yes",
        "Municipality of residence": "another municipality",
        "Employer": "another employer",
        "Single parent": "no",
    }
    label, value = answers_for_display({"incentive_plan": plan()})[0]
    assert label == "Company plan" and isinstance(value, AnswerBlock)


def test_the_review_page_shows_the_date_sent_and_admissibility_in_the_singular(review: Review, login: Any) -> None:
    with translation.override("it"):
        url = reverse("calls:evaluation-application", args=[review.call.pk, review.first.pk])
        page = login(review.staff).get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert re.findall(r"<dt[^>]*>[^<]*</dt>", page) and not re.findall(r">\s*(Inviate|Ammissibili)\b", page)
    assert '<dt class="col-sm-4">Inviata</dt>' in page


def test_a_published_ranking_version_says_when_it_was_published(review: Review, login: Any) -> None:
    ranking = ranking_compute(call=review.call, by=review.staff)
    ranking = ranking_publish(ranking=ranking, by=review.staff)
    url = reverse("calls:evaluation-ranking", args=[review.call.pk])
    page = login(review.staff).get(url).content.decode()
    heading = re.search(r'<h2 id="preview-title"[^>]*>(.*?)</h2>', page, re.S).group(1)
    assert date_format(timezone.localtime(ranking.published_at), "j F Y") in heading


def test_the_voucher_page_does_not_repeat_balance_as_heading_and_label(money: Money, login: Any) -> None:
    voucher = money.issue()
    page = login(money.world.citizen).get(reverse("vouchers:detail", args=[voucher.pk])).content.decode()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)
    labels = re.findall(r"<dt[^>]*>(.*?)</dt>", page, re.S)
    assert not set(headings) & set(labels)


def test_the_plan_and_the_grant_show_dates_as_dates_not_iso_text(inc: Incentives, login: Any) -> None:
    grant = inc.to_paid(inc.grant())
    iso = re.compile(r"\b20\d\d-\d\d-\d\d\b")
    for url in (reverse("incentives:plan", args=[inc.application.pk]), reverse("incentives:grant", args=[grant.pk])):
        page = login(inc.staff).get(url).content.decode()
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S))
        assert not iso.findall(visible), url
        assert date_format(services.rome_today(), "DATE_FORMAT") in page
