"""What the families' search page adds around the search selector: its form and its words.

`selectors.parse_search` validates the query parameters the API takes (ISTAT codes, cents);
people type a municipality's name and a price in euro. This module turns what the page's form
sends into those parameters (`page_params_to_search`), and gives the form its choices: the
taxonomy grouped by parent, the coming school closure periods labelled in the page's language.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergie.directory.models import ServiceKind, TaxonomyTerm
from sinergie.directory.selectors import MAX_RADIUS_KM, PAGE_SIZE, PERIOD_WORDS, age_tokens, period_dates
from sinergie.lib.text import fold
from sinergie.territory.models import Municipality

LOMBARDY = "03"
MAX_MUNICIPALITY_LENGTH = 120
MAX_PRICE_EUR = Decimal(100_000)
# "Melzo (MI)": the name a datalist suggests when two municipalities share it.
_WITH_PROVINCE = re.compile(r"^(.*\S)\s*\(\s*([A-Za-z]{2})\s*\)$")

UNKNOWN_MUNICIPALITY_NAME = gettext_lazy(
    "No municipality is called “%(name)s”: check the spelling or choose one from the list."
)
AMBIGUOUS_MUNICIPALITY = gettext_lazy("More than one municipality is called “%(name)s”: write one of %(choices)s.")
BAD_EURO = gettext_lazy("Enter an amount in euro, 0 or more, e.g. 80 or 12.50.")
# Which page parameter carries each of parse_search's parameters, when the names differ.
PAGE_FIELD = {"max_price": "max_price_eur"}

# The slug words of each period kind, the order they come in a school year, and their labels.
PERIOD_SLUGS = (
    ("settembre", 0, gettext_lazy("September %(year)s, before school")),
    ("natale", 0, gettext_lazy("Christmas %(year)s")),
    ("carnevale", 1, gettext_lazy("Carnival %(year)s")),
    ("pasqua", 1, gettext_lazy("Easter %(year)s")),
    ("estate", 1, gettext_lazy("Summer %(year)s")),
)


class SearchForm(forms.Form):
    """Renders the filters with their labels; the values are validated by parse_search."""

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
        """Put parse_search's messages on the fields they are about (hidden ones: on the form)."""
        for name, message in errors.items():
            field = PAGE_FIELD.get(name, name)
            if field in self.fields and not self.fields[field].widget.is_hidden:
                self.add_error(field, message)
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


class MunicipalityNameError(ValueError):
    pass


def municipality_code(text: str) -> str:
    """The ISTAT code of the municipality named `text` (accents and case ignored).

    Digits are passed through (parse_search checks the code). "Name (PR)" picks the province; a
    name shared by several municipalities picks the one in Lombardy, if only one is. Raises
    MunicipalityNameError with the message to show otherwise.
    """
    value = text.strip()
    if value.isdigit():
        return value
    name, province = value, None
    match = _WITH_PROVINCE.match(value)
    if match:
        name, province = match.group(1), match.group(2).upper()
    if len(name) > MAX_MUNICIPALITY_LENGTH:
        raise MunicipalityNameError(str(UNKNOWN_MUNICIPALITY_NAME % {"name": name[:40] + "…"}))
    candidates = list(
        Municipality.objects.filter(search_name=fold(name)).values_list(
            "istat_code", "name", "province__abbreviation", "region__istat_code"
        )
    )
    if province:
        candidates = [c for c in candidates if (c[2] or "").upper() == province]
    if len(candidates) > 1:
        in_lombardy = [c for c in candidates if c[3] == LOMBARDY]
        if len(in_lombardy) == 1:
            candidates = in_lombardy
    if not candidates:
        raise MunicipalityNameError(str(UNKNOWN_MUNICIPALITY_NAME % {"name": value}))
    if len(candidates) > 1:
        options = ", ".join(f"“{c[1]} ({c[2]})”" for c in sorted(candidates, key=lambda c: c[2] or ""))
        raise MunicipalityNameError(str(AMBIGUOUS_MUNICIPALITY % {"name": name, "choices": options}))
    return candidates[0][0]


def page_params_to_search(params: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The page's query parameters as parse_search's, and the errors found on the way (by page field)."""
    # NUL cannot reach PostgreSQL in a string; nobody types it. Ages may come once per child.
    ages = ",".join(age_tokens(params)).replace("\x00", "")
    params = {key: (params.get(key) or "").replace("\x00", "") for key in params}
    if ages:
        params["age"] = ages
    search: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in (
        "q", "radius_km", "age", "category", "period", "date", "free", "voucher", "open_now", "kind", "sort",
        "lat", "lon", "page",
    ):  # fmt: skip
        value = params.get(name)
        if value is not None:
            search[name] = value
    municipality = (params.get("municipality") or "").strip()
    if municipality:
        try:
            search["municipality"] = municipality_code(municipality)
        except MunicipalityNameError as error:
            errors["municipality"] = str(error)
    euro = (params.get("max_price_eur") or "").strip().replace("€", "").replace(" ", "")
    if euro:
        # "12,50" and "12.50" are both cents-exact; thousands separators are not accepted.
        try:
            amount = Decimal(euro.replace(",", "."))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount > MAX_PRICE_EUR:
            errors["max_price_eur"] = str(BAD_EURO)
        else:
            search["max_price"] = str(int((amount * 100).to_integral_value()))
    return search, errors


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
