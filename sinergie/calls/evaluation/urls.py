"""The evaluation pages, in the namespace `calls` (sinergie/calls/urls.py adds them to its own
patterns and ACCESS): the staff of the call's alliance under /bandi/gestione/<call>/, and the
evaluators under /bandi/valutazioni/."""

from __future__ import annotations

from django.urls import path

from sinergie.calls.evaluation import views
from sinergie.lib.access_rules import allow

urlpatterns = [
    path("gestione/<int:call_id>/domande/", views.applications, name="evaluation-applications"),
    path("gestione/<int:call_id>/domande/valuta/", views.evaluate, name="evaluation-compute"),
    path("gestione/<int:call_id>/domande/assegna/", views.assign_evenly, name="evaluation-assign-evenly"),
    path("gestione/<int:call_id>/domande/<uuid:pk>/", views.application_detail, name="evaluation-application"),
    path("gestione/<int:call_id>/graduatoria/", views.ranking_manage, name="evaluation-ranking"),
    path(
        "gestione/<int:call_id>/graduatoria/calcola/",
        views.ranking_compute_view,
        name="evaluation-ranking-compute",
    ),
    path(
        "gestione/<int:call_id>/graduatoria/pubblica/",
        views.ranking_publish_view,
        name="evaluation-ranking-publish",
    ),
    path("gestione/<int:call_id>/graduatoria/buoni/", views.vouchers_issue_view, name="evaluation-vouchers"),
    path(
        "gestione/<int:call_id>/graduatoria/esporta/",
        views.ranking_staff_export,
        name="evaluation-ranking-export",
    ),
    path("valutazioni/", views.evaluator_list, name="evaluator-list"),
    path("valutazioni/<uuid:pk>/", views.evaluator_application, name="evaluator-application"),
    path("valutazioni/documenti/<uuid:pk>/", views.evaluator_document, name="evaluator-document"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
EVALUATION = allow("alliance_staff")  # the call's alliance staff, not administrators (personal data)
ACCESS = {
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
