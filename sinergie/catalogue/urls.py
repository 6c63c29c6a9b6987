from django.urls import path

from sinergie.catalogue import views
from sinergie.lib.access_rules import allow

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

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
# The person who uploaded the batch, while still staff of an alliance of its provider; admins.
ACCESS = {name: allow("alliance_staff", "admin") for name in ("import-preview", "import-confirm", "import-progress")}
