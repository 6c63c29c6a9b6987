from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sinergie import __version__
from sinergie.organizations.selectors import alliances_public
from sinergie.territory.models import Municipality


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    alliances = alliances_public()
    return render(request, "core/home.html", {"alliances": alliances})


@require_GET
def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "core/credits.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organization").order_by("organization__name", "role")
    return render(request, "core/dashboard.html", {"memberships": memberships})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        municipalities = Municipality.objects.count()
    except Exception as error:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable", "detail": type(error).__name__}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "version": __version__,
            "database": connection.vendor,
            "database_ms": round((time.perf_counter() - started) * 1000, 1),
            "territory_loaded": municipalities > 0,
        }
    )
