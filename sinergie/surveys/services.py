"""State changes of surveys, campaigns, tokens and responses (each atomic, validated, audited).

Respondents are anonymous: their services write no audit record (an audit event would carry a
time and an address next to a response); staff actions are audited as usual.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergie.audit.services import audit_record
from sinergie.lib.errors import refusal_text
from sinergie.organizations.models import Organization
from sinergie.surveys.models import (
    SURVEY_FROZEN,
    SURVEY_FROZEN_CODE,
    Campaign,
    CampaignMode,
    Question,
    QuestionKind,
    Response,
    ResponseToken,
    Section,
    Survey,
)
from sinergie.surveys.report import response_codes, survey_variables

ROME = ZoneInfo("Europe/Rome")
K = 5  # no published figure describes fewer than K respondents
MAX_TOKENS_PER_BATCH = 5000

TOKEN_INVALID = "invalid"  # noqa: S105 (a refusal code, not a secret)
TOKEN_USED = "used"  # noqa: S105


class SurveyError(Exception):
    """A respondent-facing refusal with a code the page turns into a clear message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def keyed_hash(campaign_salt: str, secret: str) -> str:
    """HMAC-SHA256 of a token or resume secret, keyed with SECRET_KEY and the campaign's salt."""
    key = f"{settings.SECRET_KEY}:{campaign_salt}".encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def rome_today() -> Any:
    return timezone.now().astimezone(ROME).date()


# --- Surveys ----------------------------------------------------------------------


def survey_check_editable(survey: Survey) -> None:
    if survey.has_answers():
        raise ValidationError(SURVEY_FROZEN, code=SURVEY_FROZEN_CODE)


@transaction.atomic
def survey_update(*, survey: Survey, by: Any, **fields: Any) -> Survey:
    """Change a survey's texts; refused once it has answers (copy it instead)."""
    Survey.objects.select_for_update().get(pk=survey.pk)
    survey_check_editable(survey)
    before = {name: getattr(survey, name) for name in fields}
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    audit_record(actor=by, action="surveys.survey_updated", obj=survey, before=before, after=fields)
    return survey


@transaction.atomic
def survey_copy(*, survey: Survey, owner: Organization | None, by: Any) -> Survey:
    """A new version of `survey` (sections, questions and skip logic), owned by `owner`."""
    copy = Survey(
        title_it=survey.title_it,
        title_en=survey.title_en,
        description_it=survey.description_it,
        description_en=survey.description_en,
        owner=owner,
        is_template=owner is None,
        template_key=survey.template_key if owner is None else "",
        version=survey.version + 1,
        copied_from=survey,
    )
    copy.full_clean()
    copy.save()
    new_questions: dict[int, Question] = {}
    gates: list[tuple[Question, int]] = []
    for section in survey.sections.order_by("order", "pk"):
        new_section = Section.objects.create(
            survey=copy, order=section.order, title_it=section.title_it, title_en=section.title_en
        )
        for question in section.questions.order_by("order", "pk"):
            old_pk, gate_pk = question.pk, question.show_when_question_id
            question.pk = None
            question.id = None
            question.section = new_section
            question.show_when_question = None
            question.save()
            new_questions[old_pk] = question
            if gate_pk:
                gates.append((question, gate_pk))
    for question, gate_pk in gates:
        question.show_when_question = new_questions[gate_pk]
        question.save(update_fields=["show_when_question"])
    audit_record(actor=by, action="surveys.survey_copied", obj=copy, after={"copied_from": survey.pk})
    return copy


# --- Campaigns and tokens -----------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    survey: Survey,
    organization: Organization,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    target_size: int = 0,
    mode: str = CampaignMode.TOKENS,
    by: Any,
) -> Campaign:
    """Open a campaign on `survey` for `organization`; a template is copied first so it stays editable."""
    if survey.is_template:
        survey = survey_copy(survey=survey, owner=organization, by=by)
    campaign = Campaign(
        survey=survey,
        organization=organization,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        target_size=target_size,
        mode=mode,
    )
    campaign.full_clean()
    campaign.save()
    audit_record(
        actor=by,
        action="surveys.campaign_created",
        obj=campaign,
        after={"survey": survey.pk, "organization": organization.pk, "mode": mode},
    )
    return campaign


