from __future__ import annotations

from django import template

from sinergie.calls.rules import euro_text

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """Integer cents as euros in the active language's format."""
    return "" if cents is None else euro_text(int(cents))
