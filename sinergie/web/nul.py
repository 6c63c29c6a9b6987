"""No NUL character reaches the database from an address.

PostgreSQL refuses a NUL in text ("A string literal cannot contain NUL"), which would surface as
a server error wherever a part of a page's path is looked up. A path with one is simply a bad
request. Query strings are the pages' own business (the search ignores a NUL, forms refuse it on
their fields with Django's ProhibitNullCharactersValidator), and the APIs answer per parameter
(their documents list what they answer), so `/api/` is left to them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulInAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path and not request.path.startswith("/api/"):
            return HttpResponseBadRequest(_("This address contains a character that is not allowed."))
        return self.get_response(request)
