"""The call designer's forms: they parse and validate, the services in `calls/design.py` save.

Money is typed in euros by the rule of `lib/money.py` ("1.234,56", "1234") and becomes integer cents; instants
are typed in Rome's local time. Every error names its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.calls import rules as R
from sinergie.calls.design import (
    DOCUMENT_TYPES,
    MAX_AMOUNT_CENTS,
    MAX_BANDS,
    MAX_BUDGET_CENTS,
    MAX_DOCUMENTS,
    CallData,
)
from sinergie.calls.models import Call, CallDesign, CallKind
from sinergie.directory.models import TaxonomyTerm
from sinergie.lib.money import EURO_NOT_POSITIVE, EURO_TOO_LARGE, MAX_CENTS, EuroField, euro_input, parse_euro
from sinergie.organizations.models import Alliance, Organization, OrganizationKind

LINE_INVALID = _("Line %(line)s: write two values separated by a semicolon, such as %(example)s.")


def _euros(text: str) -> int:
    """An amount of a band line, by the money rule; the line's message names it when refused."""
    return parse_euro(text, maximum=MAX_CENTS)


def _pairs(text: str, *, example: str, first: Callable[[str], int], second: Callable[[str], int]) -> list[list[int]]:
    """Lines of "a; b" parsed by `first` and `second`; the error names the line."""
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(";")
        if len(parts) != 2:
            raise ValidationError(LINE_INVALID, params={"line": number, "example": example})
        try:
            result.append([first(parts[0]), second(parts[1])])
        except (ValueError, OverflowError, ValidationError):
            raise ValidationError(LINE_INVALID, params={"line": number, "example": example}) from None
    if len(result) > MAX_BANDS:
        raise ValidationError(_("At most %(maximum)s lines."), params={"maximum": MAX_BANDS})
    return result


def _whole(text: str) -> int:
    text = text.strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(text)
    return int(text)


def _weight(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=R.MAX_WEIGHT, help_text=_("Points; empty or 0: not used.")
    )


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]


