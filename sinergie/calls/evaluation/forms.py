"""Forms of the evaluation pages: they only validate; the views hand `cleaned_data` to
`calls/evaluation/review.py` and `calls/evaluation/services.py`, whose refusals come back onto the named field."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sinergie.accounts.models import User
from sinergie.calls.evaluation.review import MAX_NOTE

YES_NO = [("", _("Choose…")), ("yes", _("Yes")), ("no", _("No"))]

# Django's model choice fields are generic to django-stubs only: subscripted for mypy, plain at run time.
if TYPE_CHECKING:
    _UserChoiceField = forms.ModelChoiceField[User]
    _UsersChoiceField = forms.ModelMultipleChoiceField[User]
else:
    _UserChoiceField = forms.ModelChoiceField
    _UsersChoiceField = forms.ModelMultipleChoiceField


def _evaluator_label(user: User) -> str:
    return user.get_full_name() or user.email


class EvaluatorChoiceField(_UserChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _evaluator_label(obj)


class EvaluatorsChoiceField(_UsersChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _evaluator_label(obj)


class AdmissibilityForm(forms.Form):
    admissible = forms.ChoiceField(label=_("Admissibility"), choices=YES_NO)
    admissibility_note = forms.CharField(
        label=_("Why"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mandatory: it stays in the application's history."),
    )

    def decision(self) -> bool:
        answer: str = self.cleaned_data["admissible"]
        return answer == "yes"


class PointsForm(forms.Form):
    manual_points = forms.DecimalField(
        label=_("Manual points"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("From 0 to 100, added to the automatic points; decimals with a comma (for example 2,5)."),
    )
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}))

    def hundredths(self) -> int:
        return int(self.cleaned_data["manual_points"] * 100)


class AssignForm(forms.Form):
    evaluator = EvaluatorChoiceField(label=_("Evaluator"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args: Any, evaluators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evaluator"]
        assert isinstance(field, EvaluatorChoiceField)  # a copy of the one declared above
        field.queryset = evaluators


class SpreadForm(forms.Form):
    evaluators = EvaluatorsChoiceField(
        label=_("Evaluators"),
        queryset=None,
        help_text=_("The applications without an evaluator are spread evenly among those chosen."),
    )

    def __init__(self, *args: Any, evaluators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evaluators"]
        assert isinstance(field, EvaluatorsChoiceField)  # a copy of the one declared above
        field.queryset = evaluators


class DeclarationForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[
            ("", _("Choose…")),
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        help_text=_(
            "For example: a relative, a partner, someone you work with or for. "
            "The declaration cannot be changed afterwards."
        ),
    )
    statement = forms.CharField(
        label=_("Statement"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mandatory when you declare a conflict: say what it is."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("has_conflict") == "yes" and not (data.get("statement") or "").strip():
            self.add_error("statement", _("Describe the conflict of interest."))
        return data

    def conflict(self) -> bool:
        answer: str = self.cleaned_data["has_conflict"]
        return answer == "yes"


class RankingComputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the new version"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mandatory after the first version: for example, the appeal it answers."),
    )
    allow_partial = forms.BooleanField(
        label=_("The last grant may be partial (what is left of the budget)"), required=False
    )

    def __init__(self, *args: Any, correction: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.correction = correction
        if correction:
            self.fields["reason"].required = True


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    confirm = forms.BooleanField(
        label=_("I confirm: the ranking becomes public, by protocol number only, and cannot be withdrawn.")
    )
