"""Euros typed by people, and the designer's form on its own."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.calls.forms import EuroField, cents_to_text, parse_euro


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1500", 150_000),
        ("1500,5", 150_050),
        ("1500.50", 150_050),
        ("1.500", 150_000),
        ("1,500", 150_000),
        ("1.234.567,89", 123_456_789),
        ("1,234,567.89", 123_456_789),
        ("€ 12,30", 1_230),
        (" 0,01 ", 1),
    ],
)
def test_euros_are_read_with_comma_or_dot(text: str, cents: int) -> None:
    assert parse_euro(text) == cents


@pytest.mark.parametrize(
    "text", ["", "abc", "1e5", "12,345,6", "1.234.56", "1.234,567", "1,234.567.8", "--5", "1 500 abc", "1.2345", "0x10"]
)
def test_garbled_euros_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_euro(text)


def test_the_field_refuses_negative_zero_and_huge_amounts_with_a_message() -> None:
    from django.core.exceptions import ValidationError

    field = EuroField(maximum=100_000)
    assert field.clean("999,99") == 99_999
    for text, code in (("-5", "negative"), ("0", "negative"), ("1001", "too_large"), ("cinque", "invalid")):
        with pytest.raises(ValidationError) as raised:
            field.clean(text)
        assert raised.value.code == code


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**11))
def test_what_the_form_shows_reads_back_the_same(cents: int) -> None:
    assert parse_euro(cents_to_text(cents)) == cents


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=15))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    with contextlib.suppress(ValueError):
        assert parse_euro(text) >= 0
