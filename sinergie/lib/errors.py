"""The one shape of a refused step: a ValidationError about one field, which the services raise
and the views put on that field of their form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class FieldError(ValidationError):
    """A refused step: `message` (with its `params`) names what is wrong with `field`; the service
    that raised it wrote nothing."""

    def __init__(self, field: str, message: Any, params: dict[str, Any] | None = None) -> None:
        super().__init__({field: ValidationError(message, params=params)})
        self.field = field
