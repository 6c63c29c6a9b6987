from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sinergie.territory.bench import bench_territory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory")]


def test_it_loads_from_the_command_and_prints_the_summary() -> None:
    out = StringIO()

    call_command("territory_load", "--regions", "03", stdout=out)

    assert "107 provinces" in out.getvalue()
    assert "0 new" in out.getvalue()


def test_it_takes_the_boundary_regions_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SINERGIE_BOUNDARY_REGIONS = []
    out = StringIO()

    call_command("territory_load", stdout=out)

    assert "0 boundaries" in out.getvalue()


def test_it_reports_a_bad_region_as_a_command_error() -> None:
    with pytest.raises(CommandError, match="not an ISTAT region code"):
        call_command("territory_load", "--regions", "Lombardia")


def test_it_benchmarks_load_and_search() -> None:
    figures = bench_territory(searches=8)

    assert figures["searches"] == 8
    assert figures["load_seconds"] > 0 and figures["search_ops_per_s"] > 0
