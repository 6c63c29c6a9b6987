"""The ranking benchmark runs and finds no anomaly (small, on the test database)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_the_ranking_benchmark_prints_its_figures_without_anomalies():
    out = StringIO()
    call_command("bench", "ranking", "--applications", "300", "--json", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert figures["applications"] == 300
    assert 250 <= figures["ranked"] <= 300  # one in twenty is not admissible
    assert figures["granted_cents"] <= figures["budget_cents"]
    assert figures["anomalies"] == 0
    assert figures["rank_allocate_s"] > 0


def test_other_benchmarks_take_no_applications():
    with pytest.raises(CommandError, match="takes no --applications"):
        call_command("bench", "territory", "--applications", "10", stdout=StringIO())
