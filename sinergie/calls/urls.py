from django.urls import path

from sinergie.calls import views
from sinergie.calls.applications import views as apply_views
from sinergie.calls.evaluation import views as review_views
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
    # Evaluation (calls/evaluation/views.py): staff of the call's alliance, and evaluators.
    path("gestione/<int:call_id>/domande/", review_views.applications, name="evaluation-applications"),
    path("gestione/<int:call_id>/domande/valuta/", review_views.evaluate, name="evaluation-compute"),
    path("gestione/<int:call_id>/domande/assegna/", review_views.assign_evenly, name="evaluation-assign-evenly"),
    path("gestione/<int:call_id>/domande/<uuid:pk>/", review_views.application_detail, name="evaluation-application"),
    path("gestione/<int:call_id>/graduatoria/", review_views.ranking_manage, name="evaluation-ranking"),
    path(
        "gestione/<int:call_id>/graduatoria/calcola/",
        review_views.ranking_compute_view,
        name="evaluation-ranking-compute",
    ),
    path(
        "gestione/<int:call_id>/graduatoria/pubblica/",
        review_views.ranking_publish_view,
        name="evaluation-ranking-publish",
    ),
    path("gestione/<int:call_id>/graduatoria/buoni/", review_views.vouchers_issue_view, name="evaluation-vouchers"),
    path(
        "gestione/<int:call_id>/graduatoria/esporta/",
        review_views.ranking_staff_export,
        name="evaluation-ranking-export",
    ),
    path("valutazioni/", review_views.evaluator_list, name="evaluator-list"),
    path("valutazioni/<uuid:pk>/", review_views.evaluator_application, name="evaluator-application"),
    path("valutazioni/documenti/<uuid:pk>/", review_views.evaluator_document, name="evaluator-document"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
DESIGNERS = allow("alliance_staff", "admin")
EVALUATION = allow("alliance_staff")  # the call's alliance staff, not administrators (personal data)
ACCESS = {
    "detail": PUBLIC,
    "precheck": PUBLIC,
    "apply": SIGNED_IN,
    "apply-assisted": allow("operator"),
    "manage-detail": DESIGNERS,
    "edit": DESIGNERS,
    "publish": DESIGNERS,
    "close": DESIGNERS,
    "evaluation-applications": EVALUATION,
    "evaluation-compute": EVALUATION,
    "evaluation-assign-evenly": EVALUATION,
    "evaluation-application": EVALUATION,
    "evaluation-ranking": EVALUATION,
    "evaluation-ranking-compute": EVALUATION,
    "evaluation-ranking-publish": EVALUATION,
    "evaluation-vouchers": EVALUATION,
    "evaluation-ranking-export": EVALUATION,
    # The assigned evaluator, until the ranking is published.
    "evaluator-application": allow("evaluator"),
    "evaluator-document": allow("evaluator"),
}
