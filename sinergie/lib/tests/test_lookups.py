from __future__ import annotations

import pytest

from sinergie.territory.models import District

pytestmark = pytest.mark.django_db


def test_numbers_no_integer_column_can_hold_match_no_row_instead_of_overflowing():
    district = District.objects.create(name="Ambito", code="ambito")
    huge = 10**20
    assert list(District.objects.filter(pk__in=[huge])) == []
    assert list(District.objects.filter(pk__in=[-huge, district.pk])) == [district]
    assert list(District.objects.exclude(pk__in=[huge])) == [district]
