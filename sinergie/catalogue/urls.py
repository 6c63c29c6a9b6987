from django.urls import path

from sinergie.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("modello.csv", views.template_csv, name="template-csv"),
    path("modello.xlsx", views.template_xlsx, name="template-xlsx"),
    path("esporta.csv", views.export_csv, name="export-csv"),
    path("esporta.xlsx", views.export_xlsx, name="export-xlsx"),
    path("esporta-hsds.zip", views.export_hsds, name="export-hsds"),
    path("importa/", views.import_upload, name="import"),
    path("importa/<uuid:batch_id>/", views.import_preview, name="import-preview"),
    path("importa/<uuid:batch_id>/conferma/", views.import_confirm, name="import-confirm"),
    path("importa/<uuid:batch_id>/avanzamento/", views.import_progress, name="import-progress"),
]
