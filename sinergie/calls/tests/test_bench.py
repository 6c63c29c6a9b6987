from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sinergie.calls.models import Call
from sinergie.calls.selectors import ledger_check


@pytest.mark.django_db(transaction=True)
def test_the_vouchers_benchmark_reports_rate_and_no_anomalies() -> None:
    # The test database of SQLite is in memory with a shared cache, where concurrent writers fail
    # at once instead of waiting ("table is locked"): one redeemer there, three on PostgreSQL.
    redeemers = 3 if connection.vendor == "postgresql" else 1
    out = StringIO()
    call_command("bench", "vouchers", "--redemptions", "60", "--redeemers", str(redeemers), "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert set(document) == {"benchmark", "database", "date", "machine", "figures"}
    assert document["benchmark"] == "vouchers"
    assert document["database"] in {"sqlite", "postgresql"}
    report = document["figures"]
    assert report["redeemers"] == redeemers and report["requests"] == 60
    assert report["redemptions"] + report["refused"] + report["replays"] == 60, report["error_samples"]
    assert 0 < report["redemptions"] <= 60
    assert report["redemptions_per_s"] > 0
    assert report["anomalies"] == 0, report
    assert Call.objects.count() == 1
    assert ledger_check() == []


def test_the_vouchers_benchmark_refuses_nonsense_options() -> None:
    with pytest.raises(CommandError, match="1 or more"):
        call_command("bench", "vouchers", "--redeemers", "0")
    with pytest.raises(CommandError, match="takes no --services"):
        call_command("bench", "vouchers", "--services", "5")
