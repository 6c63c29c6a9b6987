from __future__ import annotations

from typing import Any

from django import template

from sinergie.lib.money import format_euro

register = template.Library()


@register.filter
def euro(cents: Any) -> str:
    """Integer cents as euros in the active language's format (`lib.money.format_euro`); "" when missing."""
    if cents is None or cents == "":
        return ""
    return format_euro(int(cents))
