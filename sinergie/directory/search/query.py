"""The one parser of a directory search: query parameters in, a typed and validated query out.

`parse_query` reads the parameters of the JSON API (`source="api"`: ISTAT codes, prices in
cents) or of the families' search page (`source="page"`: a municipality's name, a price in
euro) and returns a `SearchQuery`: the `ServiceSearch` to run, or the errors naming each bad
parameter under the name it came with, with the message to show (the page's form shows them as
they are, the API answers them as 422). `parse_search` is the same for code that wants the
search or a `SearchError`. The limits a query may ask for (radius, ages, pages) live here too.
"""

from __future__ import annotations

import datetime
import math
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.directory.models import ServiceKind, TaxonomyTerm
from sinergie.directory.selectors import ROME, period_parse
from sinergie.lib.money import parse_euro
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN
from sinergie.lib.text import fold
from sinergie.territory.models import Municipality
from sinergie.territory.selectors import municipality_get

PAGE_SIZE = 20
# Searches count their matches up to this many ("more than 1,000 results"), and page through them.
COUNT_CAP = 1000
MAX_PAGE = COUNT_CAP // PAGE_SIZE
DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 100.0
MAX_AGE_YEARS = 17
MAX_Q_LENGTH = 200
# How many children's ages one search takes (a family's children: "3,7" or age=3&age=7).
MAX_AGES = 6
# The same rough box around Italy as Location's check constraint.
ITALY_LAT = (35.0, 47.5)
ITALY_LON = (6.0, 19.0)
# ISO 639-1: the two-letter codes a service's `languages` hold.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
    ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io
    is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr
    ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si
    sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
    yi yo za zh zu""".split()  # noqa: SIM905 - reads as the standard's table
)
LOMBARDY = "03"
MAX_MUNICIPALITY_LENGTH = 120
MAX_PRICE_EUR = Decimal(100_000)

Sort = Literal["distance", "relevance", "name", "price", "next_available"]
SORTS: tuple[Sort, ...] = typing.get_args(Sort)
Source = Literal["api", "page"]
# The parameters the search page reads (its form's fields). Not `lang` (the page's language is
# its own), `language` or `max_price` (the page asks for euro, in max_price_eur).
PAGE_PARAMS = frozenset(
    {
        "q", "municipality", "radius_km", "age", "category", "period", "date", "max_price_eur", "free", "voucher",
        "open_now", "kind", "sort", "lat", "lon", "page",
    }
)  # fmt: skip

# Error messages: data, translatable, one per rule.
BAD_NUMBER = _("Enter a number.")
BAD_WHOLE_NUMBER = _("Enter a whole number.")
BAD_BOOLEAN = _("Enter true or false.")
BAD_AGE = _("The age must be a whole number of years between 0 and %(max)d.")
BAD_RADIUS = _("The radius must be more than 0 and at most %(max)d km.")
RADIUS_WITHOUT_CENTRE = _("Give a municipality or a point (lat and lon) to search around.")
BAD_LAT = _("The latitude must be inside Italy (between %(min)s and %(max)s).")
BAD_LON = _("The longitude must be inside Italy (between %(min)s and %(max)s).")
HALF_A_POINT = _("Give both lat and lon.")
UNKNOWN_MUNICIPALITY = _("No municipality has this ISTAT code.")
UNKNOWN_CATEGORY = _("No category has this code.")
BAD_DATE = _("Enter a date as YYYY-MM-DD.")
DATE_OUT_OF_RANGE = _("The date must be between %(min)d and %(max)d.")
UNKNOWN_PERIOD = _(
    "Unknown period: use natale, carnevale, pasqua, estate or settembre (or christmas, carnival, "
    "easter, summer, september) followed by the year, e.g. natale-2026."
)
Q_TOO_LONG = _("The text to search must be at most %(max)d characters.")
BAD_PRICE = _("The maximum price must be a whole number of cents, 0 or more.")
BAD_KIND = _("The kind must be service or info_point.")
BAD_SORT = _("The order must be distance, relevance, name, price or next_available.")
TOO_MANY_AGES = _("Give at most %(max)d ages.")
SORT_WITHOUT_CENTRE = _("Sorting by distance needs a municipality or a point.")
BAD_PAGE = _("The page must be a whole number from 1.")
PAGE_TOO_FAR = _("Only the first %(max)d pages of results can be shown: add a filter or a word to narrow the search.")
BAD_LANGUAGE = _("The language must be it or en.")
BAD_SPOKEN_LANGUAGE = _("The spoken language must be a two-letter ISO 639-1 code, e.g. it, en, ar or zh.")
# The page's own: people type a municipality's name and a price in euro.
UNKNOWN_MUNICIPALITY_NAME = _("No municipality is called “%(name)s”: check the spelling or choose one from the list.")
AMBIGUOUS_MUNICIPALITY = _("More than one municipality is called “%(name)s”: write one of %(choices)s.")
BAD_EURO = _("Enter an amount in euro, 0 or more, e.g. 80 or 12,50.")

_TRUE = {"1", "true", "yes", "on", "si", "sì"}
_FALSE = {"0", "false", "no", "off", ""}
# "Melzo (MI)": the name a datalist suggests when two municipalities share it.
_WITH_PROVINCE = re.compile(r"^(.*\S)\s*\(\s*([A-Za-z]{2})\s*\)$")


class SearchError(ValueError):
    """Bad search parameters: `errors` maps each parameter to a message saying what to give."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


