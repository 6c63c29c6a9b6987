"""Surveys, their questions, campaigns, single-use response tokens and anonymous responses.

Nothing here points at a person: a response has no user, no address, no token and only the day
it was completed; a token row keeps a keyed hash and a "used" mark, never the response.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sinergie.organizations.models import Organization

SURVEY_FROZEN = _("This survey already has answers and cannot be changed: copy it to make a new version.")
SURVEY_FROZEN_CODE = "survey_frozen"


def _localized(obj: Any, field: str) -> str:
    """The Italian or English text of `field`, falling back to Italian."""
    if (get_language() or "it").startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_it")
    return getattr(obj, f"{field}_it")


class Survey(models.Model):
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("An alliance or a company; empty for a template shipped with the platform."),
    )
    is_template = models.BooleanField(_("platform template"), default=False)
    template_key = models.SlugField(_("template key"), max_length=80, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title_it", "version"]

    def __str__(self) -> str:
        return f"{self.title_it} (v{self.version})"

    @property
    def title(self) -> str:
        return _localized(self, "title")

    @property
    def description(self) -> str:
        return _localized(self, "description")

    def has_answers(self) -> bool:
        return self.pk is not None and Response.objects.filter(campaign__survey_id=self.pk).exists()

    def clean(self) -> None:
        if self.owner_id is None and not self.is_template:
            raise ValidationError({"owner": _("A survey belongs to an alliance or a company, or is a template.")})
        if self.owner is not None and self.owner.kind not in ("alliance", "company"):
            raise ValidationError({"owner": _("A survey belongs to an alliance or a company.")})
        if self.has_answers():
            raise ValidationError(SURVEY_FROZEN, code=SURVEY_FROZEN_CODE)

    def questions(self) -> models.QuerySet[Question]:
        return Question.objects.filter(section__survey=self).order_by("section__order", "order", "pk")


class Section(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=0)
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def title(self) -> str:
        return _localized(self, "title")

    def clean(self) -> None:
        if self.survey_id and self.survey.has_answers():
            raise ValidationError(SURVEY_FROZEN, code=SURVEY_FROZEN_CODE)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    MATRIX = "matrix", _("Matrix")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
DEFAULT_NUMBER_BANDS = [0, 1, 2, 3, 5, 10, 20, 50]


class Question(models.Model):
    """One question. `options` is structured JSON checked by `validate_options`:

    - single, multiple: {"choices": [{"value": "a", "it": "...", "en": "..."}, ...]}
    - matrix: the same "choices" plus {"rows": [{"value": "r1", "it": "...", "en": "..."}, ...]}
    - scale: {"min": 1, "max": 5, "min_it": "...", "max_it": "...", "min_en": "...", "max_en": "..."}
    - number: {"min": 0, "max": 100, "bands": [0, 1, 2, 5]} (bands: lower bounds used in reports)
    - short_text, long_text: {"max_length": 500} (optional)
    """

    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40, help_text=_("Unique within the survey; used in reports."))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text_it = models.CharField(_("text (Italian)"), max_length=400)
    text_en = models.CharField(_("text (English)"), max_length=400, blank=True)
    help_it = models.CharField(_("help (Italian)"), max_length=400, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=400, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    show_when_question = models.ForeignKey(
        "self",
        verbose_name=_("show only when question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_when_values = models.JSONField(
        _("has one of the answers"), default=list, blank=True, help_text=_('A list of values, e.g. ["yes"].')
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_it}"

    @property
    def text(self) -> str:
        return _localized(self, "text")

    @property
    def help(self) -> str:
        return _localized(self, "help")

    def _labelled(self, key: str) -> list[dict[str, str]]:
        english = (get_language() or "it").startswith("en")
        return [
            {"value": item["value"], "label": (item.get("en") if english else None) or item["it"]}
            for item in self.options.get(key, [])
        ]

    @property
    def choices(self) -> list[dict[str, str]]:
        return self._labelled("choices")

    @property
    def rows(self) -> list[dict[str, str]]:
        return self._labelled("rows")

    @property
    def show_when_labels(self) -> list[str]:
        """The answers of the skip-logic condition by their labels in the active language (a value
        the condition question does not list, or a scale's number, shows as it is)."""
        condition = self.show_when_question
        labels = {item["value"]: item["label"] for item in condition.choices} if condition else {}
        return [str(labels.get(value, value)) for value in self.show_when_values or []]

    def scale_values(self) -> list[int]:
        return list(range(int(self.options["min"]), int(self.options["max"]) + 1))

    def scale_label(self, end: str) -> str:
        english = (get_language() or "it").startswith("en")
        return (self.options.get(f"{end}_en") if english else None) or self.options.get(f"{end}_it", "")

    @property
    def scale_label_min(self) -> str:
        return self.scale_label("min")

    @property
    def scale_label_max(self) -> str:
        return self.scale_label("max")

    @property
    def number_unit(self) -> str:
        """The unit of a number question's answer (optional "unit_it"/"unit_en" in its options)."""
        return self.scale_label("unit")

    def number_bands(self) -> list[int]:
        return list(self.options.get("bands") or DEFAULT_NUMBER_BANDS)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            validate_options(self.kind, self.options)
        except ValidationError as error:
            errors["options"] = error.messages
        if self.show_when_question_id is not None:
            gate = self.show_when_question
            if gate.section.survey_id != self.section.survey_id or gate.pk == self.pk:
                errors["show_when_question"] = _("The condition must be another question of the same survey.")
            elif gate.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE):
                errors["show_when_question"] = _("The condition must be a choice or scale question.")
            elif (gate.section.order, gate.order, gate.pk) >= (self.section.order, self.order, self.pk or 0):
                errors["show_when_question"] = _("The condition must be a question that comes before this one.")
            else:
                allowed = (
                    {str(v) for v in gate.scale_values()}
                    if gate.kind == QuestionKind.SCALE
                    else {c["value"] for c in gate.options.get("choices", [])}
                )
                values = self.show_when_values
                if not isinstance(values, list) or not values or not {str(v) for v in values} <= allowed:
                    errors["show_when_values"] = _("Give one or more answers of the condition question.")
        if self.section_id and self.section.survey.has_answers():
            raise ValidationError(SURVEY_FROZEN, code=SURVEY_FROZEN_CODE)
        if self.section_id and self.code:
            clash = Question.objects.filter(section__survey_id=self.section.survey_id, code=self.code)
            if clash.exclude(pk=self.pk).exists():
                errors["code"] = _("Another question of this survey has this code.")
        if errors:
            raise ValidationError(errors)


