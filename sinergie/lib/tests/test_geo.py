from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sinergie.lib.geo import EARTH_RADIUS_KM, bounding_box, haversine_km, radius_deltas

latitudes = st.floats(min_value=-85, max_value=85, allow_nan=False)
longitudes = st.floats(min_value=-179, max_value=179, allow_nan=False)
points = st.tuples(latitudes, longitudes)


def destination(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """The point reached going `distance_km` from (lat, lon) on `bearing_deg` (the direct formula)."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    delta = distance_km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)


def test_it_measures_melzo_to_milan():
    # Melzo to Milan's centre is about 18 km as the crow flies.
    assert haversine_km(45.4998, 9.4226, 45.4642, 9.19) == pytest.approx(18.5, abs=0.5)


def test_it_measures_a_degree_of_latitude():
    assert haversine_km(45, 9, 46, 9) == pytest.approx(111.2, abs=0.1)


@given(points, points)
def test_the_distance_is_symmetric(a, b):
    assert haversine_km(*a, *b) == pytest.approx(haversine_km(*b, *a), abs=1e-9)


@given(points)
def test_a_point_is_at_zero_from_itself(a):
    assert haversine_km(*a, *a) == 0


@given(points, points, points)
def test_the_distance_keeps_the_triangle_inequality(a, b, c):
    assert haversine_km(*a, *c) <= haversine_km(*a, *b) + haversine_km(*b, *c) + 1e-6


@given(points, points)
def test_the_distance_is_at_most_half_the_circumference(a, b):
    assert 0 <= haversine_km(*a, *b) <= math.pi * EARTH_RADIUS_KM + 1e-6


@given(
    st.floats(min_value=35, max_value=47.5),
    st.floats(min_value=6, max_value=19),
    st.floats(min_value=0.1, max_value=100),
    st.floats(min_value=0, max_value=360),
    st.floats(min_value=0, max_value=1),
)
@example(35.5, 6.0, 1.0, 0.0, 1.0)  # due north, on the circle: once fell outside by rounding
def test_the_box_holds_every_point_within_the_radius(lat, lon, radius, bearing, fraction):
    box = bounding_box(lat, lon, radius)
    target = destination(lat, lon, bearing, radius * fraction)
    assert haversine_km(lat, lon, *target) == pytest.approx(radius * fraction, abs=1e-6)
    assert box.contains(*target)


def test_the_box_is_not_much_larger_than_the_radius():
    d_lat, d_lon = radius_deltas(45.5, 10)
    assert d_lat == pytest.approx(10 / 111.2, rel=0.01)
    # A degree of longitude at 45.5° is about 78 km.
    assert d_lon == pytest.approx(10 / 78, rel=0.02)


def test_the_box_spans_every_longitude_near_a_pole():
    assert radius_deltas(89.5, 100)[1] == 180


def test_it_refuses_a_negative_radius():
    with pytest.raises(ValueError):
        radius_deltas(45, -1)
