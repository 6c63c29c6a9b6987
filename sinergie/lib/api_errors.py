"""The one shape of an API refusal, and the helpers every router raises it with.

A refusal is `{"detail": "<message>"}` (400, 403, 404), or, for a parameter that is not valid,
django-ninja's own `{"detail": [{"type": ..., "loc": ["query", "<name>"], "msg": ...}]}` with
HTTP 422 (the shape ninja gives its own validation errors, so a client reads one format whoever
refused). Operations declare what they may answer with `responses(...)`, so that the OpenAPI
documents list every status a client can get.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ninja import Schema
from ninja.errors import HttpError, ValidationError

Location = Literal["query", "path"]


class ErrorOut(Schema):
    detail: str


class ValidationIssue(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationIssue]


def responses(ok: Any, *statuses: int) -> dict[int, Any]:
    """A `response=` mapping: `ok` for 200, and the error shape of each status in `statuses`."""
    return {200: ok, **{status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses}}


def not_found(message: str) -> HttpError:
    return HttpError(404, message)


def bad_request(message: str) -> HttpError:
    return HttpError(400, message)


def invalid_parameters(errors: Mapping[str, str], *, location: Location = "query") -> ValidationError:
    """HTTP 422 naming each parameter in `errors` (name → message) in its `loc`."""
    return ValidationError(
        [{"type": "value_error", "loc": [location, name], "msg": message} for name, message in errors.items()]
    )


def invalid_parameter(name: str, message: str, *, location: Location = "query") -> ValidationError:
    return invalid_parameters({name: message}, location=location)
