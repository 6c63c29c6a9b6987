"""The families' search page (/servizi/) and the information points (/punti-informativi/).

One view for both: a GET form whose query string is the whole state (shareable, bookmarkable,
works without JavaScript). An htmx request gets only the results fragment; when the filters
have errors it is sent to the full page instead, where each message sits next to its field.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sinergie.directory.models import ServiceKind
from sinergie.directory.opening import intervals_text, open_status, open_status_text, opening_today
from sinergie.directory.search.query import DEFAULT_RADIUS_KM, parse_query
from sinergie.directory.search.results import SearchResult, ServiceHit, services_search
from sinergie.directory.search_page import SearchForm, lombardy_municipalities, municipality_boundaries, page_links
from sinergie.directory.views import age_range_text, cost_text, language_names, long_date, opening_hours
from sinergie.territory.models import Municipality


def _is_htmx(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _hit_row(request: HttpRequest, hit: ServiceHit, language: str, now: Any) -> dict[str, Any]:
    service = hit.service
    url = reverse("directory:service-detail", args=[service.pk])
    cheapest = next((cost for cost in service.costs.all() if cost.amount_cents == hit.price_cents), None)
    status = open_status(service, now)
    location = hit.location
    return {
        "service": service,
        "name": service.name(language),
        "url": url,
        "absolute_url": request.build_absolute_uri(url),
        "categories": [term.name(language) for term in service.categories.all()],
        "municipality": location.municipality.name if location else "",
        "address": location.address_1 if location else "",
        "distance": number_format(hit.distance_km, decimal_pos=1, use_l10n=True) if hit.distance_km is not None else "",
        "ages": age_range_text(service.minimum_age_months, service.maximum_age_months),
        # Every card says what it costs and whether vouchers pay for it, so that results compare.
        "price": cost_text(cheapest) if cheapest is not None else _("Price on request"),
        "accepts_vouchers": service.accepts_vouchers,
        "next_available": long_date(hit.next_available, language) if hit.next_available else "",
        "status": open_status_text(status, now, language) if status else "",
        "is_open": bool(status and status.is_open),
        "is_info_point": service.kind == ServiceKind.INFO_POINT,
        "languages": language_names(service.languages or [], language),
        "hours_today": intervals_text(opening_today(service, now.date())) if status else "",
        "hours": [
            opening_hours(schedule, language).text
            for schedule in [
                *service.schedules.all(),
                *(s for site in service.sites.all() for s in site.schedules.all()),
            ]
        ]
        if service.kind == ServiceKind.INFO_POINT
        else [],
        "location": location,
    }


# Query parameters that are not filters: they do not open the filters or count as active.
_NOT_FILTERS = {"page", "lang", "sort", "lat", "lon"}


def _active_filters(request: HttpRequest) -> int:
    return sum(1 for key, values in request.GET.lists() if key not in _NOT_FILTERS and any(v.strip() for v in values))


def _map_data(
    rows: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    municipality: str,
    centre: list[float] | None,
    radius_km: float,
) -> dict[str, Any]:
    """What the map draws: the page's results, the searched municipality, the circle searched."""
    return {
        "markers": [
            {
                "number": number,
                "name": row["name"],
                "url": row["url"],
                "place": row["municipality"],
                "latitude": row["location"].latitude,
                "longitude": row["location"].longitude,
            }
            for number, row in enumerate(rows, start=1)
            if row["location"] is not None
        ],
        "boundary": boundary,
        "municipality": municipality,
        "centre": centre,
        "radius_m": round(radius_km * 1000) if centre else None,
    }


def _search(request: HttpRequest, *, info_points: bool) -> HttpResponse:
    language = get_language() or "it"
    now = timezone.localtime()
    form = SearchForm(request.GET, language=language, today=now.date())
    if info_points:
        del form.fields["kind"]
    form.is_valid()  # every field is optional text: this only prepares cleaned_data for add_error

    fixed = {"lang": language, "kind": ServiceKind.INFO_POINT} if info_points else {"lang": language}
    query = parse_query(request.GET, source="page", fixed=fixed, now=now)
    # On the full page each message sits next to its field and in the summary; an htmx request
    # (a filter just changed) gets the summary in place of the results, its links leading to the
    # fields, without reloading the form under the visitor's cursor.
    form.add_search_errors(query.errors)
    filters = query.search

    result: SearchResult | None = None
    rows: list[dict[str, Any]] = []
    boundary, municipality_name = None, ""
    centre: list[float] | None = None
    if filters is not None:
        result = services_search(filters=filters, today=now.date())
        rows = [_hit_row(request, hit, language, now) for hit in result.results]
        if filters.lat is not None and filters.lon is not None:
            centre = [filters.lat, filters.lon]
        if filters.municipality:
            found = (
                Municipality.objects.filter(istat_code=filters.municipality)
                .values_list("name", "boundary", "latitude", "longitude")
                .first()
            )
            if found:
                municipality_name, geometry, latitude, longitude = found
                if geometry:
                    boundary = {"type": "Feature", "properties": {"name": municipality_name}, "geometry": geometry}
                if centre is None and latitude is not None and longitude is not None:
                    centre = [latitude, longitude]

    radius = filters.radius_km if filters is not None and filters.radius_km else DEFAULT_RADIUS_KM
    context = {
        "form": form,
        "info_points": info_points,
        "result": result,
        "rows": rows,
        "page": page_links(result.count, result.page) if result else None,
        "map_data": _map_data(rows, boundary, municipality_name, centre, radius),
        "has_centre": filters is not None and (filters.municipality is not None or filters.lat is not None),
        "near_me": query.point is not None,
        "default_radius": int(DEFAULT_RADIUS_KM),
        "radius": radius,
        "form_action": request.path,
        # On a phone the filters fold into a disclosure so that the first result shows in the
        # first screen; open when nothing is searched yet or a field has a message to read.
        "active_filters": _active_filters(request),
        "filters_open": bool(query.errors) or not _active_filters(request),
    }
    if _is_htmx(request):
        context["is_htmx"] = True
        response = render(request, "directory/_search_results.html", context)
    else:
        context["municipalities"] = lombardy_municipalities()
        response = render(request, "directory/search.html", context)
    # The same URL answers a fragment or a page: caches (and the back button) must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def service_search(request: HttpRequest) -> HttpResponse:
    return _search(request, info_points=False)


@require_safe
def info_points(request: HttpRequest) -> HttpResponse:
    return _search(request, info_points=True)


BAD_BOX = gettext_lazy("Give bbox as west,south,east,north in degrees (WGS84), e.g. 9.3,45.4,9.5,45.6.")


@require_safe
def municipal_boundaries(request: HttpRequest) -> JsonResponse:
    """The municipal boundaries around the search map's view (`bbox`): its base, from the local
    data, with no tile server. The same for everyone and rarely changing: cached a day."""
    try:
        west, south, east, north = (float(part) for part in request.GET.get("bbox", "").split(","))
    except ValueError:
        return JsonResponse({"detail": str(BAD_BOX)}, status=400)
    if not all(math.isfinite(value) for value in (west, south, east, north)) or west > east or south > north:
        return JsonResponse({"detail": str(BAD_BOX)}, status=400)
    response = JsonResponse(municipality_boundaries(west=west, south=south, east=east, north=north))
    patch_cache_control(response, public=True, max_age=86400)
    return response
