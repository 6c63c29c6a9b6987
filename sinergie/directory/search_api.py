"""Search of the directory as JSON, mounted at /api/v1/services/ (see sinergie/api.py).

Every parameter is taken as text and validated by `search.query.parse_query`, the one place
that knows the rules, so a bad value gets the same message here as in the pages: HTTP 422 with
{"detail": [{"type": "value_error", "loc": ["query", "<parameter>"], "msg": "..."}]}. The OpenAPI
document describes each parameter as what parse_query accepts (numbers with their bounds, the
orders as an enum), from the same constants.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema

from sinergie.directory.models import ServiceKind
from sinergie.directory.search.query import (
    ISO_639_1,
    ITALY_LAT,
    ITALY_LON,
    MAX_AGE_YEARS,
    MAX_AGES,
    MAX_PAGE,
    MAX_Q_LENGTH,
    MAX_RADIUS_KM,
    PAGE_SIZE,
    SORTS,
    parse_query,
)
from sinergie.directory.search.results import ServiceHit, services_search
from sinergie.lib.api_errors import invalid_parameters, responses
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN

search_router = Router(tags=["directory"])


class MunicipalityRef(Schema):
    istat_code: str
    name: str


class ServiceResult(Schema):
    id: str
    name: str
    category: str | None = Field(description="Code of the service's first category.")
    categories: list[str] = Field(description="Codes of all its categories.")
    distance_km: float | None = Field(description="To its nearest location; null without a centre.")
    minimum_age: float | None = Field(description="In years, one decimal.")
    maximum_age: float | None = Field(description="In years, one decimal.")
    municipality: MunicipalityRef | None = Field(description="Of the nearest location (or the first).")
    next_available: str | None = Field(description="First day it runs from today, the date or the period's start.")
    accepts_vouchers: bool
    price_cents: int | None = Field(description="The lowest known price, in cents.")
    lat: float | None
    lon: float | None


class SearchPage(Schema):
    count: int = Field(description="Matching services, counted up to 1,000 (see count_exact).")
    count_exact: bool = Field(description="False when more than 1,000 services match: count is then 1000.")
    page: int
    pages: int
    results: list[ServiceResult]


def _documented(schema: dict[str, Any], description: str) -> Any:
    """A text parameter that the OpenAPI document describes as what parse_query accepts."""

    def replace(generated: dict[str, Any]) -> None:
        generated.clear()
        generated.update(schema, description=description)

    return Field(None, json_schema_extra=replace)


class SearchParams(Schema):
    """Taken as text and checked by parse_query (the pages' messages); documented as what it accepts."""

    municipality: str | None = _documented(
        {"type": "string", "pattern": "^[0-9]{6}$"}, "ISTAT code; without lat/lon it is the centre (10 km)."
    )
    lat: str | None = _documented(
        {"type": "number", "minimum": ITALY_LAT[0], "maximum": ITALY_LAT[1]},
        "Latitude of the centre (WGS84, inside Italy); with lon.",
    )
    lon: str | None = _documented(
        {"type": "number", "minimum": ITALY_LON[0], "maximum": ITALY_LON[1]},
        "Longitude of the centre (WGS84, inside Italy); with lat.",
    )
    radius_km: str | None = _documented(
        {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_KM},
        f"Radius around the centre, up to {MAX_RADIUS_KM:g} km; needs a centre.",
    )
    age: list[str] | None = _documented(
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": MAX_AGE_YEARS},
            "maxItems": MAX_AGES,
        },
        f"Age of each child in years, 0–{MAX_AGE_YEARS}: repeat it for several children (age=3&age=7), "
        f"at most {MAX_AGES}; a service for any of them matches.",
    )
    category: str | None = _documented(
        {"type": "string"}, "Taxonomy code, e.g. holiday_camps (includes subcategories)."
    )
    date: str | None = _documented(
        {"type": "string", "format": "date"},
        f"A day (YYYY-MM-DD, years {YEAR_MIN}–{YEAR_MAX}) on which the service must run.",
    )
    period: str | None = _documented(
        {"type": "string", "pattern": "^[a-z]+-[0-9]{4}$"},
        "A school closure, e.g. natale-2026, estate-2027, easter-2027.",
    )
    q: str | None = _documented(
        {"type": "string", "maxLength": MAX_Q_LENGTH}, "Words to find; accents, case and plurals do not matter."
    )
    free: str | None = _documented({"type": "boolean"}, "true: only services with a free option.")
    voucher: str | None = _documented({"type": "boolean"}, "true: only services accepting the alliance's vouchers.")
    max_price: str | None = _documented(
        {"type": "integer", "minimum": 0}, "Maximum price in cents of at least one option."
    )
    open_now: str | None = _documented({"type": "boolean"}, "true: only services open now (Europe/Rome).")
    kind: str | None = _documented({"type": "string", "enum": list(ServiceKind.values)}, "The kind of service.")
    sort: str | None = _documented(
        {"type": "string", "enum": list(SORTS)},
        "distance (default with a centre, and only with one), relevance, name, price (the lowest; free first, "
        "unknown prices last) or next_available (the first day it runs; when more than 1,000 match, among the "
        "1,000 first in the default order).",
    )
    page: str | None = _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, f"1-based page of {PAGE_SIZE} results."
    )
    language: str | None = _documented(
        {"type": "string", "enum": sorted(ISO_639_1)}, "A language spoken to families, ISO 639-1 code (e.g. ar)."
    )
    lang: str | None = _documented({"type": "string", "enum": ["it", "en"]}, "Language of names and messages.")


def _years(months: int | None) -> float | None:
    return None if months is None else round(months / 12, 1)


def _result(hit: ServiceHit, language: str) -> dict[str, object]:
    service, location = hit.service, hit.location
    codes = [term.code for term in service.categories.all()]
    return {
        "id": str(service.pk),
        "name": service.name(language),
        "category": codes[0] if codes else None,
        "categories": codes,
        "distance_km": hit.distance_km,
        "minimum_age": _years(service.minimum_age_months),
        "maximum_age": _years(service.maximum_age_months),
        "municipality": (
            {"istat_code": location.municipality.istat_code, "name": location.municipality.name} if location else None
        ),
        "next_available": hit.next_available.isoformat() if hit.next_available else None,
        "accepts_vouchers": service.accepts_vouchers,
        "price_cents": hit.price_cents,
        "lat": location.latitude if location else None,
        "lon": location.longitude if location else None,
    }


@search_router.get("/search", response=responses(SearchPage, 422), summary="Search published services")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    """Published services matching every given filter, nearest first when there is a centre.

    Filters combine with AND; a page past the end has no results. A bad parameter gives 422
    naming it in `loc`.
    """
    raw = {key: value for key, value in params.dict().items() if value is not None}
    language = raw.get("lang") if raw.get("lang") in ("it", "en") else translation.get_language() or "it"
    with translation.override(language):
        query = parse_query(raw)
        if query.search is None:
            raise invalid_parameters(query.errors)
        filters = query.search
        result = services_search(filters=filters)
    return {
        "count": result.count,
        "count_exact": result.count_exact,
        "page": result.page,
        "pages": result.pages,
        "results": [_result(hit, filters.language) for hit in result.results],
    }
