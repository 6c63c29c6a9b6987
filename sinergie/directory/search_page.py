"""What the families' search page adds around the search: its form and its words.

The page's parameters (a municipality's name, a price in euro) are parsed by
`search.query.parse_query(source="page")`, like the API's; the form renders the filters, shows
the parser's messages next to their fields, and gets its choices here: the taxonomy grouped by
parent, the coming school closure periods labelled in the page's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergie.directory.models import ServiceKind, TaxonomyTerm
from sinergie.directory.search.query import LOMBARDY, MAX_RADIUS_KM, PAGE_SIZE, age_tokens
from sinergie.directory.selectors import PERIOD_WORDS, period_dates
from sinergie.territory.models import Municipality

# The slug words of each period kind, the order they come in a school year, and their labels.
PERIOD_SLUGS = (
    ("settembre", 0, gettext_lazy("September %(year)s, before school")),
    ("natale", 0, gettext_lazy("Christmas %(year)s")),
    ("carnevale", 1, gettext_lazy("Carnival %(year)s")),
    ("pasqua", 1, gettext_lazy("Easter %(year)s")),
    ("estate", 1, gettext_lazy("Summer %(year)s")),
)


class SearchForm(forms.Form):
    """Renders the filters with their labels; the values are validated by parse_query."""

    q = forms.CharField(label=gettext_lazy("What are you looking for?"), required=False)
    municipality = forms.CharField(
        label=gettext_lazy("Municipality"),
        required=False,
        help_text=gettext_lazy("The name of a municipality of Lombardy, e.g. Melzo."),
        widget=forms.TextInput(attrs={"list": "municipality-names", "autocomplete": "off"}),
    )
    radius_km = forms.CharField(
        label=gettext_lazy("Within (km)"),
        required=False,
        help_text=gettext_lazy("10 km if left empty."),
        widget=forms.NumberInput(attrs={"min": "1", "max": str(int(MAX_RADIUS_KM)), "step": "any"}),
    )
    # Text, not a number: a family with several children types "3, 7" (the planner links with
    # age=3&age=7, shown here the same way).
    age = forms.CharField(
        label=gettext_lazy("Age of the children (years)"),
        required=False,
        help_text=gettext_lazy("Several children: separate their ages with a comma, e.g. 3, 7."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.CharField(label=gettext_lazy("Type of service"), required=False, widget=forms.Select)
    period = forms.CharField(label=gettext_lazy("School closure"), required=False, widget=forms.Select)
    date = forms.CharField(
        label=gettext_lazy("On the day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    max_price_eur = forms.CharField(
        label=gettext_lazy("Maximum price (€)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    free = forms.BooleanField(label=gettext_lazy("Free"), required=False)
    voucher = forms.BooleanField(label=gettext_lazy("Accepts the alliance's vouchers"), required=False)
    open_now = forms.BooleanField(label=gettext_lazy("Open now"), required=False)
    kind = forms.CharField(label=gettext_lazy("Show"), required=False, widget=forms.Select)
    sort = forms.CharField(label=gettext_lazy("Order by"), required=False, widget=forms.Select)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *args, language: str, today: datetime.date, **kwargs) -> None:
        if data is not None and hasattr(data, "getlist") and len(data.getlist("age")) > 1:
            data = data.copy()
            data["age"] = ", ".join(age_tokens(data))
        super().__init__(data, *args, **kwargs)
        self.fields["category"].widget.choices = [("", _("Any")), *category_choices(language)]
        period = (self.data.get("period") or "").strip().lower()
        self.fields["period"].widget.choices = [("", _("Any")), *period_choices(today, keep=period)]
        self.fields["kind"].widget.choices = [
            ("", _("Services and information points")),
            (ServiceKind.SERVICE, _("Services only")),
            (ServiceKind.INFO_POINT, _("Information points only")),
        ]
        self.fields["sort"].widget.choices = [
            ("", _("Automatic (distance, or relevance to the text)")),
            ("distance", _("Distance")),
            ("relevance", _("Relevance")),
            ("name", _("Name")),
            ("price", _("Price (free first)")),
            ("next_available", _("Next available date")),
        ]

    def add_search_errors(self, errors: Mapping[str, str]) -> None:
        """Put parse_query's messages on the fields they name (hidden ones: on the form)."""
        for name, message in errors.items():
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.add_error(name, message)
            else:
                self.add_error(None, message)


