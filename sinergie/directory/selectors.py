"""Searching the directory: the filters families use to find a service near them, when they need it.

`parse_search` turns query parameters into a `ServiceSearch` (or a `SearchError` naming each bad
field); `services_search` runs it. The database filters (a bounding box on the locations'
coordinates with an equirectangular distance, ages, categories, date ranges, costs, indexed
stems for the text — see search_index), counts up to COUNT_CAP, orders and cuts the page with
early stops (see services_search), and loads the page in one more query; Python measures the
page's exact distances and next dates. The number of queries does not depend on the number of
results.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
import typing
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    SearchEntry,
    SearchSite,
    SearchTerm,
    Service,
    ServiceAtLocation,
    ServiceKind,
    TaxonomyTerm,
    Weekday,
)
from sinergie.directory.search_index import STOPWORDS as STOPWORDS  # re-exported
from sinergie.directory.search_index import Match, Vocabulary, vocabulary
from sinergie.directory.search_index import search_terms as search_terms  # re-exported
from sinergie.lib.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN, Level, Rite, SchoolYear, school_year
from sinergie.schoolcalendar.selectors import school_year_for
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
# The same rough box around Italy as Location's check constraint.
ITALY_LAT = (35.0, 47.5)
ITALY_LON = (6.0, 19.0)
ROME = zoneinfo.ZoneInfo("Europe/Rome")
# How far ahead next_available looks for a service that only has weekly opening hours.
HORIZON_DAYS = 400
# ISO 639-1: the two-letter codes a service's `languages` hold.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
    ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io
    is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr
    ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si
    sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
    yi yo za zh zu""".split()  # noqa: SIM905 - reads as the standard's table
)

Sort = Literal["distance", "relevance", "name", "price", "next_available"]
SORTS: tuple[Sort, ...] = typing.get_args(Sort)
# How many children's ages one search takes (a family's children: "3,7" or age=3&age=7).
MAX_AGES = 6

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

# Period slugs, Italian and English, to the kinds of lib.school_calendar (plus summer and September).
PERIOD_WORDS = {
    "natale": "christmas",
    "christmas": "christmas",
    "carnevale": "carnival",
    "carnival": "carnival",
    "pasqua": "easter",
    "easter": "easter",
    "estate": "summer",
    "summer": "summer",
    "settembre": "september",
    "september": "september",
}
_PERIOD_SLUG = re.compile(r"^([a-z]+)-(\d{4})$")
# Which school year a period of calendar year Y belongs to: Christmas and September open it (Y),
# the others fall in the spring or summer that closes the school year Y-1 (summer: after it).
_PERIOD_SCHOOL_YEAR_OFFSET = {"christmas": 0, "september": 0, "carnival": -1, "easter": -1, "summer": -1}

_TRUE = {"1", "true", "yes", "on", "si", "sì"}
_FALSE = {"0", "false", "no", "off", ""}
_WEEKDAYS = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU]


