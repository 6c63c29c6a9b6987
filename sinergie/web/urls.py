from django.urls import path

from sinergie.lib.privacy import NOTICES
from sinergie.web import privacy_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("crediti/", views.credits, name="credits"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("area-personale/", views.dashboard, name="dashboard"),
    path("privacy/", privacy_views.privacy_index, name="privacy"),
    # One address per notice, without a parameter: the notices are a fixed list.
    *(
        path(
            f"privacy/{notice.slug}/", privacy_views.privacy_notice, {"key": notice.key}, name=f"privacy-{notice.slug}"
        )
        for notice in NOTICES.values()
    ),
]