def category_choices(language: str) -> list[tuple[str, object]]:
    """Top-level terms as groups of their children (a top-level term is itself the first option)."""
    terms = list(
        TaxonomyTerm.objects.order_by("position", "code").values("code", "parent_id", "id", "name_it", "name_en")
    )
    label = "name_en" if language == "en" else "name_it"
    children: dict[object, list[dict]] = {}
    for term in terms:
        children.setdefault(term["parent_id"], []).append(term)
    choices: list[tuple[str, object]] = []
    for top in children.get(None, []):
        below = children.get(top["id"], [])
        if not below:
            choices.append((top["code"], top[label]))
            continue
        group = [(top["code"], _("%(category)s (all)") % {"category": top[label]})]
        group += [(child["code"], child[label]) for child in below]
        choices.append((top[label], group))
    return choices


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def period_choices(today: datetime.date, *, keep: str = "") -> list[tuple[str, str]]:
    """The closures of this school year and the next that have not ended yet, e.g. natale-2026.

    `keep`: a period slug from the request, listed too (at the end) when valid but not coming.
    """
    choices = []
    first = school_year_of(today)
    for year in (first, first + 1):
        for word, offset, label in PERIOD_SLUGS:
            slug = f"{word}-{year + offset}"
            try:
                ends = period_dates(slug).end
            except ValueError:  # beyond the years the school calendar computes
                continue
            if ends >= today:
                choices.append((slug, str(label) % {"year": year + offset}))
    if keep and keep not in {slug for slug, _label in choices}:
        try:
            period_dates(keep)
        except (ValueError, StopIteration):
            return choices
        word, _dash, year = keep.partition("-")
        # "christmas-2026" as well as "natale-2026": labelled by the kind of closure.
        labels = {PERIOD_WORDS[slug_word]: label for slug_word, _offset, label in PERIOD_SLUGS}
        label = labels.get(PERIOD_WORDS.get(word, ""))
        choices.append((keep, str(label) % {"year": year} if label else keep))
    return choices


@dataclass(frozen=True)
class MunicipalityChoice:
    name: str
    label: str  # the name, with the province when another municipality of Lombardy shares it


def lombardy_municipalities() -> list[MunicipalityChoice]:
    rows = list(
        Municipality.objects.filter(region__istat_code=LOMBARDY)
        .order_by("name")
        .values_list("name", "province__abbreviation")
    )
    seen: dict[str, int] = {}
    for name, _province in rows:
        seen[name] = seen.get(name, 0) + 1
    return [
        MunicipalityChoice(name=name, label=f"{name} ({province})" if seen[name] > 1 and province else name)
        for name, province in rows
    ]


@dataclass(frozen=True)
class PageLinks:
    """What web/_pagination.html reads from a Django Page, for a SearchResult."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> PageLinks:
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return min(self.number - 1, self.num_pages)

    def next_page_number(self) -> int:
        return self.number + 1


def page_links(count: int, number: int) -> PageLinks:
    return PageLinks(number=number, num_pages=max(1, -(-count // PAGE_SIZE)))


# How far outside a box a municipality's point may lie and its boundary still reach into it.
BOUNDARY_MARGIN_DEGREES = 0.1


def municipality_boundaries(*, west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """A FeatureCollection of the municipalities with a boundary whose point lies in the box (or
    just outside it, BOUNDARY_MARGIN_DEGREES, so that shapes crossing its edges are there too),
    each with its name and its point for a label."""
    margin = BOUNDARY_MARGIN_DEGREES
    rows = (
        Municipality.objects.filter(
            boundary__isnull=False,
            latitude__range=(south - margin, north + margin),
            longitude__range=(west - margin, east + margin),
        )
        .order_by("istat_code")
        .values_list("istat_code", "name", "latitude", "longitude", "boundary")
    )
    features = [
        {
            "type": "Feature",
            "geometry": boundary,
            "properties": {"istat_code": code, "name": name, "label": [latitude, longitude]},
        }
        for code, name, latitude, longitude, boundary in rows
    ]
    return {"type": "FeatureCollection", "features": features}