class MunicipalityNameError(ValueError):
    """A municipality's name that names none, or several: the message says which to write."""


@dataclass(frozen=True)
class ServiceSearch:
    """A valid search: what services_search filters and orders by."""

    municipality: str | None = None  # ISTAT code, 6 digits
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    age_years: int | None = None  # the youngest of `ages`
    ages: tuple[int, ...] = ()  # every child's age, youngest first: a service for any of them matches
    category: str | None = None  # taxonomy term code
    date: datetime.date | None = None
    period: str | None = None  # slug, e.g. natale-2026
    free: bool = False
    voucher: bool = False
    max_price_cents: int | None = None
    q: str | None = None
    open_now: datetime.datetime | None = None  # aware, Europe/Rome
    kind: str | None = None
    sort: Sort | None = None  # None: distance when there is a centre, else relevance (name without q)
    page: int = 1
    language: str = "it"  # of names and messages (the `lang` parameter)
    spoken_language: str | None = None  # ISO 639-1 code among the service's languages (`language`)


@dataclass(frozen=True)
class SearchQuery:
    """What parse_query makes of the parameters: the search when every value is valid, else
    `errors` naming each bad parameter (by the name it came with) and saying what to give."""

    search: ServiceSearch | None
    errors: dict[str, str] = field(default_factory=dict)
    point: tuple[float, float] | None = None  # lat and lon when both are valid, whatever else is wrong


def parse_search(params: Mapping[str, Any], *, now: datetime.datetime | None = None) -> ServiceSearch:
    """The API's parameters as a ServiceSearch (see parse_query); raise SearchError naming every bad one."""
    query = parse_query(params, now=now)
    if query.search is None:
        raise SearchError(query.errors)
    return query.search


def parse_query(
    params: Mapping[str, Any],
    *,
    source: Source = "api",
    fixed: Mapping[str, str] | None = None,
    now: datetime.datetime | None = None,
) -> SearchQuery:
    """Validate query parameters into a SearchQuery, with a message for every bad one.

    Blank parameters are ignored, and so are unknown ones. `age` is in years and may come
    several times (a QueryDict, or a list as value) or as "3,7": one per child; `open_now` is a
    boolean (true: open at `now`, by default the current time in Rome). From the API
    (`source="api"`) `municipality` is an ISTAT code and `max_price` a price in cents. From the
    search page (`source="page"`) `municipality` is a name (or a code), the price is
    `max_price_eur` in euro, `lang`, `language` and `max_price` are not read, and NUL
    characters are dropped (nobody types them; PostgreSQL refuses them in text). `fixed` gives
    values that replace the parameters' (the page's language, the information points' kind).
    """
    parser = _Parser(params, source=source, fixed=fixed or {}, now=now)
    for step in _STEPS:
        step(parser)
    return parser.query()


def age_tokens(params: Mapping[str, Any]) -> list[str]:
    """The ages given as `age`: repeated (a QueryDict, or a list as the value) or separated by
    commas or spaces ("3, 7"), as text; blanks left out."""
    getlist = getattr(params, "getlist", None)
    raw = getlist("age") if callable(getlist) else params.get("age")
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else [str(item) for item in raw if item is not None]
    return [token for item in items for token in re.split(r"[\s,;]+", item.strip()) if token]


def search_ages(filters: ServiceSearch) -> tuple[int, ...]:
    """Every age a search asks for (a ServiceSearch made in code may give only age_years)."""
    if filters.ages:
        return filters.ages
    return () if filters.age_years is None else (filters.age_years,)


def municipality_code(text: str) -> str:
    """The ISTAT code of the municipality named `text` (accents and case ignored).

    Digits are passed through (parse_query checks the code). "Name (PR)" picks the province; a
    name shared by several municipalities picks the one in Lombardy, if only one is. Raises
    MunicipalityNameError with the message to show otherwise.
    """
    value = text.strip()
    if value.isascii() and value.isdigit():
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
    return str(candidates[0][0])


