"""The families' search page (/servizi/) and the information points page (/punti-informativi/)."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from sinergie.directory.search_page import municipality_code, period_choices
from sinergie.directory.tests.test_search import Directory

URL = "/servizi/"
INFO_URL = "/punti-informativi/"
NOW = datetime.datetime(2026, 11, 3, 10, 30, tzinfo=datetime.UTC)  # a Tuesday, 11:30 in Rome


@pytest.fixture
def directory(db: None, monkeypatch: pytest.MonkeyPatch) -> Directory:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return Directory()


def names(response: Any) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="h5 card-title" id="result-\d+"><a href="[^"]+">([^<]+)</a>', html)


def test_smoke(directory, client):
    response = client.get(URL, {"municipality": "Melzo", "age": "7", "category": "holiday_camps", "period": "natale-2026", "radius_km": "10"})
    assert response.status_code == 200
    print(response.content.decode()[-9000:])
    assert names(response)
