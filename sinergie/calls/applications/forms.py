"""The application form of a worker-voucher call, generated from its design.

The questions are those of the eligibility pre-check (`PrecheckForm`, the answer keys of
`calls/rules.py`), plus the yes/no facts and the children the scoring criteria read, plus the
applicant's codice fiscale (python-stdnum) and one upload per document the call asks for.
"Save draft" accepts blanks; "Continue" wants every question answered.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from sinergie.calls import rules as R
from sinergie.calls.applications.services import MAX_DOCUMENT_BYTES
from sinergie.calls.design import design_of
from sinergie.calls.models import Call
from sinergie.calls.precheck import OTHER, PrecheckForm, isee_field

BAD_CODICE_FISCALE = _("This is not a valid codice fiscale: check the 16 letters and digits.")
NOT_A_PERSON = _("Write the codice fiscale of a person (16 letters and digits), not of a company.")
NO_ACCOUNT = _("There is no account with this e-mail address: the citizen must register first.")
NO_PLACE = _("Say where you live or where you work.")
FILE_TOO_LARGE = _("The file is larger than %(maximum)s MB.")
ACCEPT = {"pdf": ".pdf,application/pdf", "image": ".png,.jpg,.jpeg,image/png,image/jpeg"}
TYPE_NAMES = {"pdf": _("PDF"), "image": _("PNG or JPEG image")}
CRITERION_QUESTIONS = {
    "single_parent": _("I am a single parent"),
    "household_disability": _("A person with a disability lives in my household"),
    "returning_from_maternity": _("I am returning to work after maternity leave"),
    "shift_work": _("I work at night or in shifts"),
}


def document_field_name(index: int) -> str:
    return f"document_{index}"


def document_label(document: dict[str, Any], language: str) -> str:
    return str((document.get("name_en") if language == "en" else "") or document.get("name_it", ""))


class ApplicationForm(PrecheckForm):
    """The call's questions as a form; `answers()` gives the dict stored on the application."""

    def __init__(self, call: Call, *args: Any, draft: bool = False, language: str = "it", **kwargs: Any) -> None:
        design = design_of(call)
        super().__init__(list(design.eligibility), *args, **kwargs)
        self.draft = draft
        self.fields["codice_fiscale"] = forms.CharField(
            label=_("Your codice fiscale"), max_length=20, help_text=_("16 letters and digits, e.g. RSSMRA85T10A562S")
        )
        self.order_fields(["codice_fiscale"])
        for criterion in design.criteria:
            kind = criterion.get("kind")
            if kind in CRITERION_QUESTIONS:
                self.fields[kind] = forms.BooleanField(label=CRITERION_QUESTIONS[kind], required=False)
            elif kind == "children" and "children_ages" not in self.fields:
                self.fields["children_ages"] = forms.CharField(
                    label=_("Your children's ages, in years"),
                    help_text=_("e.g. 4, 9"),
                    max_length=60,
                    required=False,
                )
            elif kind == "isee_band" and "isee" not in self.fields:
                self.fields["isee"] = isee_field()
        self.documents = list(design.documents)
        for index, document in enumerate(self.documents):
            types = document.get("types") or ["pdf", "image"]
            accept = [ACCEPT[kind] for kind in types if kind in ACCEPT]
            self.fields[document_field_name(index)] = forms.FileField(
                label=document_label(document, language),
                required=False,
                widget=forms.FileInput(attrs={"accept": ",".join(accept)}),
                help_text=_("%(types)s, at most %(maximum)s MB.")
                % {
                    "types": " / ".join(str(TYPE_NAMES[kind]) for kind in types if kind in TYPE_NAMES),
                    "maximum": MAX_DOCUMENT_BYTES // 2**20,
                },
            )
        if draft:
            for field in self.fields.values():
                field.required = False

    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("document_")]

    def document_uploads(self) -> list[tuple[forms.BoundField, dict[str, Any]]]:
        return [(self[document_field_name(index)], document) for index, document in enumerate(self.documents)]

    def clean_codice_fiscale(self) -> str:
        value = codicefiscale.compact(self.cleaned_data["codice_fiscale"] or "")
        if not value:
            return ""
        if len(value) != 16:
            raise ValidationError(NOT_A_PERSON)
        try:
            return codicefiscale.validate(value)
        except StdnumError:
            raise ValidationError(BAD_CODICE_FISCALE) from None

    def clean_children_ages(self) -> list[int] | None:
        if not (self.cleaned_data.get("children_ages") or "").strip():
            if self.fields["children_ages"].required:
                raise ValidationError(self.fields["children_ages"].error_messages["required"])
            return None
        return super().clean_children_ages()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.draft and "lives_in" in self.fields and not data.get("lives_in") and not data.get("works_in"):
            self.add_error("lives_in", NO_PLACE)
        for index in range(len(self.documents)):
            name = document_field_name(index)
            upload = data.get(name)
            if upload is not None and upload.size > MAX_DOCUMENT_BYTES:
                self.add_error(name, FILE_TOO_LARGE % {"maximum": MAX_DOCUMENT_BYTES // 2**20})
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {key: value for key, value in super().answers().items() if value is not None}
        if data.get("codice_fiscale"):
            answers["codice_fiscale"] = data["codice_fiscale"]
        for kind in CRITERION_QUESTIONS:
            if kind in data:
                answers[kind] = bool(data[kind])
        return answers

    def uploads(self) -> list[tuple[str, str, str, bytes]]:
        """(form field, document name, file name, content) of each file chosen."""
        chosen = []
        for index, document in enumerate(self.documents):
            name = document_field_name(index)
            upload = self.cleaned_data.get(name)
            if upload:
                chosen.append((name, str(document["name_it"]), upload.name, upload.read(MAX_DOCUMENT_BYTES + 1)))
        return chosen


def initial_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """A stored application's answers as the form's initial values (to resume a draft)."""
    initial = dict(answers)
    if isinstance(answers.get("children_ages"), list):
        initial["children_ages"] = ", ".join(str(age) for age in answers["children_ages"])
    if isinstance(answers.get("isee_cents"), int):
        initial["isee"] = answers["isee_cents"]  # the field shows it as typed
    return initial


def answers_for_display(call: Call, answers: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """Each question of the call's form with the answer given, in the words the applicant saw."""
    form = ApplicationForm(call, draft=True, language=language, initial=initial_from_answers(answers))
    shown = []
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form.initial.get(name)
        if isinstance(field, forms.BooleanField):
            text = str(_("yes") if value else _("no"))
        elif isinstance(field, forms.ChoiceField):
            # django-stubs types the getter as what the setter takes (a Choices class, a mapping, a
            # callable); Django keeps them as a list of pairs (or a CallableChoiceIterator of them).
            choices = {str(key): label for key, label in field.choices}  # type: ignore[misc, union-attr]
            text = str(choices.get(str(value), "—")) if value not in (None, "", OTHER) else "—"
            if value == OTHER:
                text = str(choices[OTHER])
        elif name == "isee" and isinstance(answers.get("isee_cents"), int):
            text = R.euro_text(answers["isee_cents"])
        else:
            text = str(value) if value not in (None, "") else "—"
        shown.append((str(field.label), text))
    return shown


def answers_complete(call: Call, answers: dict[str, Any]) -> list[str]:
    """The labels of the questions a complete application must answer but these answers leave blank."""
    form = ApplicationForm(call, data=_as_data(answers))
    form.is_valid()
    return [
        str(form.fields[name].label)
        for name in form.errors
        if name in form.fields and not isinstance(form.fields[name], forms.FileField)
    ]


def _as_data(answers: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in initial_from_answers(answers).items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)
    return data


class AssistForm(forms.Form):
    """The citizen an information-point operator applies for, by the e-mail of their account."""

    email = forms.EmailField(label=_("The citizen's e-mail address"), max_length=254)

    def clean_email(self) -> Any:
        from sinergie.accounts.models import User

        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(NO_ACCOUNT)
        return user


class ReviewForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that what I have written is true and I know that false statements are punished by law "
            "(DPR 445/2000, articles 75 and 76)."
        ),
        error_messages={"required": _("Tick the declaration to send the application.")},
    )
