"""The project's typed JSON API (django-ninja); each app contributes a router."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import NinjaAPI

from sinergie.directory.search_api import search_router
from sinergie.lib.api_head import HeadAsGetMixin
from sinergie.schoolcalendar.api import router as school_calendar_router
from sinergie.surveys.api import router as surveys_router
from sinergie.territory.api import router as territory_router


class SinergieAPI(HeadAsGetMixin, NinjaAPI):
    """The API, with the site's session cookie declared as the scheme that operations reading
    private data require (`openapi_extra={"security": [{"session": []}]}`)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["securitySchemes"] = {
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "The session of a person signed in on the site (staff with their second factor).",
            }
        }
        return schema


api = SinergieAPI(
    title="Sinergie API",
    version="1",
    description="Public JSON API of Sinergie. Territory data: ISTAT and Openpolis (CC BY 4.0).",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("/territory/", territory_router)
api.add_router("/school-calendar/", school_calendar_router)
api.add_router("/services/", search_router)
api.add_router("/surveys/", surveys_router)
