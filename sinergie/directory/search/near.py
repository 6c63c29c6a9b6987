"""Distances of a search around a point: the centre, the radius as a bounding box on the
index, and on PostgreSQL the sites read nearest first from a GiST index."""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

from sinergie.directory.models import SearchSite
from sinergie.directory.search.query import ServiceSearch
from sinergie.directory.search.sql import table_name
from sinergie.lib.geo import EARTH_RADIUS_KM, bounding_box
from sinergie.territory.models import Municipality


def search_centre(filters: ServiceSearch, municipality: Municipality | None) -> tuple[float, float] | None:
    """The point a search measures distances from: the given one, else the municipality's."""
    if filters.lat is not None and filters.lon is not None:
        return (filters.lat, filters.lon)
    if municipality is not None and municipality.latitude is not None and municipality.longitude is not None:
        return (municipality.latitude, municipality.longitude)
    return None


def squared_distance(centre: tuple[float, float], prefix: str = "location__") -> ExpressionWrapper[Any]:
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
# corrects for that (nearest_services), so the order is the exact one of squared_distance.
LON_SCALE = 0.69966
# Sites read at first per service needed (services with several sites take more rows).
NEAREST_FETCH_FACTOR = 3
NEAREST_MIN_FETCH = 60
# The plane point in SQL: migrations 0006 and 0009 index this very text (the planner uses the
# index only for the same expression).
PLANE_POINT = 'point({table}."longitude" * 0.69966, {table}."latitude")'


def within(
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
                f"{PLANE_POINT.format(table=table_name(SearchSite))} <@ box(point(%s, %s), point(%s, %s))",
                (box.min_lon * LON_SCALE, box.min_lat, box.max_lon * LON_SCALE, box.max_lat),
                output_field=BooleanField(),
            )
        )
    return (
        sites.filter(latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon))
        .alias(d2=squared_distance(centre, prefix=""))
        .filter(d2__lte=degrees(radius_km) ** 2)
    )


def nearest_services(sites: QuerySet[SearchSite], centre: tuple[float, float], needed: int) -> list[uuid.UUID]:
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
        f"{PLANE_POINT.format(table=table_name(SearchSite))} <-> point(%s, %s)",
        (lon * LON_SCALE, lat),
        output_field=FloatField(),
    )
    by_plane = sites.annotate(d2_exact=squared_distance(centre, prefix=""), plane=plane).order_by("plane")
    rows_by_plane = by_plane.values_list("service_id", "d2_exact", "plane")
    fetch = max(NEAREST_FETCH_FACTOR * needed, NEAREST_MIN_FETCH)
    while True:
        rows = list(rows_by_plane[:fetch])
        nearest: dict[uuid.UUID, float] = {}
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
