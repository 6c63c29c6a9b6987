from django.urls import path

from sinergie.directory import search_views, views

app_name = "directory"
urlpatterns = [
    path("servizi/", search_views.service_search, name="search"),
    path("servizi/<uuid:pk>/", views.service_detail, name="service-detail"),
    path("servizi/<uuid:pk>/calendario.ics", views.service_calendar, name="service-ics"),
    path("punti-informativi/", search_views.info_points, name="info-points"),
]
