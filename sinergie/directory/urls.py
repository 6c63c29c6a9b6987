from django.urls import path

from sinergie.directory import views

app_name = "directory"
urlpatterns = [
    path("<uuid:pk>/", views.service_detail, name="service-detail"),
    path("<uuid:pk>/calendario.ics", views.service_calendar, name="service-ics"),
]
