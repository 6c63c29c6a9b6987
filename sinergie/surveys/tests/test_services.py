from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.surveys import services
from sinergie.surveys.models import SURVEY_FROZEN, Campaign, Question, Response, ResponseToken, Section, Survey
from sinergie.surveys.services import K, SurveyError
from sinergie.surveys.tests.helpers import answer, close, make_campaign, make_survey

pytestmark = pytest.mark.django_db

GOOD = {"kids": "yes", "stress": 3, "ages": ["0_2"], "minutes": 20}


def test_tokens_are_stored_only_as_keyed_hashes(world):
    campaign = make_campaign(world.company)
    tokens = services.tokens_generate(campaign=campaign, count=20, by=world.referent)
    assert len(set(tokens)) == 20
    stored = set(ResponseToken.objects.filter(campaign=campaign).values_list("token_hash", flat=True))
    assert not stored & set(tokens)
    assert stored == {services.keyed_hash(campaign.salt, t) for t in tokens}
    event = AuditEvent.objects.get(action="surveys.tokens_generated")
    assert not any(t in str(event.after) for t in tokens)


@pytest.mark.parametrize("count", [0, -1, services.MAX_TOKENS_PER_BATCH + 1])
def test_a_bad_batch_size_is_refused_and_creates_nothing(world, count):
    campaign = make_campaign(world.company)
    with pytest.raises(ValidationError) as error:
        services.tokens_generate(campaign=campaign, count=count, by=world.referent)
    assert "count" in error.value.message_dict
    assert not ResponseToken.objects.exists()


def test_a_token_answers_once(world):
    campaign = make_campaign(world.company)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    answer(campaign, GOOD, token)
    with pytest.raises(SurveyError) as error:
        answer(campaign, GOOD, token)
    assert error.value.code == services.TOKEN_USED
    assert Response.objects.filter(completed=True).count() == 1


def test_a_forged_token_is_refused(world):
    campaign = make_campaign(world.company)
    services.tokens_generate(campaign=campaign, count=3, by=None)
    with pytest.raises(SurveyError) as error:
        services.campaign_for_code("not-a-real-token-at-all")
    assert error.value.code == services.TOKEN_INVALID
    with pytest.raises(SurveyError):
        services.response_submit(campaign=campaign, token_hash="f" * 64, resume_secret=None, answers=GOOD)
    assert not Response.objects.exists()
    assert not ResponseToken.objects.filter(used=True).exists()


def test_answers_after_the_deadline_are_refused_and_the_token_stays_unused(world):
    campaign = make_campaign(world.company)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    campaign.closes_at = timezone.now() - timedelta(seconds=1)
    campaign.save()
    with pytest.raises(SurveyError) as error:
        answer(campaign, GOOD, token)
    assert error.value.code == "closed"
    assert not Response.objects.exists()
    assert not ResponseToken.objects.filter(used=True).exists()