def _check_items(items: Any, name: str) -> list[str]:
    if not isinstance(items, list) or not items:
        raise ValidationError(_("“%(name)s” must be a non-empty list.") % {"name": name})
    values = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str) or not item["value"]:
            raise ValidationError(_("Every item of “%(name)s” needs a text “value”.") % {"name": name})
        if not isinstance(item.get("it"), str) or not item["it"].strip():
            raise ValidationError(_("Every item of “%(name)s” needs an Italian label “it”.") % {"name": name})
        if "en" in item and not isinstance(item["en"], str):
            raise ValidationError(_("The English label “en” must be text."))
        values.append(item["value"])
    if len(set(values)) != len(values):
        raise ValidationError(_("The values of “%(name)s” must be different.") % {"name": name})
    return values


def validate_options(kind: str, options: Any) -> None:
    """Raise ValidationError unless `options` has the structure `kind` needs."""
    if not isinstance(options, dict):
        raise ValidationError(_("Options must be a JSON object."))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX):
        _check_items(options.get("choices"), "choices")
        if kind == QuestionKind.MATRIX:
            _check_items(options.get("rows"), "rows")
    elif kind == QuestionKind.SCALE:
        low, high = options.get("min"), options.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low < high <= 10:
            raise ValidationError(_("A scale needs whole numbers “min” < “max” between 0 and 10."))
    elif kind == QuestionKind.NUMBER:
        low, high = options.get("min", 0), options.get("max", 1000)
        if not isinstance(low, int) or not isinstance(high, int) or low >= high:
            raise ValidationError(_("A number needs whole numbers “min” < “max”."))
        bands = options.get("bands", DEFAULT_NUMBER_BANDS)
        if not isinstance(bands, list) or not bands or not all(isinstance(b, int) for b in bands):
            raise ValidationError(_("“bands” must be a list of whole numbers."))
        if sorted(set(bands)) != bands:
            raise ValidationError(_("“bands” must be increasing."))
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = options.get("max_length", 2000)
        if not isinstance(limit, int) or not 1 <= limit <= 5000:
            raise ValidationError(_("“max_length” must be a whole number between 1 and 5000."))
    else:
        raise ValidationError(_("Unknown question kind."))