class SearchError(ValueError):
    """Bad search parameters: `errors` maps each parameter to a message saying what to give."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class ServiceSearch:
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


@dataclass
class ServiceHit:
    service: Service
    distance_km: float | None
    next_available: datetime.date | None
    location: Location | None  # the nearest, or the first by name without a centre
    price_cents: int | None  # the lowest known amount


@dataclass
class SearchResult:
    count: int  # at most COUNT_CAP
    page: int
    results: list[ServiceHit] = field(default_factory=list)
    count_exact: bool = True  # False: more than COUNT_CAP services match, `count` is COUNT_CAP

    @property
    def pages(self) -> int:
        return math.ceil(self.count / PAGE_SIZE)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date


# --- Parsing ------------------------------------------------------------------------------------


def parse_search(params: Mapping[str, str], *, now: datetime.datetime | None = None) -> ServiceSearch:
    """Validate query parameters into a ServiceSearch; raise SearchError naming every bad one.

    Blank parameters are ignored. `age` is in years, `max_price` in cents, `open_now` a boolean
    (true: open at `now`, by default the current time in Rome). Unknown parameters are ignored.
    `age` may come several times (a QueryDict, or a list as value) or as "3,7": one per child.
    """
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def text(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    def number(name: str, *, whole: bool = False) -> float | int | None:
        raw = text(name)
        if raw is None:
            return None
        try:
            value = int(raw) if whole else float(raw.replace(",", "."))
        except ValueError:
            errors[name] = str(BAD_WHOLE_NUMBER if whole else BAD_NUMBER)
            return None
        if not math.isfinite(value):
            errors[name] = str(BAD_NUMBER)
            return None
        return value

    def boolean(name: str) -> bool:
        raw = (params.get(name) or "").strip().lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            errors[name] = str(BAD_BOOLEAN)
        return False

    code = text("municipality")
    if code is not None:
        municipality = municipality_get(istat_code=code) if code.isdigit() and len(code) <= 6 else None
        if municipality is None:
            errors["municipality"] = str(UNKNOWN_MUNICIPALITY)
        else:
            values["municipality"] = municipality.istat_code

    lat, lon = number("lat"), number("lon")
    if lat is not None and not ITALY_LAT[0] <= lat <= ITALY_LAT[1]:
        errors["lat"] = str(BAD_LAT % {"min": ITALY_LAT[0], "max": ITALY_LAT[1]})
    if lon is not None and not ITALY_LON[0] <= lon <= ITALY_LON[1]:
        errors["lon"] = str(BAD_LON % {"min": ITALY_LON[0], "max": ITALY_LON[1]})
    for name, value, other in (("lat", lat, lon), ("lon", lon, lat)):
        if value is None and other is not None and name not in errors and text(name) is None:
            errors[name] = str(HALF_A_POINT)
    if lat is not None and lon is not None:
        values["lat"], values["lon"] = float(lat), float(lon)
    has_centre = "municipality" in values or "lat" in values

    radius = number("radius_km")
    if radius is not None:
        if not 0 < radius <= MAX_RADIUS_KM:
            errors["radius_km"] = str(BAD_RADIUS % {"max": MAX_RADIUS_KM})
        elif not has_centre and not {"municipality", "lat", "lon"} & errors.keys():
            errors["radius_km"] = str(RADIUS_WITHOUT_CENTRE)
        else:
            values["radius_km"] = float(radius)

    ages = age_tokens(params)
    if ages:
        if not all(token.isdigit() and 0 <= int(token) <= MAX_AGE_YEARS for token in ages):
            errors["age"] = str(BAD_AGE % {"max": MAX_AGE_YEARS})
        elif len(set(ages)) > MAX_AGES:
            errors["age"] = str(TOO_MANY_AGES % {"max": MAX_AGES})
        else:
            values["ages"] = tuple(sorted({int(token) for token in ages}))
            values["age_years"] = values["ages"][0]

    category = text("category")
    if category is not None:
        if TaxonomyTerm.objects.filter(code=category).exists():
            values["category"] = category
        else:
            errors["category"] = str(UNKNOWN_CATEGORY)

    raw_date = text("date")
    if raw_date is not None:
        try:
            day = datetime.date.fromisoformat(raw_date)
        except ValueError:
            errors["date"] = str(BAD_DATE)
        else:
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                errors["date"] = str(DATE_OUT_OF_RANGE % {"min": YEAR_MIN, "max": YEAR_MAX})
            else:
                values["date"] = day

    period = text("period")
    if period is not None:
        if period_parse(period) is None:
            errors["period"] = str(UNKNOWN_PERIOD)
        else:
            values["period"] = period.lower()

    q = params.get("q") or ""
    if len(q) > MAX_Q_LENGTH:
        errors["q"] = str(Q_TOO_LONG % {"max": MAX_Q_LENGTH})
    elif q.strip():
        values["q"] = q.strip()

    values["free"] = boolean("free")
    values["voucher"] = boolean("voucher")
    if boolean("open_now"):
        values["open_now"] = (now or datetime.datetime.now(tz=ROME)).astimezone(ROME)

    if text("max_price") is not None:
        price = number("max_price", whole=True)
        if price is None or price < 0:
            errors["max_price"] = str(BAD_PRICE)
        else:
            values["max_price_cents"] = int(price)

    kind = text("kind")
    if kind is not None:
        if kind in ServiceKind.values:
            values["kind"] = kind
        else:
            errors["kind"] = str(BAD_KIND)

    sort = text("sort")
    if sort is not None:
        if sort not in SORTS:
            errors["sort"] = str(BAD_SORT)
        elif sort == "distance" and not has_centre:
            errors["sort"] = str(SORT_WITHOUT_CENTRE)
        else:
            values["sort"] = sort

    if text("page") is not None:
        page = number("page", whole=True)
        if page is None or page < 1:
            errors["page"] = str(BAD_PAGE)
        elif page > MAX_PAGE:
            errors["page"] = str(PAGE_TOO_FAR % {"max": MAX_PAGE})
        else:
            values["page"] = int(page)

    language = text("lang")
    if language is not None:
        if language in ("it", "en"):
            values["language"] = language
        else:
            errors["lang"] = str(BAD_LANGUAGE)

    spoken = text("language")
    if spoken is not None:
        if spoken.lower() in ISO_639_1:
            values["spoken_language"] = spoken.lower()
        else:
            errors["language"] = str(BAD_SPOKEN_LANGUAGE)

    if errors:
        raise SearchError(errors)
    return ServiceSearch(**values)  # type: ignore[arg-type]


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


def period_parse(slug: str) -> tuple[str, int] | None:
    """("christmas", school year) for "natale-2026"; None for an unknown word or a year out of range."""
    match = _PERIOD_SLUG.match(slug.strip().lower())
    if match is None or match.group(1) not in PERIOD_WORDS:
        return None
    kind = PERIOD_WORDS[match.group(1)]
    year = int(match.group(2)) + _PERIOD_SCHOOL_YEAR_OFFSET[kind]
    # Summer needs the next school year too (it ends the day before lessons start again).
    if not YEAR_MIN <= year <= year + (1 if kind == "summer" else 0) <= YEAR_MAX:
        return None
    return kind, year


def period_dates(slug: str, municipality: Municipality | None = None, *, level: Level | str = Level.PRIMARIA) -> Period:
    """The dates of a named school closure (inclusive), by the municipality's calendar.

    Without a municipality: the regional rules with the Roman rite and no patron holiday.
    Summer runs from the day after the last lesson to the day before the next school year;
    September from the 1st to the day before lessons start. Raises ValueError for a bad slug.
    """
    parsed = period_parse(slug)
    if parsed is None:
        raise ValueError(f"Unknown period {slug!r}.")
    kind, year = parsed

    def calendar(of_year: int) -> SchoolYear:
        if municipality is not None:
            return school_year_for(municipality, of_year, level)
        return school_year(of_year, level, Rite.ROMAN)

    this_year = calendar(year)
    if kind == "summer":
        return Period(
            kind, this_year.end + datetime.timedelta(days=1), calendar(year + 1).start - datetime.timedelta(days=1)
        )
    if kind == "september":
        return Period(kind, datetime.date(year, 9, 1), this_year.start - datetime.timedelta(days=1))
    closure = next(p for p in this_year.closures if p.kind == kind)
    return Period(kind, closure.start, closure.end)


# --- Text ---------------------------------------------------------------------------------------
# The stemming and the index live in search_index; `search_terms` is re-exported from here.


def text_matches(terms: Sequence[str], words: Vocabulary | None = None) -> list[Match]:
    """For each typed stem, the ids of the indexed stems it stands for (as typed, and with a typo)."""
    if not terms:
        return []
    words = words or vocabulary()
    return [words.match(stem) for stem in terms]


def holds_stems(model: type[Any], ids: Sequence[int], *, in_name: bool = False) -> Q | RawSQL:
    """Rows of a search table (SearchEntry, SearchSite) whose service holds one of these stems
    (in a name, with `in_name`): on PostgreSQL the row's own array (`&&`, inline or on the
    entries' GIN index), on SQLite the SearchTerm index."""
    if not ids:
        return Q(service_id__in=[])
    if connection.vendor == "postgresql":
        column = f"{_table(model)}.{connection.ops.quote_name('name_stems' if in_name else 'stems')}"
        return RawSQL(f"{column} && %s::integer[]", (list(ids),), output_field=BooleanField())  # noqa: S611 - names from the model
    terms = SearchTerm.objects.filter(stem_id__in=ids)
    if in_name:
        terms = terms.filter(in_name=True)
    return Q(service_id__in=terms.values("service_id"))


