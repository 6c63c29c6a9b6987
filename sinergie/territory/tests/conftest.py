"""Fixtures of the territory tests: the committed data file, loaded once for the whole package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sinergie.territory.models import District, Municipality, Province, Region
from sinergie.territory.services import territory_load


@pytest.fixture(scope="package")
def territory(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Load the real data (Lombardy boundaries) once: loading takes seconds, so not per test.

    It is committed outside the tests' transactions, hence removed at the end of the package
    so that other apps' tests start from an empty territory as usual.
    """
    with django_db_blocker.unblock():
        summary = territory_load(regions_with_boundaries=["03"])
    yield summary
    with django_db_blocker.unblock():
        District.municipalities.through.objects.all().delete()
        Municipality.objects.all().delete()
        Province.objects.all().delete()
        Region.objects.all().delete()
