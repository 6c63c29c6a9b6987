"""Forms of the surveys app: only validation; the views call the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergie.surveys.models import CampaignMode
from sinergie.surveys.services import ROME


class CampaignForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Run by"))
    survey = forms.ModelChoiceField(queryset=None, label=_("Questionnaire"))
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes at the end of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Answers are accepted until 23:59 of this day (Italian time)."),
    )
    target_size = forms.IntegerField(label=_("How many people you expect to answer"), min_value=1, max_value=100_000)
    mode = forms.ChoiceField(label=_("Links"), choices=CampaignMode.choices)

    def __init__(self, *args: Any, organizations: Any, surveys: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["survey"].queryset = surveys

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing day must not come before the opening day."))
        survey, organization = data.get("survey"), data.get("organization")
        if survey and organization and not survey.is_template and survey.owner_id != organization.pk:
            self.add_error("survey", _("Choose a template or a questionnaire of this organization."))
        return data

    def instants(self) -> tuple[datetime, datetime]:
        """Opening at the start of the first day and closing at the end of the last, in Rome."""
        opens = datetime.combine(self.cleaned_data["opens_on"], time.min, tzinfo=ROME)
        closes = datetime.combine(self.cleaned_data["closes_on"] + timedelta(days=1), time.min, tzinfo=ROME)
        return opens, closes
