"""How long a signed-in session lasts, and what browsers may keep of its pages (OWASP ASVS 3.3, 8.2).

- Staff (every role that needs a second factor, `user_has_staff_role`) are signed out after
  `STAFF_SESSION_IDLE_MINUTES` without a request, and in any case `STAFF_SESSION_MAX_HOURS` after
  they signed in: "remember me" keeps a citizen for two weeks, a staff member for a working day at
  most (the session cookie's own expiry is capped to the same moment). A staff desk is often a
  shared computer; the data behind it is other people's.
- Pages answered to a signed-in person carry `Cache-Control: no-store`, so neither the browser's
  back button after logout nor a shared proxy shows them to the next person.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sinergie.organizations.access import user_has_staff_role

if TYPE_CHECKING:
    from sinergie.accounts.models import User

# Session keys (seconds since the epoch).
SIGNED_IN_AT = "sinergie_signed_in_at"
LAST_SEEN_AT = "sinergie_last_seen_at"
# Writing the session on every request would cost a database write per page; a minute's
# granularity is plenty against a 30-minute idle limit.
LAST_SEEN_GRANULARITY = 60

IDLE_MESSAGE = gettext_noop("Your session ended after %(minutes)d minutes without activity. Please log in again.")
MAX_AGE_MESSAGE = gettext_noop("Your session ended after %(hours)d hours. Please log in again.")
EXEMPT_PREFIXES = ("/static/", "/healthz")


def session_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A new sign-in starts the clocks afresh (Django keeps the session's data when the same
    person signs in again without logging out)."""
    now = int(timezone.now().timestamp())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def _expired(request: HttpRequest, now: int) -> str | None:
    """Why this staff session is over, or None while it holds."""
    session = request.session
    idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
    longest = settings.STAFF_SESSION_MAX_HOURS * 3600
    last_seen = session.get(LAST_SEEN_AT)
    signed_in = session.get(SIGNED_IN_AT)
    if isinstance(last_seen, int) and now - last_seen > idle:
        return _(IDLE_MESSAGE) % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES}
    if isinstance(signed_in, int) and now - signed_in > longest:
        return _(MAX_AGE_MESSAGE) % {"hours": settings.STAFF_SESSION_MAX_HOURS}
    return None


def _keep_alive(request: HttpRequest, now: int) -> None:
    session = request.session
    signed_in = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in, int):
        # A session from before these keys existed, or a person who became staff while signed in.
        signed_in = session[SIGNED_IN_AT] = now
    last_seen = session.get(LAST_SEEN_AT)
    if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_GRANULARITY:
        session[LAST_SEEN_AT] = now
    # "Remember me" asked allauth for a two-week cookie; staff get one that ends with the working day.
    if not session.get_expire_at_browser_close():
        end = datetime.datetime.fromtimestamp(signed_in + settings.STAFF_SESSION_MAX_HOURS * 3600, tz=datetime.UTC)
        if session.get_expiry_date() > end:
            session.set_expiry(end)


class StaffSessionMiddleware:
    """Signs staff out after the idle period or the working day (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user_has_staff_role(user)
        ):
            now = int(timezone.now().timestamp())
            reason = _expired(request, now)
            if reason is not None:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": reason}, status=401)
                messages.warning(request, reason)
                return redirect_to_login(request.get_full_path())
            _keep_alive(request, now)
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in person (pages, downloads, API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
