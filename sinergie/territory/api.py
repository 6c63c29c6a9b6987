"""Public JSON API of the territory, mounted at /api/v1/territory/ (see sinergie/api.py)."""

from __future__ import annotations

import math

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sinergie.lib.api_errors import not_found, responses
from sinergie.territory.models import Municipality, Province
from sinergie.territory.selectors import municipalities_search, municipality_get, provinces_list

PAGE_SIZE = 50

router = Router(tags=["territory"])


class MunicipalityOut(Schema):
    istat_code: str
    name: str
    province: str = Field(description="Car-plate abbreviation of the province, e.g. MI.")
    region: str = Field(description="Name of the region.")
    population: int = Field(description="Resident population (ISTAT, 2023 edition).")
    lat: float | None
    lon: float | None

    @staticmethod
    def resolve_province(obj: Municipality) -> str:
        return obj.province.abbreviation

    @staticmethod
    def resolve_region(obj: Municipality) -> str:
        return obj.region.name

    @staticmethod
    def resolve_lat(obj: Municipality) -> float | None:
        return obj.latitude

    @staticmethod
    def resolve_lon(obj: Municipality) -> float | None:
        return obj.longitude


class MunicipalityDetailOut(MunicipalityOut):
    cadastral_code: str
    population_by_band: dict[str, int] = Field(
        description="Residents by age band: 0_2, 3_5, 6_10, 11_14, 15_64, 65_79, 80_plus."
    )

    @staticmethod
    def resolve_population_by_band(obj: Municipality) -> dict[str, int]:
        return obj.population_by_band()


class MunicipalityPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MunicipalityOut]


class MunicipalityFilters(Schema):
    province: str | None = Field(None, description="Car-plate abbreviation (MI) or ISTAT code (015).")
    region: str | None = Field(None, description="ISTAT code (03) or name (Lombardia).")
    q: str | None = Field(None, description="Part of the name; accents and case do not matter.")
    page: int = Field(1, ge=1, description=f"1-based page of {PAGE_SIZE} results.")


class ProvinceOut(Schema):
    istat_code: str
    name: str
    abbreviation: str
    region: str = Field(description="Name of the region.")
    region_code: str

    @staticmethod
    def resolve_region(obj: Province) -> str:
        return obj.region.name

    @staticmethod
    def resolve_region_code(obj: Province) -> str:
        return obj.region.istat_code


@router.get("/municipalities", response=responses(MunicipalityPage, 422), summary="Search municipalities")
def municipalities(request: HttpRequest, filters: Query[MunicipalityFilters]) -> dict[str, object]:
    """Municipalities matching the filters, ordered by name (names starting with `q` first), 50 per page.

    A page past the end has no results; an unknown province or region gives count 0.
    """
    queryset = municipalities_search(province=filters.province, region=filters.region, q=filters.q)
    count = queryset.count()
    start = (filters.page - 1) * PAGE_SIZE
    return {
        "count": count,
        "page": filters.page,
        "pages": math.ceil(count / PAGE_SIZE),
        "results": list(queryset[start : start + PAGE_SIZE]) if start < count else [],
    }


@router.get(
    "/municipalities/{istat_code}",
    response=responses(MunicipalityDetailOut, 404),
    summary="One municipality by ISTAT code",
)
def municipality_detail(request: HttpRequest, istat_code: str) -> Municipality:
    municipality = municipality_get(istat_code=istat_code)
    if municipality is None:
        raise not_found(f"No municipality with ISTAT code {istat_code}.")
    return municipality


@router.get("/provinces", response=list[ProvinceOut], summary="List provinces")
def provinces(request: HttpRequest, region: str | None = None) -> list[Province]:
    """All 107 provinces by name, or those of one region (ISTAT code or name)."""
    return list(provinces_list(region=region))