class CallDesignForm(forms.Form):
    """Everything about a call on one page: the text, the money, the dates and the structured rules."""

    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of call"), choices=CallKind.choices)
    title_it = forms.CharField(label=_("Title (Italian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    text_it = forms.CharField(
        label=_("Text of the call (Italian)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("What the call funds and why, in plain words: applicants read this instead of a PDF."),
    )
    text_en = forms.CharField(
        label=_("Text of the call (English)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        required=False,
    )
    budget = EuroField(label=_("Budget (euros)"), maximum=MAX_BUDGET_CENTS)
    amount = EuroField(
        label=_("Amount per beneficiary (euros)"),
        maximum=MAX_AMOUNT_CENTS,
        required=False,
        help_text=_(
            "With score bands (below), this is what a score below the first band gets; "
            "leave it empty when the bands start from 0 points."
        ),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at (Italian time)"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (Italian time)"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("Accredited providers"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Eligible service categories"),
        queryset=TaxonomyTerm.objects.filter(parent__isnull=True).order_by("name_it"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None chosen: every category."),
    )

    # Eligibility rules
    rule_territory = forms.BooleanField(label=_("Lives or works in the alliance's municipalities"), required=False)
    rule_member_company = forms.BooleanField(label=_("Works for a member company of the alliance"), required=False)
    rule_children = forms.BooleanField(label=_("Has a child in an age range"), required=False)
    min_age = forms.IntegerField(label=_("Children from age"), required=False, min_value=0, max_value=R.MAX_AGE)
    max_age = forms.IntegerField(label=_("Children up to age"), required=False, min_value=0, max_value=R.MAX_AGE)
    rule_caregiver = forms.BooleanField(label=_("Cares for an elderly or disabled person"), required=False)
    isee_ceiling = EuroField(
        label=_("ISEE ceiling (euros)"), maximum=R.MAX_ISEE_CENTS, required=False, help_text=_("Empty: no ceiling.")
    )
    employment_statuses = forms.MultipleChoiceField(
        label=_("Admitted work situations"),
        choices=list(R.EMPLOYMENT_STATUSES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None chosen: every work situation."),
    )
    rule_not_beneficiary = forms.BooleanField(label=_("Not already a beneficiary of this call"), required=False)

    # Scoring
    weight_isee_band = _weight(_("Points for a low ISEE"))
    isee_bands = forms.CharField(
        label=_("ISEE bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One band per line: ISEE up to (euros); percent of the points. For example: 10000; 100"),
    )
    weight_children = _weight(_("Points per child"))
    max_children = forms.IntegerField(
        label=_("Counting at most this many children"), required=False, min_value=1, max_value=10
    )
    weight_single_parent = _weight(_("Points for a single parent"))
    weight_household_disability = _weight(_("Points for a disability in the household"))
    weight_returning_from_maternity = _weight(_("Points for returning to work after maternity"))
    weight_shift_work = _weight(_("Points for night or shift work"))
    tie_breaker_1 = forms.ChoiceField(label=_("First tie-breaker"), required=False)
    tie_breaker_2 = forms.ChoiceField(label=_("Second tie-breaker"), required=False)
    tie_breaker_3 = forms.ChoiceField(label=_("Third tie-breaker"), required=False)
    amount_bands = forms.CharField(
        label=_("Amount by score band"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. One band per line: from points; amount in euros. For example: 30; 800"),
    )

    SECTIONS = {
        "call": ("alliance", "kind", "title_it", "title_en", "text_it", "text_en"),
        "money": ("budget", "amount", "amount_bands", "opens_at", "closes_at"),
        "rules": (
            "rule_territory",
            "rule_member_company",
            "rule_children",
            "min_age",
            "max_age",
            "rule_caregiver",
            "isee_ceiling",
            "employment_statuses",
            "rule_not_beneficiary",
        ),
        "scoring": (
            "weight_isee_band",
            "isee_bands",
            "weight_children",
            "max_children",
            "weight_single_parent",
            "weight_household_disability",
            "weight_returning_from_maternity",
            "weight_shift_work",
            "tie_breaker_1",
            "tie_breaker_2",
            "tie_breaker_3",
        ),
        "providers": ("providers", "categories"),
    }

    def __init__(self, *args: Any, alliances: Any, call: Call | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = alliances
        if call is not None:
            # A call stays in its alliance: the field is shown for context, not changed.
            self.fields["alliance"].queryset = Alliance.objects.filter(pk=call.alliance_id)
            self.fields["alliance"].disabled = True
            self.fields["alliance"].initial = call.alliance_id
        elif len(options := list(alliances[:2])) == 1:
            # Staff of one alliance: nothing to choose.
            self.fields["alliance"].disabled = True
            self.fields["alliance"].initial = options[0].pk
        provider_filter = {"alliance_partnerships__in": self.fields["alliance"].queryset}
        providers = Organization.objects.filter(kind=OrganizationKind.PROVIDER, **provider_filter)
        if call is not None:
            providers = providers | Organization.objects.filter(pk__in=call.providers.values("pk"))
        self.fields["providers"].queryset = providers.distinct().order_by("name", "pk")
        choices = [("", _("None")), *R.TIE_BREAKERS.items()]
        for index in (1, 2, 3):
            self.fields[f"tie_breaker_{index}"].choices = choices

    def section(self, name: str) -> list[forms.BoundField]:
        return [self[field] for field in self.SECTIONS[name]]

    # Templates cannot pass arguments: one property per fieldset.
    section_call = property(lambda self: self.section("call"))
    section_money = property(lambda self: self.section("money"))
    section_rules = property(lambda self: self.section("rules"))
    section_scoring = property(lambda self: self.section("scoring"))
    section_providers = property(lambda self: self.section("providers"))

    def clean_isee_bands(self) -> list[list[int]]:
        return _pairs(self.cleaned_data.get("isee_bands") or "", example="10000; 100", first=_euros, second=_whole)

    def clean_amount_bands(self) -> list[list[int]]:
        return _pairs(self.cleaned_data.get("amount_bands") or "", example="30; 800", first=_whole, second=_euros)

    def clean(self) -> dict[str, Any]:  # noqa: C901
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        if data.get("rule_children"):
            low, high = data.get("min_age"), data.get("max_age")
            if low is None and "min_age" not in self.errors:
                self.add_error("min_age", _("Give the youngest age admitted."))
            if high is None and "max_age" not in self.errors:
                self.add_error("max_age", _("Give the oldest age admitted."))
            if low is not None and high is not None and low > high:
                self.add_error("max_age", _("The minimum age cannot be above the maximum age."))
        if data.get("weight_isee_band") and not data.get("isee_bands") and "isee_bands" not in self.errors:
            self.add_error("isee_bands", _("Give at least one ISEE band for the points of a low ISEE."))
        bands = data.get("isee_bands") or []
        limits = [limit for limit, _percent in bands]
        if limits != sorted(set(limits)):
            self.add_error("isee_bands", _("The bands must go up, each with a higher limit than the one before."))
        if any(not 0 <= percent <= 100 for _limit, percent in bands):
            self.add_error("isee_bands", _("A band gives from 0 to 100 percent of the points."))
        if any(not 0 < limit <= R.MAX_ISEE_CENTS for limit, _percent in bands):
            self.add_error("isee_bands", EURO_TOO_LARGE % {"maximum": R.euro_text(R.MAX_ISEE_CENTS)})
        if data.get("weight_children") and not data.get("max_children") and "max_children" not in self.errors:
            self.add_error("max_children", _("Say how many children count at most."))
        amount_bands = data.get("amount_bands") or []
        for _score, cents in amount_bands:
            if not 0 < cents <= MAX_AMOUNT_CENTS:
                self.add_error(
                    "amount_bands",
                    EURO_TOO_LARGE % {"maximum": R.euro_text(MAX_AMOUNT_CENTS)} if cents else EURO_NOT_POSITIVE,
                )
                break
        if len({score for score, _cents in amount_bands}) != len(amount_bands):
            self.add_error("amount_bands", _("Each band needs its own minimum score."))
        if not amount_bands and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount per beneficiary, or amounts by score band."))
        below_bands = amount_bands and all(score > 0 for score, _cents in amount_bands)
        if below_bands and not data.get("amount") and "amount" not in self.errors and "amount_bands" not in self.errors:
            self.add_error(
                "amount", _("Give the amount for scores below the first band, or start the bands from 0 points.")
            )
        chosen = [data.get(f"tie_breaker_{i}") for i in (1, 2, 3) if data.get(f"tie_breaker_{i}")]
        if len(chosen) != len(set(chosen)):
            self.add_error("tie_breaker_2", _("Each tie-breaker may be chosen only once."))
        return data

    def rules(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rules: list[dict[str, Any]] = []
        if data.get("rule_territory"):
            rules.append({"kind": "territory"})
        if data.get("rule_member_company"):
            rules.append({"kind": "member_company"})
        if data.get("rule_children"):
            rules.append({"kind": "children_age", "min_age": data["min_age"], "max_age": data["max_age"]})
        if data.get("rule_caregiver"):
            rules.append({"kind": "caregiver"})
        if data.get("isee_ceiling"):
            rules.append({"kind": "isee_ceiling", "ceiling_cents": data["isee_ceiling"]})
        if data.get("employment_statuses"):
            rules.append({"kind": "employment", "statuses": list(data["employment_statuses"])})
        if data.get("rule_not_beneficiary"):
            rules.append({"kind": "not_beneficiary"})
        return rules

    def criteria(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        criteria: list[dict[str, Any]] = []
        if data.get("weight_isee_band"):
            criteria.append({"kind": "isee_band", "weight": data["weight_isee_band"], "bands": data["isee_bands"]})
        if data.get("weight_children"):
            criteria.append(
                {"kind": "children", "weight": data["weight_children"], "max_children": data["max_children"]}
            )
        for kind in R.YES_NO_CRITERIA:
            if data.get(f"weight_{kind}"):
                criteria.append({"kind": kind, "weight": data[f"weight_{kind}"]})
        return criteria

    def call_data(self, documents: list[dict[str, Any]]) -> CallData:
        """The cleaned form as the services' input (call only after is_valid())."""
        data = self.cleaned_data
        bands = data.get("amount_bands") or []
        # With bands, the call's amount is what a score below every band gets; a band from 0
        # leaves no such score, and the amount is then the largest band's (what the budget covers).
        from_zero = any(score == 0 for score, _cents in bands)
        amount = max(cents for _score, cents in bands) if bands and from_zero else data["amount"]
        return CallData(
            kind=data["kind"],
            title_it=data["title_it"].strip(),
            title_en=data.get("title_en", "").strip(),
            text_it=data["text_it"].strip(),
            text_en=data.get("text_en", "").strip(),
            budget_cents=data["budget"],
            amount_per_beneficiary_cents=amount,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            providers=list(data.get("providers") or []),
            categories=list(data.get("categories") or []),
            eligibility=self.rules(),
            documents=documents,
            criteria=self.criteria(),
            tie_breakers=[data[f"tie_breaker_{i}"] for i in (1, 2, 3) if data.get(f"tie_breaker_{i}")],
            amount_bands=sorted(bands),
        )


# Where a problem found by the services belongs on this page (the services name the stored field).
FORM_FIELD_FOR = {
    "budget_cents": "budget",
    "amount_per_beneficiary_cents": "amount",
    "eligibility": "rule_territory",
    "criteria": "weight_isee_band",
    "documents": "documents-0-name_it",
}


def form_field_for(field: str) -> str:
    return FORM_FIELD_FOR.get(field, field)


def problems_with_labels(problems: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The validation report's problems with the label and the id of the form field each is about."""
    labels = {name: str(field.label) for name, field in CallDesignForm.base_fields.items()}
    labels["documents-0-name_it"] = str(_("Documents to attach"))
    result = []
    for field, message in problems:
        name = form_field_for(field)
        result.append({"field": name, "label": labels.get(name, ""), "message": message})
    return result


def initial_for(call: Call, design: CallDesign) -> dict[str, Any]:
    """The form's initial values from a saved call and its design."""
    initial: dict[str, Any] = {
        "alliance": call.alliance_id,
        "kind": call.kind,
        "title_it": call.title_it,
        "title_en": call.title_en,
        "text_it": call.text_it,
        "text_en": call.text_en,
        "budget": euro_input(call.budget_cents),
        "amount": ""
        if any(score == 0 for score, _cents in design.amount_bands)
        else euro_input(call.amount_per_beneficiary_cents),
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "providers": list(call.providers.values_list("pk", flat=True)),
        "categories": list(call.categories.values_list("pk", flat=True)),
        "amount_bands": "\n".join(f"{score}; {euro_input(cents)}" for score, cents in design.amount_bands),
    }
    for rule in design.eligibility:
        kind = rule.get("kind")
        if kind == "territory":
            initial["rule_territory"] = True
        elif kind == "member_company":
            initial["rule_member_company"] = True
        elif kind == "children_age":
            initial.update(rule_children=True, min_age=rule["min_age"], max_age=rule["max_age"])
        elif kind == "caregiver":
            initial["rule_caregiver"] = True
        elif kind == "isee_ceiling":
            initial["isee_ceiling"] = euro_input(rule["ceiling_cents"])
        elif kind == "employment":
            initial["employment_statuses"] = rule["statuses"]
        elif kind == "not_beneficiary":
            initial["rule_not_beneficiary"] = True
    for criterion in design.criteria:
        initial[f"weight_{criterion['kind']}"] = criterion["weight"]
        if criterion["kind"] == "isee_band":
            initial["isee_bands"] = "\n".join(f"{euro_input(limit)}; {p}" for limit, p in criterion["bands"])
        if criterion["kind"] == "children":
            initial["max_children"] = criterion["max_children"]
    for index, tie_breaker in enumerate(design.tie_breakers[:3], start=1):
        initial[f"tie_breaker_{index}"] = tie_breaker
    return initial


class DocumentForm(forms.Form):
    name_it = forms.CharField(label=_("Document (Italian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Document (English)"), max_length=200, required=False)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)
    types = forms.MultipleChoiceField(
        label=_("Accepted files"),
        choices=[("pdf", _("PDF")), ("image", _("Images (JPEG, PNG)"))],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        named = bool((data.get("name_it") or "").strip() or (data.get("name_en") or "").strip())
        if named and not (data.get("name_it") or "").strip():
            self.add_error("name_it", _("Give the document's name in Italian."))
        if named and not data.get("types"):
            self.add_error("types", _("Choose at least one accepted file type."))
        return data

    def document(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("name_it") or "").strip():
            return None
        return {
            "name_it": data["name_it"].strip(),
            "name_en": (data.get("name_en") or "").strip(),
            "mandatory": bool(data.get("mandatory")),
            "types": [t for t in DOCUMENT_TYPES if t in data.get("types", [])],
        }


DocumentFormSet = forms.formset_factory(
    DocumentForm, extra=2, max_num=MAX_DOCUMENTS, validate_max=True, absolute_max=MAX_DOCUMENTS + 5
)


def documents_of(formset: Any) -> list[dict[str, Any]]:
    return [document for form in formset.forms if (document := form.document()) is not None]
