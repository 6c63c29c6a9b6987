from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEMO_CACHE_KEY = "sinergie:demo-data-present"


def demo_data_present() -> bool:
    """Whether fictitious demo data is loaded; every page then says so (checked once a minute)."""
    from sinergie.organizations.models import Organization

    present = cache.get(DEMO_CACHE_KEY)
    if present is None:
        present = Organization.objects.filter(is_demo=True).exists()
        cache.set(DEMO_CACHE_KEY, present, 60)
    return bool(present)


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_URL": settings.SITE_URL, "DEMO_MODE": demo_data_present()}
