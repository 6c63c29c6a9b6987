from django.urls import path

from sinergie.calls.applications import receipt_views as application_views
from sinergie.calls.applications import views as apply_views
from sinergie.lib.access_rules import PUBLIC, allow

app_name = "applications"
urlpatterns = [
    path("", apply_views.mine, name="mine"),
    path("<uuid:pk>/", apply_views.edit, name="edit"),
    path("<uuid:pk>/riepilogo/", apply_views.review, name="review"),
    path("<uuid:pk>/ritira/", apply_views.withdraw, name="withdraw"),
    path("<uuid:pk>/ricevuta.pdf", apply_views.receipt_pdf, name="receipt-pdf"),
    path("documenti/<uuid:pk>/rimuovi/", apply_views.document_remove, name="document-remove"),
    path("<uuid:pk>/ricevuta/", application_views.receipt, name="receipt"),
    path("documenti/<uuid:pk>/", application_views.document, name="document"),
    path("graduatoria/<int:call_id>/", application_views.ranking, name="ranking"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {
    # The applicant (and the operator who filled it in, while still an operator).
    "edit": allow("citizen"),
    "review": allow("citizen"),
    "withdraw": allow("citizen"),
    "document-remove": allow("citizen"),
    # Also read by the staff of the call's alliance.
    "receipt": allow("citizen", "alliance_staff"),
    "receipt-pdf": allow("citizen", "alliance_staff"),
    "document": allow("citizen", "alliance_staff"),
    "ranking": PUBLIC,  # a published ranking, by protocol number only
}