def euro_cents(text: str) -> int | None:
    """A price typed in euro by lib.money's one rule ("12,50", "1.000", "€ 80") in cents; None when
    it is not an amount from 0 to MAX_PRICE_EUR."""
    try:
        return parse_euro(text, maximum=int(MAX_PRICE_EUR * 100))
    except ValidationError:
        return None


class _Parser:
    """One pass over the parameters: each step of _STEPS reads one filter and puts its value in
    `values` or its message in `errors`, under the parameter's name."""

    def __init__(
        self, params: Mapping[str, Any], *, source: Source, fixed: Mapping[str, str], now: datetime.datetime | None
    ) -> None:
        self.params = params
        self.source = source
        self.fixed = fixed
        self.now = now
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        # An ISTAT code or a point given but refused: a radius is then not refused for lack of a centre.
        self.centre_refused = False

    def raw(self, name: str) -> str:
        if name in self.fixed:
            return self.fixed[name]
        if self.source == "page" and name not in PAGE_PARAMS:
            return ""
        value = self.params.get(name)
        if not isinstance(value, str):
            return ""
        return value.replace("\x00", "") if self.source == "page" else value

    def text(self, name: str) -> str | None:
        return self.raw(name).strip() or None

    def number(self, name: str, *, whole: bool = False) -> float | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = int(raw) if whole else float(raw.replace(",", "."))
        except ValueError:
            self.errors[name] = str(BAD_WHOLE_NUMBER if whole else BAD_NUMBER)
            return None
        if not math.isfinite(value):
            self.errors[name] = str(BAD_NUMBER)
            return None
        return value

    def boolean(self, name: str) -> bool:
        raw = self.raw(name).strip().lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            self.errors[name] = str(BAD_BOOLEAN)
        return False

    def has_centre(self) -> bool:
        return "municipality" in self.values or "lat" in self.values

    def query(self) -> SearchQuery:
        point = None
        if "lat" in self.values and not {"lat", "lon"} & self.errors.keys():
            point = (self.values["lat"], self.values["lon"])
        if self.errors:
            return SearchQuery(search=None, errors=self.errors, point=point)
        return SearchQuery(search=ServiceSearch(**self.values), point=point)


def _read_municipality(parser: _Parser) -> None:
    code = parser.text("municipality")
    if code is None:
        return
    if parser.source == "page":
        try:
            code = municipality_code(code)
        except MunicipalityNameError as error:
            # A name that names no municipality leaves the search without a centre: a radius or
            # an order by distance is refused too (as the page has always said).
            parser.errors["municipality"] = str(error)
            return
    municipality = municipality_get(istat_code=code) if code.isascii() and code.isdigit() and len(code) <= 6 else None
    if municipality is None:
        parser.errors["municipality"] = str(UNKNOWN_MUNICIPALITY)
        parser.centre_refused = True
    else:
        parser.values["municipality"] = municipality.istat_code


def _read_point(parser: _Parser) -> None:
    errors = parser.errors
    lat, lon = parser.number("lat"), parser.number("lon")
    if lat is not None and not ITALY_LAT[0] <= lat <= ITALY_LAT[1]:
        errors["lat"] = str(BAD_LAT % {"min": ITALY_LAT[0], "max": ITALY_LAT[1]})
    if lon is not None and not ITALY_LON[0] <= lon <= ITALY_LON[1]:
        errors["lon"] = str(BAD_LON % {"min": ITALY_LON[0], "max": ITALY_LON[1]})
    for name, value, other in (("lat", lat, lon), ("lon", lon, lat)):
        if value is None and other is not None and name not in errors and parser.text(name) is None:
            errors[name] = str(HALF_A_POINT)
    if lat is not None and lon is not None:
        parser.values["lat"], parser.values["lon"] = float(lat), float(lon)
    if {"lat", "lon"} & errors.keys():
        parser.centre_refused = True


def _read_radius(parser: _Parser) -> None:
    radius = parser.number("radius_km")
    if radius is None:
        return
    if not 0 < radius <= MAX_RADIUS_KM:
        parser.errors["radius_km"] = str(BAD_RADIUS % {"max": MAX_RADIUS_KM})
    elif not parser.has_centre() and not parser.centre_refused:
        parser.errors["radius_km"] = str(RADIUS_WITHOUT_CENTRE)
    else:
        parser.values["radius_km"] = float(radius)


