"""The one euro rule: what is read, what is refused and with which code, and the text cents become."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.lib.money import MAX_CENTS, EuroField, euro_input, format_euro, parse_euro, spreadsheet_text

BIG = 10**12


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.234", 123_400),
        ("1.234,50", 123_450),
        ("1.234.567,89", 123_456_789),
        ("12,5", 1_250),
        ("12,05", 1_205),
        ("€ 10", 1_000),
        ("10 €", 1_000),
        ("10 EUR", 1_000),
        ("eur 10", 1_000),
        ("1\u00a0234,50", 123_450),  # a non-breaking space, as a spreadsheet copies it
        ("1\u202f234", 123_400),
        (" 0,01 ", 1),
        ("0", 0),
        ("007", 700),
    ],
)
def test_it_reads_italian_notation(text: str, cents: int) -> None:
    assert parse_euro(text, maximum=BIG) == cents


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1,234", "decimals"),
        ("12,345", "decimals"),
        ("1.23", "grouping"),
        ("12.50", "grouping"),
        ("1.2345", "grouping"),
        ("1.234.56", "grouping"),
        ("1..234", "grouping"),
        ("1,234.56", "invalid"),
        ("-3", "negative"),
        ("€ -3", "negative"),
        ("+3", "invalid"),
        ("1e3", "invalid"),
        ("", "invalid"),
        ("€", "invalid"),
        ("٣", "invalid"),  # an Arabic-Indic three: a digit to Python, not to people typing euros
        ("¹", "invalid"),
        ("12,", "invalid"),
        (",5", "invalid"),
        ("1,2,3", "invalid"),
        ("€€5", "invalid"),
        ("NaN", "invalid"),
        ("0x10", "invalid"),
        ("9" * 40, "too_large"),
        ("9" * 5000, "too_large"),
        ("10.000.000.001", "too_large"),
    ],
)
def test_it_refuses_anything_else_with_a_stable_code(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_euro(text, maximum=BIG)
    assert raised.value.code == code


def test_a_negative_amount_is_read_only_when_the_caller_allows_it() -> None:
    assert parse_euro("-1.234,5", maximum=BIG, allow_negative=True) == -123_450
    assert parse_euro("-0", maximum=BIG) == 0
    with pytest.raises(ValidationError) as raised:
        parse_euro("-11", maximum=1_000, allow_negative=True)
    assert raised.value.code == "too_large"


def test_the_upper_bound_is_inclusive_and_named_in_the_message() -> None:
    assert parse_euro("10", maximum=1_000) == 1_000
    with pytest.raises(ValidationError) as raised, translation.override("it"):
        parse_euro("10,01", maximum=1_000)
    assert raised.value.code == "too_large"
    assert "€ 10,00" in raised.value.messages[0]


@pytest.mark.parametrize(
    ("cents", "italian", "english"),
    [
        (0, "€ 0,00", "€0.00"),
        (5, "€ 0,05", "€0.05"),
        (123_456, "€ 1.234,56", "€1,234.56"),
        (1_234_567, "€ 12.345,67", "€12,345.67"),
        (-150, "-€ 1,50", "-€1.50"),
    ],
)
def test_the_formatter_writes_cents_in_each_language(cents: int, italian: str, english: str) -> None:
    with translation.override("it"):
        assert format_euro(cents) == italian
    with translation.override("en"):
        assert format_euro(cents) == english
        assert format_euro(cents, symbol=False) == english.replace("€", "")
        assert format_euro(cents, language="it") == italian


def test_spreadsheet_cells_have_a_decimal_comma_and_no_grouping() -> None:
    assert spreadsheet_text(123_456) == "1234,56"
    assert spreadsheet_text(-5) == "-0,05"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(-(10**14), 10**14))
def test_what_a_form_shows_reads_back_the_same(cents: int) -> None:
    assert parse_euro(euro_input(cents), maximum=10**14, allow_negative=True) == cents


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        assert 0 <= parse_euro(text, maximum=BIG) <= BIG
    except ValidationError as error:
        assert error.code in {"invalid", "decimals", "grouping", "negative", "too_large"}


def test_the_field_bounds_and_empty_values() -> None:
    field = EuroField(minimum=1, maximum=100_000, required=False)
    assert field.clean("") is None
    assert field.clean("1.000") == 100_000
    for text, code in (("0", "not_positive"), ("-1", "negative"), ("1.000,01", "too_large"), ("1,5,0", "invalid")):
        with pytest.raises(ValidationError) as raised:
            field.clean(text)
        assert raised.value.code == code
    free = EuroField(minimum=0, maximum=MAX_CENTS)
    assert free.clean("0") == 0
    with pytest.raises(ValidationError) as raised:
        free.clean("-1")
    assert raised.value.code == "negative"
    floor = EuroField(minimum=-500, maximum=500)
    assert floor.clean("-5") == -500
    with pytest.raises(ValidationError) as raised:
        floor.clean("-5,01")
    assert raised.value.code == "too_small"


def test_the_field_shows_cents_as_typed_and_sees_no_change_in_the_same_amount() -> None:
    field = EuroField(maximum=MAX_CENTS, required=False)
    assert field.prepare_value(123_450) == "1.234,50"
    assert field.prepare_value(150_000) == "1.500"
    assert field.prepare_value("1234,5") == "1234,5"  # what was typed stays as typed
    assert not field.has_changed(123_450, "1234,5")
    assert field.has_changed(123_450, "1234,51")
    assert field.has_changed(123_450, "garbled")
    assert not field.has_changed(None, "")
