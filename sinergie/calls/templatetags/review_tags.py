"""Points on the evaluation pages: hundredths of a point shown as a decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(hundredths: Any) -> str:
    """1250 → "12,5" in Italian, "12.5" in English; "" when missing."""
    if hundredths is None or hundredths == "" or isinstance(hundredths, bool):
        return ""
    value = Decimal(int(hundredths)) / 100
    places = 0 if value == value.to_integral() else (1 if (value * 10) == (value * 10).to_integral() else 2)
    return number_format(value, decimal_pos=places)
