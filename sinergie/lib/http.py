"""Who is on the other end of a request."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as login throttling sees it: REMOTE_ADDR, or behind trusted proxies
    (settings: BEHIND_HTTPS_PROXY, TRUSTED_PROXY_COUNT) the address they appended to
    X-Forwarded-For. None when it cannot be told (a request that bypassed the proxies with a
    malformed header)."""
    try:
        ip: str = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None
    return ip
