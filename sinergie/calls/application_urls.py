from django.urls import path

from sinergie.calls import application_views

app_name = "applications"
urlpatterns = [
    path("<uuid:pk>/ricevuta/", application_views.receipt, name="receipt"),
    path("documenti/<uuid:pk>/", application_views.document, name="document"),
    path("graduatoria/<int:call_id>/", application_views.ranking, name="ranking"),
]
