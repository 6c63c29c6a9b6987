from django.urls import path

from sinergie.calls.reports import views
from sinergie.lib.access_rules import allow

app_name = "reports"
urlpatterns = [path("<int:call_id>/", views.report, name="report")]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {"report": allow("alliance_staff")}