def text_search_condition(model: type[Any], matches: Sequence[Match]) -> Q:
    """Services holding, for every typed stem, one of the stems it stands for (one typo allowed)."""
    condition = Q()
    for match in matches:
        condition &= Q(holds_stems(model, match.all))
    return condition


def relevance_expression(model: type[Any], matches: Sequence[Match]) -> Any:
    """Higher for stems found as typed in the service's names than with a typo or only elsewhere.

    Per typed stem: 2 if a name holds it as typed, 1 if only with a typo, 0 if only a description
    or a category does (every result holds each stem somewhere).
    """
    score: Any = Value(0)
    for match in matches:
        # Without a typo the two lookups are the same: one, counted twice.
        lookups = [match.all] if match.exact == match.all else [match.all, match.exact]
        for ids in lookups:
            if ids:
                weight = 2 if len(lookups) == 1 else 1
                score = score + Case(When(holds_stems(model, ids, in_name=True), then=Value(weight)), default=Value(0))
    return score


def best_score_condition(model: type[Any], matches: Sequence[Match]) -> Q:
    """Services with the highest relevance_expression any service can have for these matches:
    each typed stem in a name as typed (or, when nothing holds it as typed, with a typo)."""
    condition = Q()
    for match in matches:
        condition &= Q(holds_stems(model, match.exact or match.all, in_name=True))
    return condition


def relevance(terms: Sequence[str], names: Iterable[str]) -> int:
    """The score relevance_expression gives, computed in Python over these names (for tests and tools)."""
    words = vocabulary()
    stems = {stem for name in names if name for stem in search_terms(name)}
    stem_ids = {words.ids[stem] for stem in stems if stem in words.ids}
    score = 0
    for match in (words.match(stem) for stem in terms):
        score += bool(stem_ids & set(match.all)) + bool(stem_ids & set(match.exact))
    return score


# --- Dates --------------------------------------------------------------------------------------


def _weekday(day: datetime.date) -> str:
    return str(_WEEKDAYS[day.weekday()])


