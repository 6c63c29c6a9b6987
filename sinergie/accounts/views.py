from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains to a staff member why they must enrol a second factor before going on."""
    return render(request, "accounts/mfa_required.html")
