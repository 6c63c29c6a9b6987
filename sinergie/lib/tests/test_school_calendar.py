from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergie.lib.school_calendar import (
    DGR_3318,
    YEAR_MAX,
    YEAR_MIN,
    Kind,
    Level,
    Rite,
    default_rite,
    is_school_day,
    school_year,
)

D = datetime.date


def _period(calendar, kind: str):
    (period,) = [p for p in calendar.closures if p.kind == kind]
    return period.start, period.end


def test_it_matches_the_published_2025_26_calendar():
    primary = school_year(2025, "primaria", "roman", "BG")
    nursery = school_year(2025, "infanzia", "roman", "BG")
    assert (primary.start, primary.end) == (D(2025, 9, 12), D(2026, 6, 8))
    assert (nursery.start, nursery.end) == (D(2025, 9, 5), D(2026, 6, 30))
    assert _period(primary, Kind.CHRISTMAS) == (D(2025, 12, 23), D(2026, 1, 6))
    assert _period(primary, Kind.EASTER) == (D(2026, 4, 2), D(2026, 4, 7))
    assert _period(primary, Kind.CARNIVAL) == (D(2026, 2, 16), D(2026, 2, 17))
    assert _period(school_year(2025, "primaria", "ambrosian", "MI"), Kind.CARNIVAL) == (D(2026, 2, 20), D(2026, 2, 21))


def test_it_derives_2026_27_from_the_rules():
    primary = school_year(2026, "secondaria_primo", "roman", "BG")
    nursery = school_year(2026, "infanzia", "roman", "BG")
    assert (primary.start, primary.end) == (D(2026, 9, 14), D(2027, 6, 8))
    assert (nursery.start, nursery.end) == (D(2026, 9, 7), D(2027, 6, 30))
    assert _period(primary, Kind.CHRISTMAS) == (D(2026, 12, 23), D(2027, 1, 6))
    assert _period(primary, Kind.CARNIVAL) == (D(2027, 2, 8), D(2027, 2, 9))
    assert _period(school_year(2026, "primaria", "ambrosian", "MI"), Kind.CARNIVAL) == (D(2027, 2, 12), D(2027, 2, 13))
    assert _period(primary, Kind.EASTER) == (D(2027, 3, 25), D(2027, 3, 30))
    assert all(p.source == DGR_3318 for p in primary.closures if p.kind != Kind.HOLIDAY)


def test_it_keeps_a_saturday_8_june():
    assert school_year(2023, "primaria", "roman", "BG").end == D(2024, 6, 8)


def test_it_closes_on_the_provincial_patron_day():
    milan = school_year(2026, "primaria", "ambrosian", "MI")
    bergamo = school_year(2026, "primaria", "roman", "BG")
    patron = [p for p in milan.closures if p.kind == Kind.PATRON]
    assert [(p.start, p.name_it) for p in patron] == [(D(2026, 12, 7), "Sant'Ambrogio")]
    assert not any(p.start <= D(2026, 12, 7) <= p.end for p in bergamo.closures)
    assert not milan.is_school_day(D(2026, 12, 7))
    assert bergamo.is_school_day(D(2026, 12, 7))


def test_it_takes_a_municipality_patron_day_instead_of_the_province_one():
    calendar = school_year(2026, "primaria", "ambrosian", "MI", patron_day=(11, 11))
    patron = [p.start for p in calendar.closures if p.kind == Kind.PATRON]
    assert patron == [D(2026, 11, 11)]


def test_it_lists_national_holidays_on_school_days_only():
    calendar = school_year(2027, "primaria", "roman", "BG")
    holidays = {p.start for p in calendar.closures if p.kind == Kind.HOLIDAY}
    assert D(2027, 11, 1) in holidays  # a Monday
    assert D(2027, 10, 4) in holidays  # San Francesco, national from 2026
    assert D(2027, 12, 8) in holidays
    assert D(2027, 12, 25) not in holidays  # inside the Christmas holidays


def test_it_answers_whether_a_day_has_lessons():
    assert is_school_day(D(2026, 9, 14), "primaria", "roman", "BG")
    assert not is_school_day(D(2026, 9, 12), "primaria", "roman", "BG")  # Saturday
    assert not is_school_day(D(2026, 12, 28), "primaria", "roman", "BG")
    assert not is_school_day(D(2026, 7, 15), "infanzia", "roman", "BG")
    assert is_school_day(D(2027, 6, 29), "infanzia", "roman", "BG")
    assert not is_school_day(D(2027, 6, 29), "primaria", "roman", "BG")


def test_it_defaults_the_rite_from_the_province():
    assert default_rite("MI") == Rite.AMBROSIAN
    assert default_rite("lc") == Rite.AMBROSIAN
    assert default_rite("BG") == Rite.ROMAN
    assert school_year(2026, "primaria", None, "VA").rite == Rite.AMBROSIAN


def test_it_refuses_years_and_provinces_it_does_not_know():
    with pytest.raises(ValueError):
        school_year(1999)
    with pytest.raises(ValueError):
        school_year(2101)
    with pytest.raises(ValueError):
        school_year(2026, "primaria", "roman", "XX")
    with pytest.raises(ValueError):
        school_year(2026, "asilo")


PROVINCES = st.sampled_from([None, "MI", "BG", "BS", "CO", "CR", "LC", "LO", "MN", "MB", "PV", "SO", "VA"])


@settings(max_examples=150, deadline=None)
@given(
    year=st.integers(YEAR_MIN, YEAR_MAX),
    level=st.sampled_from(list(Level)),
    rite=st.sampled_from(list(Rite)),
    province=PROVINCES,
    saturday_school=st.booleans(),
)
def test_it_keeps_its_invariants_for_any_year(year, level, rite, province, saturday_school):
    calendar = school_year(year, level, rite, province, saturday_school=saturday_school)
    assert calendar.start < calendar.end
    assert calendar.start.weekday() < 5
    closed_days = {day for period in calendar.closures for day in period.days()}
    assert calendar.start not in closed_days
    assert calendar.is_school_day(calendar.start)
    previous_end = None
    for period in calendar.closures:  # sorted, inside the year and never overlapping
        assert calendar.start <= period.start <= period.end <= calendar.end
        assert previous_end is None or period.start > previous_end
        previous_end = period.end
