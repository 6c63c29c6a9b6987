from __future__ import annotations

import datetime

import pytest

from sinergie.lib.school_calendar import ClosurePeriod, Kind, school_year
from sinergie.planner.gaps import Care, Carer, Child, care_for_age, find_gaps

D = datetime.date
MON_FRI = Carer(frozenset(range(5)))


def milan_area(year: int, level: str):
    # Cernusco sul Naviglio with no settings of its own: Ambrosian rite, Sant'Ambrogio (7 December).
    return school_year(year, level, None, "MI")


def periods(plan):
    return [(p.kind, p.start, p.end, len(p.days), p.children) for p in plan.periods]


def test_a_seven_year_old_with_two_working_parents_in_cernusco_gets_every_closure_of_2026_27():
    plan = find_gaps(year=2026, children=[Child(1, care_for_age(7), 7)], carers=[MON_FRI, MON_FRI],
                     calendar_for=milan_area)  # fmt: skip
    assert plan.span_start == D(2026, 6, 9)  # the day after 2025/26 ends
    assert plan.span_end == D(2027, 9, 12)  # the day before 2027/28 starts
    assert periods(plan) == [
        ("summer", D(2026, 6, 9), D(2026, 8, 31), 60, [1]),
        ("september", D(2026, 9, 1), D(2026, 9, 11), 9, [1]),
        ("patron", D(2026, 12, 7), D(2026, 12, 7), 1, [1]),  # Monday: the bridge to the 8th
        ("christmas", D(2026, 12, 23), D(2027, 1, 5), 8, [1]),  # Christmas, 1 and 6 January are holidays
        ("carnival", D(2027, 2, 12), D(2027, 2, 12), 1, [1]),  # Ambrosian: Friday (and Saturday)
        ("easter", D(2027, 3, 25), D(2027, 3, 30), 3, [1]),  # Easter Monday is a holiday
        ("summer", D(2027, 6, 9), D(2027, 8, 31), 60, [1]),
        ("september", D(2027, 9, 1), D(2027, 9, 10), 8, [1]),
    ]
    assert plan.periods[3].name("it") == "Vacanze di Natale"
    assert plan.periods[6].name("en") == "Summer 2027"
    assert plan.periods[2].name("it") == "Sant'Ambrogio" or "Ambrogio" in plan.periods[2].name("it")
    assert plan.label == "2026/27"
    # 15 August, 2 June and the other national holidays are never days to cover.
    days = {day for period in plan.periods for day in period.days}
    assert D(2027, 8, 16) in days and D(2026, 8, 15) not in days and D(2027, 6, 2) not in days


def test_a_parent_who_does_not_work_on_fridays_removes_fridays_without_splitting_a_period():
    no_fridays = Carer(frozenset({0, 1, 2, 3}))
    plan = find_gaps(year=2026, children=[Child(1, Care.PRIMARIA, 7)], carers=[MON_FRI, no_fridays],
                     calendar_for=milan_area)  # fmt: skip
    easter = next(p for p in plan.periods if p.kind == "easter")
    # Thursday 25 and Tuesday 30 March: Friday 26 is gone, Easter Monday is a holiday, one period still.
    assert easter.days == [D(2027, 3, 25), D(2027, 3, 30)]
    assert all(day.weekday() != 4 for p in plan.periods for day in p.days)
    assert not [p for p in plan.periods if p.kind == "carnival"]  # Ambrosian carnival is Friday and Saturday


def test_weekends_inside_a_closure_join_it_and_count_when_a_carer_works_them():
    every_day = Carer(frozenset(range(7)))
    plan = find_gaps(year=2026, children=[Child(1, Care.PRIMARIA)], carers=[every_day], calendar_for=milan_area)
    christmas = next(p for p in plan.periods if p.kind == "christmas")
    assert D(2027, 1, 2) in christmas.days  # a Saturday, inside the holidays
    assert D(2026, 12, 26) not in christmas.days  # Santo Stefano, a public holiday
    # An ordinary Saturday in term is the weekly routine, not a closure.
    assert all(D(2026, 10, 10) not in p.days for p in plan.periods)
    assert len(plan.periods) == len({(p.start, p.end) for p in plan.periods})


def test_a_single_parent_counts_alone():
    plan = find_gaps(year=2026, children=[Child(1, Care.PRIMARIA)], carers=[MON_FRI], calendar_for=milan_area)
    assert [p.kind for p in plan.periods][:4] == ["summer", "september", "patron", "christmas"]


def test_a_carer_at_home_on_weekdays_leaves_nothing_to_cover():
    weekend_worker = Carer(frozenset({5}))
    plan = find_gaps(year=2026, children=[Child(1, Care.PRIMARIA)], carers=[MON_FRI, weekend_worker],
                     calendar_for=milan_area)  # fmt: skip
    assert plan.periods == []
    assert plan.day_count == 0


def test_children_of_different_levels_are_named_per_period():
    plan = find_gaps(year=2026, children=[Child(1, Care.INFANZIA, 4), Child(2, Care.PRIMARIA, 8)],
                     carers=[MON_FRI], calendar_for=milan_area)  # fmt: skip
    summer = next(p for p in plan.periods if p.kind == "summer" and p.start.year == 2027)
    # Primary ends on 8 June, infanzia on 30 June: June is for the older child only.
    assert summer.start == D(2027, 6, 9)
    assert D(2027, 6, 15) in summer.child_days[2] and D(2027, 6, 15) not in summer.child_days.get(1, set())
    assert summer.children == [1, 2]


def test_a_nursery_child_is_out_in_august_and_at_christmas_and_easter_only():
    plan = find_gaps(year=2026, children=[Child(1, Care.NIDO, 1)], carers=[MON_FRI], calendar_for=milan_area)
    assert [p.kind for p in plan.periods] == ["nursery", "christmas", "easter", "nursery"]
    assert plan.periods[0].start == D(2026, 8, 3)  # 1 August 2026 is a Saturday


def test_a_local_closure_becomes_a_period_of_its_own():
    def with_bridge(year: int, level: str):
        calendar = milan_area(year, level)
        if year == 2026:
            calendar.closures.append(ClosurePeriod(Kind.LOCAL, "Ponte", "Bridge", D(2026, 11, 2), D(2026, 11, 2), ""))
        return calendar

    plan = find_gaps(year=2026, children=[Child(1, Care.PRIMARIA)], carers=[MON_FRI], calendar_for=with_bridge)
    bridge = next(p for p in plan.periods if p.kind == "local")
    assert (bridge.start, bridge.end, bridge.name("it")) == (D(2026, 11, 2), D(2026, 11, 2), "Ponte")


AGES = [(0, "nido"), (2, "nido"), (3, "infanzia"), (6, "primaria"), (11, "secondaria_primo")]
AGES += [(14, "secondaria_secondo"), (17, "secondaria_secondo")]


@pytest.mark.parametrize(("age", "care"), AGES)
def test_it_picks_the_level_from_the_age(age, care):
    assert care_for_age(age) == care


@pytest.mark.parametrize("age", [-1, 18, 40])
def test_it_refuses_ages_out_of_range(age):
    with pytest.raises(ValueError):
        care_for_age(age)


def test_it_needs_children_and_carers():
    with pytest.raises(ValueError):
        find_gaps(year=2026, children=[], carers=[MON_FRI], calendar_for=milan_area)
    with pytest.raises(ValueError):
        find_gaps(year=2026, children=[Child(1, Care.PRIMARIA)], carers=[], calendar_for=milan_area)
