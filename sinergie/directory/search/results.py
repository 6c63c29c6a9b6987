"""Running a search: `services_search` counts the matches up to COUNT_CAP, orders them and cuts
the page without ordering every match (near a centre from SearchSite, else from SearchEntry),
then loads the page and measures each service's exact distance and next date."""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Min, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat

from sinergie.directory.models import Location, SearchEntry, SearchSite, Service
from sinergie.directory.search.filters import filtered
from sinergie.directory.search.loading import page_services
from sinergie.directory.search.near import nearest_services, search_centre, squared_distance, within
from sinergie.directory.search.query import COUNT_CAP, DEFAULT_RADIUS_KM, PAGE_SIZE, ServiceSearch, Sort, search_ages
from sinergie.directory.search.sql import INDEXED, among, hashed_joins, planner
from sinergie.directory.search.text import best_score_condition, holds_stems, relevance_expression, text_matches
from sinergie.directory.search_index import Match, Vocabulary, search_terms, vocabulary
from sinergie.directory.selectors import ROME, Period, level_for_ages, next_available, next_available_many, period_dates
from sinergie.lib.geo import haversine_km
from sinergie.territory.models import Municipality
from sinergie.territory.selectors import municipality_get

# Entries a search in name order walks before sorting its matches instead (see _by_name).
NAME_WALK = 2000


@dataclass
class ServiceHit:
    """One service of a page of results, with what its card shows beside it."""

    service: Service
    distance_km: float | None
    next_available: datetime.date | None
    location: Location | None  # the nearest, or the first by name without a centre
    price_cents: int | None  # the lowest known amount


@dataclass
class SearchResult:
    """One page of a search's results, and how many services match."""

    count: int  # at most COUNT_CAP
    page: int
    results: list[ServiceHit] = field(default_factory=list)
    count_exact: bool = True  # False: more than COUNT_CAP services match, `count` is COUNT_CAP

    @property
    def pages(self) -> int:
        return math.ceil(self.count / PAGE_SIZE)


def _ordered(
    rows: QuerySet[Any],
    model: type[SearchEntry | SearchSite],
    filters: ServiceSearch,
    matches: Sequence[Match],
    sort: Sort,
) -> QuerySet[Any, uuid.UUID]:
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
    by_score: list[Combinable] = [F("score").desc()] if matches else []
    order: list[str | Combinable]
    if sort == "distance":
        order = [*by_distance, *by_score, "sort_name", "service_id"]
    elif sort == "name":
        order = ["sort_name", *by_distance, "service_id"]
    elif sort == "price":  # free first (a cost of 0), services without a known price last
        order = [F("price").asc(nulls_last=True), *by_distance, "sort_name", "service_id"]
    else:
        order = [*by_score, "sort_name", *by_distance, "service_id"]
    return rows.order_by(*order).values_list("service_id", flat=True)


def _page(ordered: QuerySet[Any, uuid.UUID], start: int, size: int = PAGE_SIZE) -> list[uuid.UUID]:
    return list(ordered[start : start + size])


def _search_near(
    filters: ServiceSearch,
    period: Period | None,
    matches: Sequence[Match],
    words: Vocabulary,
    centre: tuple[float, float],
    sort: Sort,
    start: int,
    size: int = PAGE_SIZE,
) -> tuple[int, list[uuid.UUID]]:
    """The capped count and the page's service ids of a search around a point, from SearchSite.

    The matching sites in the radius are counted first (a few thousand at most near Milan, each
    tested inline), up to the cap. A few services: their sites are grouped and ordered. More:
    by distance on PostgreSQL the sites come nearest first from a GiST index and only the
    services that can be on the page are ordered; otherwise the sites in the radius are grouped.
    """
    radius = filters.radius_km or DEFAULT_RADIUS_KM
    with planner(INDEXED):
        matching = filtered(SearchSite, filters, period, matches, words)
        sites = within(matching, centre, radius)
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
            nearest = nearest_services(within(matching, centre, radius, plane_box=False), centre, start + size)
            return count, _page(_ordered(_sites_of(nearest, centre), SearchSite, filters, matches, sort), start, size)
        return count, _page(_ordered(sites, SearchSite, filters, matches, sort), start, size)


def _sites_of(services: list[uuid.UUID], centre: tuple[float, float]) -> QuerySet[SearchSite]:
    """Every site of these matching services, with its distance `d2`: their nearest is within the radius."""
    return SearchSite.objects.filter(among(SearchSite, services)).alias(d2=squared_distance(centre, prefix=""))


def _search_region(
    filters: ServiceSearch,
    period: Period | None,
    matches: Sequence[Match],
    words: Vocabulary,
    municipality: Municipality | None,
    sort: Sort,
    start: int,
    size: int = PAGE_SIZE,
) -> tuple[int, list[uuid.UUID]]:
    """The capped count and the page's service ids of a search without a centre, from SearchEntry.

    The first COUNT_CAP + 1 matching ids are read (hashed joins, see hashed_joins). A few: just
    those are ordered. More: the order walks the index on names and stops at the page (by
    relevance, the services with the highest possible score first: every word as typed in a name).
    """
    entries = filtered(SearchEntry, filters, period, matches, words)
    if municipality is not None:  # a municipality without a point: its own locations
        entries = entries.filter(
            service_id__in=SearchSite.objects.filter(municipality=municipality).values("service_id")
        )
    with hashed_joins():
        found = list(entries.order_by().values_list("service_id", flat=True)[: COUNT_CAP + 1])
        count = len(found)
        if count <= COUNT_CAP:
            if start >= count:
                return count, []
            chosen = SearchEntry.objects.filter(among(SearchEntry, found))
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
) -> list[uuid.UUID]:
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
        period = period_dates(filters.period, municipality, level=level_for_ages(search_ages(filters)))
        since = max(since, period.start)
    words = vocabulary()
    matches = text_matches(search_terms(filters.q or ""), words)
    centre = search_centre(filters, municipality)
    sort: Sort = filters.sort or ("distance" if centre else "relevance")
    start = (filters.page - 1) * PAGE_SIZE
    if sort == "next_available":
        # No index knows tomorrow's opening days: the candidates (at most COUNT_CAP, in the
        # default order, so the nearest or the first by name when more match) are ordered by
        # their next date, those without one last, ties in the default order.
        default: Sort = "distance" if centre else "relevance"
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
    results = [_hit(services[pk], centre, since) for pk in page_pks]
    return SearchResult(count=count, page=filters.page, results=results, count_exact=count_exact)


def _hit(service: Service, centre: tuple[float, float] | None, since: datetime.date) -> ServiceHit:
    """A loaded service as a result: its nearest location (exact distance), next date, lowest price."""
    locations = [site.location for site in service.sites.all()]
    location, distance = (locations[0] if locations else None), None
    if centre is not None and locations:
        distance, location = min((haversine_km(*centre, loc.latitude, loc.longitude), loc) for loc in locations)
    amounts = [cost.amount_cents for cost in service.costs.all() if cost.amount_cents is not None]
    return ServiceHit(
        service=service,
        distance_km=round(distance, 2) if distance is not None else None,
        next_available=next_available(service, since),
        location=location,
        price_cents=min(amounts, default=None),
    )