def _read_ages(parser: _Parser) -> None:
    ages = age_tokens(parser.params)
    if parser.source == "page":
        ages = [bare for token in ages if (bare := token.replace("\x00", ""))]
    if not ages:
        return
    if not all(token.isascii() and token.isdigit() and 0 <= int(token) <= MAX_AGE_YEARS for token in ages):
        parser.errors["age"] = str(BAD_AGE % {"max": MAX_AGE_YEARS})
    elif len(set(ages)) > MAX_AGES:
        parser.errors["age"] = str(TOO_MANY_AGES % {"max": MAX_AGES})
    else:
        parser.values["ages"] = tuple(sorted({int(token) for token in ages}))
        parser.values["age_years"] = parser.values["ages"][0]


def _read_category(parser: _Parser) -> None:
    category = parser.text("category")
    if category is None:
        return
    if TaxonomyTerm.objects.filter(code=category).exists():
        parser.values["category"] = category
    else:
        parser.errors["category"] = str(UNKNOWN_CATEGORY)


def _read_date(parser: _Parser) -> None:
    raw = parser.text("date")
    if raw is None:
        return
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        parser.errors["date"] = str(BAD_DATE)
        return
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        parser.errors["date"] = str(DATE_OUT_OF_RANGE % {"min": YEAR_MIN, "max": YEAR_MAX})
    else:
        parser.values["date"] = day


def _read_period(parser: _Parser) -> None:
    period = parser.text("period")
    if period is None:
        return
    if period_parse(period) is None:
        parser.errors["period"] = str(UNKNOWN_PERIOD)
    else:
        parser.values["period"] = period.lower()


def _read_q(parser: _Parser) -> None:
    q = parser.raw("q")
    if len(q) > MAX_Q_LENGTH:
        parser.errors["q"] = str(Q_TOO_LONG % {"max": MAX_Q_LENGTH})
    elif q.strip():
        parser.values["q"] = q.strip()


def _read_flags(parser: _Parser) -> None:
    parser.values["free"] = parser.boolean("free")
    parser.values["voucher"] = parser.boolean("voucher")
    if parser.boolean("open_now"):
        parser.values["open_now"] = (parser.now or datetime.datetime.now(tz=ROME)).astimezone(ROME)


def _read_max_price(parser: _Parser) -> None:
    if parser.source == "page":
        euro = parser.raw("max_price_eur")
        if euro.strip().replace("€", "").replace(" ", ""):
            cents = euro_cents(euro)
            if cents is None:
                parser.errors["max_price_eur"] = str(BAD_EURO)
            else:
                parser.values["max_price_cents"] = cents
        return
    if parser.text("max_price") is None:
        return
    price = parser.number("max_price", whole=True)
    if price is None or price < 0:
        parser.errors["max_price"] = str(BAD_PRICE)
    else:
        parser.values["max_price_cents"] = int(price)


def _read_kind(parser: _Parser) -> None:
    kind = parser.text("kind")
    if kind is None:
        return
    if kind in ServiceKind.values:
        parser.values["kind"] = kind
    else:
        parser.errors["kind"] = str(BAD_KIND)


def _read_sort(parser: _Parser) -> None:
    sort = parser.text("sort")
    if sort is None:
        return
    if sort not in SORTS:
        parser.errors["sort"] = str(BAD_SORT)
    elif sort == "distance" and not parser.has_centre():
        parser.errors["sort"] = str(SORT_WITHOUT_CENTRE)
    else:
        parser.values["sort"] = sort


def _read_page(parser: _Parser) -> None:
    if parser.text("page") is None:
        return
    page = parser.number("page", whole=True)
    if page is None or page < 1:
        parser.errors["page"] = str(BAD_PAGE)
    elif page > MAX_PAGE:
        parser.errors["page"] = str(PAGE_TOO_FAR % {"max": MAX_PAGE})
    else:
        parser.values["page"] = int(page)


def _read_languages(parser: _Parser) -> None:
    language = parser.text("lang")
    if language is not None:
        if language in ("it", "en"):
            parser.values["language"] = language
        else:
            parser.errors["lang"] = str(BAD_LANGUAGE)
    spoken = parser.text("language")
    if spoken is not None:
        if spoken.lower() in ISO_639_1:
            parser.values["spoken_language"] = spoken.lower()
        else:
            parser.errors["language"] = str(BAD_SPOKEN_LANGUAGE)


# In this order: a radius or an order by distance looks at the centre read before it; the
# errors come out in the parameters' order, as the API lists them.
_STEPS = (
    _read_municipality,
    _read_point,
    _read_radius,
    _read_ages,
    _read_category,
    _read_date,
    _read_period,
    _read_q,
    _read_flags,
    _read_max_price,
    _read_kind,
    _read_sort,
    _read_page,
    _read_languages,
)
