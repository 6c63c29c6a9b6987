"""The eligibility pre-check: a visitor answers the few questions a call's rules ask and learns at
once, rule by rule, whether they can apply and why not. Nothing is saved, no login is needed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.calls import rules as R
from sinergie.lib.money import EuroField

OTHER = "other"
MAX_CHILDREN = 12
BAD_AGES = _("Write each child's age in years, separated by commas, e.g. 4, 9.")


def isee_field() -> EuroField:
    """The household's ISEE in euros, 0 or more; ten times the highest ceiling is surely a typo."""
    return EuroField(label=_("Your household's ISEE, in euro"), minimum=0, maximum=R.MAX_ISEE_CENTS * 10)


class PrecheckForm(forms.Form):
    """Only the questions the call's rules need, turned into the answers rules_check reads."""

    def __init__(self, rules: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        for rule in rules:
            kind = rule.get("kind")
            if kind == "territory":
                places = [("", "—"), *((str(code), name) for code, name in rule.get("municipalities", []))]
                places.append((OTHER, _("another municipality")))
                self.fields["lives_in"] = forms.ChoiceField(
                    label=_("Where do you live?"), choices=places, required=False
                )
                self.fields["works_in"] = forms.ChoiceField(
                    label=_("Where do you work?"), choices=places, required=False
                )
            elif kind == "member_company":
                employers = [("", "—"), *((str(pk), name) for pk, name in rule.get("companies", []))]
                employers.append((OTHER, _("another employer")))
                self.fields["employer_id"] = forms.ChoiceField(label=_("Who is your employer?"), choices=employers)
            elif kind == "children_age":
                self.fields["children_ages"] = forms.CharField(
                    label=_("Your children's ages, in years"), help_text=_("e.g. 4, 9"), max_length=60
                )
            elif kind == "caregiver":
                self.fields["caregiver"] = forms.BooleanField(
                    label=_("I care for an elderly person or a person with a disability"), required=False
                )
            elif kind == "isee_ceiling":
                self.fields["isee"] = isee_field()
            elif kind == "employment":
                statuses = [("", "—"), *((key, label) for key, label in R.EMPLOYMENT_STATUSES.items())]
                self.fields["employment_status"] = forms.ChoiceField(label=_("Your work situation"), choices=statuses)
            elif kind == "not_beneficiary":
                self.fields["already_beneficiary"] = forms.BooleanField(
                    label=_("I have already received a benefit from this call"), required=False
                )

    def clean_children_ages(self) -> list[int] | None:  # None in a subclass: an optional field left empty
        parts = [part for part in re.split(r"[,;\s]+", self.cleaned_data["children_ages"]) if part]
        if (
            not parts
            or len(parts) > MAX_CHILDREN
            # ASCII digits only: "¹" and "٣" are digits to str.isdigit() but not to int().
            or not all(re.fullmatch(r"[0-9]{1,3}", part) and int(part) <= R.MAX_AGE for part in parts)
        ):
            raise ValidationError(BAD_AGES)
        return [int(part) for part in parts]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers under the keys of calls/rules.py."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for key in ("lives_in", "works_in", "employer_id"):
            if data.get(key) not in (None, ""):
                answers[key] = data[key]
        if "children_ages" in data:
            answers["children_ages"] = data["children_ages"]
        if "isee" in data:
            answers["isee_cents"] = data["isee"]
        if data.get("employment_status"):
            answers["employment_status"] = data["employment_status"]
        for key in ("caregiver", "already_beneficiary"):
            if key in data:
                answers[key] = bool(data[key])
        return answers
