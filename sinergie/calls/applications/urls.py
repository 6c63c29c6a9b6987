from django.urls import path

from sinergie.calls.applications import receipt_views, views
from sinergie.lib.access_rules import PUBLIC, allow

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:pk>/", views.edit, name="edit"),
    path("<uuid:pk>/riepilogo/", views.review, name="review"),
    path("<uuid:pk>/ritira/", views.withdraw, name="withdraw"),
    path("<uuid:pk>/ricevuta.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("documenti/<uuid:pk>/rimuovi/", views.document_remove, name="document-remove"),
    path("<uuid:pk>/ricevuta/", receipt_views.receipt, name="receipt"),
    path("documenti/<uuid:pk>/", receipt_views.document, name="document"),
    path("graduatoria/<int:call_id>/", receipt_views.ranking, name="ranking"),
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
