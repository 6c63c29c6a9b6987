from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sinergie.accounts.typing import signed_in_user
from sinergie.organizations.selectors import alliances_public


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    alliances = alliances_public()
    return render(request, "web/home.html", {"alliances": alliances})


@require_safe
def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "web/credits.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    memberships = user.memberships.select_related("organization").order_by("organization__name", "role")
    return render(request, "web/dashboard.html", {"memberships": memberships})
