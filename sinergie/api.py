"""The project's typed JSON API (django-ninja); each app contributes a router."""

from __future__ import annotations

from ninja import NinjaAPI

from sinergie.directory.search_api import search_router
from sinergie.schoolcalendar.api import router as school_calendar_router
from sinergie.surveys.api import router as surveys_router
from sinergie.territory.api import router as territory_router

api = NinjaAPI(
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