@transaction.atomic
def tokens_generate(*, campaign: Campaign, count: int, by: Any) -> list[str]:
    """`count` new single-use tokens. The plain tokens are returned once and never stored."""
    if campaign.mode != CampaignMode.TOKENS:
        raise ValidationError({"count": _("This campaign uses an open link, not single-use links.")})
    if not 1 <= count <= MAX_TOKENS_PER_BATCH:
        raise ValidationError(
            {"count": _("Generate between 1 and %(max)d links at a time.") % {"max": MAX_TOKENS_PER_BATCH}}
        )
    plain = [secrets.token_urlsafe(18) for _ in range(count)]
    ResponseToken.objects.bulk_create(
        [ResponseToken(campaign=campaign, token_hash=keyed_hash(campaign.salt, token)) for token in plain]
    )
    audit_record(actor=by, action="surveys.tokens_generated", obj=campaign, after={"count": count})
    return plain


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: Any, now: datetime | None = None) -> Campaign:
    """Close an open campaign now, before its planned end (a link that went too far, enough
    answers). Its results are then released like any closed campaign's, at the next report."""
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.released_at is not None or now >= locked.closes_at:
        raise ValidationError({"closes_at": _("This campaign is already closed.")})
    if now < locked.opens_at:
        raise ValidationError({"closes_at": _("This campaign has not opened yet: change its dates instead.")})
    before = {"closes_at": locked.closes_at.isoformat()}
    locked.closes_at = now
    locked.save(update_fields=["closes_at"])
    audit_record(
        actor=by, action="surveys.campaign_closed", obj=locked, before=before, after={"closes_at": now.isoformat()}
    )
    return locked


