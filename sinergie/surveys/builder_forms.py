"""Forms of the survey builder. Options are typed in plain fields, one item a line:
"code | Italian label | English label"; the form turns them into the JSON `validate_options` checks."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergie.surveys.models import CHOICE_KINDS, Question, QuestionKind, validate_options

VALUE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
GATE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE)
TEMPLATE_OWNER = "template"
NUMBER_LIMIT = 1_000_000_000


class SurveyTextsForm(forms.Form):
    title_it = forms.CharField(label=_("Title (Italian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description_it = forms.CharField(label=_("Description (Italian)"), required=False, widget=forms.Textarea)
    description_en = forms.CharField(label=_("Description (English)"), required=False, widget=forms.Textarea)


class OwnerField(forms.ChoiceField):
    """Where a new or copied survey goes: one of the user's organizations, or the platform's templates."""

    def __init__(self, *, organizations: Any, templates: bool, **kwargs: Any) -> None:
        choices = [(str(o.pk), o.name) for o in organizations]
        if templates:
            choices.insert(0, (TEMPLATE_OWNER, gettext("Platform template")))
        super().__init__(label=_("Owner"), choices=choices, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}

    def owner(self, value: str) -> Any:
        return None if value == TEMPLATE_OWNER else self.organizations[value]


class SurveyCreateForm(SurveyTextsForm):
    def __init__(self, *args: Any, organizations: Any, templates: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"owner": OwnerField(organizations=organizations, templates=templates), **self.fields}

    def chosen_owner(self) -> Any:
        return self.fields["owner"].owner(self.cleaned_data["owner"])


class SurveyCopyForm(forms.Form):
    def __init__(self, *args: Any, organizations: Any, templates: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(organizations=organizations, templates=templates)

    def chosen_owner(self) -> Any:
        return self.fields["owner"].owner(self.cleaned_data["owner"])


class SectionForm(forms.Form):
    title_it = forms.CharField(label=_("Section title (Italian)"), max_length=200)
    title_en = forms.CharField(label=_("Section title (English)"), max_length=200, required=False)


def parse_items(text: str, label: str) -> list[dict[str, str]]:
    """ "code | Italian | English" lines into items; errors name the line."""
    items: list[dict[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        where = gettext("%(field)s, line %(line)d") % {"field": label, "line": number}
        if len(parts) not in (2, 3):
            errors.append(gettext("%(where)s: write “code | Italian label | English label”.") % {"where": where})
            continue
        value, italian = parts[0], parts[1]
        english = parts[2] if len(parts) == 3 else ""
        if not VALUE_RE.match(value):
            errors.append(
                gettext("%(where)s: the code may use only letters, digits, “_” and “-” (at most 40).")
                % {"where": where}
            )
        elif value in seen:
            errors.append(gettext("%(where)s: the code “%(code)s” is repeated.") % {"where": where, "code": value})
        if not italian:
            errors.append(gettext("%(where)s: the Italian label is missing.") % {"where": where})
        if len(italian) > 200 or len(english) > 200:
            errors.append(gettext("%(where)s: a label is longer than 200 characters.") % {"where": where})
        seen.add(value)
        item = {"value": value, "it": italian}
        if english:
            item["en"] = english
        items.append(item)
    if errors:
        raise ValidationError(errors)
    if not items:
        raise ValidationError(gettext("%(field)s: give at least one line.") % {"field": label})
    return items


def items_text(items: list[dict[str, str]]) -> str:
    return "\n".join(
        " | ".join([item["value"], item["it"], *([item["en"]] if item.get("en") else [])]) for item in items
    )


class QuestionForm(forms.Form):
    """One question of any kind; only the fields of the chosen kind are read."""

    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short, unique within the survey, used in reports: e.g. kids_age.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text_it = forms.CharField(label=_("Question (Italian)"), max_length=400)
    text_en = forms.CharField(label=_("Question (English)"), max_length=400, required=False)
    help_it = forms.CharField(label=_("Help (Italian)"), max_length=400, required=False)
    help_en = forms.CharField(label=_("Help (English)"), max_length=400, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Single, multiple choice and matrix: one answer a line, “code | Italian label | English label”."),
    )
    rows = forms.CharField(
        label=_("Matrix rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Matrix only: one row a line, “code | Italian label | English label”."),
    )
    scale_min = forms.IntegerField(label=_("Scale: lowest value"), required=False, min_value=0, max_value=10)
    scale_max = forms.IntegerField(label=_("Scale: highest value"), required=False, min_value=0, max_value=10)
    scale_min_it = forms.CharField(label=_("Scale: lowest value label (Italian)"), max_length=80, required=False)
    scale_min_en = forms.CharField(label=_("Scale: lowest value label (English)"), max_length=80, required=False)
    scale_max_it = forms.CharField(label=_("Scale: highest value label (Italian)"), max_length=80, required=False)
    scale_max_en = forms.CharField(label=_("Scale: highest value label (English)"), max_length=80, required=False)
    number_min = forms.IntegerField(
        label=_("Number: smallest answer"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT
    )
    number_max = forms.IntegerField(
        label=_("Number: largest answer"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT
    )
    number_unit_it = forms.CharField(label=_("Number: unit (Italian)"), max_length=40, required=False)
    number_unit_en = forms.CharField(label=_("Number: unit (English)"), max_length=40, required=False)
    max_length = forms.IntegerField(
        label=_("Text: longest answer (characters)"), required=False, min_value=1, max_value=5000
    )
    show_when_question = forms.ChoiceField(label=_("Show only when question"), required=False)
    show_when_values = forms.CharField(
        label=_("has one of the answers"),
        required=False,
        max_length=400,
        help_text=_("The codes of the answers, separated by commas (for a scale: the numbers), e.g. yes, partly."),
    )

    def __init__(self, *args: Any, gates: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gates = {str(q.pk): q for q in gates if q.kind in GATE_KINDS}
        self.fields["show_when_question"].choices = [("", gettext("Always shown"))] + [
            (key, f"{q.code}: {q.text_it}") for key, q in self.gates.items()
        ]

    def fieldsets(self) -> list[tuple[str, str, list[Any]]]:
        """(legend, hint, bound fields) groups, in the order the page shows them."""
        groups = [
            (_("The question"), "", ["code", "kind", "text_it", "text_en", "help_it", "help_en", "required"]),
            (_("Answers of a single, multiple choice or matrix question"), "", ["choices", "rows"]),
            (_("Scale"), "", [name for name in self.fields if name.startswith("scale_")]),
            (_("Number"), "", [name for name in self.fields if name.startswith("number_")]),
            (_("Short or long text"), "", ["max_length"]),
            (
                _("Skip logic"),
                _(
                    "Only the single choice, multiple choice and scale questions that come before this one "
                    "can be a condition."
                ),
                ["show_when_question", "show_when_values"],
            ),
        ]
        return [(legend, hint, [self[name] for name in names]) for legend, hint, names in groups]

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        options = question.options or {}
        initial: dict[str, Any] = {
            name: getattr(question, name)
            for name in ("code", "kind", "text_it", "text_en", "help_it", "help_en", "required")
        }
        if question.kind in CHOICE_KINDS:
            initial["choices"] = items_text(options.get("choices", []))
        if question.kind == QuestionKind.MATRIX:
            initial["rows"] = items_text(options.get("rows", []))
        if question.kind == QuestionKind.SCALE:
            keys = ("min", "max", "min_it", "min_en", "max_it", "max_en")
            initial |= {f"scale_{key}": options.get(key) for key in keys}
        if question.kind == QuestionKind.NUMBER:
            initial |= {
                "number_min": options.get("min"),
                "number_max": options.get("max"),
                "number_unit_it": options.get("unit_it", ""),
                "number_unit_en": options.get("unit_en", ""),
            }
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            initial["max_length"] = options.get("max_length")
        if question.show_when_question_id:
            initial["show_when_question"] = str(question.show_when_question_id)
            initial["show_when_values"] = ", ".join(str(v) for v in question.show_when_values)
        return initial

    def _options(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if kind in CHOICE_KINDS:
            try:
                options["choices"] = parse_items(data.get("choices") or "", gettext("Answers"))
            except ValidationError as error:
                self.add_error("choices", error)
        if kind == QuestionKind.MATRIX:
            try:
                options["rows"] = parse_items(data.get("rows") or "", gettext("Matrix rows"))
            except ValidationError as error:
                self.add_error("rows", error)
        if kind == QuestionKind.SCALE:
            options |= self._scale_options(data)
        if kind == QuestionKind.NUMBER:
            options |= self._number_options(data)
        if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT) and data.get("max_length"):
            options["max_length"] = data["max_length"]
        return options

    def _scale_options(self, data: dict[str, Any]) -> dict[str, Any]:
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is None:
            self.add_error("scale_min", gettext("Give the lowest value of the scale."))
        if high is None:
            self.add_error("scale_max", gettext("Give the highest value of the scale."))
        if low is not None and high is not None and low >= high:
            self.add_error("scale_max", gettext("The highest value must be greater than the lowest."))
        options: dict[str, Any] = {"min": low, "max": high}
        for key in ("min_it", "min_en", "max_it", "max_en"):
            if data.get(f"scale_{key}"):
                options[key] = data[f"scale_{key}"]
        return options

    def _number_options(self, data: dict[str, Any]) -> dict[str, Any]:
        low = 0 if data.get("number_min") is None else data["number_min"]
        high = 1000 if data.get("number_max") is None else data["number_max"]
        if low >= high:
            self.add_error("number_max", gettext("The largest answer must be greater than the smallest."))
        options: dict[str, Any] = {"min": low, "max": high}
        for key in ("unit_it", "unit_en"):
            if data.get(f"number_{key}"):
                options[key] = data[f"number_{key}"]
        return options

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        options = self._options(kind, data)
        if not self.errors:
            try:
                validate_options(kind, options)
            except ValidationError as error:
                self.add_error(None, error)
        data["options"] = options
        gate = self.gates.get(data.get("show_when_question") or "")
        values = [v.strip() for v in (data.get("show_when_values") or "").split(",") if v.strip()]
        data["gate"] = gate
        if gate is None:
            data["values"] = []
            return data
        allowed = (
            [str(v) for v in gate.scale_values()]
            if gate.kind == QuestionKind.SCALE
            else [c["value"] for c in gate.options.get("choices", [])]
        )
        wrong = [v for v in values if v not in allowed]
        if not values:
            self.add_error("show_when_values", gettext("Give one or more answers of the condition question."))
        elif wrong:
            self.add_error(
                "show_when_values",
                gettext("“%(wrong)s” is not an answer of “%(code)s”; its answers are: %(allowed)s.")
                % {"wrong": ", ".join(wrong), "code": gate.code, "allowed": ", ".join(allowed)},
            )
        data["values"] = [int(v) for v in values] if gate.kind == QuestionKind.SCALE and not wrong else values
        return data

    def question_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "kind": data["kind"],
            "text_it": data["text_it"],
            "text_en": data["text_en"],
            "help_it": data["help_it"],
            "help_en": data["help_en"],
            "required": data["required"],
            "options": data["options"],
            "show_when_question": data["gate"],
            "show_when_values": data["values"],
        }
