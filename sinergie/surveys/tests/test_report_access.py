"""Report page and API: the access matrix over the personas, the rules, and bad parameters."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import pytest
from django.contrib import admin
from django.utils import timezone, translation

from sinergie.conftest import add_member, enrol_totp
from sinergie.organizations.models import Role
from sinergie.surveys import models as survey_models
from sinergie.surveys import services
from sinergie.surveys.models import Response, ResponseToken
from sinergie.surveys.report import MESSAGE_COLLECTING, engine_for
from sinergie.surveys.services import ROME, K, SurveyError
from sinergie.surveys.tests.helpers import answer, close, make_campaign

pytestmark = pytest.mark.django_db


def _filled(world, organization=None, n=12, seed=1, closed=True):
    """A campaign with `n` answers, closed and released unless `closed` is False."""
    campaign = make_campaign(organization or world.company, mode="open")
    rng = random.Random(seed)
    for index in range(n):
        kids = rng.choice(["yes", "no"])
        answers = {"kids": kids, "stress": rng.randint(1, 5), "idea": f"idea {index}"}
        if kids == "yes":
            answers["ages"] = ["0_2"]
        answer(campaign, answers)
    return close(campaign) if closed else campaign


def _collecting() -> str:
    """The collecting message as the API writes it (Italian, the default language)."""
    with translation.override("it"):
        return str(MESSAGE_COLLECTING)


def _page(campaign):
    return f"/questionari/campagne/{campaign.pk}/risultati/"


def _api(campaign):
    return f"/api/v1/surveys/campaigns/{campaign.pk}/report"


ALLOWED = {"referent": "company", "colleague": "company", "alliance_staff": "alliance", "admin": "alliance"}
PERSONAS = [
    "citizen",
    "stranger",
    "referent",
    "colleague",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "evaluator",
    "analyst",
    "admin",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix_for_a_company_campaign(client, world, login, persona):
    campaign = _filled(world)
    login(getattr(world, persona))
    api = client.get(_api(campaign))
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/")
    if persona in ALLOWED:
        assert api.status_code == 200 and page.status_code == 200
        texts = api.json()["free_text"]
        assert bool(texts) == (ALLOWED[persona] == "alliance")
    else:
        assert api.status_code == 404 and page.status_code == 404


def test_anonymous_visitors_get_404(client, world):
    campaign = _filled(world)
    assert client.get(_api(campaign)).status_code == 404
    assert client.get(f"/questionari/campagne/{campaign.pk}/risultati/").status_code == 404
    assert client.get("/api/v1/surveys/campaigns/999999/report").status_code == 404


def test_the_alliance_staff_see_free_text_once_k_answers_count(client, world, login):
    login(world.alliance_staff)
    few = _filled(world, n=K - 1)
    data = client.get(_api(few)).json()
    assert data["state"] == "released" and data["free_text"] == {} and data["respondents"] is None
    assert data["message"] and data["variables"] == []
    collecting = _filled(world, n=K, closed=False)
    data = client.get(_api(collecting)).json()
    assert data["state"] == "collecting" and data["free_text"] == {} and data["respondents"] is None
    enough = close(collecting)
    data = client.get(_api(enough)).json()
    assert data["respondents"] == K
    assert sorted(data["free_text"]["idea"]["answers"]) == data["free_text"]["idea"]["answers"]
    assert len(data["free_text"]["idea"]["answers"]) == K


def test_the_other_alliance_staff_cannot_see_it(client, world, login):
    campaign = _filled(world, organization=world.other_company)
    login(world.alliance_staff)
    assert client.get(_api(campaign)).status_code == 404
    login(world.other_referent)
    assert client.get(_api(campaign)).status_code == 200


def test_the_report_hides_small_cells(client, world, login):
    campaign = _filled(world, n=12)
    login(world.referent)
    data = client.get(_api(campaign), {"breakdown": "kids"}).json()
    assert data["state"] == "released" and data["respondents"] == 12 and "filters" not in data
    assert all(variable["kind"] for variable in data["variables"])
    counts = [
        cell["count"]
        for variable in data["variables"]
        for item in variable["categories"]
        for cell in [{"count": item["count"]}, *item.get("by", {}).values()]
    ]
    counts += [column["count"] for column in data["breakdown"]["categories"]]
    assert all(c is None or c == 0 or c >= K for c in counts)
    assert None in counts  # 12 answers over five stress levels: some cells must be hidden


def test_nothing_is_published_while_the_campaign_collects_answers(client, world, login):
    campaign = _filled(world, n=2 * K + 2, closed=False)
    # A closing date whose figures cannot be mistaken for counts (3 March, 09:00, next year).
    closes = datetime(timezone.localtime().year + 1, 3, 3, 9, tzinfo=ROME)
    type(campaign).objects.filter(pk=campaign.pk).update(closes_at=closes)
    campaign.refresh_from_db()
    login(world.alliance_staff)  # the side that would see free text
    for params in ({}, {"breakdown": "kids"}, {"variable": "stress"}):
        data = client.get(_api(campaign), params).json()
        assert data["state"] == "collecting" and data["released_at"] is None
        assert data["responses_so_far"] == 2 * K  # rounded down to a multiple of K, not 12
        assert data["respondents"] is None and data["variables"] == [] and data["free_text"] == {}
        assert data["breakdown"] is None and data["benchmark"] is None
        assert data["message"] == _collecting()
    page = client.get(_page(campaign), {"breakdown": "kids"})
    assert page.status_code == 200
    shown = page.context["report"]
    assert shown["state"] == "collecting" and shown["responses_so_far"] == 2 * K
    assert shown["variables"] == [] and shown["respondents"] is None and page.context["benchmark"] is None
    text = page.content.decode()
    assert "<table" not in text and "idea 0" not in text
    # The status box says only that results come at the close and the count rounded down.
    status = " ".join(re.findall(r'<div[^>]*role="status"[^>]*>(.*?)</div>', text, flags=re.S))
    numbers = re.findall(r"\d+", re.sub(r"<[^>]+>", " ", status))
    assert str(2 * K) in numbers and str(2 * K + 2) not in numbers, status
    campaign.refresh_from_db()
    assert campaign.released_at is None and not Response.objects.filter(released=True).exists()
    assert engine_for(campaign).n == 0


def test_figures_are_released_once_at_the_close_and_never_change(client, world, login):
    campaign = _filled(world, n=2 * K + 2, closed=False)
    login(world.referent)
    assert client.get(_api(campaign)).json()["state"] == "collecting"
    campaign = close(campaign)
    first = client.get(_api(campaign), {"breakdown": "stress"}).json()
    assert first["state"] == "released" and first["respondents"] == 2 * K + 2
    assert first["released_at"] == campaign.released_at.isoformat() and first["responses_so_far"] is None
    with pytest.raises(SurveyError):
        answer(campaign, {"kids": "no", "stress": 1})
    assert client.get(_api(campaign), {"breakdown": "stress"}).json() == first


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/surveys/campaigns/{pk}/report",
        "/questionari/campagne/{pk}/risultati/",
        "/questionari/campagne/{pk}/risultati/csv/",
    ],
)
def test_the_first_report_after_the_close_makes_the_release(client, world, login, url):
    campaign = _filled(world, n=K + 1, closed=False)
    services.response_save_draft(campaign=campaign, resume_secret=None, answers={"kids": "no"})
    type(campaign).objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    login(world.referent)
    assert client.get(url.format(pk=campaign.pk)).status_code == 200
    campaign.refresh_from_db()
    assert campaign.released_at is not None
    assert Response.objects.filter(campaign=campaign, released=True).count() == K + 1
    assert not Response.objects.filter(campaign=campaign, completed=False).exists()
    assert client.get(_api(campaign)).json()["respondents"] == K + 1


@pytest.mark.parametrize("closed", [True, False])
@pytest.mark.parametrize(
    "params",
    [
        {"filter": "kids:yes"},
        {"filter": "kids"},
        {"filter": "kids:maybe"},
        {"filter": ["kids:yes", "stress:1"]},
        {"breakdown": "stress", "filter": "kids:no"},
    ],
)
def test_filters_are_refused_and_nothing_is_computed(client, world, login, params, closed):
    campaign = _filled(world, closed=closed)
    login(world.referent)
    response = client.get(_api(campaign), params)
    assert response.status_code == 400 and "“filter”" in response.json()["detail"]
    page = client.get(_page(campaign), params)
    assert page.status_code == 400 and "<table" not in page.content.decode()
    campaign.refresh_from_db()
    engine = engine_for(campaign)  # the one the page used, kept in this process
    assert engine._oneway == {} and engine._tables == {} and engine._cubes == {}


@pytest.mark.parametrize("closed", [True, False])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"breakdown": "nope"}, "breakdown"),
        ({"variable": "unknown"}, "variable"),
        ({"breakdown": "kids", "variable": ["stress", "unknown"]}, "variable"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, world, login, params, named, closed):
    campaign = _filled(world, closed=closed)
    login(world.referent)
    response = client.get(_api(campaign), params)
    assert response.status_code == 400 and f"“{named}”" in response.json()["detail"]
    assert client.get(_page(campaign), params).status_code == 400


def test_links_are_downloaded_once_and_only_by_who_runs_the_campaign(client, world, login):
    campaign = make_campaign(world.company)
    url = f"/questionari/campagne/{campaign.pk}/link/"
    login(world.alliance_staff)  # sees the report, but the company distributes its links
    assert client.post(url, {"count": "3"}).status_code == 403
    login(world.stranger)
    assert client.post(url, {"count": "3"}).status_code == 404
    login(world.referent)
    download = client.post(url, {"count": "3"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().strip().splitlines()
    assert len(lines) == 4 and all("/questionari/" in line for line in lines[1:])
    tokens = {line.rstrip("/").rsplit("/", 1)[1] for line in lines[1:]}
    assert not tokens & set(ResponseToken.objects.values_list("token_hash", flat=True))
    bad = client.post(url, {"count": "lots"})
    assert bad.status_code == 302 and ResponseToken.objects.count() == 3


def test_nothing_links_a_token_or_a_response_to_a_person():
    for model in (Response, ResponseToken):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related is None or related is survey_models.Campaign, f"{model.__name__}.{field.name}"
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"user", "ip", "ip_address", "email", "token", "response", "created_at", "submitted_at"}
    assert Response not in admin.site._registry and ResponseToken not in admin.site._registry


def test_the_referent_cannot_list_used_tokens(client, world, login):
    campaign = make_campaign(world.company)
    login(world.referent)
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/")
    assert page.status_code == 200
    assert b"token_hash" not in page.content
    assert client.get("/admin/surveys/responsetoken/").status_code in (302, 403, 404)


def test_the_database_path_gives_the_same_figures_as_the_answers(world):
    """engine_for reads the values as text from the database; Engine(answers=...) from dicts."""
    from sinergie.surveys import report
    from sinergie.surveys.report import Engine, question_variables

    campaign = _filled(world, n=12, seed=4, closed=False)
    answer(campaign, {"kids": "yes", "stress": 5, "ages": ["3_5", "6_10"], "minutes": 45, "moments": {"pm": "hard"}})
    answer(campaign, {"kids": "no", "stress": 1, "minutes": 0, "moments": {"am": "easy", "pm": "easy"}})
    answer(campaign, {"kids": "no", "stress": 2, "minutes": 300})
    campaign = close(campaign)
    from_db = engine_for(campaign)
    answers = list(Response.objects.filter(campaign=campaign, released=True).values_list("answers", flat=True))
    variables = {v.key: v for q in campaign.survey.questions() for v in question_variables(q)}
    from_answers = Engine(answers=answers, variables=variables)
    assert from_db.n == from_answers.n == 15
    for key in variables:
        assert sorted(from_db.column(key)) == sorted(from_answers.column(key)), key  # row order may differ
        assert from_db.counts(key) == from_answers.counts(key), key
    # Without the stored codes the engine extracts the values from the JSON: the same figures.
    Response.objects.update(codes="")
    report._ENGINES.clear()
    from_json = engine_for(campaign)
    assert from_json is not from_db and from_json.n == 15
    for key in variables:
        assert from_json.counts(key) == from_answers.counts(key), key


def test_the_engine_is_empty_while_open_and_kept_after_the_release(world):
    campaign = _filled(world, n=K, closed=False)
    collecting = engine_for(campaign)
    assert collecting.n == 0  # answers are in, but nothing counts before the release
    answer(campaign, {"kids": "no", "stress": 1})
    assert engine_for(campaign).n == 0
    campaign = close(campaign)
    released = engine_for(campaign)
    assert released is not collecting and released.n == K + 1
    assert engine_for(campaign) is released
    with pytest.raises(SurveyError):
        answer(campaign, {"kids": "no", "stress": 1})
    assert engine_for(campaign) is released and released.n == K + 1
    assert engine_for(type(campaign).objects.get(pk=campaign.pk)) is released  # the stored release


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alliance_staff", 200),
        ("admin", 200),
        ("referent", 404),
        ("evaluator", 404),
        ("analyst", 200),
        ("citizen", 404),
    ],
)
def test_access_to_an_alliance_campaign(client, world, login, persona, status):
    campaign = _filled(world, organization=world.alliance_org)
    login(getattr(world, persona))
    assert client.get(_api(campaign)).status_code == status
    assert client.get(_page(campaign)).status_code == status


def test_analysts_see_every_alliances_campaigns_as_aggregates_only(client, world, login):
    """Observatory analysts read the alliance-level reports of every alliance, under the same
    disclosure rules, but no free text (it may name a person), no company's campaign (it
    describes one employer) and no link to manage anything."""
    ours = _filled(world, organization=world.alliance_org)
    theirs = _filled(world, organization=world.other_alliance_org, seed=2)
    company = _filled(world, seed=3)
    login(world.analyst)
    for campaign in (ours, theirs):
        data = client.get(_api(campaign)).json()
        assert data["state"] == "released" and data["respondents"] == 12
        assert data["free_text"] == {}
        page = client.get(_page(campaign))
        assert page.status_code == 200 and b"idea 0" not in page.content
    assert client.get(_api(company)).status_code == 404
    assert client.get(_page(company)).status_code == 404
    listed = client.get("/questionari/campagne/")
    assert {c.pk for c in listed.context["campaigns"]} == {ours.pk, theirs.pk}
    # The staff of the alliance see the free text of the same report.
    login(world.alliance_staff)
    assert client.get(_api(ours)).json()["free_text"]["idea"]["answers"]


def test_an_analyst_role_outside_an_observatory_grants_nothing(client, world, login):
    """The role is an observatory's: an 'analyst' membership of an alliance (which the forms do
    not offer) opens neither its company partners' campaigns nor its own."""
    add_member(world.stranger, world.alliance_org, Role.ANALYST)
    enrol_totp(world.stranger)
    login(world.stranger)
    assert client.get(_api(_filled(world))).status_code == 404
    assert client.get(_api(_filled(world, organization=world.alliance_org, seed=4))).status_code == 404


def test_the_admin_refuses_to_edit_a_survey_with_answers(client, world, login):
    campaign = _filled(world, n=1, closed=False)
    survey = campaign.survey
    login(world.admin)
    page = client.post(
        f"/admin/surveys/survey/{survey.pk}/change/",
        {
            "title_it": "Cambiato",
            "title_en": "",
            "description_it": "",
            "description_en": "",
            "owner": world.company.pk,
            "template_key": "",
            "version": 1,
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
        },
    )
    assert page.status_code == 200 and "copialo" in page.content.decode()
    survey.refresh_from_db()
    assert survey.title_it == "Bisogni"
