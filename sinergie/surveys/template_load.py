"""What the shipped questionnaire templates share: their compact notation and the loader that
turns it into a template survey once (its key makes it idempotent). The data migrations pass the
historical models in."""

from __future__ import annotations

from typing import Any

# A section: (Italian title, English title, questions); a question: (code, kind, Italian text,
# English text, options, required, condition), where condition is (earlier code, values) or None.
Sections = list[tuple[str, str, list[tuple[Any, ...]]]]


def choices(items: list[tuple[str, str, str]]) -> dict[str, Any]:
    """(value, Italian, English) triples as a question's choices."""
    return {"choices": [{"value": v, "it": it, "en": en} for v, it, en in items]}


def template_load(
    Survey: Any,
    Section: Any,
    Question: Any,
    *,
    key: str,
    titles: tuple[str, str],
    descriptions: tuple[str, str],
    sections: Sections,
) -> Any:
    """The template survey of `key`, created from `sections` when it is not there yet."""
    existing = Survey.objects.filter(is_template=True, template_key=key, copied_from__isnull=True).first()
    if existing is not None:
        return existing
    survey = Survey.objects.create(
        title_it=titles[0],
        title_en=titles[1],
        description_it=descriptions[0],
        description_en=descriptions[1],
        is_template=True,
        template_key=key,
    )
    created: dict[str, Any] = {}
    for section_order, (title_it, title_en, questions) in enumerate(sections, start=1):
        section = Section.objects.create(survey=survey, order=section_order, title_it=title_it, title_en=title_en)
        for order, (code, kind, text_it, text_en, options, required, condition) in enumerate(questions, start=1):
            created[code] = Question.objects.create(
                section=section,
                order=order,
                code=code,
                kind=kind,
                text_it=text_it,
                text_en=text_en,
                options=options,
                required=required,
                show_when_question=created[condition[0]] if condition else None,
                show_when_values=list(condition[1]) if condition else [],
            )
    return survey
