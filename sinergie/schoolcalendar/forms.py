from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN
from sinergie.schoolcalendar.models import LevelChoice, MunicipalityCalendar, RiteChoice


class SchoolYearForm(forms.Form):
    """Which school year and level to show; the GET parameters keep their Italian names."""

    anno = forms.IntegerField(
        label=_("School year"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=_("The year it starts: 2026 for 2026/27."),
    )
    livello = forms.ChoiceField(label=_("School level"), choices=LevelChoice.choices)


class LocalClosureForm(forms.Form):
    school_name = forms.CharField(
        label=_("School"),
        required=False,
        max_length=150,
        help_text=_("Leave empty if every school in the municipality closes."),
    )
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason_it = forms.CharField(label=_("Reason (Italian)"), max_length=200)
    reason_en = forms.CharField(label=_("Reason (English)"), max_length=200, required=False)
    levels = forms.MultipleChoiceField(label=_("School levels"), choices=LevelChoice.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", ValidationError(_("The last day cannot come before the first day.")))
        return data


class CalendarSettingsForm(forms.ModelForm):
    rite = forms.ChoiceField(
        label=_("Rite"),
        required=False,
        choices=[("", _("As the province")), *RiteChoice.choices],
    )
    # Bounded here so that a huge number is a message on its field, not an overflow further on.
    patron_month = forms.IntegerField(label=_("patron day: month"), required=False, min_value=1, max_value=12)
    patron_day = forms.IntegerField(label=_("patron day: day"), required=False, min_value=1, max_value=31)

    class Meta:
        model = MunicipalityCalendar
        fields = ["rite", "patron_month", "patron_day"]
        widgets = {
            "patron_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
            "patron_day": forms.NumberInput(attrs={"min": 1, "max": 31}),
        }
