"""Money: euros typed by people into integer cents, and cents back into text.

Money is integer cents everywhere in Sinergie. This module is the one place that reads an amount
typed in a form and the one place that writes cents as text; `EuroField` is the form field every
form uses for an amount.

The rule for typed amounts (Italian notation, whatever the page's language):

- The comma is the decimal separator, with one or two digits after it: "12,5" is € 12.50,
  "12,50" too. Cents have at most two digits: "1,234" is refused (code ``decimals``), never read
  as € 1,234 nor rounded.
- The dot only separates thousands, in groups of exactly three digits: "1.234" is € 1,234.00,
  "1.234.567,89" is fine; "1.23", "12.5" or "1.2345" are refused (code ``grouping``), never read
  as € 1.23 or € 123.
- A "€" or "EUR" (any case) before or after the number, and spaces anywhere (including
  non-breaking ones), are allowed: "€ 10", "10 EUR", "1 234,50".
- Digits are ASCII 0-9 only: "٣", "¹", "1e3", "+5", ",50", "12," and any other character are
  refused (code ``invalid``).
- A leading minus is refused (code ``negative``) unless the caller allows negative amounts.
- Every caller gives an upper bound in cents: above it is refused (code ``too_large``).

Errors are `ValidationError`s with those stable codes; compare codes, never the messages.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

EURO_HELP = _("In euros, with a comma for the cents: 1.250,50.")
EURO_INVALID = _("Enter an amount in euros, such as 1.500 or 1500,50.")
EURO_DECIMALS = _(
    "Cents have at most two digits, after a comma: 1.234 is one thousand two hundred and thirty-four euros."
)
EURO_GROUPING = _(
    "The dot only separates thousands, in groups of three digits (1.234.567); use a comma for the cents (1,23)."
)
EURO_NEGATIVE = _("The amount cannot be negative.")
EURO_NOT_POSITIVE = _("The amount must be more than zero.")
EURO_TOO_SMALL = _("The amount must be at least %(minimum)s.")
EURO_TOO_LARGE = _("The amount is larger than the most allowed (%(maximum)s).")

# A bound for amounts whose real limit a service checks afterwards (with its own message):
# a thousand billion euros, above any amount the services accept.
MAX_CENTS = 100_000_000_000_000

# Beyond this many digits of whole euros every bound is passed (and int() of a long text is slow).
_MAX_DIGITS = 15
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DIGITS = re.compile(r"[0-9]+")


def _strip_currency(text: str) -> tuple[str, bool]:
    upper = text.upper()
    for symbol in ("€", "EUR"):
        if upper.startswith(symbol):
            return text[len(symbol) :], True
    return text, False


def parse_euro(text: str, *, maximum: int, allow_negative: bool = False) -> int:
    """An amount typed in Italian notation as integer cents, by the module's rule; ValidationError otherwise.

    `maximum` is the largest amount accepted, in cents (a negative amount, when allowed, is bounded
    by -maximum).
    """
    value = "".join(text.split())  # every kind of space, the non-breaking ones too
    negative = value.startswith("-")
    value = value.removeprefix("-")
    value, prefixed = _strip_currency(value)
    if not negative and prefixed and value.startswith("-"):  # "€ -5"
        negative, value = True, value[1:]
    if not prefixed:
        for symbol in ("€", "EUR"):
            if value.upper().endswith(symbol):
                value = value[: -len(symbol)]
                break
    whole, comma, decimals = value.partition(",")
    if not whole or (comma and not decimals) or not re.fullmatch(r"[0-9.]+", whole):
        raise ValidationError(EURO_INVALID, code="invalid")
    if comma and not _DIGITS.fullmatch(decimals):
        raise ValidationError(EURO_INVALID, code="invalid")
    if "." in whole and not _THOUSANDS.fullmatch(whole):
        raise ValidationError(EURO_GROUPING, code="grouping")
    if len(decimals) > 2:
        raise ValidationError(EURO_DECIMALS, code="decimals")
    digits = whole.replace(".", "").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        raise ValidationError(EURO_TOO_LARGE, code="too_large", params={"maximum": format_euro(maximum)})
    cents = int(digits or "0") * 100 + int(decimals.ljust(2, "0"))
    if negative and cents:
        if not allow_negative:
            raise ValidationError(EURO_NEGATIVE, code="negative")
        cents = -cents
    if abs(cents) > maximum:
        raise ValidationError(EURO_TOO_LARGE, code="too_large", params={"maximum": format_euro(maximum)})
    return cents


def format_euro(cents: int, *, symbol: bool = True, language: str | None = None) -> str:
    """Cents in the active language (or `language`): "€ 12.345,67" in Italian, "€12,345.67" in English.

    Without the symbol, "12.345,67" and "12,345.67" (for sentences that put the "€" themselves)."""
    whole, rest = divmod(abs(int(cents)), 100)
    sign = "-" if cents < 0 else ""
    if (language or translation.get_language()) == "en":
        number = f"{whole:,}.{rest:02d}"
        return f"{sign}€{number}" if symbol else f"{sign}{number}"
    number = f"{whole:,}".replace(",", ".") + f",{rest:02d}"
    return f"{sign}€ {number}" if symbol else f"{sign}{number}"


def spreadsheet_text(hundredths: int) -> str:
    """Cents (or any hundredths) for a cell of an Italian spreadsheet: 123456 → "1234,56".

    A decimal comma and no grouping, so that an Italian Excel reads the cell as a number."""
    whole, rest = divmod(abs(int(hundredths)), 100)
    return f"{'-' if hundredths < 0 else ''}{whole},{rest:02d}"


def euro_input(cents: int | None) -> str:
    """Cents as a person would type them by the rule, to fill a form: 123456 → "1.234,56", 150000 → "1.500".

    Italian notation in every language, so that the text sent back parses to the same cents."""
    if cents is None:
        return ""
    whole, rest = divmod(abs(int(cents)), 100)
    text = f"{whole:,}".replace(",", ".")
    if rest:
        text += f",{rest:02d}"
    return f"-{text}" if cents < 0 else text


class EuroField(forms.CharField):
    """An amount in euros typed by the module's rule; cleans to integer cents in [minimum, maximum], or None when empty.

    `minimum` defaults to 1 cent (an amount "more than zero"); 0 allows free, a negative value allows
    negative amounts down to it. The initial value, in cents, is shown as `euro_input` writes it."""

    def __init__(self, *, maximum: int, minimum: int = 1, **kwargs: Any) -> None:
        self.maximum = maximum
        self.minimum = minimum
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if type(value) is int:
            return euro_input(value)
        return value

    def _too_small(self) -> ValidationError:
        return ValidationError(EURO_TOO_SMALL, code="too_small", params={"minimum": format_euro(self.minimum)})

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self.clean(data) != (initial if type(initial) is int else self.clean(initial))
        except ValidationError:
            return True

    def clean(self, value: Any) -> int | None:
        if type(value) is int:  # a disabled field's initial value, already in cents
            cents = value
        else:
            text = super().clean(value)
            if not text:
                return None
            try:
                cents = parse_euro(text, maximum=max(self.maximum, -self.minimum), allow_negative=self.minimum < 0)
            except ValidationError as error:
                if error.code == "too_large" and self.minimum < 0 and "-" in text:
                    raise self._too_small() from None
                raise
        if cents < self.minimum:
            if self.minimum == 1:
                raise ValidationError(EURO_NOT_POSITIVE, code="not_positive")
            if self.minimum == 0:
                raise ValidationError(EURO_NEGATIVE, code="negative")
            raise self._too_small()
        if cents > self.maximum:
            raise ValidationError(EURO_TOO_LARGE, code="too_large", params={"maximum": format_euro(self.maximum)})
        return cents
