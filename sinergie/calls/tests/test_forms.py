"""Euros typed by people in the call designer, by the one rule of `lib/money.py`."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sinergie.calls.design import MAX_AMOUNT_CENTS
from sinergie.calls.forms import CallDesignForm, _euros, _pairs, _whole


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1500", 150_000),
        ("1500,5", 150_050),
        ("1.500", 150_000),
        ("1.234.567,89", 123_456_789),
        ("€ 12,30", 1_230),
        (" 0,01 ", 1),
    ],
)
def test_euros_are_read_by_the_italian_rule(text: str, cents: int) -> None:
    assert _euros(text) == cents


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1e5", "12,345,6", "1.234.56", "1.234,567", "1,500", "1500.50", "1,234,567.89", "--5", "1 500 abc"],
)
def test_garbled_euros_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        _euros(text)


def test_the_amount_field_refuses_negative_zero_and_huge_amounts_with_a_code() -> None:
    field = CallDesignForm.base_fields["amount"]
    assert field.clean("999,99") == 99_999
    for text, code in (("-5", "negative"), ("0", "not_positive"), ("1,234", "decimals"), ("cinque", "invalid")):
        with pytest.raises(ValidationError) as raised:
            field.clean(text)
        assert raised.value.code == code
    with pytest.raises(ValidationError) as raised:
        field.clean(str(MAX_AMOUNT_CENTS // 100 + 1))
    assert raised.value.code == "too_large"


def test_a_band_line_that_is_not_euros_names_its_line() -> None:
    assert _pairs("30; 1.234", example="30; 800", first=_whole, second=_euros) == [[30, 123_400]]
    with pytest.raises(ValidationError) as raised:
        _pairs("30; 800\n40; 1.23", example="30; 800", first=_whole, second=_euros)
    assert raised.value.params == {"line": 2, "example": "30; 800"}