def _valid_on(day: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def _schedule_services(schedules: QuerySet[Schedule], field: str = "pk") -> Q:
    """Services owning one of `schedules` directly or through one of their locations (`field`
    names the service's id in the filtered model)."""
    own = schedules.filter(service__isnull=False).values("service_id")
    sites = schedules.filter(service_at_location__isnull=False).values("service_at_location__service_id")
    return Q(**{f"{field}__in": own}) | Q(**{f"{field}__in": sites})


def runs_on_condition(day: datetime.date, field: str = "pk") -> Q:
    """Services running on `day`: inside one of their closure availability ranges, or, for
    services without any, on a weekday of their opening hours valid that day and not closed by an
    exception. `field` names the service's id in the filtered model."""
    covering = ClosureAvailability.objects.filter(start__lte=day, end__gte=day).values("service_id")
    in_closure = Q(**{f"{field}__in": covering})
    closed = ScheduleException.objects.filter(start__lte=day, end__gte=day, closed=True).values("schedule_id")
    schedules = Schedule.objects.filter(_valid_on(day), byday__contains=_weekday(day)).exclude(pk__in=closed)
    without_closures = ~Q(**{f"{field}__in": ClosureAvailability.objects.values("service_id")})
    return in_closure | (without_closures & _schedule_services(schedules, field))


def open_at_condition(moment: datetime.datetime, field: str = "pk") -> Q:
    """Services running on that day (see runs_on_condition) with opening hours around that time.

    An exception with its own hours that day replaces the weekly hours.
    """
    local = moment.astimezone(ROME)
    day, time = local.date(), local.time()
    exceptions = ScheduleException.objects.filter(start__lte=day, end__gte=day)
    regular = Schedule.objects.filter(
        _valid_on(day), byday__contains=_weekday(day), opens_at__lte=time, closes_at__gt=time
    ).exclude(pk__in=exceptions.values("schedule_id"))
    special = Schedule.objects.filter(
        pk__in=exceptions.filter(closed=False, opens_at__lte=time, closes_at__gt=time).values("schedule_id")
    )
    return runs_on_condition(day, field) & (_schedule_services(regular, field) | _schedule_services(special, field))


def _schedule_runs_on(schedule: Schedule, day: datetime.date) -> bool:
    if _weekday(day) not in schedule.byday.split(","):
        return False
    if (schedule.valid_from and day < schedule.valid_from) or (schedule.valid_to and day > schedule.valid_to):
        return False
    return not any(e.closed and e.start <= day <= e.end for e in schedule.exceptions.all())


def _schedule_next(schedule: Schedule, since: datetime.date, until: datetime.date) -> datetime.date | None:
    """The first day from `since` to `until` on which `schedule` runs (see _schedule_runs_on)."""
    closed = [(e.start, e.end) for e in schedule.exceptions.all() if e.closed]
    return _weekly_next(schedule.byday, schedule.valid_from, schedule.valid_to, closed, since, until)


def _weekly_next(
    byday: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    closed: Sequence[tuple[datetime.date, datetime.date]],
    since: datetime.date,
    until: datetime.date,
) -> datetime.date | None:
    """The first day from `since` to `until` on which weekly hours on `byday` run, jumping to the
    next weekday they name and past each closing exception instead of trying every day."""
    weekdays = {_WEEKDAYS.index(day) for day in byday.split(",") if day in _WEEKDAYS}
    if not weekdays:
        return None
    last = min(until, valid_to) if valid_to else until
    day = max(since, valid_from) if valid_from else since
    while day <= last:
        day += datetime.timedelta(days=min((weekday - day.weekday()) % 7 for weekday in weekdays))
        if day > last:
            return None
        ends = [end for start, end in closed if start <= day <= end]
        if not ends:
            return day
        day = max(ends) + datetime.timedelta(days=1)
    return None


def next_available(service: Service, since: datetime.date) -> datetime.date | None:
    """The first day from `since` on which the service runs, by the rule of runs_on_condition
    (opening hours are looked at up to HORIZON_DAYS ahead).

    Reads prefetched closure_availability, schedules and sites' schedules with their exceptions.
    """
    closures = list(service.closure_availability.all())
    if closures:
        days = [max(c.start, since) for c in closures if c.end >= since]
        return min(days, default=None)
    schedules = [*service.schedules.all(), *(s for site in service.sites.all() for s in site.schedules.all())]
    until = since + datetime.timedelta(days=HORIZON_DAYS - 1)
    found = [day for schedule in schedules if (day := _schedule_next(schedule, since, until)) is not None]
    return min(found, default=None)


def next_available_many(pks: Sequence[Any], since: datetime.date) -> dict[Any, datetime.date | None]:
    """next_available of each of these services, from their rows alone (for ordering up to
    COUNT_CAP services by date without loading them): closure cover, then weekly hours of the
    service and of its sites with their closing exceptions. Four queries."""
    if not pks:
        return {}
    closures: dict[Any, list[tuple[datetime.date, datetime.date]]] = {}
    for pk, start, end in ClosureAvailability.objects.filter(service_id__in=pks).values_list(
        "service_id", "start", "end"
    ):
        closures.setdefault(pk, []).append((start, end))
    fields = ("id", "byday", "valid_from", "valid_to")
    schedules = [
        *Schedule.objects.filter(service_id__in=pks).values_list("service_id", *fields),
        *Schedule.objects.filter(service_at_location__service_id__in=pks).values_list(
            "service_at_location__service_id", *fields
        ),
    ]
    closed: dict[Any, list[tuple[datetime.date, datetime.date]]] = {}
    exceptions = ScheduleException.objects.filter(
        schedule_id__in=[row[1] for row in schedules], closed=True, end__gte=since
    ).values_list("schedule_id", "start", "end")
    for schedule_id, start, end in exceptions:
        closed.setdefault(schedule_id, []).append((start, end))
    until = since + datetime.timedelta(days=HORIZON_DAYS - 1)
    found: dict[Any, datetime.date | None] = dict.fromkeys(pks)
    for pk, ranges in closures.items():
        found[pk] = min((max(start, since) for start, end in ranges if end >= since), default=None)
    for pk, schedule_id, byday, valid_from, valid_to in schedules:
        if pk in closures:
            continue
        day = _weekly_next(byday, valid_from, valid_to, closed.get(schedule_id, []), since, until)
        if day is not None and (found[pk] is None or day < found[pk]):
            found[pk] = day
    return found


# --- Search -------------------------------------------------------------------------------------


def _age_condition(age_years: int) -> Q:
    # A child of 7 is 84 to 95 months old: any overlap with the service's range will do.
    low, high = age_years * 12, age_years * 12 + 11
    return (Q(minimum_age_months__isnull=True) | Q(minimum_age_months__lte=high)) & (
        Q(maximum_age_months__isnull=True) | Q(maximum_age_months__gte=low)
    )


def _level_for(ages: int | Sequence[int] | None) -> Level:
    """The school calendar of a period: the infanzia one when every child is 3 to 5."""
    ages = [] if ages is None else [ages] if isinstance(ages, int) else list(ages)
    return Level.INFANZIA if ages and all(3 <= age <= 5 for age in ages) else Level.PRIMARIA


def _attach(instance: Any, name: str, model: type[Any], items: list[Any]) -> None:
    """Make `instance.<name>.all()` answer `items` without a query, as prefetch_related would."""
    cached = QuerySet(model=model)
    cached._result_cache = items
    cached._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached


def _json_object(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL building a JSON object {key: expression}, on either database."""
    inner = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
    return f"json_build_object({inner})" if connection.vendor == "postgresql" else f"json_object({inner})"


def _json_array(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL aggregating rows into a JSON array of objects {key: expression}, on either database."""
    aggregate = "json_agg" if connection.vendor == "postgresql" else "json_group_array"
    return f"{aggregate}({_json_object(pairs)})"


def _utc(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)  # SQLite keeps UTC without an offset


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _identity(value: Any) -> Any:
    return value


def _converter(field_: Any) -> Any:
    """How a JSON value of this field becomes its Python value (what the ORM would give)."""
    target = field_.target_field if field_.is_relation else field_
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return _uuid
    if kind == "DateField":
        return datetime.date.fromisoformat
    if kind == "TimeField":
        return datetime.time.fromisoformat
    if kind == "DateTimeField":
        return _utc
    if kind == "BooleanField":
        return bool  # SQLite's JSON says 0 and 1
    if kind == "FloatField":
        return float
    if kind in ("JSONField", "CharField", "TextField", "SlugField", "URLField", "EmailField") or "Integer" in kind:
        return _identity
    return target.to_python


def _columns(model: type[Any], alias: str, prefix: str = "", only: Sequence[str] | None = None) -> list[Any]:
    fields = [f for f in model._meta.concrete_fields if only is None or f.attname in only]
    columns = []
    for f in fields:
        sql = f"{alias}.{connection.ops.quote_name(f.column)}"
        if f.get_internal_type() == "JSONField" and connection.vendor == "sqlite":
            sql = f"json({sql})"  # stored as text: embed it as JSON, not as a string
        columns.append((f, f"{prefix}{f.attname}", sql, _converter(f)))
    return columns


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _instance(model: type[Any], columns: list[Any], item: Mapping[str, Any]) -> Any:
    """A model instance from a JSON object, as if loaded by the ORM (fields not read are deferred).

    Built without Model.__init__ (its per-field descriptors and signals cost more than the page's
    queries; no receiver of pre_init or post_init exists here): the values go straight into the
    instance's __dict__, as from_db would leave them.
    """
    instance = model.__new__(model)
    values = instance.__dict__
    for field_, key, _sql, convert in columns:
        raw = item[key]
        values[field_.attname] = None if raw is None else convert(raw)
    state = instance._state = ModelState()
    state.adding, state.db = False, connection.alias
    return instance


@functools.lru_cache(maxsize=64)
def _page_statement(count: int, vendor: str = "") -> tuple[str, dict[str, list[Any]]]:
    """One statement loading everything a page of `count` services shows, as JSON arrays (cached per
    page size and database: the text only depends on them)."""
    through = Service.categories.through
    sal, loc, mun = ServiceAtLocation, Location, Municipality
    columns = {
        "service": _columns(Service, "s"),
        "categories": _columns(TaxonomyTerm, "t"),
        "costs": _columns(CostOption, "c"),
        "closures": _columns(ClosureAvailability, "c"),
        "sites": _columns(sal, "a", "a_")
        + _columns(loc, "l", "l_")
        + _columns(
            mun, "m", "m_", only=["id", "istat_code", "name", "province_id", "region_id", "latitude", "longitude"]
        ),
        "schedules": _columns(Schedule, "h"),
        "exceptions": _columns(ScheduleException, "e"),
    }
    for prefix in ("a_", "l_", "m_"):
        columns[f"sites:{prefix}"] = [c for c in columns["sites"] if c[1].startswith(prefix)]

    def array(name: str) -> str:
        return _json_array([(key, sql) for _field, key, sql, _convert in columns[name]])

    q = connection.ops.quote_name
    # The service's own hours and its sites' hours, as two indexed lookups (an OR would scan).
    owned = (
        f"(SELECT h1.* FROM {_table(Schedule)} h1 WHERE h1.{q('service_id')} = s.{q('id')}"  # noqa: S608 - model names only
        f" UNION ALL SELECT h2.* FROM {_table(Schedule)} h2 JOIN {_table(sal)} a2"
        f" ON h2.{q('service_at_location_id')} = a2.{q('id')} WHERE a2.{q('service_id')} = s.{q('id')})"
    )
    marks = ", ".join(["%s"] * count)
    sql = f"""
        SELECT s.{q("id")},
            {_json_object([(key, sql) for _field, key, sql, _convert in columns["service"]])},
            (SELECT {array("categories")} FROM {_table(through)} x JOIN {_table(TaxonomyTerm)} t
                ON t.{q("id")} = x.{q("taxonomyterm_id")} WHERE x.{q("service_id")} = s.{q("id")}),
            (SELECT {array("costs")} FROM {_table(CostOption)} c WHERE c.{q("service_id")} = s.{q("id")}),
            (SELECT {array("closures")} FROM {_table(ClosureAvailability)} c WHERE c.{q("service_id")} = s.{q("id")}),
            (SELECT {array("sites")} FROM {_table(sal)} a
                JOIN {_table(loc)} l ON l.{q("id")} = a.{q("location_id")}
                JOIN {_table(mun)} m ON m.{q("id")} = l.{q("municipality_id")}
                WHERE a.{q("service_id")} = s.{q("id")}),
            (SELECT {array("schedules")} FROM {owned} h),
            (SELECT {array("exceptions")} FROM {_table(ScheduleException)} e
                JOIN {owned} h ON h.{q("id")} = e.{q("schedule_id")})
        FROM {_table(Service)} s WHERE s.{q("id")} IN ({marks})"""  # noqa: S608 - names from the models, values as parameters
    return sql, columns


def page_services(pks: Sequence[uuid.UUID]) -> dict[uuid.UUID, Service]:
    """The page's services with categories, costs, closure cover, hours and sites attached, in one
    query: each relation comes back as a JSON array per service (json_agg on PostgreSQL,
    json_group_array on SQLite) and becomes model instances, as prefetch_related would give
    them, without its queryset per object and relation or its query per relation.
    """
    services: dict[uuid.UUID, Service] = {}
    if not pks:
        return services
    sql, columns = _page_statement(len(pks), connection.vendor)
    id_field = Service._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [id_field.get_db_prep_value(pk, connection) for pk in pks])
        rows = cursor.fetchall()

    def items(value: Any) -> Any:
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else value

    for _raw_pk, service_json, *arrays in rows:
        service = _instance(Service, columns["service"], items(service_json))
        services[service.pk] = service
        categories, costs, closures, sites_json, schedules_json, exceptions_json = (items(a) for a in arrays)
        terms = sorted(
            (_instance(TaxonomyTerm, columns["categories"], item) for item in categories),
            key=lambda term: (term.position, term.code),
        )
        cost_options = sorted(
            (_instance(CostOption, columns["costs"], item) for item in costs),
            key=lambda cost: (cost.amount_cents is None, cost.amount_cents or 0, str(cost.pk)),
        )
        closure_cover = sorted(
            (_instance(ClosureAvailability, columns["closures"], item) for item in closures),
            key=lambda closure: (closure.start, closure.end),
        )
        exceptions: dict[Any, list[ScheduleException]] = {}
        for item in exceptions_json:
            exception = _instance(ScheduleException, columns["exceptions"], item)
            exceptions.setdefault(exception.schedule_id, []).append(exception)
        by_owner: dict[Any, list[Schedule]] = {}
        for item in schedules_json:
            schedule = _instance(Schedule, columns["schedules"], item)
            _attach(schedule, "exceptions", ScheduleException, exceptions.get(schedule.pk, []))
            by_owner.setdefault(schedule.service_id or schedule.service_at_location_id, []).append(schedule)
        sites = []
        for item in sites_json:
            site = _instance(ServiceAtLocation, columns["sites:a_"], item)
            location = _instance(Location, columns["sites:l_"], item)
            location.municipality = _instance(Municipality, columns["sites:m_"], item)
            site.location = location
            _attach(site, "schedules", Schedule, by_owner.get(site.pk, []))
            sites.append(site)
        sites.sort(key=lambda site: (site.location.name, str(site.pk)))
        _attach(service, "categories", TaxonomyTerm, terms)
        _attach(service, "costs", CostOption, cost_options)
        _attach(service, "closure_availability", ClosureAvailability, closure_cover)
        _attach(service, "sites", ServiceAtLocation, sites)
        _attach(service, "schedules", Schedule, by_owner.get(service.pk, []))
    return services


def search_centre(filters: ServiceSearch, municipality: Municipality | None) -> tuple[float, float] | None:
    """The point a search measures distances from: the given one, else the municipality's."""
    if filters.lat is not None and filters.lon is not None:
        return (filters.lat, filters.lon)
    if municipality is not None and municipality.latitude is not None and municipality.longitude is not None:
        return (municipality.latitude, municipality.longitude)
    return None


def squared_distance(centre: tuple[float, float], prefix: str = "location__") -> Any:
    """Squared distance in degrees of latitude from `centre` (equirectangular, scaled at its latitude).

    Plain arithmetic, so SQLite and PostgreSQL both compute it inside the bounding box; within
    0.5% of the great-circle distance over the 100 km of the largest radius in Lombardy.
    """
    lat, lon = centre
    scale = math.cos(math.radians(lat))
    d_lat = F(f"{prefix}latitude") - Value(lat)
    d_lon = (F(f"{prefix}longitude") - Value(lon)) * Value(scale)
    return ExpressionWrapper(d_lat * d_lat + d_lon * d_lon, output_field=FloatField())


# Longitude scaled by the cosine of Lombardy's middle latitude (45.6°): a plane where PostgreSQL's
# `<->` between points, with a GiST index on this expression (migration 0006), hands sites out
# nearest first. Across Lombardy (44.7°–46.6°) the true scale is within 1.8% of it; the search
# corrects for that (_nearest_services), so the order is the exact one of squared_distance.
LON_SCALE = 0.69966
# Sites read at first per service needed (services with several sites take more rows).
NEAREST_FETCH_FACTOR = 3
NEAREST_MIN_FETCH = 60
# Entries a search in name order walks before sorting its matches instead (see _by_name).
NAME_WALK = 2000
_PLANE_POINT = 'point({table}."longitude" * 0.69966, {table}."latitude")'


def _within(
    sites: QuerySet[SearchSite], centre: tuple[float, float], radius_km: float, *, plane_box: bool = True
) -> QuerySet[SearchSite]:
    """Sites within the radius of `centre` (a bounding box on the index, then the distance `d2`).

    On PostgreSQL the box is also asked of the GiST index on the plane point (see LON_SCALE),
    which finds the sites inside it without reading the whole band of latitudes (`plane_box=False`
    leaves it out, for a walk of the same index nearest first)."""
    box = bounding_box(*centre, radius_km)
    if plane_box and connection.vendor == "postgresql":
        sites = sites.filter(
            RawSQL(  # noqa: S611 - the model's table name only; the box as parameters
                f"{_PLANE_POINT.format(table=_table(SearchSite))} <@ box(point(%s, %s), point(%s, %s))",
                (box.min_lon * LON_SCALE, box.min_lat, box.max_lon * LON_SCALE, box.max_lat),
                output_field=BooleanField(),
            )
        )
    return (
        sites.filter(latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon))
        .alias(d2=squared_distance(centre, prefix=""))
        .filter(d2__lte=degrees(radius_km) ** 2)
    )


