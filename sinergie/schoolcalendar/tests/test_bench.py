from __future__ import annotations

from sinergie.schoolcalendar.bench import bench_school_calendar


def test_it_times_computations_and_renders():
    figures = bench_school_calendar(computations=20, renders=5)
    assert figures["computations"] == 20
    assert figures["ics_renders"] == 5
    assert figures["ics_bytes"] > 0
