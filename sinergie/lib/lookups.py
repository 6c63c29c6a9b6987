"""Query lookups that Django leaves unsafe for input nobody checked.

Django answers `id=99999999999999999999` with no rows (its integer lookups know the database's
range), but passes `id__in=[99999999999999999999]` to the database, where SQLite raises an
OverflowError. Every ModelMultipleChoiceField checks the submitted ids with `pk__in`, so one
huge id in a form (`municipalities=99999999999999999999` on the admin's district form) was a
server error instead of "not a valid choice". Registered by `WebConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


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
