"""When the database is down: 503 with Retry-After and a plain page, never a 500.

A connection refused, a server restarting or a pooler out of connections reach the app as
django.db's OperationalError or InterfaceError, wherever the first query happens: in a view, or
in a middleware (the session, the signed-in user, the second-factor check). Two hooks answer
them the same way:

- `DatabaseUnavailableMiddleware.process_exception` for errors raised by views (also with
  DEBUG on, where Django would otherwise show its debug page);
- `server_error`, the project's `handler500`, for errors raised by middleware, which Django
  turns into its 500 handler before any middleware sees them.

The answer needs nothing that could touch the database: a template that extends nothing and
is rendered without the request (no context processors, no session, no user), and for the
JSON APIs the API's one error shape.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

# Long enough for a database restart or a failover; a balancer's health check asks /healthz.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)
API_PREFIXES = ("/api/",)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: a bilingual plain page, or `{"detail": ...}` under the APIs."""
    if request.path.startswith(API_PREFIXES):
        response: HttpResponse = JsonResponse(
            {"detail": "Service temporarily unavailable: the database cannot be reached. Try again later."},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view's database outage with 503 (see the module's docstring for the rest)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 when what failed is the database, Django's plain 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return django_server_error(request)
