"""The demo's surveys: counts, valid answers that follow the skip logic, a benchmark, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sinergie.organizations.models import Membership
from sinergie.surveys import demo, selectors, services
from sinergie.surveys.models import Campaign, Response, ResponseToken
from sinergie.surveys.peers import peer_benchmark
from sinergie.surveys.report import build_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True  # the demo only runs on development machines


def _demo() -> None:
    call_command("demo", "--no-serve", stdout=StringIO())


def test_the_demo_has_the_campaigns_answers_and_a_benchmark():
    _demo()
    main = Campaign.objects.get(organization__slug=demo.MAIN_SLUG, title=demo.CLOSED_TITLE)
    completed = Response.objects.filter(campaign=main, completed=True)
    assert completed.count() == demo.MAIN_RESPONSES
    released = completed.filter(released=True).count()
    assert released == demo.MAIN_RESPONSES and main.released_at is not None  # closed: released once, whole
    assert "demo" in main.title and main.closes_at < main.opens_at.__class__.now(main.closes_at.tzinfo)
    for slug, count in demo.PEERS:
        assert Response.objects.filter(campaign__organization__slug=slug, completed=True).count() == count
    # Every answer passes the checks real answers pass: ranges, required questions, skip logic.
    questions = list(main.survey.questions().select_related("section"))
    gates = {q.pk: q for q in questions}
    for answers in completed.values_list("answers", flat=True):
        services._check_stored_answers(questions, answers)
        assert not services.missing_required(questions, answers, gates)
        assert services.prune_hidden(questions, answers, gates) == answers
        if answers["children"] == "no":
            assert "children_ages" not in answers
    report = build_report(main)
    assert report["respondents"] == released
    benchmark = peer_benchmark(main)
    assert benchmark is not None and benchmark["companies"] == len(demo.PEERS)
    live = Campaign.objects.get(organization__slug=demo.OPEN_SLUG, title=demo.OPEN_TITLE)
    assert live.mode == "tokens" and ResponseToken.objects.filter(campaign=live, used=False).count() > 0
    assert live.released_at is None and not Response.objects.filter(campaign=live, released=True).exists()
    collecting = build_report(live)
    assert collecting["state"] == "collecting" and collecting["variables"] == []
    assert collecting["responses_so_far"] == demo.OPEN_RESPONSES - demo.OPEN_RESPONSES % services.K
    # The alliance's families campaign, which observatory analysts read as aggregates.
    families = Campaign.objects.get(organization__slug=demo.FAMILIES_ALLIANCE_SLUG, title=demo.FAMILIES_TITLE)
    assert families.released_at is not None
    report = build_report(families)
    assert report["respondents"] == demo.FAMILIES_RESPONSES and report["variables"]
    analyst = Membership.objects.get(organization__kind="observatory", role="analyst").user
    assert families in selectors.campaigns_for_user(analyst)


def test_running_the_demo_twice_changes_nothing():
    _demo()
    counts = (Campaign.objects.count(), Response.objects.count(), ResponseToken.objects.count())
    _demo()
    assert (Campaign.objects.count(), Response.objects.count(), ResponseToken.objects.count()) == counts
