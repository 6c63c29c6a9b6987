"""In Chromium: staff check admissibility and assign an evaluator; the evaluator declares no
conflict of interest and scores; staff compute and publish the ranking; a visitor reads it by
protocol number only. Every page is checked by axe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sinergie.calls.models import Evaluation, Ranking
from sinergie.calls.tests.review_world import Review, review_fixture  # noqa: F401 - the fixture
from sinergie.calls.tests.test_design_browser import _log_in, _tick
from sinergie.web.tests.browser_support import assert_accessible, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_and_an_evaluator_take_a_call_to_its_published_ranking(
    chromium: Browser, live_server: Any, review: Review
) -> None:
    base = live_server.url
    call = review.call.pk
    staff = new_context(chromium).new_page()
    _log_in(staff, base, review.staff)

    # The automatic check: two of the three sent applications are admissible.
    staff.goto(f"{base}/bandi/gestione/{call}/")
    with staff.expect_navigation():
        staff.locator("#evaluation a").first.click()
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.locator("#evaluate").click()
    assert Evaluation.objects.filter(admissible=True).count() == 2
    assert review.first.protocol in staff.locator("#applications").inner_text()
    assert_accessible(staff)

    # The first application goes to the World's evaluator.
    with staff.expect_navigation():
        staff.get_by_role("link", name=review.first.protocol).click()
    assert_accessible(staff)
    staff.select_option("#id_asg-evaluator", str(review.evaluator.pk))
    with staff.expect_navigation():
        staff.locator("form:has(input[value='assegna']) button[type='submit']").click()
    assert review.evaluator.get_full_name() in staff.locator("#assignments").inner_text()

    # The evaluator declares no conflict, then sees the application and scores it.
    evaluator = new_context(chromium).new_page()
    _log_in(evaluator, base, review.evaluator)
    evaluator.goto(f"{base}/bandi/valutazioni/")
    assert_accessible(evaluator)
    assert review.second.protocol not in evaluator.locator("main").inner_text()
    with evaluator.expect_navigation():
        evaluator.get_by_role("link", name=review.first.protocol).click()
    assert "Anna" not in evaluator.locator("main").inner_text()
    assert_accessible(evaluator)
    evaluator.select_option("#id_dec-has_conflict", "no")
    with evaluator.expect_navigation():
        evaluator.locator("#declare").click()
    assert "Anna" in evaluator.locator("main").inner_text()
    assert_accessible(evaluator)
    evaluator.fill("#id_pts-manual_points", "2,5")
    evaluator.fill("#id_pts-note", "Situazione familiare documentata")
    with evaluator.expect_navigation():
        evaluator.locator("#save-points").click()
    assert Evaluation.objects.get(application=review.first).manual_points == 250
    evaluator.context.close()

    # Staff compute the ranking, check the preview and publish it with the confirmation.
    staff.goto(f"{base}/bandi/gestione/{call}/graduatoria/")
    assert_accessible(staff)
    with staff.expect_navigation():
        staff.locator("#compute-ranking").click()
    preview = staff.locator("#ranking-preview").inner_text()
    assert review.first.protocol in preview and "Anna" in preview
    assert_accessible(staff)
    _tick(staff, "id_pub-confirm")
    with staff.expect_navigation():
        staff.locator("#publish-ranking").click()
    assert Ranking.objects.get().published_at is not None
    assert_accessible(staff)
    staff.context.close()

    # The public page: protocol numbers, no names.
    visitor = new_context(chromium).new_page()
    visitor.goto(f"{base}/domande/graduatoria/{call}/")
    text = visitor.locator("main").inner_text()
    assert review.first.protocol in text and review.second.protocol in text
    for name in ("Anna", "Bruno", "Carla", "Rossi", "example.org"):
        assert name not in text
    assert_accessible(visitor)
    visitor.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_review_page_draws_no_label_over_a_heading_or_field(
    chromium: Browser, live_server: Any, review: Review, width: int
) -> None:
    """'Ammissibili *' and 'Punti manuali' were drawn over their sections' headings (issue 13,
    point 14); the menu holds on one line at 1280 px."""
    from sinergie.web.tests.browser_support import assert_no_label_over_a_field

    context = new_context(chromium, viewport={"width": width, "height": 900})
    page = context.new_page()
    _log_in(page, live_server.url, review.staff)
    page.goto(f"{live_server.url}/bandi/gestione/{review.call.pk}/domande/{review.first.pk}/")
    assert page.locator("#id_adm-admissible, [name$='admissible']").count() >= 1
    assert_no_label_over_a_field(page)
    context.close()
