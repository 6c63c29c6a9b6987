"""Public JSON API of the school calendar, mounted at /api/v1/school-calendar/ (see sinergie/api.py)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sinergie.lib.api_errors import not_found, responses
from sinergie.lib.school_calendar import YEAR_MAX, YEAR_MIN, Level
from sinergie.schoolcalendar.selectors import school_year_for
from sinergie.territory.models import Municipality

router = Router(tags=["school calendar"])


class SchoolYearQuery(Schema):
    year: int = Field(..., ge=YEAR_MIN, le=YEAR_MAX, description="The year the school year starts: 2026 for 2026/27.")
    level: Level = Field(Level.PRIMARIA, description="School level; every level but infanzia follows the same dates.")
    lang: Literal["it", "en"] = Field("it", description="Language of the closure names.")


class ClosureOut(Schema):
    kind: str = Field(description="christmas, carnival, easter, holiday, patron or local.")
    name: str = Field(description="In the language asked with `lang` (Italian by default).")
    start: datetime.date
    end: datetime.date = Field(description="Last closed day, inclusive.")
    source: str


class SchoolYearOut(Schema):
    istat_code: str
    municipality: str
    year: int
    level: str
    rite: str = Field(description="roman or ambrosian.")
    start: datetime.date = Field(description="First day of lessons.")
    end: datetime.date = Field(description="Last day of lessons.")
    closures: list[ClosureOut]


@router.get(
    "/{istat_code}",
    response=responses(SchoolYearOut, 404, 422),
    summary="School year of a municipality",
)
def school_year(request: HttpRequest, istat_code: str, query: Query[SchoolYearQuery]) -> dict[str, object]:
    """First and last day of lessons and every closure period, from the Lombardy rules
    (DGR IX/3318 of 18/04/2012), the municipality's rite and patron, and local closures.
    """
    municipality = Municipality.objects.select_related("province").filter(istat_code=istat_code).first()
    if municipality is None:
        raise not_found(f"No municipality with ISTAT code {istat_code}.")
    calendar = school_year_for(municipality, query.year, query.level)
    language = query.lang
    return {
        "istat_code": municipality.istat_code,
        "municipality": municipality.name,
        "year": calendar.year,
        "level": str(calendar.level),
        "rite": str(calendar.rite),
        "start": calendar.start,
        "end": calendar.end,
        "closures": [
            {"kind": str(p.kind), "name": p.name(language), "start": p.start, "end": p.end, "source": p.source}
            for p in calendar.closures
        ],
    }
