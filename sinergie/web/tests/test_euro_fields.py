"""Every place where people type euros reads them by the one rule of `lib/money.py`.

The same text gives the same cents, or the same refusal code, in the call designer, at the
voucher desk, in the company grant forms, in the eligibility pre-check, in the directory's
cost form and in the company plan; only each field's own bounds differ."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sinergie.calls.forms import CallDesignForm, _euros
from sinergie.calls.grants.forms import GrantForm, PlanForm
from sinergie.calls.precheck import isee_field
from sinergie.calls.vouchers.forms import RedeemForm
from sinergie.companies.forms import MeasureForm, PracticeForm
from sinergie.directory.forms import CostForm
from sinergie.lib.money import MAX_CENTS, EuroField, parse_euro

FIELDS: dict[str, Any] = {
    "designer budget": CallDesignForm.base_fields["budget"],
    "designer amount": CallDesignForm.base_fields["amount"],
    "designer ISEE ceiling": CallDesignForm.base_fields["isee_ceiling"],
    "voucher desk": RedeemForm.base_fields["amount"],
    "grant amount": GrantForm.base_fields["amount"],
    "plan requested": PlanForm().fields["requested"],
    "plan measure cost": PlanForm().fields["flexible_hours_cost"],
    "pre-check ISEE": isee_field(),
    "directory cost": CostForm.base_fields["amount"],
    "company measure cost": MeasureForm.base_fields["cost"],
    "company practice cost": PracticeForm.base_fields["cost"],
}

FORMAT_CODES = {"invalid", "decimals", "grouping"}
BOUND_CODES = {"negative", "not_positive", "too_small", "too_large"}


def _outcome(read: Callable[[str], int | None], text: str) -> int | str | None:
    try:
        return read(text)
    except ValidationError as error:
        return str(error.error_list[0].code)


def test_every_euro_field_is_the_one_field() -> None:
    assert all(isinstance(field, EuroField) for field in FIELDS.values())


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        *[("1.234", 123_400), ("1,234", "decimals"), ("1.234,50", 123_450), ("12,5", 1_250), ("€ 10", 1_000)],
        *[("1e3", "invalid"), ("٣", "invalid"), ("1.23", "grouping"), ("-3", "negative"), ("9" * 25, "too_large")],
        ("9" * 31, "max_length"),
    ],
)
def test_the_examples_of_the_rule_read_the_same_everywhere(text: str, cents: int | str) -> None:
    for name, field in FIELDS.items():
        assert _outcome(field.clean, text) == cents, name
    if cents != "max_length":  # a band line is part of a text area, with no length of its own
        assert _outcome(_euros, text) == cents


def test_an_empty_amount_is_missing_or_required_everywhere() -> None:
    for name, field in FIELDS.items():
        assert _outcome(field.clean, "  ") == (None if not field.required else "required"), name


EUROISH = st.text(alphabet="0123456789.,€ -EURe\u00a0٣", max_size=18)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(EUROISH, st.text(max_size=18)))
@example("1.234")
@example("1,234")
@example("-0")
def test_every_path_agrees_with_the_parser(text: str) -> None:
    if not text.strip():
        return
    expected = _outcome(lambda typed: parse_euro(typed, maximum=MAX_CENTS, allow_negative=True), text)
    for name, field in FIELDS.items():
        got = _outcome(field.clean, text)
        if "\x00" in text:  # refused by Django's CharField before any parsing, the same everywhere
            assert got == "null_characters_not_allowed", (name, text, got)
        elif isinstance(expected, str):
            assert got == expected or (expected == "too_large" and got in BOUND_CODES), (name, text, got)
        elif field.minimum <= expected <= field.maximum:
            assert got == expected, (name, text, got)
        else:
            assert got in BOUND_CODES, (name, text, got)
    if "\x00" in text:
        return
    band = _outcome(_euros, text)
    assert band == expected or (isinstance(expected, int) and expected < 0 and band == "negative"), (text, band)
