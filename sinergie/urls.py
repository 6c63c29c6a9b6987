from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from sinergie.api import api
from sinergie.directory.hsds_api import hsds_api
from sinergie.lib.access_rules import PUBLIC, allow
from sinergie.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]

# A database outage raised in a middleware answers 503 (sinergie/web/outage.py), not 500.
handler500 = "sinergie.web.outage.server_error"

urlpatterns += i18n_patterns(
    path("", include("sinergie.web.urls")),
    path("", include("sinergie.organizations.urls")),
    path("calendario-scolastico/", include("sinergie.schoolcalendar.urls")),
    path("", include("sinergie.directory.urls")),
    path("pianificatore/", include("sinergie.planner.urls")),
    path("catalogo/", include("sinergie.catalogue.urls")),
    path("domande/", include("sinergie.calls.applications.urls")),
    path("buoni/", include("sinergie.calls.vouchers.urls")),
    path("bandi/", include("sinergie.calls.urls")),
    path("rendiconti/", include("sinergie.calls.reports.urls")),
    path("aziende/", include("sinergie.companies.urls")),
    path("incentivi/", include("sinergie.calls.grants.urls")),
    path("questionari/", include("sinergie.surveys.urls")),
    path("gestione/servizi/", include("sinergie.directory.manage_urls")),
    path("account/", include("sinergie.accounts.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# Who may open each API URL that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
# ninja builds these patterns, so they are declared here by their namespaced names.
ACCESS = {
    "api-v1:municipality_detail": PUBLIC,
    "api-v1:school_year": PUBLIC,
    "api-v1:campaign_report": allow("referent", "alliance_staff", "admin"),
    **{
        f"hsds:{name}": PUBLIC
        for name in (
            "service_detail",
            "service_at_location_detail",
            "organization_detail",
            "taxonomy_detail",
            "taxonomy_term_detail",
        )
    },
}
