"""The surveys benchmark runs (small, on the test database) and prints the agreed document."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_the_surveys_benchmark_prints_its_figures():
    out = StringIO()
    call_command("bench", "surveys", "--responses", "60", "--runs", "3", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert set(document) == {"benchmark", "database", "date", "machine", "figures"}
    assert document["benchmark"] == "surveys"
    assert document["database"] in ("sqlite", "postgresql")
    figures = document["figures"]
    assert figures["responses"] == 60 and figures["questions"] == 40
    assert figures["report_p95_ms"] >= figures["report_p50_ms"] > 0


def test_other_benchmarks_take_no_responses():
    with pytest.raises(CommandError, match="takes no --responses"):
        call_command("bench", "territory", "--responses", "10", stdout=StringIO())
