"""Money in templates: integer cents shown as euros in the page's language.

The same filter as `{% load calls %}` (one formatter, `rules.euro_text`), kept under this name for
the voucher templates that load it."""

from __future__ import annotations

from typing import Any

from django import template

from sinergie.calls.rules import euro_text

register = template.Library()


@register.filter
def euro(cents: Any) -> str:
    """1234567 → "€ 12.345,67" in Italian, "€12,345.67" in English; "" for a missing amount."""
    if cents is None or cents == "":
        return ""
    return euro_text(int(cents))
