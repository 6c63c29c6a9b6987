"""The planner's GET form (Italian parameter names, so shared links read well) and the saved-plan forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN
from sinergie.planner.gaps import MAX_AGE_YEARS, MAX_CHILDREN, Care, Carer, Child, care_for_age
from sinergie.planner.selectors import DEFAULT_RADIUS_KM, LOMBARDY, RADIUS_CHOICES, municipality_find
from sinergie.schoolcalendar.selectors import current_school_year
from sinergie.territory.models import Municipality

# Weekday codes in the URL (Italian abbreviations) and their index (0 = Monday).
WEEKDAYS = [
    ("lu", _("Monday")),
    ("ma", _("Tuesday")),
    ("me", _("Wednesday")),
    ("gi", _("Thursday")),
    ("ve", _("Friday")),
    ("sa", _("Saturday")),
    ("do", _("Sunday")),
]
WEEKDAY_INDEX = {code: index for index, (code, _label) in enumerate(WEEKDAYS)}
OFFICE_WEEK = ["lu", "ma", "me", "gi", "ve"]

CARE_CHOICES = [
    (Care.NIDO.value, _("Nursery (nido, 0–2)")),
    (Care.INFANZIA.value, _("Nursery school (infanzia, 3–5)")),
    (Care.PRIMARIA.value, _("Primary school")),
    (Care.SECONDARIA_PRIMO.value, _("Lower secondary school")),
    (Care.SECONDARIA_SECONDO.value, _("Upper secondary school")),
]

UNKNOWN_MUNICIPALITY = _("No municipality has this name: pick one from the list.")
AMBIGUOUS_MUNICIPALITY = _("Several municipalities have this name: pick one from the list, with its province.")
NOT_IN_LOMBARDY = _("The planner knows the school calendar of Lombardy only: pick a municipality of Lombardy.")
BAD_AGE = _("The age must be a whole number of years between 0 and %(max)d.")
NO_CHILDREN = _("Enter at least one child: an age or a school level.")
NO_WORKING_DAYS = _("Tick the days on which at least one parent or carer works.")
BAD_YEAR = _("Choose a school year from the list.")


def school_year_choices(current: int | None = None) -> list[tuple[int, str]]:
    """The previous, current and two next school years, as (2026, "2026/27")."""
    current = current or current_school_year()
    years = [y for y in range(current - 1, current + 3) if YEAR_MIN < y < YEAR_MAX]
    return [(year, f"{year}/{(year + 1) % 100:02d}") for year in years]


class PlanForm(forms.Form):
    """Municipality, school year, radius, up to four children and the working days of up to two carers.

    Empty child rows are ignored; the second carer counts only when some day is ticked (no
    days: nobody else, or someone always at home, and then no day needs covering).
    """

    comune = forms.CharField(
        label=_("Municipality"),
        max_length=120,
        help_text=_("Where the children go to school: type the name and pick it from the list."),
    )
    # Any year the calendar rules compute is valid (a shared or saved link stays valid for
    # years); the select offers the years around today plus the one asked for.
    anno = forms.IntegerField(
        label=_("School year"),
        min_value=YEAR_MIN + 1,
        max_value=YEAR_MAX - 1,
        error_messages={"invalid": BAD_YEAR, "min_value": BAD_YEAR, "max_value": BAD_YEAR},
        widget=forms.Select,
    )
    raggio = forms.TypedChoiceField(
        label=_("Services within"),
        coerce=int,
        choices=[(km, f"{km} km") for km in RADIUS_CHOICES],
        initial=DEFAULT_RADIUS_KM,
        required=False,
        error_messages={"invalid_choice": _("Choose a distance from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("raggio"):
            # The select shows the distance used, 10 km, when a link leaves it out.
            self.data = self.data.copy()
            self.data["raggio"] = str(DEFAULT_RADIUS_KM)
        choices = school_year_choices()
        asked = str((self.data or {}).get("anno", "")).strip()
        if asked.isdigit() and YEAR_MIN < int(asked) < YEAR_MAX and int(asked) not in dict(choices):
            choices = sorted([*choices, (int(asked), f"{asked}/{(int(asked) + 1) % 100:02d}")])
        self.fields["anno"].widget.choices = choices
        self.fields["anno"].initial = current_school_year()
        for number in range(1, MAX_CHILDREN + 1):
            self.fields[f"eta{number}"] = forms.IntegerField(
                label=_("Age of child %(number)d") % {"number": number},
                required=False,
                min_value=0,
                max_value=MAX_AGE_YEARS,
                error_messages={
                    "invalid": BAD_AGE % {"max": MAX_AGE_YEARS},
                    "min_value": BAD_AGE % {"max": MAX_AGE_YEARS},
                    "max_value": BAD_AGE % {"max": MAX_AGE_YEARS},
                },
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_AGE_YEARS, "inputmode": "numeric"}),
            )
            self.fields[f"livello{number}"] = forms.ChoiceField(
                label=_("School of child %(number)d") % {"number": number},
                required=False,
                choices=[("", _("From the age")), *CARE_CHOICES],
            )
        for number in (1, 2):
            self.fields[f"lavora{number}"] = forms.MultipleChoiceField(
                label=_("Days parent or carer %(number)d works") % {"number": number},
                required=False,
                choices=WEEKDAYS,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["lavora1"].initial = OFFICE_WEEK
        self.municipality: Municipality | None = None

    def child_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"eta{n}"], self[f"livello{n}"]) for n in range(1, MAX_CHILDREN + 1)]

    def clean_comune(self) -> str:
        text = self.cleaned_data["comune"]
        found = municipality_find(text)
        if not found:
            raise ValidationError(UNKNOWN_MUNICIPALITY, code="unknown")
        if len(found) > 1:
            raise ValidationError(AMBIGUOUS_MUNICIPALITY, code="ambiguous")
        municipality = found[0]
        if municipality.region.istat_code != LOMBARDY:
            raise ValidationError(NOT_IN_LOMBARDY, code="region")
        self.municipality = municipality
        return municipality.istat_code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        children = []
        for number in range(1, MAX_CHILDREN + 1):
            if f"eta{number}" in self.errors or f"livello{number}" in self.errors:
                continue
            age, care = data.get(f"eta{number}"), data.get(f"livello{number}")
            if age is None and not care:
                continue
            children.append(Child(number, Care(care) if care else care_for_age(age), age))
        if not children and not any(f"eta{n}" in self.errors for n in range(1, MAX_CHILDREN + 1)):
            self.add_error("eta1", ValidationError(NO_CHILDREN, code="no_children"))
        carers = [
            Carer(frozenset(WEEKDAY_INDEX[code] for code in data[f"lavora{number}"]))
            for number in (1, 2)
            if data.get(f"lavora{number}")
        ]
        if not carers:
            self.add_error("lavora1", ValidationError(NO_WORKING_DAYS, code="no_days"))
        data["children"], data["carers"] = children, carers
        data["raggio"] = data.get("raggio") or DEFAULT_RADIUS_KM
        return data

    def parameters(self) -> dict[str, Any]:
        """The canonical query of a valid form (ISTAT code for the municipality), to share or save."""
        data = self.cleaned_data
        params: dict[str, Any] = {"comune": data["comune"], "anno": data["anno"], "raggio": data["raggio"]}
        for number in range(1, MAX_CHILDREN + 1):
            if data.get(f"eta{number}") is not None:
                params[f"eta{number}"] = data[f"eta{number}"]
            if data.get(f"livello{number}"):
                params[f"livello{number}"] = data[f"livello{number}"]
        for number in (1, 2):
            if data.get(f"lavora{number}"):
                params[f"lavora{number}"] = list(data[f"lavora{number}"])
        return params


class PlanNameForm(forms.Form):
    name = forms.CharField(label=_("Name of the plan"), max_length=100, strip=True)
