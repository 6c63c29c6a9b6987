from django.urls import path

from sinergie.calls import report_views

app_name = "reports"
urlpatterns = [path("<int:call_id>/", report_views.report, name="report")]
