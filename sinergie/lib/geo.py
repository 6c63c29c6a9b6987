"""Distances on the Earth's surface for searches near a point (WGS84 degrees, kilometres).

Pure functions, no Django: the database filters candidates with `bounding_box` (plain
comparisons, portable to SQLite and PostgreSQL) and Python refines with `haversine_km`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The mean Earth radius (IUGG): within 0.5% of the true distance anywhere, plenty for "near me".
EARTH_RADIUS_KM = 6371.0088

# Added to each half-width so that rounding never leaves a point exactly on the circle outside
# the box (about a tenth of a millimetre).
_MARGIN_DEGREES = 1e-9

# Near the poles a longitude delta blows up; past this latitude the box spans every longitude.
_POLAR_LATITUDE = 89.0


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # Rounding can push h a hair outside [0, 1] for antipodal or identical points.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def radius_deltas(lat: float, radius_km: float) -> tuple[float, float]:
    """Latitude and longitude half-widths in degrees of a box holding every point within `radius_km`.

    The longitude delta is taken at the box's edge nearest the pole, where degrees of longitude
    are shortest, so the box never cuts the circle off (it is a little larger than needed).
    """
    if radius_km < 0:
        raise ValueError("The radius cannot be negative.")
    d_lat = math.degrees(radius_km / EARTH_RADIUS_KM) + _MARGIN_DEGREES
    edge = min(90.0, abs(lat) + d_lat)
    if edge >= _POLAR_LATITUDE:
        return d_lat, 180.0
    d_lon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(edge)))) + _MARGIN_DEGREES
    return d_lat, min(180.0, d_lon)


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The box around (lat, lon) holding every point within `radius_km` (no wrapping at ±180°)."""
    d_lat, d_lon = radius_deltas(lat, radius_km)
    return BoundingBox(lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon)