def campaign_is_open(campaign: Campaign, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return campaign.opens_at <= now < campaign.closes_at


def token_check(campaign: Campaign, token: str) -> str:
    """The token's hash, or SurveyError if it is forged or already used."""
    token_hash = keyed_hash(campaign.salt, token)
    row = ResponseToken.objects.filter(campaign=campaign, token_hash=token_hash).first()
    if row is None:
        raise SurveyError(TOKEN_INVALID)
    if row.used:
        raise SurveyError(TOKEN_USED)
    return token_hash


def campaign_for_code(code: str) -> tuple[Campaign, str | None]:
    """The campaign behind an open-link slug or a token; the token's hash when it is a token."""
    campaign = Campaign.objects.select_related("survey").filter(slug=code, mode=CampaignMode.OPEN).first()
    if campaign is not None:
        return campaign, None
    # A token: its hash depends on the campaign's salt, so hash it for every token campaign at once.
    hashes = {
        keyed_hash(candidate.salt, code): candidate
        for candidate in Campaign.objects.select_related("survey").filter(mode=CampaignMode.TOKENS)
    }
    row = ResponseToken.objects.filter(token_hash__in=list(hashes)).first()
    if row is not None:
        if row.used:
            raise SurveyError(TOKEN_USED)
        return hashes[row.token_hash], row.token_hash
    raise SurveyError(TOKEN_INVALID)


# --- Answers ------------------------------------------------------------------------


def is_visible(question: Question, answers: dict[str, Any], gates: dict[int, Question]) -> bool:
    """Skip logic: a question with a condition shows only when the earlier answer matches it."""
    if question.show_when_question_id is None:
        return True
    gate = gates[question.show_when_question_id]
    if not is_visible(gate, answers, gates):
        return False
    given = answers.get(gate.code)
    wanted = {str(v) for v in question.show_when_values}
    if isinstance(given, list):
        return bool(wanted & {str(v) for v in given})
    return given is not None and str(given) in wanted


def parse_answer(question: Question, data: Any) -> Any:
    """The cleaned answer to `question` from a form's `data` (a QueryDict), None when not given.

    Raises ValidationError with a message naming the question when the value is out of range.
    """
    name = question.code
    kind = question.kind
    if kind == QuestionKind.MULTIPLE:
        values = [v for v in data.getlist(name) if v != ""]
        allowed = {c["value"] for c in question.options["choices"]}
        if any(v not in allowed for v in values):
            raise ValidationError(_("Choose among the answers offered."))
        return sorted(set(values), key=[c["value"] for c in question.options["choices"]].index) or None
    if kind == QuestionKind.MATRIX:
        result = {}
        allowed = {c["value"] for c in question.options["choices"]}
        for row in question.options["rows"]:
            value = (data.get(f"{name}__{row['value']}") or "").strip()
            if value == "":
                continue
            if value not in allowed:
                raise ValidationError(_("Choose among the answers offered."))
            result[row["value"]] = value
        if question.required and len(result) < len(question.options["rows"]):
            raise ValidationError(_("Answer every row."))
        return result or None
    raw = (data.get(name) or "").strip()
    if raw == "":
        return None
    if kind == QuestionKind.SINGLE:
        if raw not in {c["value"] for c in question.options["choices"]}:
            raise ValidationError(_("Choose among the answers offered."))
        return raw
    if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        try:
            number = int(raw)
        except ValueError:
            raise ValidationError(_("Write a whole number.")) from None
        low = question.options.get("min", 0)
        high = question.options.get("max", 1000)
        if not low <= number <= high:
            raise ValidationError(_("Give a number from %(min)d to %(max)d.") % {"min": low, "max": high})
        return number
    limit = question.options.get("max_length", 2000)
    if len(raw) > limit:
        raise ValidationError(_("Write at most %(max)d characters.") % {"max": limit})
    return raw


def section_parse(
    section_questions: list[Question],
    data: Any,
    answers: dict[str, Any],
    gates: dict[int, Question],
    shown: set[str] | None = None,
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The answers of one page, the errors by question code, and the questions an answer on this
    page has just revealed (they were not shown: the page is shown again with them, no error).

    Hidden questions are dropped. Without JavaScript a question whose condition is on the same
    page appears only once the page is sent, hence `shown`.
    """
    merged = dict(answers)
    errors: dict[str, str] = {}
    revealed: list[str] = []
    for question in section_questions:
        if not is_visible(question, merged, gates):
            merged.pop(question.code, None)
            continue
        try:
            value = parse_answer(question, data)
        except ValidationError as error:
            errors[question.code] = refusal_text(error)
            continue
        if value is None:
            merged.pop(question.code, None)
            if shown is not None and question.code not in shown:
                revealed.append(question.code)
            elif question.required:
                errors[question.code] = _("This question needs an answer.")
        else:
            merged[question.code] = value
    return merged, errors, revealed


def prune_hidden(questions: list[Question], answers: dict[str, Any], gates: dict[int, Question]) -> dict[str, Any]:
    """Drop answers to questions the skip logic hides (an earlier answer may have changed)."""
    return {q.code: answers[q.code] for q in questions if q.code in answers and is_visible(q, answers, gates)}


def missing_required(questions: list[Question], answers: dict[str, Any], gates: dict[int, Question]) -> list[str]:
    return [q.code for q in questions if q.required and q.code not in answers and is_visible(q, answers, gates)]


@transaction.atomic
def response_save_draft(*, campaign: Campaign, resume_secret: str | None, answers: dict[str, Any]) -> str:
    """Keep a draft; returns the resume secret (new when none is given), to keep in the session only."""
    if not campaign_is_open(campaign) or campaign.released_at is not None:
        raise SurveyError("closed")
    if resume_secret:
        draft = Response.objects.select_for_update().filter(
            campaign=campaign, completed=False, resume_hash=keyed_hash(campaign.salt, resume_secret)
        )
        if draft.update(answers=answers):
            return resume_secret
    resume_secret = secrets.token_urlsafe(24)
    Response.objects.create(campaign=campaign, answers=answers, resume_hash=keyed_hash(campaign.salt, resume_secret))
    return resume_secret


def response_draft(campaign: Campaign, resume_secret: str | None) -> dict[str, Any]:
    if not resume_secret:
        return {}
    draft = Response.objects.filter(
        campaign=campaign, completed=False, resume_hash=keyed_hash(campaign.salt, resume_secret)
    ).first()
    return dict(draft.answers) if draft else {}


@transaction.atomic
def response_submit(
    *, campaign: Campaign, token_hash: str | None, resume_secret: str | None, answers: dict[str, Any]
) -> None:
    """Complete a response: all or nothing; the token is marked used, the draft loses its resume hash.

    Every answer is checked again (range, required, skip logic) whatever the pages let through.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign_is_open(campaign) or campaign.released_at is not None:
        raise SurveyError("closed")
    questions = list(campaign.survey.questions().select_related("section"))
    gates = {q.pk: q for q in questions}
    answers = prune_hidden(questions, answers, gates)
    _check_stored_answers(questions, answers)
    if missing_required(questions, answers, gates):
        raise SurveyError("incomplete")
    if campaign.mode == CampaignMode.TOKENS:
        if not token_hash:
            raise SurveyError(TOKEN_INVALID)
        token = ResponseToken.objects.select_for_update().filter(campaign=campaign, token_hash=token_hash).first()
        if token is None:
            raise SurveyError(TOKEN_INVALID)
        if token.used:
            raise SurveyError(TOKEN_USED)
        token.used = True
        token.save(update_fields=["used"])
    draft = None
    if resume_secret:
        draft = Response.objects.filter(
            campaign=campaign, completed=False, resume_hash=keyed_hash(campaign.salt, resume_secret)
        ).first()
    if draft is None:
        draft = Response(campaign=campaign)
    draft.answers = answers
    draft.codes = response_codes(survey_variables(questions), answers)
    draft.completed = True
    draft.resume_hash = ""
    draft.submitted_on = rome_today()
    draft.save()


def _check_stored_answers(questions: list[Question], answers: dict[str, Any]) -> None:
    """Re-validate answers kept in a draft, through the same parser the pages use."""
    for question in questions:
        if question.code not in answers:
            continue
        value = answers[question.code]
        data = _AnswerData(question, value)
        try:
            if parse_answer(question, data) != value:
                raise SurveyError("invalid")
        except ValidationError:
            raise SurveyError("invalid") from None


class _AnswerData:
    """A stored answer seen as submitted form data, so one parser checks both."""

    def __init__(self, question: Question, value: Any) -> None:
        self.question = question
        self.value = value

    def get(self, name: str, default: Any = None) -> Any:
        if isinstance(self.value, dict):
            row = name.split("__", 1)[1] if "__" in name else ""
            return self.value.get(row, default)
        return default if self.value is None else str(self.value)

    def getlist(self, name: str) -> list[str]:
        return [str(v) for v in self.value] if isinstance(self.value, list) else []


def campaign_release(campaign: Campaign, *, now: datetime | None = None) -> Campaign:
    """The campaign's one release: after its close, every completed answer becomes countable at once.

    Reports count nothing before it and nothing is added after it (a submission refuses a released
    campaign under the same row lock), so every figure about a campaign comes from one frozen set
    of answers and no two reports can be subtracted to isolate late respondents. Idempotent:
    returns the campaign, released when it is closed.
    """
    now = now or timezone.now()
    if campaign.released_at is None:  # the copy may predate a release made by another request
        campaign.released_at = Campaign.objects.filter(pk=campaign.pk).values_list("released_at", flat=True).first()
    if campaign.released_at is not None or now < campaign.closes_at:
        return campaign
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.released_at is None and now >= locked.closes_at:
            Response.objects.filter(campaign=locked, completed=True, released=False).update(released=True)
            Response.objects.filter(campaign=locked, completed=False).delete()
            locked.released_at = now
            locked.save(update_fields=["released_at"])
            count = Response.objects.filter(campaign=locked, completed=True).count()
            audit_record(actor=None, action="surveys.campaign_released", obj=locked, after={"responses": count})
    campaign.released_at = locked.released_at
    return campaign


def campaigns_release_closed(*, now: datetime | None = None) -> int:
    """Release every closed campaign not yet released (the daily job); returns how many."""
    now = now or timezone.now()
    released = 0
    for campaign in Campaign.objects.filter(released_at__isnull=True, closes_at__lte=now):
        if campaign_release(campaign, now=now).released_at is not None:
            released += 1
    return released


@transaction.atomic
def drafts_discard_closed(*, now: datetime | None = None) -> int:
    """Delete the unfinished answers of closed campaigns: they are never reported, so keeping
    them would only keep data. Returns how many drafts went."""
    now = now or timezone.now()
    deleted, _details = Response.objects.filter(completed=False, campaign__closes_at__lte=now).delete()
    return deleted
