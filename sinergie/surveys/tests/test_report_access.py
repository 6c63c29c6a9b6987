"""Report page and API: the access matrix over the personas, the rules, and bad parameters."""

from __future__ import annotations

import random

import pytest
from django.contrib import admin

from sinergie.conftest import add_member
from sinergie.organizations.models import Role
from sinergie.surveys import models as survey_models
from sinergie.surveys.models import Response, ResponseToken
from sinergie.surveys.services import K
from sinergie.surveys.tests.helpers import answer, make_campaign

pytestmark = pytest.mark.django_db


def _filled(world, organization=None, n=12, seed=1):
    campaign = make_campaign(organization or world.company, mode="open")
    rng = random.Random(seed)
    for index in range(n):
        kids = rng.choice(["yes", "no"])
        answers = {"kids": kids, "stress": rng.randint(1, 5), "idea": f"idea {index}"}
        if kids == "yes":
            answers["ages"] = ["0_2"]
        answer(campaign, answers)
    return campaign


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


def test_an_analyst_of_the_alliance_sees_free_text_once_k_answers_count(client, world, login):
    add_member(world.analyst, world.alliance_org, Role.ANALYST)
    campaign = _filled(world, n=K - 1)
    login(world.analyst)
    data = client.get(_api(campaign)).json()
    assert data["free_text"] == {} and data["respondents"] is None and data["message"]
    answer(campaign, {"kids": "no", "stress": 2, "idea": "last"})
    data = client.get(_api(campaign)).json()
    assert data["respondents"] == K
    assert sorted(data["free_text"]["idea"]["answers"]) == data["free_text"]["idea"]["answers"]
    assert len(data["free_text"]["idea"]["answers"]) == K


def test_the_other_alliance_staff_cannot_see_it(client, world, login):
    campaign = _filled(world, organization=world.other_company)
    login(world.alliance_staff)
    assert client.get(_api(campaign)).status_code == 404
    login(world.other_referent)
    assert client.get(_api(campaign)).status_code == 200


def test_the_report_hides_small_cells_and_refuses_small_filters(client, world, login):
    campaign = _filled(world, n=12)
    login(world.referent)
    data = client.get(_api(campaign), {"breakdown": "kids"}).json()
    counts = [
        cell["count"]
        for variable in data["variables"]
        for item in variable["categories"]
        for cell in [{"count": item["count"]}, *item.get("by", {}).values()]
    ]
    assert all(c is None or c == 0 or c >= K for c in counts)
    assert None in counts  # 12 answers over five stress levels: some cells must be hidden
    tiny = client.get(_api(campaign), {"filter": ["stress:1", "kids:yes"]}).json()
    assert tiny["respondents"] is None and tiny["variables"] == [] and "5" in tiny["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"breakdown": "nope"},
        {"filter": "kids"},
        {"filter": "kids:maybe"},
        {"filter": "kids:_none"},
        {"filter": ["kids:yes", "kids:no"]},
        {"filter": ["kids:yes", "stress:1", "minutes:0"]},
        {"breakdown": "kids", "filter": "kids:yes"},
        {"variable": "unknown"},
    ],
)
def test_bad_parameters_get_a_clear_400(client, world, login, params):
    campaign = _filled(world)
    login(world.referent)
    response = client.get(_api(campaign), params)
    assert response.status_code == 400 and response.json()["detail"]
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/", params)
    assert page.status_code == 400


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
    from sinergie.surveys.report import Engine, engine_for, question_variables

    campaign = _filled(world, n=12, seed=4)
    answer(campaign, {"kids": "yes", "stress": 5, "ages": ["3_5", "6_10"], "minutes": 45, "moments": {"pm": "hard"}})
    answer(campaign, {"kids": "no", "stress": 1, "minutes": 0, "moments": {"am": "easy", "pm": "easy"}})
    answer(campaign, {"kids": "no", "stress": 2, "minutes": 300})
    from_db = engine_for(campaign)
    answers = list(Response.objects.filter(campaign=campaign, released=True).values_list("answers", flat=True))
    variables = {v.key: v for q in campaign.survey.questions() for v in question_variables(q)}
    from_answers = Engine(answers=answers, variables=variables)
    assert from_db.n == from_answers.n == 15
    for key in variables:
        assert sorted(from_db.column(key)) == sorted(from_answers.column(key)), key  # row order may differ
        assert from_db.counts(key, frozenset()) == from_answers.counts(key, frozenset()), key
    # Without the stored codes the engine extracts the values from the JSON: the same figures.
    Response.objects.update(codes="")
    answer(campaign, {"kids": "no", "stress": 3})
    from_json = engine_for(campaign)
    assert from_json.n == 15
    for key in variables:
        assert from_json.counts(key, frozenset()) == from_answers.counts(key, frozenset()), key


def test_the_engine_is_kept_until_the_next_release(world):
    from sinergie.surveys.report import engine_for

    campaign = _filled(world, n=K)
    first = engine_for(campaign)
    assert engine_for(campaign) is first
    for _ in range(K - 1):
        answer(campaign, {"kids": "no", "stress": 1})
    assert engine_for(campaign) is first  # nothing new released
    answer(campaign, {"kids": "no", "stress": 1})
    assert engine_for(campaign) is not first and engine_for(campaign).n == 2 * K


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alliance_staff", 200),
        ("admin", 200),
        ("referent", 404),
        ("evaluator", 404),
        ("analyst", 404),
        ("citizen", 404),
    ],
)
def test_access_to_an_alliance_campaign(client, world, login, persona, status):
    campaign = _filled(world, organization=world.alliance_org)
    login(getattr(world, persona))
    assert client.get(_api(campaign)).status_code == status


def test_the_admin_refuses_to_edit_a_survey_with_answers(client, world, login):
    campaign = _filled(world, n=1)
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
