"""The public page "How we protect your answers" and the links to it from the answering pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation

from sinergie.surveys import privacy_views, services
from sinergie.surveys.models import CampaignMode, new_slug
from sinergie.surveys.tests.helpers import make_campaign

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.django_db

URL = "/questionari/come-proteggiamo-le-risposte/"
LINK = f'<a href="{URL}" rel="noreferrer">'


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the open link's hourly limit lives in the cache


def _italian(msgid: str) -> str:
    with translation.override("it"):
        return translation.gettext(msgid)


def test_it_answers_anonymously_in_italian(client):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="it">' in html
    assert f"<h1>{_italian('How we protect your answers')}</h1>" in html
    assert _italian("What the company sees") in html


def test_it_answers_anonymously_in_english(client):
    page = client.get(f"/en{URL}")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>How we protect your answers</h1>" in html
    assert "No figure describes fewer than 5 people." in html
    assert "nobody can find them to show, correct or delete them for you" in html


def test_reading_it_leaves_nothing_behind(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    assert page.status_code == 200
    # No session: nothing ties reading this page to answering afterwards.
    assert settings.SESSION_COOKIE_NAME not in page.cookies
    assert all(query["sql"].startswith("SELECT") for query in queries.captured_queries)


def test_it_only_reads(client):
    assert client.post(URL).status_code == 405


def test_the_link_is_on_the_first_page_of_a_token_survey_only(client, world):
    campaign = make_campaign(world.company)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    first = client.get(f"/questionari/{token}/")
    assert first.status_code == 200
    assert LINK in first.content.decode()
    client.post(f"/questionari/{token}/", {"kids": "yes", "stress": "4", "action": "next"})
    second = client.get(f"/questionari/{token}/")
    assert "Pagina 2 di 2" in second.content.decode()
    assert LINK not in second.content.decode()


def test_the_link_is_on_the_first_page_of_an_open_link_survey(client, world):
    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    first = client.get(f"/questionari/{campaign.slug}/")
    assert first.status_code == 200
    assert LINK in first.content.decode()
    english = client.get(f"/en/questionari/{campaign.slug}/")
    assert f'<a href="/en{URL}" rel="noreferrer">How we protect your answers</a>' in english.content.decode()


def test_the_link_is_on_the_thanks_page(client, world):
    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    url = f"/questionari/{campaign.slug}/"
    client.post(url, {"kids": "no", "stress": "2", "action": "next"})
    done = client.post(url, {"action": "next"})
    assert "Grazie" in done.content.decode()
    assert LINK in done.content.decode()


def test_no_answering_code_can_take_its_address(client, world):
    assert reverse("surveys:privacy") == URL
    assert resolve(URL).func is privacy_views.privacy
    # Slugs and tokens are secrets.token_urlsafe of 12 and 18 bytes: always 16 and 24
    # characters, never the 28 of "come-proteggiamo-le-risposte".
    word = URL.strip("/").split("/")[-1]
    assert len(word) == 28
    assert {len(new_slug()) for _ in range(200)} == {16}
    campaign = make_campaign(world.company)
    assert {len(t) for t in services.tokens_generate(campaign=campaign, count=200, by=None)} == {24}
    # And the answering pages still answer beside it.
    open_campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    assert resolve(f"/questionari/{open_campaign.slug}/").url_name == "respond"
    assert client.get(f"/questionari/{open_campaign.slug}/").status_code == 200


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_respondent_reads_it_on_a_phone_from_the_first_page(chromium: Browser, live_server: Any, world: Any) -> None:
    from sinergie.web.tests.browser_support import assert_accessible, new_context

    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    page = new_context(chromium, **PHONE).new_page()
    page.goto(f"{live_server.url}/questionari/{campaign.slug}/")
    with page.expect_navigation():
        page.locator(f"main a[href='{URL}']").click()
    assert page.url == f"{live_server.url}{URL}"
    assert page.locator("h1").inner_text() == _italian("How we protect your answers")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/en{URL}")
    assert page.locator("h1").inner_text() == "How we protect your answers"
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.context.close()
