"""HEAD wherever GET answers, on the django-ninja APIs too (HTTP semantics, RFC 9110 §9.3.2).

django-ninja picks an operation by method and answers 405 to HEAD, where Django's own views
answer it like GET; monitors and link checkers send HEAD. Declaring HEAD on each operation would
double every path in the OpenAPI documents, so the APIs' URL patterns answer HEAD by running GET:
the WSGI server (Django's, gunicorn) sends the headers without the body.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver


def head_as_get(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return wrapper


class HeadAsGetMixin:
    """Mixed into a NinjaAPI subclass (before NinjaAPI): its URL patterns answer HEAD as GET."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()  # type: ignore[misc]
        return [
            URLPattern(p.pattern, head_as_get(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
            for p in patterns
        ]
