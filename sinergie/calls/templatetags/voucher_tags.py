"""Money in templates: integer cents shown as euros in the page's language.

The same filter as `{% load calls %}` (one formatter, `lib.money.format_euro`), kept under this name
for the voucher templates that load it."""

from __future__ import annotations

from sinergie.calls.templatetags.calls import euro, register

__all__ = ["euro", "register"]
