from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from sinergie.calls.models import Call
from sinergie.lib.money import format_euro

register = template.Library()


@register.filter
def euro(cents: Any) -> str:
    """Integer cents as euros in the active language's format (`lib.money.format_euro`); "" when missing."""
    if cents is None or cents == "":
        return ""
    return format_euro(int(cents))


@register.filter
def localized_title(call: Call) -> str:
    """The call's title in the active language (the Italian one when it has no English title)."""
    return call.title("en" if (get_language() or "it").startswith("en") else "it")
