"""State changes of the survey builder: surveys, sections and questions (atomic, validated, audited).

Every change locks the survey row, refuses a survey that has answers (`SURVEY_FROZEN`: copy it
with `services.survey_copy` instead) and checks the whole survey's skip logic before it commits,
so a move or a delete never leaves a condition pointing at a later or missing question.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sinergie.audit.services import audit_record
from sinergie.lib.errors import refusal_text
from sinergie.organizations.models import Organization
from sinergie.surveys.models import SURVEY_FROZEN, SURVEY_FROZEN_CODE, Question, Section, Survey

SURVEY_FIELDS = ("title_it", "title_en", "description_it", "description_en")
SECTION_FIELDS = ("title_it", "title_en")
QUESTION_FIELDS = (
    "code",
    "kind",
    "text_it",
    "text_en",
    "help_it",
    "help_en",
    "options",
    "required",
    "show_when_question",
    "show_when_values",
)
UP, DOWN = "up", "down"


def _lock_editable(survey: Survey) -> Survey:
    """Lock the survey's row for this transaction; refuse it when it already has answers."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.has_answers():
        raise ValidationError(SURVEY_FROZEN, code=SURVEY_FROZEN_CODE)
    return locked


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


def check_skip_logic(survey: Survey) -> None:
    """Every condition points at an earlier choice or scale question of the same survey."""
    questions = list(survey.questions().select_related("section", "show_when_question__section"))
    for question in questions:
        if question.show_when_question_id is None:
            continue
        try:
            question.clean()
        except ValidationError as error:
            raise ValidationError(
                _("Question “%(code)s”: %(problem)s") % {"code": question.code, "problem": refusal_text(error)}
            ) from error


def _question_audit(question: Question) -> dict[str, Any]:
    return {
        name: (question.show_when_question_id if name == "show_when_question" else getattr(question, name))
        for name in QUESTION_FIELDS
    } | {"section": question.section_id, "order": question.order}


# --- Surveys -------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, owner: Organization | None, by: Any, **texts: str) -> Survey:
    """A new, empty survey of `owner` (an alliance or a company), or a platform template when None."""
    survey = Survey(owner=owner, is_template=owner is None, **{name: texts.get(name, "") for name in SURVEY_FIELDS})
    survey.full_clean()
    survey.save()
    audit_record(
        actor=by,
        action="surveys.survey_created",
        obj=survey,
        after={**{name: getattr(survey, name) for name in SURVEY_FIELDS}, "owner": owner.pk if owner else None},
    )
    return survey


# --- Sections ------------------------------------------------------------------------


@transaction.atomic
def section_add(*, survey: Survey, title_it: str, title_en: str = "", by: Any) -> Section:
    survey = _lock_editable(survey)
    last = survey.sections.order_by("-order").values_list("order", flat=True).first() or 0
    section = Section(survey=survey, order=last + 1, title_it=title_it, title_en=title_en)
    section.full_clean()
    section.save()
    audit_record(
        actor=by, action="surveys.section_added", obj=section, after={"survey": survey.pk, "title_it": title_it}
    )
    return section


@transaction.atomic
def section_update(*, section: Section, title_it: str, title_en: str = "", by: Any) -> Section:
    _lock_editable(section.survey)
    before = {"title_it": section.title_it, "title_en": section.title_en}
    section.title_it, section.title_en = title_it, title_en
    section.full_clean()
    section.save(update_fields=["title_it", "title_en"])
    audit_record(
        actor=by,
        action="surveys.section_updated",
        obj=section,
        before=before,
        after={"title_it": title_it, "title_en": title_en},
    )
    return section


@transaction.atomic
def section_move(*, section: Section, direction: str, by: Any) -> Section:
    """Swap the section with the one before (`up`) or after (`down`); skip logic must still hold."""
    survey = _lock_editable(section.survey)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move a section up or down.")})
    sections = list(survey.sections.order_by("order", "pk"))
    _renumber(sections)
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(sections):
        raise ValidationError({"direction": _("This section is already at the edge of the survey.")})
    sections[index], sections[other] = sections[other], sections[index]
    _renumber(sections)
    check_skip_logic(survey)
    audit_record(actor=by, action="surveys.section_moved", obj=section, after={"direction": direction})
    return section


@transaction.atomic
def section_delete(*, section: Section, by: Any) -> None:
    survey = _lock_editable(section.survey)
    if section.questions.exists():
        raise ValidationError(_("Only an empty section can be deleted: delete or move its questions first."))
    audit_record(actor=by, action="surveys.section_deleted", obj=survey, before={"section": section.title_it})
    section.delete()
    _renumber(list(survey.sections.order_by("order", "pk")))


# --- Questions -----------------------------------------------------------------------


@transaction.atomic
def question_save(*, section: Section, question: Question | None = None, by: Any, **fields: Any) -> Question:
    """Add a question at the end of `section`, or change `question` (which must belong to its survey).

    `fields` are the model's fields in QUESTION_FIELDS; `options` must already be structured (see
    `models.validate_options`); a condition must point at an earlier choice or scale question.
    """
    survey = _lock_editable(section.survey)
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown question fields: {sorted(unknown)}")
    if question is None:
        last = section.questions.order_by("-order").values_list("order", flat=True).first() or 0
        question = Question(section=section, order=last + 1)
        before: dict[str, Any] = {}
        action = "surveys.question_added"
    else:
        if question.section.survey_id != survey.pk:
            raise ValidationError(_("This question belongs to another survey."))
        before = _question_audit(question)
        action = "surveys.question_updated"
    for name, value in fields.items():
        setattr(question, name, value)
    if question.show_when_question is None:
        question.show_when_values = []
    question.full_clean()
    question.save()
    check_skip_logic(survey)
    audit_record(actor=by, action=action, obj=question, before=before, after=_question_audit(question))
    return question


@transaction.atomic
def question_move(*, question: Question, direction: str, by: Any) -> Question:
    """Swap the question with its neighbour in the section; skip logic must still hold."""
    survey = _lock_editable(question.section.survey)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move a question up or down.")})
    items = list(question.section.questions.order_by("order", "pk"))
    _renumber(items)
    index = next(i for i, q in enumerate(items) if q.pk == question.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        raise ValidationError({"direction": _("This question is already at the edge of its section.")})
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    check_skip_logic(survey)
    audit_record(actor=by, action="surveys.question_moved", obj=question, after={"direction": direction})
    return question


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    """Delete a question no other question depends on (its conditions would silently vanish)."""
    survey = _lock_editable(question.section.survey)
    dependants = list(Question.objects.filter(show_when_question=question).values_list("code", flat=True))
    if dependants:
        raise ValidationError(
            _("Other questions are shown depending on this one (%(codes)s): change their condition first.")
            % {"codes": ", ".join(dependants)}
        )
    section = question.section
    audit_record(actor=by, action="surveys.question_deleted", obj=survey, before=_question_audit(question))
    question.delete()
    _renumber(list(section.questions.order_by("order", "pk")))
