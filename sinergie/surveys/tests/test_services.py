from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.surveys import services
from sinergie.surveys.models import SURVEY_FROZEN, Question, Response, ResponseToken, Section, Survey
from sinergie.surveys.services import K, SurveyError
from sinergie.surveys.tests.helpers import answer, make_campaign, make_survey

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


def test_responses_are_released_k_at_a_time(world):
    campaign = make_campaign(world.company, mode="open")
    released = []
    for _ in range(2 * K + 2):
        answer(campaign, {"kids": "no", "stress": 1})
        released.append(Response.objects.filter(released=True).count())
    assert released == [0] * (K - 1) + [K] * K + [2 * K] * 3
    # Two consecutive reports differ by nothing or by at least K responses.
    assert all(b - a in (0,) or b - a >= K for a, b in itertools.pairwise(released))


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


def test_unfinished_answers_of_closed_campaigns_are_discarded(world):
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
    assert "1" in out.getvalue()
    assert Response.objects.filter(completed=False).get().campaign == open_campaign
    assert Response.objects.filter(completed=True).count() == 2
