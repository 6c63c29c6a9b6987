"""Forms of company incentives. They only parse what was typed (euro → cents, dates); the rules
(caps, VAT number, dates in order, states) are the services' in `calls/grants/services.py`, whose
refusals the views put back beside the field they name."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergie.calls.grants.services import MAX_REFERENCE, MAX_SHORT_TEXT, MAX_TEXT, MEASURE_LABELS, MEASURES
from sinergie.lib.money import EURO_HELP, MAX_CENTS, EuroField

REQUIRED_FOR_MEASURE = _("Fill this in for a chosen measure.")


def _cents(value: Any) -> int | None:
    """A stored amount as the form's initial value (the field shows it as typed); None when not whole cents."""
    return value if type(value) is int else None


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _euro_field(label: Any, required: bool = True) -> EuroField:
    # From 0 and with no bound of its own: zero and the caps are the services' to refuse, in their words.
    return EuroField(label=label, required=required, minimum=0, maximum=MAX_CENTS, help_text=EURO_HELP)


class PlanForm(forms.Form):
    """The company's plan: its VAT number and size, the measures chosen (each with cost, dates and
    workers reached), the amount requested and the timeline. `measure_rows()` groups the fields."""

    vat_number = forms.CharField(label=_("VAT number of the company"), max_length=20)
    employees = forms.IntegerField(label=_("Employees"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in MEASURES:
            self.fields[code] = forms.BooleanField(label=label, required=False)
            if code == "other":
                self.fields["other_other"] = forms.CharField(
                    label=_("Describe the other measure"), max_length=MAX_SHORT_TEXT, required=False
                )
            self.fields[f"{code}_cost"] = _euro_field(_("Expected cost (€)"), required=False)
            self.fields[f"{code}_start"] = _date_field(_("Start"), required=False)
            self.fields[f"{code}_end"] = _date_field(_("End"), required=False)
            self.fields[f"{code}_workers"] = forms.IntegerField(label=_("Workers reached"), min_value=1, required=False)
        self.fields["requested"] = _euro_field(_("Amount requested (€)"))
        self.fields["timeline"] = forms.CharField(
            label=_("Timeline of the plan"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
        )

    @classmethod
    def initial_from(cls, plan: dict[str, Any] | None, vat_number: str) -> dict[str, Any]:
        plan = plan or {}
        initial: dict[str, Any] = {
            "vat_number": plan.get("vat_number") or vat_number,
            "employees": plan.get("employees"),
            "requested": _cents(plan.get("requested_cents")),
            "timeline": plan.get("timeline", ""),
        }
        for measure in plan.get("measures") or []:
            code = measure.get("code")
            if code not in MEASURE_LABELS:
                continue
            initial[code] = True
            if code == "other":
                initial["other_other"] = measure.get("other", "")
            initial[f"{code}_cost"] = _cents(measure.get("cost_cents"))
            initial[f"{code}_start"] = measure.get("start")
            initial[f"{code}_end"] = measure.get("end")
            initial[f"{code}_workers"] = measure.get("workers")
        return initial

    def measure_rows(self) -> list[dict[str, Any]]:
        rows = []
        for code, label in MEASURES:
            rows.append(
                {
                    "code": code,
                    "label": label,
                    "check": self[code],
                    "other": self["other_other"] if code == "other" else None,
                    "fields": [self[f"{code}_{part}"] for part in ("cost", "start", "end", "workers")],
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for code, _label in MEASURES:
            if not cleaned.get(code):
                continue
            for part in ("cost", "start", "end", "workers"):
                name = f"{code}_{part}"
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, REQUIRED_FOR_MEASURE)
        return cleaned

    def plan(self) -> dict[str, Any] | None:
        """The plan as the service takes it; None when a value could not even be read."""
        measures = []
        for code, _label in MEASURES:
            if not self.cleaned_data.get(code):
                continue
            measures.append(
                {
                    "code": code,
                    "other": self.cleaned_data.get("other_other", "") if code == "other" else "",
                    "cost_cents": self.cleaned_data.get(f"{code}_cost"),
                    "start": self.cleaned_data.get(f"{code}_start"),
                    "end": self.cleaned_data.get(f"{code}_end"),
                    "workers": self.cleaned_data.get(f"{code}_workers"),
                }
            )
        requested = self.cleaned_data.get("requested")
        if self.errors:
            return None
        return {
            "vat_number": self.cleaned_data["vat_number"],
            "employees": self.cleaned_data["employees"],
            "measures": measures,
            "requested_cents": requested,
            "timeline": self.cleaned_data["timeline"],
        }


class GrantForm(forms.Form):
    amount = _euro_field(_("Amount granted (€)"))
    signed_at = _date_field(_("Agreement signed on"))
    conditions = forms.CharField(
        label=_("Conditions of the agreement"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(forms.Form):
    """What was done for each measure of the plan, and when; a measure left empty was not done."""

    def __init__(self, *args: Any, measures: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = [m["code"] for m in measures if m.get("code") in MEASURE_LABELS]
        for code in self.codes:
            self.fields[f"{code}_done"] = forms.CharField(
                label=_("What was done: %(measure)s") % {"measure": MEASURE_LABELS[code]},
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"{code}_start"] = _date_field(_("Started on"), required=False)
            self.fields[f"{code}_end"] = _date_field(_("Ended on"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for code in self.codes:
            if (cleaned.get(f"{code}_done") or "").strip():
                for part in ("start", "end"):
                    if cleaned.get(f"{code}_{part}") is None and f"{code}_{part}" not in self.errors:
                        self.add_error(f"{code}_{part}", REQUIRED_FOR_MEASURE)
        return cleaned

    def rows(self) -> list[list[Any]]:
        return [[self[f"{code}_{part}"] for part in ("done", "start", "end")] for code in self.codes]

    def report(self) -> dict[str, Any]:
        return {
            code: {
                "done": self.cleaned_data.get(f"{code}_done", ""),
                "start": self.cleaned_data.get(f"{code}_start"),
                "end": self.cleaned_data.get(f"{code}_end"),
            }
            for code in self.codes
        }


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("What the document is"), max_length=120)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, at most 10 MB)"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the report")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the company"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    paid_on = _date_field(_("Paid on"))
    reference = forms.CharField(label=_("Payment reference"), max_length=MAX_REFERENCE)

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if today is not None and not self.is_bound:
            self.initial.setdefault("paid_on", today)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
