from django.urls import path

from sinergie.calls import views
from sinergie.calls.applications import views as apply_views
from sinergie.calls.evaluation import urls as evaluation_urls
from sinergie.lib.access_rules import PUBLIC, SIGNED_IN, allow

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("<int:call_id>/", views.call_detail, name="detail"),
    path("<int:call_id>/posso-partecipare/", views.call_precheck, name="precheck"),
    path("<int:call_id>/domanda/", apply_views.apply, name="apply"),
    path("<int:call_id>/domanda-assistita/", apply_views.assisted, name="apply-assisted"),
    path("gestione/", views.manage_list, name="manage-list"),
    path("gestione/nuovo/", views.call_create, name="create"),
    path("gestione/<int:call_id>/", views.manage_detail, name="manage-detail"),
    path("gestione/<int:call_id>/modifica/", views.call_edit, name="edit"),
    path("gestione/<int:call_id>/pubblica/", views.call_publish, name="publish"),
    path("gestione/<int:call_id>/chiudi/", views.call_close, name="close"),
    # Evaluation (calls/evaluation/urls.py): staff of the call's alliance, and evaluators.
    *evaluation_urls.urlpatterns,
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
DESIGNERS = allow("alliance_staff", "admin")
ACCESS = {
    "detail": PUBLIC,
    "precheck": PUBLIC,
    "apply": SIGNED_IN,
    "apply-assisted": allow("operator"),
    "manage-detail": DESIGNERS,
    "edit": DESIGNERS,
    "publish": DESIGNERS,
    "close": DESIGNERS,
    **evaluation_urls.ACCESS,
}
