"""Types for the person behind a request.

`AnyUser` is what `request.user` holds: a signed-in `User` or Django's `AnonymousUser`. Access
rules take it, and narrow it with `user.is_authenticated` before reading a `User`'s fields.

The alias is a string, so importing it loads no model; modules in a layer below `accounts`
(`lib`, `territory`, `organizations`, `audit`, `schoolcalendar`) import it under
`if TYPE_CHECKING:` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from sinergie.accounts.models import User

AnyUser: TypeAlias = "User | AnonymousUser"