def _nearest_services(sites: QuerySet[SearchSite], centre: tuple[float, float], needed: int) -> list[Any]:
    """The services among `sites` (matching sites within the radius) that can be among the
    `needed` nearest to `centre` (a few more), reading the sites nearest first on PostgreSQL's
    index (KNN) and stopping early.

    The index orders by the plane distance (LON_SCALE), the search by squared_distance (scaled
    at the centre's latitude); the two differ by at most the ratio of the scales, so once the
    plane distance passes D, no site left can be nearer than D times that ratio: the services
    already nearer are final.
    """
    lat, lon = centre
    ratio = min(1.0, math.cos(math.radians(lat)) / LON_SCALE) * (1 - 1e-9)
    plane = RawSQL(  # noqa: S611 - the model's table name only; the centre as parameters
        f"{_PLANE_POINT.format(table=_table(SearchSite))} <-> point(%s, %s)",
        (lon * LON_SCALE, lat),
        output_field=FloatField(),
    )
    rows_by_plane = sites.annotate(d2_exact=squared_distance(centre, prefix=""), plane=plane).order_by("plane")
    rows_by_plane = rows_by_plane.values_list("service_id", "d2_exact", "plane")
    fetch = max(NEAREST_FETCH_FACTOR * needed, NEAREST_MIN_FETCH)
    while True:
        rows = list(rows_by_plane[:fetch])
        nearest: dict[Any, float] = {}
        for service_id, d2, _plane in rows:
            nearest[service_id] = min(d2, nearest.get(service_id, d2))
        if len(rows) < fetch:
            return list(nearest)  # every site within the radius has been read
        bound = (rows[-1][2] * ratio) ** 2
        final = [pk for pk, d2 in nearest.items() if d2 < bound]
        if len(final) >= needed:
            return final
        fetch *= 4


