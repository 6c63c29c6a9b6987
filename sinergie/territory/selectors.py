"""Reading regions, provinces and municipalities."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sinergie.lib.text import fold
from sinergie.territory.models import Municipality, Province

# ISTAT codes metropolitan cities' statistical units as 200 + the historical province code
# (Milan: 215 vs 015); we store the historical one, which prefixes the municipality codes.
METROPOLITAN_CODE_OFFSET = 200


def province_filter(province: str, *, prefix: str = "") -> Q:
    """Q matching a province given as car-plate abbreviation ("MI") or ISTAT code ("015", "15" or "215")."""
    value = province.strip()
    if value.isdigit():
        code = int(value)
        codes = {f"{code:03d}"}
        if code > METROPOLITAN_CODE_OFFSET:
            codes.add(f"{code - METROPOLITAN_CODE_OFFSET:03d}")
        return Q(**{f"{prefix}istat_code__in": codes})
    return Q(**{f"{prefix}abbreviation": value.upper()})


def region_filter(region: str, *, prefix: str = "") -> Q:
    """Q matching a region given as ISTAT code ("03" or "3") or name ("Lombardia", any case)."""
    value = region.strip()
    if value.isdigit():
        return Q(**{f"{prefix}istat_code": f"{int(value):02d}"})
    return Q(**{f"{prefix}name__iexact": value})


def municipalities_search(
    *, province: str | None = None, region: str | None = None, q: str | None = None
) -> QuerySet[Municipality]:
    """Municipalities filtered by province, region and free text, with province and region joined.

    Rules: `q` is compared accent- and case-insensitively (fold) with the name, every word of it
    must appear ("cassina pecchi" finds Cassina de' Pecchi); names starting with `q` come first;
    then alphabetical order (on the folded name, so accented initials sort with their letter).
    Empty or blank parameters are ignored; an unknown province or region matches nothing.
    """
    queryset = Municipality.objects.select_related("province", "region")
    if "\x00" in f"{province}{region}{q}":  # no name or code has one (and PostgreSQL refuses it)
        return queryset.none()
    if province and province.strip():
        queryset = queryset.filter(province_filter(province, prefix="province__"))
    if region and region.strip():
        queryset = queryset.filter(region_filter(region, prefix="region__"))
    folded = fold(q or "")
    if not folded:
        return queryset.order_by("search_name", "istat_code")
    for word in folded.split():
        queryset = queryset.filter(search_name__contains=word)
    starts = Case(When(search_name__startswith=folded, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.annotate(starts_with_q=starts).order_by("starts_with_q", "search_name", "istat_code")


def municipality_get(*, istat_code: str) -> Municipality | None:
    """The municipality with this ISTAT code (6 digits; "15146" is accepted for "015146"), or None."""
    code = istat_code.strip()
    if "\x00" in code:
        return None
    if code.isdigit() and len(code) < 6:
        code = code.zfill(6)
    return Municipality.objects.select_related("province", "region").filter(istat_code=code).first()


def provinces_list(*, region: str | None = None) -> QuerySet[Province]:
    """Provinces by name, optionally of one region (ISTAT code or name)."""
    queryset = Province.objects.select_related("region").order_by("name")
    if region and "\x00" in region:
        return queryset.none()
    if region and region.strip():
        queryset = queryset.filter(region_filter(region, prefix="region__"))
    return queryset
