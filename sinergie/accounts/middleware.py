"""Staff roles must use two-factor authentication (SPEC §3)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sinergie.accounts.mfa import user_needs_mfa_enrolment

# Paths a staff member without a second factor may still reach: the enrolment pages
# themselves, logout, static files, and public machine endpoints.
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
            if path not in exempt and not path.startswith(("/static/", "/api/", "/healthz", "/i18n/")):
                return redirect("accounts:mfa-required")
        return self.get_response(request)
