from django.urls import path

from sinergie.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("crediti/", views.credits, name="credits"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("area-personale/", views.dashboard, name="dashboard"),
]
