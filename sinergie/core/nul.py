"""No NUL character reaches the database from an address.

PostgreSQL refuses a NUL in text ("A string literal cannot contain NUL"), which would surface as
a server error wherever a path or query parameter is looked up. Forms already refuse it on their
fields (Django's ProhibitNullCharactersValidator); a page address with one is simply a bad
request. The APIs answer per parameter instead (their documents list what they answer), so
`/api/` is left to them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulInAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and (
            "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.GET.items())
        ):
            return HttpResponseBadRequest(_("This address contains a character that is not allowed."))
        return self.get_response(request)
