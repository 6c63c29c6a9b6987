"""Benchmark of the school calendar: computing school years and rendering iCalendar feeds.

Pure computation: needs no database rows.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from sinergie.lib.school_calendar import Level, Rite, school_year
from sinergie.schoolcalendar.ics import school_year_ics

COMPUTATIONS = 1000
RENDERS = 200
PROVINCES = ("MI", "BG", "BS", "CO", "CR", "LC", "LO", "MN", "MB", "PV", "SO", "VA")


def bench_school_calendar(computations: int = COMPUTATIONS, renders: int = RENDERS) -> dict[str, Any]:
    """Time `computations` school_year() calls over years, levels, rites and provinces, then `renders` feeds."""
    cases = itertools.cycle(itertools.product(range(2000, 2101, 7), Level, Rite, PROVINCES))
    started = time.perf_counter()
    closures = 0
    for year, level, rite, province in itertools.islice(cases, computations):
        closures += len(school_year(year, level, rite, province).closures)
    compute_seconds = time.perf_counter() - started

    calendar = school_year(2026, Level.PRIMARIA, Rite.AMBROSIAN, "MI")
    started = time.perf_counter()
    size = 0
    for _ in range(renders):
        size = len(school_year_ics(calendar, istat_code="015146", title="Calendario", language="it"))
    render_seconds = time.perf_counter() - started
    return {
        "computations": computations,
        "compute_seconds": round(compute_seconds, 3),
        "compute_ms_per_op": round(1000 * compute_seconds / computations, 3),
        "closures_computed": closures,
        "ics_renders": renders,
        "ics_seconds": round(render_seconds, 3),
        "ics_ms_per_op": round(1000 * render_seconds / renders, 3),
        "ics_bytes": size,
    }
