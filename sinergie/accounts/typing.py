"""Types for the person behind a request.

`AnyUser` is what `request.user` holds: a signed-in `User` or Django's `AnonymousUser`. Access
rules take it, and narrow it with `user.is_authenticated` before reading a `User`'s fields.

The alias is a string, so importing it loads no model; modules in a layer below `accounts`
(`lib`, `territory`, `organizations`, `audit`, `schoolcalendar`) import it under
`if TYPE_CHECKING:` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from sinergie.accounts.models import User

AnyUser: TypeAlias = "User | AnonymousUser"


def signed_in_user(request: HttpRequest) -> User:
    """The `User` behind a request to a view under `@login_required`, which sends anyone else to
    sign in first; were the decorator missing, an anonymous visitor gets a 403, never a page."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
