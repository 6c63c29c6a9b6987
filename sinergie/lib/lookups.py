"""Query lookups that Django leaves unsafe for input nobody checked.

Django answers `id=99999999999999999999` with no rows (its integer lookups know the database's
range), but passes `id__in=[99999999999999999999]` to the database, where SQLite raises an
OverflowError. Every ModelMultipleChoiceField checks the submitted ids with `pk__in`, so one
huge id in a form (`municipalities=99999999999999999999` on the admin's district form) was a
server error instead of "not a valid choice". Registered by `WebConfig.ready()`.

`get_or_404` is the one way a view or an access helper turns an id it was given into a row: any id
that names no row (not a number, too large for the column, a malformed UUID, or simply missing) is a
404, never a server error.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import IntegerField, Model, QuerySet
from django.db.models.lookups import In
from django.http import Http404

_M = TypeVar("_M", bound=Model)

# What Django raises for an id the column cannot hold: "abc" or "1.5" for an integer (ValueError),
# a list (TypeError), a malformed UUID (ValidationError), a number past the database's integers
# (OverflowError, from some drivers).
_BAD_ID = (ObjectDoesNotExist, ValueError, TypeError, ValidationError, OverflowError)


def get_or_404(queryset: QuerySet[_M], /, **lookup: Any) -> _M:
    """The one row of `queryset` that `lookup` names; Http404 when the values name none, whatever
    they are (unchecked input from a URL or a form). More than one row is a bug, and raises."""
    try:
        return queryset.get(**lookup)
    except _BAD_ID:
        raise Http404 from None


class IntegerFieldIn(In):
    """`__in` on integer columns, leaving out the numbers the column cannot hold (they match no row)."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
