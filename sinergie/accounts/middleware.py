"""Staff roles must use two-factor authentication (SPEC §3)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sinergie.accounts.mfa import user_needs_mfa_enrolment

# Paths a staff member without a second factor may still reach: the enrolment pages
# themselves, logout, static files and health checks. The API is not exempt: a session of such a
# member gets 403 there, as the pages send it to enrolment.
EXEMPT_URL_NAMES = (
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "account_reauthenticate",
    "account_logout",
    "accounts:mfa-required",
)


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user_needs_mfa_enrolment(user):
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            path = request.path
            if path.startswith("/api/"):
                message = _("Set up the second factor of your account before using the API.")
                return JsonResponse({"detail": message}, status=403)
            if path not in exempt and not path.startswith(("/static/", "/healthz", "/i18n/")):
                return redirect("accounts:mfa-required")
        return self.get_response(request)
