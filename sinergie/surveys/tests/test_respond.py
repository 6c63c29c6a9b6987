"""The answering pages: one section per page, no login, every check on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from sinergie.surveys import services, views
from sinergie.surveys.models import Response, ResponseToken
from sinergie.surveys.tests.helpers import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _token_campaign(world):
    campaign = make_campaign(world.company)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    return campaign, f"/questionari/{token}/"


def test_a_worker_answers_page_by_page_with_a_token(client, world):
    _campaign, url = _token_campaign(world)
    page = client.get(url)
    assert page.status_code == 200
    assert b"<legend" in page.content and b"progress" in page.content
    assert "Pagina 1 di 2" in page.content.decode()
    answer = client.post(url, {"kids": "yes", "stress": "4", "action": "next"})
    assert answer.status_code == 302
    draft = Response.objects.get()
    assert not draft.completed and draft.answers == {"kids": "yes", "stress": 4}
    second = client.get(url)
    assert b'name="ages"' in second.content
    done = client.post(url, {"ages": ["0_2", "6_10"], "minutes": "25", "moments__am": "hard", "action": "next"})
    assert done.status_code == 200 and "Grazie" in done.content.decode()
    response = Response.objects.get()
    assert response.completed and response.resume_hash == ""
    assert response.answers == {
        "kids": "yes",
        "stress": 4,
        "ages": ["0_2", "6_10"],
        "minutes": 25,
        "moments": {"am": "hard"},
    }
    assert ResponseToken.objects.get().used
    again = client.get(url)
    assert again.status_code == 410
    assert "già stato usato" in again.content.decode()


def test_skip_logic_hides_the_ages_question_on_the_server(client, world):
    _campaign, url = _token_campaign(world)
    client.post(url, {"kids": "no", "stress": "2", "action": "next"})
    page = client.get(url)
    assert b'name="ages"' not in page.content
    client.post(url, {"ages": ["0_2"], "action": "next"})
    assert "ages" not in Response.objects.get(completed=True).answers


def test_errors_name_the_question_and_save_nothing(client, world):
    _campaign, url = _token_campaign(world)
    page = client.post(url, {"kids": "maybe", "stress": "9", "action": "next"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "Figli?" in text and 'href="#q-kids"' in text and 'href="#q-stress"' in text
    assert not Response.objects.exists()
    missing = client.post(url, {"action": "next"})
    assert missing.status_code == 400 and "Questa domanda richiede una risposta" in missing.content.decode()
    assert not Response.objects.exists()


def test_resume_from_the_same_browser_session(client, world):
    campaign, url = _token_campaign(world)
    client.post(url, {"kids": "no", "stress": "2", "action": "next"})
    # the secret lives only in the session, the response keeps its keyed hash
    state = client.session[f"surveys:{campaign.pk}"]
    assert Response.objects.get().resume_hash == services.keyed_hash(campaign.salt, state["resume"])
    page = client.get(url)
    assert "Pagina 2 di 2" in page.content.decode()
    back = client.post(url, {"action": "back"})
    assert back.status_code == 302
    assert 'value="no" checked' in client.get(url).content.decode()


def test_a_forged_link_gets_a_clear_page(client, world):
    make_campaign(world.company)
    page = client.get("/questionari/forged-token-value/")
    assert page.status_code == 404 and "non funziona" in page.content.decode()
    assert client.get("/questionari/" + "x" * 100 + "/").status_code == 404
    # Issue 12, point 3: PostgreSQL refuses a NUL in a query; the code was a server error there.
    assert client.get("/questionari/a%00b/").status_code == 400  # web/nul.py: a bad address


def test_after_the_deadline_the_page_is_closed_and_nothing_is_saved(client, world):
    campaign, url = _token_campaign(world)
    client.post(url, {"kids": "no", "stress": "2", "action": "next"})
    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.save()
    page = client.post(url, {"minutes": "10", "action": "next"})
    assert page.status_code == 410 and "chiuso" in page.content.decode()
    assert not Response.objects.filter(completed=True).exists()
    assert not ResponseToken.objects.get().used


def test_not_open_yet(client, world):
    campaign, url = _token_campaign(world)
    campaign.opens_at = timezone.now() + timedelta(days=1)
    campaign.save()
    assert client.get(url).status_code == 403


def test_an_open_link_takes_one_response_per_browser_session(client, world):
    campaign = make_campaign(world.company, mode="open")
    url = f"/questionari/{campaign.slug}/"
    client.post(url, {"kids": "no", "stress": "2", "action": "next"})
    client.post(url, {"action": "next"})
    assert Response.objects.filter(completed=True).count() == 1
    page = client.get(url)
    assert page.status_code == 409


def test_an_open_link_is_rate_limited_per_address(client, world, settings):
    campaign = make_campaign(world.company, mode="open")
    url = f"/questionari/{campaign.slug}/"
    for _ in range(views.OPEN_LINK_STARTS_PER_HOUR):
        client.cookies.clear()
        assert client.get(url).status_code == 200
    client.cookies.clear()
    assert client.get(url).status_code == 429


def test_the_page_in_english(client, world):
    _campaign, url = _token_campaign(world)
    page = client.get("/en" + url)
    assert page.status_code == 200 and "Kids?" in page.content.decode()


def test_a_question_revealed_on_the_same_page_is_asked_before_moving_on(client, world):
    campaign = make_campaign(world.company, mode="open")
    first = campaign.survey.sections.get(order=1)
    campaign.survey.questions().filter(code="ages").update(section=first, order=3)
    url = f"/questionari/{campaign.slug}/"
    assert b'name="ages"' not in client.get(url).content
    again = client.post(url, {"kids": "yes", "stress": "2", "action": "next"})
    assert again.status_code == 302 and again["Location"].endswith("?altre=1")
    page = client.get(again["Location"])
    assert b'name="ages"' in page.content and "Pagina 1 di 2" in page.content.decode()
    missing = client.post(url, {"kids": "yes", "stress": "2", "action": "next"})
    assert missing.status_code == 400  # now shown and required
    client.post(url, {"kids": "yes", "stress": "2", "ages": ["3_5"], "action": "next"})
    assert "Pagina 2 di 2" in client.get(url).content.decode()


def test_tokens_stay_out_of_the_request_log(client, world, caplog):
    _campaign, url = _token_campaign(world)
    token = url.strip("/").rsplit("/", 1)[1]
    with caplog.at_level("DEBUG"):
        assert client.post(url, {"kids": "maybe", "action": "next"}).status_code == 400
        client.post(url, {"kids": "no", "stress": "1", "action": "next"})
        client.post(url, {"action": "next"})
        assert client.get(url).status_code == 410
    assert token not in caplog.text