def degrees(radius_km: float) -> float:
    """A distance in kilometres as degrees of latitude, the unit of squared_distance."""
    return math.degrees(radius_km / EARTH_RADIUS_KM)


def _filtered(
    model: type[Any], filters: ServiceSearch, period: Period | None, matches: Sequence[Match], words: Vocabulary
) -> QuerySet[Any]:
    """The rows of a search table (SearchEntry or SearchSite) matching every filter but the place.

    Most filters are columns of the row; categories and spoken languages are stems (see
    holds_stems); dates and periods look at closure availability and opening hours.
    """
    rows = model.objects.all()
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    ages = search_ages(filters)
    if ages:  # a service for any of the children
        if connection.vendor == "postgresql":  # the same rule as stems (see search_index.age_years)
            stems = [stem for age in ages if (stem := words.age(age))]
            rows = rows.filter(holds_stems(model, stems))
        else:
            condition = Q()
            for age in ages:
                condition |= _age_condition(age)
            rows = rows.filter(condition)
    if filters.category:
        stem = words.category(filters.category)
        rows = rows.filter(holds_stems(model, [stem] if stem else []))
    if filters.voucher:
        rows = rows.filter(accepts_vouchers=True)
    if filters.free:
        rows = rows.filter(free=True)
    if filters.max_price_cents is not None:
        rows = rows.filter(lowest_price_cents__lte=filters.max_price_cents)
    if filters.date:
        rows = rows.filter(runs_on_condition(filters.date, "service_id"))
    if period is not None:
        rows = rows.filter(_covers(model, period, words))
    if filters.open_now:
        rows = rows.filter(open_at_condition(filters.open_now, "service_id"))
    if filters.spoken_language:
        stem = words.language(filters.spoken_language)
        rows = rows.filter(holds_stems(model, [stem] if stem else []))
    if matches:
        rows = rows.filter(text_search_condition(model, matches))
    return rows


def _covers(model: type[Any], period: Period, words: Vocabulary) -> Q | RawSQL:
    """Rows whose service runs on some day of the period: on PostgreSQL the row's `month:` stems
    (the index's candidates), then its own ranges (`&&` on a datemultirange); on SQLite its
    ClosureAvailability."""
    if connection.vendor == "postgresql":
        column = f"{_table(model)}.{connection.ops.quote_name('closures')}"
        exact = RawSQL(  # noqa: S611 - names from the model
            f"{column} && daterange(%s, %s, '[]')", (period.start, period.end), output_field=BooleanField()
        )
        return Q(holds_stems(model, words.months(period.start, period.end))) & Q(exact)
    overlapping = ClosureAvailability.objects.filter(start__lte=period.end, end__gte=period.start)
    return Q(service_id__in=overlapping.values("service_id"))


