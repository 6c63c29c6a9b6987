"""The one shape of a refused step: a ValidationError about one field, which the services raise
and the views put on that field of their form (`refuse_on_form`), or show as one line of text when
there is no form (`refusal_text`).

A refusal carries a stable `code` ("key_reused", "call_not_open"): a view that must tell one
refusal from another compares codes, never the translated message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ValidationError


class FieldError(ValidationError):
    """A refused step: `message` (with its `params`) names what is wrong with `field`, `code` says
    which rule refused it; the service that raised it wrote nothing."""

    code: str  # always given, where a plain ValidationError's may be None

    def __init__(self, field: str, message: Any, params: dict[str, Any] | None = None, *, code: str) -> None:
        super().__init__({field: ValidationError(message, code=code, params=params)})
        self.field = field
        self.code = code


class _Form(Protocol):
    # A read-only property: a form's `fields` is a dict of its own field types, which a plain
    # (mutable, so invariant) attribute here would refuse.
    @property
    def fields(self) -> Mapping[str, Any]: ...

    def add_error(self, field: str | None, error: Any) -> None: ...


def error_codes(error: ValidationError) -> set[str]:
    """The codes of every problem in `error` (a problem raised without one has none)."""
    if hasattr(error, "error_dict"):
        problems = [problem for listed in error.error_dict.values() for problem in listed]
    else:
        problems = error.error_list
    return {problem.code for problem in problems if problem.code}


def refusal_text(error: ValidationError) -> str:
    """A refusal as one line of text, for a flash message or a page that has no form to put it on:
    every problem's message, in order, separated by spaces (the field names are left out)."""
    return " ".join(str(message) for message in error.messages)


def refuse_on_form(form: _Form, error: ValidationError, fields: Mapping[str, str | None] | None = None) -> None:
    """A service's refusal onto `form`: each problem next to its field when the form has one, above
    the form otherwise. `fields` renames the service's field names to the form's (None: above the
    form). The problems keep their codes (`form.has_error(field, code)`)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.error_list)
        return
    for name, problems in error.error_dict.items():
        target = fields.get(name, name) if fields is not None else name
        form.add_error(target if target is not None and target in form.fields else None, problems)