@pytest.mark.parametrize(
    "answers",
    [
        {"kids": "maybe", "stress": 3},  # not an offered answer
        {"kids": "no", "stress": 9},  # out of the scale
        {"kids": "no", "stress": 3, "minutes": 301},  # out of range
        {"kids": "no", "stress": "3"},  # wrong type in a stored draft
        {"kids": "yes", "stress": 3},  # ages is required when there are kids
        {"stress": 3},  # kids skipped
        {"kids": "no", "stress": 3, "moments": {"am": "never"}},
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(world, answers):
    campaign = make_campaign(world.company, mode="open")
    with pytest.raises(SurveyError):
        answer(campaign, answers)
    assert not Response.objects.exists()


def test_answers_hidden_by_skip_logic_are_dropped(world):
    campaign = make_campaign(world.company, mode="open")
    answer(campaign, {"kids": "no", "stress": 2, "ages": ["0_2"]})
    response = Response.objects.get()
    assert "ages" not in response.answers
    assert response.submitted_on == services.rome_today()
    assert response.resume_hash == ""


def test_nothing_is_released_while_the_campaign_is_open(world):
    campaign = make_campaign(world.company, mode="open")
    for _ in range(2 * K + 2):
        answer(campaign, {"kids": "no", "stress": 1})
        assert services.campaign_release(campaign).released_at is None  # a report while open
        assert not Response.objects.filter(released=True).exists()
    campaign.refresh_from_db()
    assert campaign.released_at is None
    assert not AuditEvent.objects.filter(action="surveys.campaign_released").exists()


def test_the_close_releases_every_completed_answer_once_and_deletes_the_drafts(world):
    campaign = make_campaign(world.company, mode="open")
    for _ in range(2 * K + 2):
        answer(campaign, {"kids": "no", "stress": 1})
    services.response_save_draft(campaign=campaign, resume_secret=None, answers={"kids": "yes"})
    campaign = close(campaign)
    released_at = campaign.released_at
    assert released_at is not None
    assert Response.objects.filter(campaign=campaign, released=True).count() == 2 * K + 2  # all, not K at a time
    assert not Response.objects.filter(campaign=campaign, completed=False).exists()  # the draft went
    assert not Response.objects.filter(campaign=campaign, released=False).exists()
    event = AuditEvent.objects.get(action="surveys.campaign_released")
    assert event.after == {"responses": 2 * K + 2}
    # Idempotent: a second release (later, from a stale object or from the stored one) changes nothing.
    stale = Campaign.objects.get(pk=campaign.pk)
    stale.released_at = None
    for again in (campaign, stale, Campaign.objects.get(pk=campaign.pk)):
        later = timezone.now() + timedelta(days=3)
        assert services.campaign_release(again, now=later).released_at == released_at
    campaign.refresh_from_db()
    assert campaign.released_at == released_at
    assert AuditEvent.objects.filter(action="surveys.campaign_released").count() == 1
    assert Response.objects.filter(campaign=campaign, released=True).count() == 2 * K + 2


def test_answers_after_the_release_are_refused(world):
    campaign = make_campaign(world.company)
    tokens = services.tokens_generate(campaign=campaign, count=K + 1, by=None)
    for token in tokens[:K]:
        answer(campaign, GOOD, token)
    campaign = close(campaign)
    with pytest.raises(SurveyError) as error:
        answer(campaign, GOOD, tokens[K])
    assert error.value.code == "closed"
    assert Response.objects.filter(campaign=campaign).count() == K
    assert ResponseToken.objects.filter(campaign=campaign, used=True).count() == K


def test_a_released_campaign_cannot_be_reopened(world):
    campaign = make_campaign(world.company, mode="open")
    answer(campaign, GOOD)
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    campaign.refresh_from_db()
    # Closed but not yet released: its dates may still be corrected.
    campaign.closes_at = timezone.now() + timedelta(days=5)
    campaign.full_clean()
    campaign.refresh_from_db()
    campaign = services.campaign_release(campaign)
    assert campaign.released_at is not None
    for field, value in (
        ("closes_at", timezone.now() + timedelta(days=5)),
        ("opens_at", campaign.opens_at - timedelta(days=1)),
    ):
        moved = Campaign.objects.get(pk=campaign.pk)
        setattr(moved, field, value)
        with pytest.raises(ValidationError) as error:
            moved.full_clean()
        assert "closes_at" in error.value.message_dict
    unchanged = Campaign.objects.get(pk=campaign.pk)
    unchanged.title = "Renamed"
    unchanged.full_clean()  # other fields stay editable


def test_submission_and_release_lock_the_same_row(world, monkeypatch):
    """Both take the campaign's row with SELECT FOR UPDATE, and a submission checks `released_at`
    under that lock: once released, no answer joins, whatever the dates or the caller's copy say."""
    from django.db.models.query import QuerySet

    locked: list[tuple[str, object]] = []
    original = QuerySet.get

    def spy(self, *args, **kwargs):
        if self.query.select_for_update:
            locked.append((self.model.__name__, kwargs.get("pk")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", spy)
    campaign = make_campaign(world.company, mode="open")
    stale = Campaign.objects.get(pk=campaign.pk)  # a submission that read the campaign before the close
    answer(campaign, GOOD)
    assert locked == [("Campaign", campaign.pk)]
    locked.clear()
    campaign = close(campaign)
    assert locked == [("Campaign", campaign.pk)]
    # The release happened; now the close is moved back to the future behind the model's back.
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() + timedelta(days=5))
    for copy in (stale, Campaign.objects.get(pk=campaign.pk)):
        assert services.campaign_is_open(Campaign.objects.get(pk=campaign.pk))
        with pytest.raises(SurveyError) as error:
            services.response_submit(campaign=copy, token_hash=None, resume_secret=None, answers=GOOD)
        assert error.value.code == "closed"
    assert Response.objects.filter(campaign=campaign).count() == 1
    assert Response.objects.filter(campaign=campaign, released=True).count() == 1


def test_a_survey_with_answers_cannot_be_edited_but_can_be_copied(world):
    campaign = make_campaign(world.company, mode="open")
    survey = campaign.survey
    answer(campaign, {"kids": "no", "stress": 1})
    with pytest.raises(ValidationError) as error:
        services.survey_update(survey=survey, by=world.referent, title_it="Nuovo")
    assert error.value.messages == [str(SURVEY_FROZEN)]
    survey.refresh_from_db()
    assert survey.title_it == "Bisogni"
    question = Question.objects.get(section__survey=survey, code="kids")
    question.text_it = "Changed"
    with pytest.raises(ValidationError):
        question.full_clean()
    with pytest.raises(ValidationError):
        Section(survey=survey, order=9, title_it="Nuova").full_clean()
    copy = services.survey_copy(survey=survey, owner=world.company, by=world.referent)
    assert copy.version == survey.version + 1 and copy.copied_from == survey
    assert copy.questions().count() == survey.questions().count()
    ages = Question.objects.get(section__survey=copy, code="ages")
    assert ages.show_when_question.section.survey == copy
    services.survey_update(survey=copy, by=world.referent, title_it="Nuovo")
    assert Survey.objects.get(pk=copy.pk).title_it == "Nuovo"


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("single", {}),
        ("single", {"choices": [{"value": "a"}]}),
        ("single", {"choices": [{"value": "a", "it": "A"}, {"value": "a", "it": "B"}]}),
        ("scale", {"min": 5, "max": 1}),
        ("number", {"min": 0, "max": 10, "bands": [5, 2]}),
        ("matrix", {"choices": [{"value": "a", "it": "A"}]}),
        ("short_text", {"max_length": 0}),
        ("single", ["not", "an", "object"]),
    ],
)
def test_question_options_are_validated(world, kind, options):
    survey = make_survey(world.company)
    section = survey.sections.first()
    question = Question(section=section, order=9, code="new", kind=kind, text_it="Nuova", options=options)
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "options" in error.value.message_dict


def test_skip_logic_must_point_to_an_earlier_choice_question(world):
    survey = make_survey(world.company)
    minutes = Question.objects.get(section__survey=survey, code="minutes")
    kids = Question.objects.get(section__survey=survey, code="kids")
    kids.show_when_question = minutes
    kids.show_when_values = ["1"]
    with pytest.raises(ValidationError) as error:
        kids.full_clean()
    assert "show_when_question" in error.value.message_dict
    ages = Question.objects.get(section__survey=survey, code="ages")
    ages.show_when_values = ["perhaps"]
    with pytest.raises(ValidationError) as error:
        ages.full_clean()
    assert "show_when_values" in error.value.message_dict


def test_a_template_is_copied_when_a_campaign_starts(world):
    template = Survey.objects.get(template_key="workers-conciliation-needs", copied_from__isnull=True)
    campaign = make_campaign(world.company, survey=template)
    assert campaign.survey.copied_from == template and campaign.survey.owner == world.company
    assert campaign.survey.questions().count() == template.questions().count()


def test_the_shipped_template_is_valid_and_bilingual():
    template = Survey.objects.get(template_key="workers-conciliation-needs", copied_from__isnull=True)
    questions = list(template.questions())
    assert 25 <= len(questions) <= 40
    assert any(q.show_when_question_id for q in questions)
    for question in questions:
        question.full_clean()
        assert question.text_en and question.text_it
        for choice in question.options.get("choices", []):
            assert choice["en"] and choice["it"]


def test_a_campaign_with_answers_keeps_its_questionnaire(world):
    campaign = make_campaign(world.company, mode="open")
    answer(campaign, {"kids": "no", "stress": 1})
    campaign.survey = make_survey(world.company)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "survey" in error.value.message_dict


def test_the_admin_cannot_delete_parts_of_a_survey_with_answers(world, rf):
    from django.contrib import admin

    campaign = make_campaign(world.company, mode="open")
    survey = campaign.survey
    question = survey.questions().first()
    request = rf.get("/")
    request.user = world.admin
    survey_admin = admin.site._registry[Survey]
    question_admin = admin.site._registry[Question]
    assert survey_admin.has_delete_permission(request, survey)
    answer(campaign, {"kids": "no", "stress": 1})
    assert not survey_admin.has_delete_permission(request, survey)
    assert not question_admin.has_delete_permission(request, question)


def test_the_daily_job_releases_closed_campaigns_and_discards_their_drafts(world):
    from io import StringIO

    from django.core.management import call_command

    open_campaign = make_campaign(world.company, mode="open")
    closed = make_campaign(world.company, mode="open")
    for campaign in (open_campaign, closed):
        services.response_save_draft(campaign=campaign, resume_secret=None, answers={"kids": "no"})
        answer(campaign, {"kids": "no", "stress": 1})
    closed.closes_at = timezone.now() - timedelta(seconds=1)
    closed.save()
    out = StringIO()
    call_command("surveys_discard_drafts", stdout=out)
    assert "Released 1 closed campaigns; discarded 0 unfinished answers." in out.getvalue()
    closed.refresh_from_db()
    open_campaign.refresh_from_db()
    assert closed.released_at is not None and open_campaign.released_at is None
    assert Response.objects.filter(completed=False).get().campaign == open_campaign
    assert Response.objects.filter(completed=True).count() == 2
    assert list(Response.objects.filter(released=True).values_list("campaign", flat=True)) == [closed.pk]
    assert services.campaigns_release_closed() == 0  # already released: nothing to do