def _ordered(rows: QuerySet[Any], model: type[Any], filters: ServiceSearch, matches: Sequence[Match], sort: str) -> Any:
    """`rows` ordered as the search orders services; near a centre grouped by service, nearest site first."""
    name = F("name_en") if filters.language == "en" else F("name_it")
    score: Any = relevance_expression(model, matches) if matches else Value(0)
    # The price only when it orders: one more column to group by costs every other search.
    price = {"price": F("lowest_price_cents")} if sort == "price" else {}
    if model is SearchSite:
        rows = rows.values("service_id", sort_name=name, score=score, **price).annotate(distance=Min("d2"))
        by_distance = ["distance"]
    else:
        rows = rows.alias(sort_name=name, score=score, **price)
        by_distance = []
    by_score = [F("score").desc()] if matches else []
    if sort == "distance":
        order = [*by_distance, *by_score, "sort_name", "service_id"]
    elif sort == "name":
        order = ["sort_name", *by_distance, "service_id"]
    elif sort == "price":  # free first (a cost of 0), services without a known price last
        order = [F("price").asc(nulls_last=True), *by_distance, "sort_name", "service_id"]
    else:
        order = [*by_score, "sort_name", *by_distance, "service_id"]
    return rows.order_by(*order).values_list("service_id", flat=True)


def _page(ordered: Any, start: int, size: int = PAGE_SIZE) -> list[Any]:
    return list(ordered[start : start + size])


def _search_near(
    filters: ServiceSearch,
    period: Period | None,
    matches: Sequence[Match],
    words: Vocabulary,
    centre: tuple[float, float],
    sort: str,
    start: int,
    size: int = PAGE_SIZE,
) -> tuple[int, list[Any]]:
    """The capped count and the page's service ids of a search around a point, from SearchSite.

    The matching sites in the radius are counted first (a few thousand at most near Milan, each
    tested inline), up to the cap. A few services: their sites are grouped and ordered. More:
    by distance on PostgreSQL the sites come nearest first from a GiST index and only the
    services that can be on the page are ordered; otherwise the sites in the radius are grouped.
    """
    radius = filters.radius_km or DEFAULT_RADIUS_KM
    with _planner(_INDEXED):
        matching = _filtered(SearchSite, filters, period, matches, words)
        sites = _within(matching, centre, radius)
        site_cap = 2 * (COUNT_CAP + 1)
        rows = list(sites.order_by().values_list("service_id", flat=True)[:site_cap])
        found = list(dict.fromkeys(rows))
        if len(rows) == site_cap and len(found) <= COUNT_CAP:  # services with many sites each
            found = list(sites.order_by().values_list("service_id", flat=True).distinct()[: COUNT_CAP + 1])
        count = len(found)
        if count <= COUNT_CAP:
            if start >= count:
                return count, []
            return count, _page(_ordered(_sites_of(found, centre), SearchSite, filters, matches, sort), start, size)
        if sort == "distance" and connection.vendor == "postgresql":
            nearest = _nearest_services(_within(matching, centre, radius, plane_box=False), centre, start + size)
            return count, _page(_ordered(_sites_of(nearest, centre), SearchSite, filters, matches, sort), start, size)
        return count, _page(_ordered(sites, SearchSite, filters, matches, sort), start, size)


def _sites_of(services: list[Any], centre: tuple[float, float]) -> QuerySet[SearchSite]:
    """Every site of these matching services, with its distance `d2`: their nearest is within the radius."""
    return SearchSite.objects.filter(_among(SearchSite, services)).alias(d2=squared_distance(centre, prefix=""))


def _search_region(
    filters: ServiceSearch,
    period: Period | None,
    matches: Sequence[Match],
    words: Vocabulary,
    municipality: Municipality | None,
    sort: str,
    start: int,
    size: int = PAGE_SIZE,
) -> tuple[int, list[Any]]:
    """The capped count and the page's service ids of a search without a centre, from SearchEntry.

    The first COUNT_CAP + 1 matching ids are read (hashed joins, see _hashed_joins). A few: just
    those are ordered. More: the order walks the index on names and stops at the page (by
    relevance, the services with the highest possible score first: every word as typed in a name).
    """
    entries = _filtered(SearchEntry, filters, period, matches, words)
    if municipality is not None:  # a municipality without a point: its own locations
        entries = entries.filter(
            service_id__in=SearchSite.objects.filter(municipality=municipality).values("service_id")
        )
    with _hashed_joins():
        found = list(entries.order_by().values_list("service_id", flat=True)[: COUNT_CAP + 1])
        count = len(found)
        if count <= COUNT_CAP:
            if start >= count:
                return count, []
            chosen = SearchEntry.objects.filter(_among(SearchEntry, found))
            return count, _page(_ordered(chosen, SearchEntry, filters, matches, sort), start, size)
        if sort == "relevance" and matches and municipality is None:
            # The best-scored services by name: when they fill the page, the others need no score.
            best = entries.filter(best_score_condition(SearchEntry, matches))
            page = _by_name(best, filters.language, start, size, sort_after_walk=False)
            if len(page) == size:
                return count, page
            # Services with a word in a name score above all others, which all score 0 and so
            # follow by name: the named ones are few (the index on the names' stems finds them)
            # and sorted by score; the page goes on with the others by name.
            in_names = Q(
                holds_stems(SearchEntry, sorted({stem for match in matches for stem in match.all}), in_name=True)
            )
            named = entries.filter(in_names)
            page = _page(_ordered(named, SearchEntry, filters, matches, sort), start, size)
            if len(page) == size:
                return count, page
            before = start + len(page) if page else named.count()  # named services up to this page's end
            others = _by_name(entries.exclude(in_names), filters.language, max(0, start - before), size)
            return count, page + others[: size - len(page)]
        if sort == "name" or (sort == "relevance" and not matches):
            return count, _by_name(entries, filters.language, start, size)
        return count, _page(_ordered(entries, SearchEntry, filters, matches, sort), start, size)


