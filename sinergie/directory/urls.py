from django.urls import path

from sinergie.directory import search_views, views
from sinergie.lib.access_rules import PUBLIC

app_name = "directory"
urlpatterns = [
    path("servizi/", search_views.service_search, name="search"),
    path("servizi/comuni.geojson", search_views.municipal_boundaries, name="boundaries"),
    path("servizi/<uuid:pk>/", views.service_detail, name="service-detail"),
    path("servizi/<uuid:pk>/calendario.ics", views.service_calendar, name="service-ics"),
    path("punti-informativi/", search_views.info_points, name="info-points"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {"service-detail": PUBLIC, "service-ics": PUBLIC}
