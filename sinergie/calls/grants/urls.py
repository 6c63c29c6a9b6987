"""Company incentives, mounted at /incentivi/."""

from __future__ import annotations

from django.urls import path

from sinergie.calls.grants import views
from sinergie.lib.access_rules import allow

app_name = "incentives"

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("bando/<int:call_id>/", views.apply, name="apply"),
    path("domande/<uuid:pk>/", views.plan, name="plan"),
    path("domande/<uuid:pk>/ritira/", views.withdraw, name="withdraw"),
    path("gestione/<int:call_id>/", views.manage, name="manage"),
    path("gestione/domande/<uuid:pk>/concedi/", views.grant_new, name="grant-new"),
    path("contributi/<int:pk>/", views.grant_detail, name="grant"),
    path("contributi/<int:pk>/relazione/", views.grant_report, name="grant-report"),
    path("contributi/<int:pk>/documenti/", views.grant_document, name="grant-document"),
    path("contributi/<int:pk>/esito/", views.grant_review, name="grant-review"),
    path("contributi/<int:pk>/pagamento/", views.grant_payment, name="grant-payment"),
    path("contributi/<int:pk>/revoca/", views.grant_revoke, name="grant-revoke"),
    path("contributi/documenti/<uuid:pk>/", views.grant_document_download, name="grant-document-file"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
BOTH = allow("referent", "alliance_staff")  # the company's referents and the call's alliance staff
ACCESS = {
    "apply": allow("referent", "other_referent"),  # any company's referent
    "plan": BOTH,
    "withdraw": allow("referent"),
    "manage": allow("alliance_staff"),
    "grant-new": allow("alliance_staff"),
    "grant": BOTH,
    "grant-report": allow("referent"),
    "grant-document": allow("referent"),
    "grant-review": allow("alliance_staff"),
    "grant-payment": BOTH,
    "grant-revoke": allow("alliance_staff"),
    "grant-document-file": BOTH,
}
