"""Money in templates: integer cents shown as euros in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def euro(cents: Any) -> str:
    """1234567 → "€ 12.345,67" in Italian, "€12,345.67" in English; "" for a missing amount."""
    if cents is None or cents == "":
        return ""
    cents = int(cents)
    whole, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    if translation.get_language() == "en":
        return f"{sign}€{whole:,}.{rest:02d}"
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}€ {grouped},{rest:02d}"