def _by_name(
    entries: QuerySet[SearchEntry], language: str, start: int, size: int = PAGE_SIZE, *, sort_after_walk: bool = True
) -> list[Any]:
    """A page of `entries` in name order without sorting them all when they are dense.

    The walk of the name index stops at the page when matches are spread along it; but matches
    often cluster (the camps are named "Centro estivo ..."), and then it reads most of the index.
    So it walks only the first NAME_WALK names (every entry up to the NAME_WALK-th name): when
    those hold the page, it is the page; otherwise the matches are sorted (a cost bound by their
    number, for PostgreSQL, through an expression the index cannot serve), unless the caller has
    a better way (`sort_after_walk=False`: the page as far as the walk found it).
    """
    name = "name_en" if language == "en" else "name_it"
    by_name = entries.order_by(name, "service_id").values_list("service_id", flat=True)
    bound = list(SearchEntry.objects.order_by(name, "service_id").values_list(name, flat=True)[NAME_WALK:][:1])
    if not bound:  # fewer entries than the walk: walk them all
        return _page(by_name, start, size)
    page = _page(by_name.filter(**{f"{name}__lte": bound[0]}), start, size)
    if len(page) == size or not sort_after_walk:
        return page
    sorted_ = entries.order_by(Concat(F(name), Value("")), "service_id").values_list("service_id", flat=True)
    return _page(sorted_, start, size)


def services_search(*, filters: ServiceSearch, today: datetime.date | None = None) -> SearchResult:
    """Published services matching every filter (AND), one page of them, nearest or most relevant first.

    Rules: a municipality without a point centres the search on the municipality's point with a
    default radius of 10 km (on its locations when it has no point); a service is as far as its
    nearest location, and without a location inside the radius it is left out. A category includes
    its descendants. `date` and `open_now` follow runs_on_condition; a period matches a closure
    availability range overlapping it. `max_price` and `free` look at any cost option. Several
    ages match a service for any of them. Ordered by distance when there is a centre, else by
    relevance to `q`, else by name; ties by name, then id. `sort="price"`: the lowest price, free
    first and unknown prices last, ties by distance then name. `sort="next_available"`: the
    first day each runs from today (or the date, or the period's start), none last.

    The search reads the flat rows search_index keeps for published services (SearchSite near a
    centre, SearchEntry otherwise: every filter inline), counts up to COUNT_CAP (`count_exact` is
    False past it) and never orders every match (see _search_near, _search_region). The page's
    services and everything they show are then loaded in one more query (page_services), and
    their exact distances (haversine) and next dates computed in Python.
    """
    today = today or datetime.datetime.now(tz=ROME).date()
    municipality = municipality_get(istat_code=filters.municipality) if filters.municipality else None
    since = max(today, filters.date) if filters.date else today
    period = None
    if filters.period:
        period = period_dates(filters.period, municipality, level=_level_for(search_ages(filters)))
        since = max(since, period.start)
    words = vocabulary()
    matches = text_matches(search_terms(filters.q or ""), words)
    centre = search_centre(filters, municipality)
    sort = filters.sort or ("distance" if centre else "relevance")
    start = (filters.page - 1) * PAGE_SIZE
    if sort == "next_available":
        # No index knows tomorrow's opening days: the candidates (at most COUNT_CAP, in the
        # default order, so the nearest or the first by name when more match) are ordered by
        # their next date, those without one last, ties in the default order.
        default = "distance" if centre else "relevance"
        if centre is not None:
            count, candidates = _search_near(filters, period, matches, words, centre, default, 0, COUNT_CAP)
        else:
            count, candidates = _search_region(filters, period, matches, words, municipality, default, 0, COUNT_CAP)
        dates = next_available_many(candidates, since)
        candidates.sort(key=lambda pk: (dates[pk] is None, dates[pk] or since))
        page_pks = candidates[start : start + PAGE_SIZE]
    elif centre is not None:
        count, page_pks = _search_near(filters, period, matches, words, centre, sort, start)
    else:
        count, page_pks = _search_region(filters, period, matches, words, municipality, sort, start)
    count_exact = count <= COUNT_CAP
    count = min(count, COUNT_CAP)

    services = page_services(page_pks)
    results = []
    for pk in page_pks:
        service = services[pk]
        locations = [site.location for site in service.sites.all()]
        location, distance = (locations[0] if locations else None), None
        if centre is not None and locations:
            distance, location = min((haversine_km(*centre, loc.latitude, loc.longitude), loc) for loc in locations)
        amounts = [cost.amount_cents for cost in service.costs.all() if cost.amount_cents is not None]
        results.append(
            ServiceHit(
                service=service,
                distance_km=round(distance, 2) if distance is not None else None,
                next_available=next_available(service, since),
                location=location,
                price_cents=min(amounts, default=None),
            )
        )
    return SearchResult(count=count, page=filters.page, results=results, count_exact=count_exact)


def _among(model: type[Any], pks: list[Any]) -> Q | RawSQL:
    """Rows of a search table whose service is one of these: on PostgreSQL one array parameter (a
    thousand separate ones cost the driver more to send than the database to read)."""
    if connection.vendor != "postgresql":
        return Q(service_id__in=pks)
    column = f"{_table(model)}.{connection.ops.quote_name('service_id')}"
    return RawSQL(f"{column} = ANY(%s)", (pks,), output_field=BooleanField())  # noqa: S611 - names from the model


@contextmanager
def _planner(settings: Mapping[str, str]) -> Iterator[None]:
    """On PostgreSQL, these planner settings for the statements inside (nothing on SQLite).

    SET LOCAL inside a (sub)transaction: an error rolls the settings back with it, so they never
    outlive the search on this connection.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items()))
        yield
        # Inside a caller's transaction SET LOCAL would last until its end: put the defaults back.
        cursor.execute("; ".join(f"RESET {name}" for name in settings))


# A search is a few small statements: parallel workers cost more to start than they save. And it
# reads its rows from an index: a sequential scan "until LIMIT rows match" is the planner's bet
# on matches being spread evenly, lost when filters go together (a camp category and an age)
# or exclude each other, then it reads every row; an index bounds the work by the matches.
_INDEXED = {"max_parallel_workers_per_gather": "0", "enable_seqscan": "off"}


def _hashed_joins() -> Any:
    """Plan the filters as hashed semi-joins (no nested loop or merge join), from indexes (_INDEXED).

    With a LIMIT the planner bets on probing each row (by name, or in any order) until enough
    match, which reads them all when few do; hashing the filters' small side (dates, opening
    hours) and streaming the rows costs about the same when many match and stays bounded when
    none do. An index walk by name still stops at the page: a hash join keeps the order of its
    streamed side.
    """
    return _planner({"enable_nestloop": "off", "enable_mergejoin": "off", **_INDEXED})
