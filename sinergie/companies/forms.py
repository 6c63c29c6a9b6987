"""The company profile and join-request forms: plain HTML fields, errors named by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergie.companies.models import CompanyProfile, SizeBand
from sinergie.companies.services import MAX_WORKFORCE, ProfileData
from sinergie.lib.money import EuroField
from sinergie.lib.text import fold
from sinergie.organizations.models import Alliance
from sinergie.territory.models import Municipality

MAX_SITES = 60


def _people(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_WORKFORCE, initial=0)


class ProfileForm(forms.Form):
    vat_number = forms.CharField(label=_("VAT number"), max_length=16, required=False)
    ateco_code = forms.CharField(
        label=_("ATECO 2025 code"),
        max_length=12,
        required=False,
        help_text=_("The code of your main activity, e.g. 62.10.00. Not sure? Search it below by words."),
    )
    size_band = forms.ChoiceField(
        label=_("Size"),
        choices=[("", _("Work it out from the people employed")), *SizeBand.choices],
        required=False,
    )
    workforce_women = _people(_("Women employed"))
    workforce_men = _people(_("Men employed"))
    workforce_other = _people(_("Other people employed (not declared as women or men)"))
    sites = forms.CharField(
        label=_("Municipalities where you have a site"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names separated by commas, e.g. Melzo, Gorgonzola."),
    )

    @staticmethod
    def initial_for(profile: CompanyProfile | None, vat_number: str) -> dict[str, Any]:
        if profile is None:
            return {"vat_number": vat_number}
        return {
            "vat_number": vat_number,
            "ateco_code": profile.ateco_code,
            "size_band": profile.size_band,
            "workforce_women": profile.workforce_women,
            "workforce_men": profile.workforce_men,
            "workforce_other": profile.workforce_other,
            "sites": ", ".join(profile.sites.order_by("name").values_list("name", flat=True)),
        }

    def clean_sites(self) -> list[Municipality]:
        names = [part.strip() for part in (self.cleaned_data.get("sites") or "").split(",") if part.strip()]
        if len(names) > MAX_SITES:
            raise forms.ValidationError(_("At most %(maximum)s municipalities.") % {"maximum": MAX_SITES})
        found: list[Municipality] = []
        unknown, ambiguous = [], []
        for name in names:
            matches = list(Municipality.objects.filter(search_name=fold(name)).select_related("province")[:3])
            if not matches:
                unknown.append(name)
            elif len(matches) > 1:
                ambiguous.append(name)
            elif matches[0] not in found:
                found.append(matches[0])
        if unknown:
            raise forms.ValidationError(
                _("No municipality is called %(names)s: check the spelling.") % {"names": ", ".join(unknown)}
            )
        if ambiguous:
            raise forms.ValidationError(
                _("More than one municipality is called %(names)s.") % {"names": ", ".join(ambiguous)}
            )
        return found

    def data_for_service(self) -> ProfileData:
        data = self.cleaned_data
        return ProfileData(
            vat_number=data.get("vat_number", "").strip(),
            ateco_code=data.get("ateco_code", "").strip(),
            size_band=data.get("size_band", ""),
            workforce_women=data["workforce_women"],
            workforce_men=data["workforce_men"],
            workforce_other=data["workforce_other"],
            sites=data["sites"],
        )


class AtecoSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the ATECO code by words or digits"), max_length=80, required=False)


class JoinRequestForm(forms.Form):
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none(), empty_label="—")
    message = forms.CharField(
        label=_("Message to the alliance (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, alliances: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = alliances
        self.fields["alliance"].label_from_instance = lambda alliance: alliance.organization.name


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the company"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when refusing."),
    )


# --- Conciliation plan ------------------------------------------------------------------------


def _catalogue_choices() -> list[Any]:
    from sinergie.companies.measures import AREAS, CATALOGUE

    groups = [(label, [(m.code, m.name) for m in CATALOGUE if m.area == area]) for area, label in AREAS.items()]
    return [("", "—"), *groups]


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=_catalogue_choices)
    target = forms.CharField(
        label=_("Target"),
        max_length=300,
        help_text=_("What will have changed, and for whom: e.g. 30 workers on flexible hours."),
    )
    owner = forms.CharField(label=_("Who is responsible"), max_length=120, help_text=_("A role, e.g. HR manager."))
    starts_on = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    cost = EuroField(
        label=_("Expected cost (euros)"),
        maximum=10_000_000_000,
        required=False,
        help_text=_("Leave it empty when the measure costs nothing."),
    )
    need = forms.CharField(
        label=_("Need it answers (optional)"),
        max_length=300,
        required=False,
        help_text=_("E.g. what the workers' survey showed: summer weeks without childcare."),
    )

    def data_for_service(self) -> Any:
        from sinergie.companies.plans import MeasureData

        data = self.cleaned_data
        return MeasureData(
            measure=data["measure"],
            target=data["target"],
            owner=data["owner"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            cost_cents=data.get("cost") or 0,
            need=data.get("need", ""),
        )


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=[])
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it: an agreement signed, a policy published, how many used it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sinergie.companies.models import MeasureStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = MeasureStatus.choices


class GoalsForm(forms.Form):
    goals = forms.CharField(
        label=_("Goals of the plan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Label and Manifesto ----------------------------------------------------------------------


class LabelRequestForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Label"), queryset=None, empty_label=None)
    declaration = forms.CharField(
        label=_("Declaration"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How your company meets each criterion, in your words."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the alliance can check: agreements, policies, figures of use."),
    )

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        self.fields["scheme"].label_from_instance = lambda s: f"{s.name} · {s.alliance.organization.name}"


class LabelDecisionForm(DecisionForm):
    pass


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SchemeForm(forms.ModelForm):
    class Meta:
        from sinergie.companies.models import LabelScheme

        model = LabelScheme
        fields = [
            "name",
            "min_measures_active",
            "requires_self_assessment",
            "survey_within_months",
            "validity_months",
            "criteria_it",
            "criteria_en",
        ]
        widgets = {"criteria_it": forms.Textarea(attrs={"rows": 3}), "criteria_en": forms.Textarea(attrs={"rows": 3})}

    def clean_validity_months(self) -> int:
        value = self.cleaned_data["validity_months"]
        if not 1 <= value <= 60:
            raise forms.ValidationError(_("From 1 to 60 months."))
        return value

    def clean_survey_within_months(self) -> int | None:
        value = self.cleaned_data.get("survey_within_months")
        if value is not None and not 1 <= value <= 60:
            raise forms.ValidationError(_("From 1 to 60 months, or empty for no survey."))
        return value

    def clean_min_measures_active(self) -> int:
        value = self.cleaned_data["min_measures_active"]
        if value > 30:
            raise forms.ValidationError(_("At most 30."))
        return value


class ManifestoForm(forms.ModelForm):
    class Meta:
        from sinergie.companies.models import Manifesto

        model = Manifesto
        fields = ["title_it", "title_en", "text_it", "text_en", "published"]
        widgets = {"text_it": forms.Textarea(attrs={"rows": 8}), "text_en": forms.Textarea(attrs={"rows": 8})}


class SignForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Sign in the name of"), queryset=None, empty_label=None)
    commitment = forms.CharField(
        label=_("Your commitment (optional)"),
        max_length=300,
        required=False,
        help_text=_("One line, shown beside your signature."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


# --- Witness companies, pairings, agreements --------------------------------------------------


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    problem = forms.CharField(label=_("The problem"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.ChoiceField(label=_("Measure"), choices=_catalogue_choices)
    description = forms.CharField(label=_("What was done"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    cost = EuroField(
        label=_("Cost (euros)"),
        maximum=10_000_000_000,
        required=False,
        help_text=_("Leave it empty if it cost nothing."),
    )
    result = forms.CharField(label=_("The result"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class PairingAskForm(forms.Form):
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=None, empty_label=None)
    wish = forms.CharField(
        label=_("What would you like to learn from a witness company?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, alliances: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = alliances
        self.fields["alliance"].label_from_instance = lambda alliance: alliance.organization.name


class ProposeForm(forms.Form):
    witness = forms.ModelChoiceField(label=_("Witness company"), queryset=None, empty_label=None)
    why = forms.CharField(label=_("Why this pair"), max_length=300, required=False)

    def __init__(self, *args: Any, witnesses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["witness"].queryset = witnesses


class MeetingForm(forms.Form):
    on = forms.DateField(label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("What was discussed and decided"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome of the pairing"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    description = forms.CharField(label=_("Description"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    provider = forms.ModelChoiceField(label=_("Service provider (optional)"), queryset=None, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)
    starts_on = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        from sinergie.companies.models import AgreementKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AgreementKind.choices
        self.fields["provider"].queryset = providers


class JoinAgreementForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None, empty_label=None)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
