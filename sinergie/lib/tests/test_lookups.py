from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from django.http import Http404

from sinergie.directory.models import Taxonomy
from sinergie.lib.lookups import get_or_404
from sinergie.territory.models import District

SOURCE = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_numbers_no_integer_column_can_hold_match_no_row_instead_of_overflowing():
    district = District.objects.create(name="Ambito", code="ambito")
    huge = 10**20
    assert list(District.objects.filter(pk__in=[huge])) == []
    assert list(District.objects.filter(pk__in=[-huge, district.pk])) == [district]
    assert list(District.objects.exclude(pk__in=[huge])) == [district]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", None, "", "1.5", " ", [1], {"a": 1}, 10**20, -(10**20), -3, 0])
def test_get_or_404_answers_404_to_any_integer_id_that_names_no_row(value: object) -> None:
    District.objects.create(name="Ambito", code="ambito")
    with pytest.raises(Http404):
        get_or_404(District.objects.all(), pk=value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", None, "", "1234", 42, [1], str(uuid.uuid4())])
def test_get_or_404_answers_404_to_any_uuid_that_names_no_row(value: object) -> None:
    Taxonomy.objects.create(name="Conciliazione")
    with pytest.raises(Http404):
        get_or_404(Taxonomy.objects.all(), pk=value)


@pytest.mark.django_db
def test_get_or_404_returns_the_row_the_lookup_names_within_the_queryset() -> None:
    district = District.objects.create(name="Ambito", code="ambito")
    other = District.objects.create(name="Altro", code="altro")
    taxonomy = Taxonomy.objects.create(name="Conciliazione")
    assert get_or_404(District.objects.all(), pk=str(district.pk)) == district
    assert get_or_404(Taxonomy.objects.all(), pk=str(taxonomy.pk)) == taxonomy
    with pytest.raises(Http404):
        get_or_404(District.objects.exclude(pk=other.pk), pk=other.pk)


@pytest.mark.django_db
def test_get_or_404_lets_more_than_one_row_raise() -> None:
    District.objects.create(name="Ambito", code="ambito")
    District.objects.create(name="Altro", code="altro")
    with pytest.raises(District.MultipleObjectsReturned):
        get_or_404(District.objects.all(), pk__gt=0)


# Every app is held to this rule (none is excepted).
NOT_YET: set[str] = set()


def _raises_404(handler: ast.ExceptHandler) -> bool:
    return any(
        isinstance(node, ast.Raise) and node.exc is not None and "Http404" in ast.unparse(node.exc)
        for node in ast.walk(handler)
    )


def _lookups_by_hand(source: str) -> list[int]:
    """Lines that turn a failed lookup into a 404 by hand: an `except` that raises Http404, or
    Django's get_object_or_404 (which lets a malformed id through as a server error)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.ExceptHandler) and _raises_404(node))
        or (isinstance(node, ast.alias) and node.name == "get_object_or_404")
    ]


def test_the_scan_recognises_a_lookup_by_hand():
    by_hand = """
from django.shortcuts import get_object_or_404
try:
    call = Call.objects.get(pk=call_id)
except (Call.DoesNotExist, ValueError):
    raise Http404 from None
"""
    assert _lookups_by_hand(by_hand) == [2, 5]
    assert _lookups_by_hand("call = get_or_404(Call.objects.all(), pk=call_id)") == []


def test_bad_ids_become_404_through_the_one_helper():
    """Every lookup of an id from a request that may name no row goes through `get_or_404`."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).parts
        if "tests" in parts or "migrations" in parts or parts[0] in NOT_YET or path == SOURCE / "lib" / "lookups.py":
            continue
        found += [f"{path.relative_to(SOURCE)}:{line}" for line in _lookups_by_hand(path.read_text("utf-8"))]
    assert found == []
