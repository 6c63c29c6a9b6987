from django.urls import path

from sinergie.surveys import export_views, views

app_name = "surveys"
urlpatterns = [
    path("campagne/", views.campaign_list, name="campaign-list"),
    path("campagne/<int:campaign_id>/risultati/", views.campaign_report, name="campaign-report"),
    path(
        "campagne/<int:campaign_id>/risultati/<str:fmt>/",
        export_views.campaign_report_export,
        name="campaign-report-export",
    ),
    path("campagne/<int:campaign_id>/link/", views.campaign_links, name="campaign-links"),
    path("<str:code>/", views.respond, name="respond"),
]
