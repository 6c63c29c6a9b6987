from django.urls import path

from sinergie.calls import application_views, apply_views

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