def new_slug() -> str:
    return secrets.token_urlsafe(12)


def new_salt() -> str:
    return secrets.token_hex(32)


class CampaignMode(models.TextChoices):
    TOKENS = "tokens", _("Single-use links")
    OPEN = "open", _("Open link")


class Campaign(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="campaigns")
    organization = models.ForeignKey(
        Organization, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="survey_campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    target_size = models.PositiveIntegerField(_("target size"), default=0)
    mode = models.CharField(_("mode"), max_length=8, choices=CampaignMode.choices, default=CampaignMode.TOKENS)
    slug = models.SlugField(_("open link code"), max_length=40, unique=True, default=new_slug)
    # Key of the tokens' HMAC: never shown, never exported; with SECRET_KEY it makes a hash useless elsewhere.
    salt = models.CharField(max_length=64, editable=False, default=new_salt)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The one release (services.campaign_release): set at the first report after the close, when
    # every completed answer becomes countable at once; nothing is counted before, nothing after.
    released_at = models.DateTimeField(_("results released at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The campaign must close after it opens.")})
        if self.organization_id and self.organization.kind not in ("alliance", "company"):
            raise ValidationError({"organization": _("A campaign is run by an alliance or a company.")})
        if self.pk:
            stored = Campaign.objects.filter(pk=self.pk).values("survey_id", "opens_at", "closes_at").first()
            if stored and stored["survey_id"] != self.survey_id and self.responses.exists():
                raise ValidationError({"survey": _("This campaign has answers: its questionnaire cannot change.")})
            if (
                stored
                and self.released_at
                and (stored["opens_at"], stored["closes_at"]) != (self.opens_at, self.closes_at)
            ):
                raise ValidationError(
                    {"closes_at": _("The results of this campaign are published: it cannot be reopened.")}
                )


class ResponseToken(models.Model):
    """A single-use link's keyed hash. Deliberately nothing else: no person, no response, no dates."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("response token")
        verbose_name_plural = _("response tokens")

    def __str__(self) -> str:
        return str(_("link of %(campaign)s") % {"campaign": self.campaign_id})


class Response(models.Model):
    """One respondent's answers as a JSON object {question code: value} (see docs/architecture.md).

    The id is random so the order of responses cannot be read from it; `submitted_on` is a day.
    `released` marks the responses reports count: all completed ones at once, at the campaign's
    one release after its close (services.campaign_release), and no others ever.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    answers = models.JSONField(default=dict)
    completed = models.BooleanField(default=False)
    released = models.BooleanField(default=False)
    submitted_on = models.DateField(null=True, blank=True)
    # One character per report variable (report.response_codes), written on completion.
    codes = models.TextField(blank=True, editable=False)
    # HMAC of the resume secret kept only in the respondent's session; emptied on completion.
    resume_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["campaign", "completed", "released"], name="surveys_resp_report_idx")]

    def __str__(self) -> str:
        return str(_("response to %(campaign)s") % {"campaign": self.campaign_id})


class PeerSnapshot(models.Model):
    """The frozen yearly benchmark of one group of similar companies (surveys/peers.py).

    Computed once, after the year is over, from the campaigns made from one platform template
    that closed that year; every company of the group sees the same figures, and they never
    change, so two companies' benchmarks cannot be subtracted from each other or from a later one.
    """

    template_key = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=16)  # "size_band" or "ateco_section"
    group = models.CharField(max_length=16)
    data = models.JSONField(null=True, blank=True)  # None: too few companies that year
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("benchmark of similar companies")
        verbose_name_plural = _("benchmarks of similar companies")
        constraints = [
            models.UniqueConstraint(
                fields=["template_key", "year", "basis", "group"], name="surveys_peer_snapshot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_key} {self.year} {self.basis}={self.group}"
