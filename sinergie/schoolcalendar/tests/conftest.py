from __future__ import annotations

import pytest

from sinergie.territory.models import Municipality, Province, Region


def make_town(istat_code: str, name: str, province: Province) -> Municipality:
    return Municipality.objects.create(
        istat_code=istat_code,
        name=name,
        search_name=name.lower(),
        cadastral_code=istat_code[-4:],
        province=province,
        region=province.region,
    )


@pytest.fixture
def towns(db: None) -> dict[str, Municipality]:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    bergamo = Province.objects.create(istat_code="016", name="Bergamo", abbreviation="BG", region=region)
    return {
        "milano": make_town("015146", "Milano", milano),
        "melzo": make_town("015142", "Melzo", milano),
        "bergamo": make_town("016024", "Bergamo", bergamo),
    }
