from __future__ import annotations

import pytest

from sinergie.conftest import make_municipality
from sinergie.territory.models import Municipality, Province, Region


@pytest.fixture
def towns(db: None) -> dict[str, Municipality]:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    bergamo = Province.objects.create(istat_code="016", name="Bergamo", abbreviation="BG", region=region)
    return {
        "milano": make_municipality("015146", "Milano", milano, capital=True),
        "melzo": make_municipality("015142", "Melzo", milano),
        "bergamo": make_municipality("016024", "Bergamo", bergamo, capital=True),
    }
