"""Small surveys and campaigns for the tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from sinergie.surveys import services
from sinergie.surveys.models import Campaign, CampaignMode, Question, Section, Survey


def choices(*values: str) -> dict[str, Any]:
    return {"choices": [{"value": v, "it": v.upper(), "en": v.upper()} for v in values]}


def make_survey(owner: Any) -> Survey:
    """Two pages: kids (yes/no, required) and stress (1–5); ages (multiple, only with kids),
    minutes (number 0–300), a matrix and a free-text suggestion."""
    survey = Survey.objects.create(title_it="Bisogni", title_en="Needs", owner=owner)
    first = Section.objects.create(survey=survey, order=1, title_it="Famiglia", title_en="Family")
    second = Section.objects.create(survey=survey, order=2, title_it="Lavoro", title_en="Work")
    kids = Question.objects.create(
        section=first,
        order=1,
        code="kids",
        kind="single",
        text_it="Figli?",
        text_en="Kids?",
        options=choices("yes", "no"),
        required=True,
    )
    Question.objects.create(
        section=first,
        order=2,
        code="stress",
        kind="scale",
        text_it="Stress",
        options={"min": 1, "max": 5},
        required=True,
    )
    Question.objects.create(
        section=second,
        order=1,
        code="ages",
        kind="multiple",
        text_it="Età",
        options=choices("0_2", "3_5", "6_10"),
        required=True,
        show_when_question=kids,
        show_when_values=["yes"],
    )
    Question.objects.create(
        section=second,
        order=2,
        code="minutes",
        kind="number",
        text_it="Minuti",
        options={"min": 0, "max": 300},
    )
    Question.objects.create(
        section=second,
        order=3,
        code="moments",
        kind="matrix",
        text_it="Momenti",
        options={**choices("easy", "hard"), "rows": [{"value": "am", "it": "Mattina"}, {"value": "pm", "it": "Sera"}]},
    )
    Question.objects.create(section=second, order=4, code="idea", kind="long_text", text_it="Un'idea")
    return survey


def make_campaign(organization: Any, *, mode: str = CampaignMode.TOKENS, survey: Survey | None = None) -> Campaign:
    now = timezone.now()
    return services.campaign_create(
        survey=survey or make_survey(organization),
        organization=organization,
        title="Campagna",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        target_size=50,
        mode=mode,
        by=None,
    )


def close(campaign: Campaign, *, at: datetime | None = None) -> Campaign:
    """Close the campaign as time would (its `closes_at` moved to `at`, by default just past) and
    make its one release (services.campaign_release), as the first report after the close does.

    A queryset update of the dates only: the test plays the clock forward, it does not edit the
    campaign. Returns the campaign as stored, released.
    """
    at = at or timezone.now() - timedelta(seconds=1)
    dates: dict[str, datetime] = {"closes_at": at}
    if campaign.opens_at >= at:
        dates["opens_at"] = at - timedelta(days=30)
    Campaign.objects.filter(pk=campaign.pk).update(**dates)
    campaign.refresh_from_db()
    return services.campaign_release(campaign)


def answer(campaign: Campaign, answers: dict[str, Any], token: str | None = None) -> None:
    """A completed response through the service (the token checked as the pages do)."""
    token_hash = services.token_check(campaign, token) if token else None
    services.response_submit(campaign=campaign, token_hash=token_hash, resume_secret=None, answers=answers)
