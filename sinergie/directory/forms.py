"""The service editing form: one main form and three formsets, validated together, turned into a payload.

Forms only validate; `ServiceEditor.payload()` builds the revision's content and the view
hands it to a service in directory/editing.py, which saves it in one transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.directory.models import (
    ClosurePeriodKind,
    CostUnit,
    Location,
    ServiceKind,
    ServiceStatus,
    TaxonomyTerm,
    Weekday,
)
from sinergie.directory.revisions import TEXT_FIELDS
from sinergie.lib.money import EuroField
from sinergie.lib.text import fold
from sinergie.organizations.models import Organization
from sinergie.territory.models import Municipality

MAX_AMOUNT_CENTS = 100_000_000  # € 1,000,000
MAX_AGE_YEARS = 120
MAX_ROWS = 20
# Languages families most often ask for in Lombardy, named in the page's language; a code
# already on a service stays offered under its code.
LANGUAGES = {
    "it": _("Italian"),
    "en": _("English"),
    "fr": _("French"),
    "es": _("Spanish"),
    "de": _("German"),
    "ro": _("Romanian"),
    "sq": _("Albanian"),
    "ar": _("Arabic"),
    "zh": _("Chinese"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "pt": _("Portuguese"),
    "hi": _("Hindi"),
    "bn": _("Bengali"),
    "ur": _("Urdu"),
    "tl": _("Filipino"),
}
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ./()-]{4,24}$")
# Rough box around Italy, the same as the database constraint on Location.
LATITUDE_RANGE = (35.0, 47.5)
LONGITUDE_RANGE = (6.0, 19.0)
CLOSURE_YEARS_BACK = 2
CLOSURE_YEARS_AHEAD = 3
CLOSURE_MAX_DAYS = 366

ERROR_AGE_ORDER = _("The minimum age must not be above the maximum age.")
ERROR_MONTHS = _("Months go from 0 to 11; write the years in the years field.")
ERROR_PHONE = _("Write a phone number with digits only, spaces and an optional leading +, e.g. +39 02 1234 5678.")
ERROR_HOURS_ORDER = _("The closing time must be after the opening time.")
ERROR_DATES_ORDER = _("The end date must not be before the start date.")
ERROR_DATES_RANGE = _("Dates must fall between %(first)s and %(last)s.")
ERROR_DATES_TOO_LONG = _("A period cannot last more than a year; split it.")
ERROR_MUNICIPALITY_UNKNOWN = _("No Italian municipality has this name or ISTAT code.")
ERROR_MUNICIPALITY_AMBIGUOUS = _("Several municipalities have this name: write the 6-digit ISTAT code instead.")
ERROR_NEW_LOCATION_MISSING = _("Needed to add a new location.")
ERROR_SITE_OWNER = _("Choose only locations of the provider you chose.")
ERROR_LATITUDE = _("The latitude must be inside Italy (between 35 and 47.5).")
ERROR_LONGITUDE = _("The longitude must be inside Italy (between 6 and 19).")


def _textarea() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 3})


class ServiceForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    name_it = forms.CharField(label=_("Name (Italian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_it = forms.CharField(label=_("Description (Italian)"), widget=_textarea(), required=False)
    description_en = forms.CharField(label=_("Description (English)"), widget=_textarea(), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories"), widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
    )
    minimum_age_years = forms.IntegerField(
        label=_("Minimum age: years"), min_value=0, max_value=MAX_AGE_YEARS, required=False
    )
    minimum_age_months = forms.IntegerField(label=_("Minimum age: months"), min_value=0, max_value=11, required=False)
    maximum_age_years = forms.IntegerField(
        label=_("Maximum age: years"), min_value=0, max_value=MAX_AGE_YEARS, required=False
    )
    maximum_age_months = forms.IntegerField(label=_("Maximum age: months"), min_value=0, max_value=11, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    eligibility_description_it = forms.CharField(
        label=_("Who can use it (Italian)"), widget=_textarea(), required=False
    )
    eligibility_description_en = forms.CharField(
        label=_("Who can use it (English)"), widget=_textarea(), required=False
    )
    application_process_it = forms.CharField(label=_("How to enrol (Italian)"), widget=_textarea(), required=False)
    application_process_en = forms.CharField(label=_("How to enrol (English)"), widget=_textarea(), required=False)
    fees_description_it = forms.CharField(label=_("Notes on costs (Italian)"), widget=_textarea(), required=False)
    fees_description_en = forms.CharField(label=_("Notes on costs (English)"), widget=_textarea(), required=False)
    accepts_vouchers = forms.BooleanField(label=_("Accepts the alliance's vouchers"), required=False)
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    sites = forms.ModelMultipleChoiceField(
        label=_("Where it takes place"),
        queryset=Location.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    new_location_name = forms.CharField(label=_("New location: name"), max_length=200, required=False)
    new_location_address = forms.CharField(label=_("New location: address"), max_length=200, required=False)
    new_location_postal_code = forms.RegexField(
        label=_("New location: postcode"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Five digits.")},
    )
    new_location_municipality = forms.CharField(
        label=_("New location: municipality"),
        max_length=120,
        required=False,
        help_text=_("Name or 6-digit ISTAT code."),
    )
    new_location_latitude = forms.FloatField(label=_("New location: latitude"), required=False)
    new_location_longitude = forms.FloatField(label=_("New location: longitude"), required=False)
    new_location_accessibility_it = forms.CharField(
        label=_("New location: accessibility (Italian)"), widget=_textarea(), required=False
    )
    new_location_accessibility_en = forms.CharField(
        label=_("New location: accessibility (English)"), widget=_textarea(), required=False
    )

    NEW_LOCATION_REQUIRED = ("name", "address", "municipality", "latitude", "longitude")

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization] | None = None,
        organization: Organization | None = None,
        languages: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The provider is chosen only when creating a service for one of several providers.
        if organizations is None or organization is not None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
        terms = TaxonomyTerm.objects.select_related("parent").order_by("position", "code")
        self.fields["categories"].choices = [(term.code, term.name_it) for term in terms]
        self.fields["languages"].choices = [
            *LANGUAGES.items(),
            *[(code, code) for code in languages or [] if code not in LANGUAGES],
        ]
        owners = [organization] if organization is not None else list(organizations or [])
        self.fields["sites"].queryset = Location.objects.filter(organization__in=owners).select_related("municipality")
        self.fields["sites"].label_from_instance = lambda loc: f"{loc.name} – {loc.address_1}, {loc.municipality.name}"

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not PHONE_PATTERN.match(phone) or sum(ch.isdigit() for ch in phone) < 6):
            raise ValidationError(ERROR_PHONE)
        return phone

    def clean_new_location_municipality(self) -> Municipality | None:
        value = self.cleaned_data["new_location_municipality"].strip()
        if not value:
            return None
        if value.isdigit():
            municipality = Municipality.objects.filter(istat_code=value.zfill(6)).first()
            if municipality is None:
                raise ValidationError(ERROR_MUNICIPALITY_UNKNOWN)
            return municipality
        matches = list(Municipality.objects.filter(search_name=fold(value))[:2])
        if not matches:
            raise ValidationError(ERROR_MUNICIPALITY_UNKNOWN)
        if len(matches) > 1:
            raise ValidationError(ERROR_MUNICIPALITY_AMBIGUOUS)
        return matches[0]

    def clean_new_location_latitude(self) -> float | None:
        value = self.cleaned_data["new_location_latitude"]
        if value is not None and not LATITUDE_RANGE[0] <= value <= LATITUDE_RANGE[1]:
            raise ValidationError(ERROR_LATITUDE)
        return value

    def clean_new_location_longitude(self) -> float | None:
        value = self.cleaned_data["new_location_longitude"]
        if value is not None and not LONGITUDE_RANGE[0] <= value <= LONGITUDE_RANGE[1]:
            raise ValidationError(ERROR_LONGITUDE)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for bound in ("minimum", "maximum"):
            if data.get(f"{bound}_age_months") is not None and data.get(f"{bound}_age_years") is None:
                data[f"{bound}_age_years"] = 0
        minimum = _months(data.get("minimum_age_years"), data.get("minimum_age_months"))
        maximum = _months(data.get("maximum_age_years"), data.get("maximum_age_months"))
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("maximum_age_years", ERROR_AGE_ORDER)
        data["minimum_age_total"], data["maximum_age_total"] = minimum, maximum
        chosen = data.get("organization")
        if chosen is not None and any(location.organization_id != chosen.pk for location in data.get("sites") or []):
            self.add_error("sites", ERROR_SITE_OWNER)
        # A new location is all or nothing: a half-typed one is named field by field.
        parts = [f"new_location_{part}" for part in self.NEW_LOCATION_REQUIRED]
        typed = [
            name for name in self.fields if name.startswith("new_location_") and self.data.get(self.add_prefix(name))
        ]
        if typed:
            for name in parts:
                if name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(name, ERROR_NEW_LOCATION_MISSING)
        return data

    def new_location(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("new_location_name"):
            return None
        return {
            "name": data["new_location_name"],
            "address_1": data["new_location_address"],
            "postal_code": data.get("new_location_postal_code") or "",
            "municipality": data["new_location_municipality"].istat_code,
            "latitude": data["new_location_latitude"],
            "longitude": data["new_location_longitude"],
            "accessibility_it": data.get("new_location_accessibility_it") or "",
            "accessibility_en": data.get("new_location_accessibility_en") or "",
        }


def _months(years: int | None, months: int | None) -> int | None:
    if years is None and months is None:
        return None
    return (years or 0) * 12 + (months or 0)


class CostForm(forms.Form):
    option_it = forms.CharField(label=_("Option (Italian)"), max_length=200)
    option_en = forms.CharField(label=_("Option (English)"), max_length=200, required=False)
    amount = EuroField(
        label=_("Amount in euro"),
        minimum=0,
        maximum=MAX_AMOUNT_CENTS,
        required=False,
        help_text=_("For example 95,50. Empty: price on request. 0: free."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=CostUnit.choices, initial=CostUnit.WEEK)


class HoursForm(forms.Form):
    days = forms.MultipleChoiceField(
        label=_("Days"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    opens_at = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", ERROR_HOURS_ORDER)
        return data


class ClosureForm(forms.Form):
    # A blank first choice: a browser posts the first option of a select, and an untouched
    # extra row must stay unchanged to be ignored.
    period = forms.ChoiceField(label=_("School closure period"), choices=[("", "—"), *ClosurePeriodKind.choices])
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        today = timezone.localdate()
        first = today.replace(year=today.year - CLOSURE_YEARS_BACK, month=1, day=1)
        last = today.replace(year=today.year + CLOSURE_YEARS_AHEAD, month=12, day=31)
        for name, value in (("start", start), ("end", end)):
            if value is not None and not first <= value <= last:
                self.add_error(name, ERROR_DATES_RANGE % {"first": first.isoformat(), "last": last.isoformat()})
        if start and end and "start" not in self.errors and "end" not in self.errors:
            if start > end:
                self.add_error("end", ERROR_DATES_ORDER)
            elif (end - start).days > CLOSURE_MAX_DAYS:
                self.add_error("end", ERROR_DATES_TOO_LONG)
        return data


def _formset(form: type[forms.Form]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS + 5
    )


CostFormSet = _formset(CostForm)
HoursFormSet = _formset(HoursForm)
ClosureFormSet = _formset(ClosureForm)


def _split_months(months: int | None) -> tuple[int | None, int | None]:
    if months is None:
        return None, None
    return divmod(months, 12)


class ServiceEditor:
    """The main form and the three formsets of one edit, valid only together."""

    def __init__(
        self,
        data: Any = None,
        *,
        base: dict[str, Any],
        organization: Organization | None = None,
        organizations: QuerySet[Organization] | None = None,
    ) -> None:
        self.base = base
        initial = self._initial(base)
        self.form = ServiceForm(
            data,
            initial=initial,
            organization=organization,
            organizations=organizations,
            languages=base.get("languages") or [],
        )
        self.costs = CostFormSet(
            data,
            prefix="costs",
            initial=[
                {
                    "option_it": c["option_it"],
                    "option_en": c.get("option_en", ""),
                    "amount": c.get("amount_cents"),  # cents; the field shows them as typed
                    "unit": c.get("unit"),
                }
                for c in base.get("costs", [])
            ],
        )
        self.hours = HoursFormSet(
            data,
            prefix="hours",
            initial=[
                {"days": s["byday"].split(","), "opens_at": s["opens_at"], "closes_at": s["closes_at"]}
                for s in base.get("schedules", [])
            ],
        )
        self.closures = ClosureFormSet(
            data,
            prefix="closures",
            initial=[
                {"period": c["period"], "start": c["start"], "end": c["end"], "note": c.get("note", "")}
                for c in base.get("closures", [])
            ],
        )

    @staticmethod
    def _initial(base: dict[str, Any]) -> dict[str, Any]:
        initial = {key: value for key, value in base.items() if not isinstance(value, list)}
        initial["categories"] = base.get("categories", [])
        initial["languages"] = base.get("languages", [])
        initial["sites"] = [site["location"] for site in base.get("sites", []) if site.get("location")]
        initial["minimum_age_years"], initial["minimum_age_months"] = _split_months(base.get("minimum_age_months"))
        initial["maximum_age_years"], initial["maximum_age_months"] = _split_months(base.get("maximum_age_months"))
        return initial

    @property
    def formsets(self) -> list[tuple[str, forms.BaseFormSet]]:
        return [
            (str(_("Costs")), self.costs),
            (str(_("Opening hours")), self.hours),
            (str(_("Availability during school closures")), self.closures),
        ]

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for _title, formset in self.formsets:
            valid = formset.is_valid() and valid
        return valid

    def errors_summary(self) -> list[dict[str, str]]:
        """Every error with the field (and row) it belongs to, for the summary above the form."""
        entries = []
        for error in self.form.non_field_errors():
            entries.append({"label": "", "message": error, "anchor": ""})
        for field in self.form:
            for error in field.errors:
                entries.append(
                    {"label": str(field.label), "message": error, "anchor": field.id_for_label or field.auto_id}
                )
        for title, formset in self.formsets:
            for error in formset.non_form_errors():
                entries.append({"label": title, "message": error, "anchor": ""})
            for number, form in enumerate(formset.forms, start=1):
                for field in form:
                    for error in field.errors:
                        label = _("%(section)s, row %(row)d: %(field)s") % {
                            "section": title,
                            "row": number,
                            "field": field.label,
                        }
                        entries.append(
                            {"label": str(label), "message": error, "anchor": field.id_for_label or field.auto_id}
                        )
        return entries

    @staticmethod
    def _rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
        # Untouched extra rows clean to {}; rows ticked for deletion are dropped.
        return [
            form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def payload(self) -> dict[str, Any]:
        """The revision's content. Keeps what the form does not edit (validity dates, dated exceptions)."""
        data = self.form.cleaned_data
        payload: dict[str, Any] = {name: data.get(name, "") for name in TEXT_FIELDS}
        payload["minimum_age_months"] = data["minimum_age_total"]
        payload["maximum_age_months"] = data["maximum_age_total"]
        payload["capacity"] = data.get("capacity")
        payload["languages"] = list(data.get("languages") or [])
        payload["accepts_vouchers"] = bool(data.get("accepts_vouchers"))
        payload["categories"] = sorted(data.get("categories") or [])

        base_costs = self.base.get("costs", [])
        payload["costs"] = []
        for row in self._rows(self.costs):
            cost = {
                "option_it": row["option_it"],
                "option_en": row.get("option_en") or "",
                "amount_cents": row.get("amount"),
                "unit": row["unit"],
                "valid_from": None,
                "valid_to": None,
            }
            for old in base_costs:
                if (old["option_it"], old.get("amount_cents"), old.get("unit")) == (
                    cost["option_it"],
                    cost["amount_cents"],
                    cost["unit"],
                ):
                    cost["valid_from"], cost["valid_to"] = old.get("valid_from"), old.get("valid_to")
                    break
            payload["costs"].append(cost)

        base_schedules = self.base.get("schedules", [])
        payload["schedules"] = []
        for row in self._rows(self.hours):
            days = [day for day in Weekday.values if day in row["days"]]
            schedule = {
                "byday": ",".join(days),
                "opens_at": row["opens_at"].strftime("%H:%M"),
                "closes_at": row["closes_at"].strftime("%H:%M"),
                "valid_from": None,
                "valid_to": None,
                "description_it": "",
                "description_en": "",
                "exceptions": [],
            }
            for old in base_schedules:
                if (old["byday"], old["opens_at"], old["closes_at"]) == (
                    schedule["byday"],
                    schedule["opens_at"],
                    schedule["closes_at"],
                ):
                    schedule.update(
                        {
                            key: old.get(key)
                            for key in ("valid_from", "valid_to", "description_it", "description_en", "exceptions")
                        }
                    )
                    break
            payload["schedules"].append(schedule)

        payload["closures"] = [
            {
                "period": row["period"],
                "start": row["start"].isoformat(),
                "end": row["end"].isoformat(),
                "note": row.get("note") or "",
            }
            for row in self._rows(self.closures)
        ]

        descriptions = {
            site["location"]: site.get("description", "") for site in self.base.get("sites", []) if site.get("location")
        }
        payload["sites"] = [
            {"location": str(location.pk), "description": descriptions.get(str(location.pk), "")}
            for location in data.get("sites") or []
        ]
        new_location = self.form.new_location()
        if new_location is not None:
            payload["sites"].append({"new_location": new_location, "description": ""})
        return payload

    def chosen_organization(self) -> Organization | None:
        return self.form.cleaned_data.get("organization")
