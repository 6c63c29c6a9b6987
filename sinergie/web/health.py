"""`/healthz` for load balancers and operators: each dependency with its state.

The answer is 200 when every dependency works and 503 naming the one that does not, e.g.

    {"status": "error", "version": "...", "checks": {
        "database": {"status": "unavailable", "error": "OperationalError"},
        "cache": {"status": "ok", "backend": "locmem"},
        "tasks": {"status": "unavailable", "backend": "database", "error": "OperationalError"}}}

Dependencies: the database, the cache (per process, or the database table shared by the app
servers) and the task queue (run in-process, or queued in the database for `sinergie worker`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sinergie import __version__
from sinergie.territory.models import Municipality


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "territory_loaded": Municipality.objects.exists(),
    }


def _cache() -> dict[str, Any]:
    token = uuid.uuid4().hex
    cache.set("healthz", token, 10)
    if cache.get("healthz") != token:
        raise RuntimeError("the cache did not keep a value")
    return {"backend": settings.CACHE_BACKEND}


def _tasks() -> dict[str, Any]:
    if settings.TASKS_BACKEND != "database":
        return {"backend": settings.TASKS_BACKEND}
    from django_tasks_db.models import DBTaskResult

    return {"backend": "database", "ready": DBTaskResult.objects.ready().count()}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {"database": _database, "cache": _cache, "tasks": _tasks}


def _check(probe: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return {"status": "ok", **probe()}
    except Exception as error:  # noqa: BLE001 - any failure of a dependency means "unavailable"
        return {"status": "unavailable", "error": type(error).__name__}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the task queue all answer; 503 naming the one that does not."""
    checks = {name: _check(probe) for name, probe in CHECKS.items()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "version": __version__, "checks": checks},
        status=200 if healthy else 503,
    )
