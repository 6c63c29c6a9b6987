"""The voucher wallet and the providers' redemption desk, mounted at /buoni/."""

from __future__ import annotations

from django.urls import path

from sinergie.calls import voucher_views as views

app_name = "vouchers"

urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("<int:pk>/", views.voucher_detail, name="detail"),
    path("sportello/", views.desk_home, name="desk-home"),
    path("sportello/<slug:provider>/", views.desk, name="desk"),
    path("sportello/<slug:provider>/riscatti/", views.redemption_list, name="redemptions"),
    path("sportello/<slug:provider>/riscatti/<uuid:pk>/", views.redemption_detail, name="redemption"),
    path("sportello/<slug:provider>/riscatti/<uuid:pk>/annulla/", views.redemption_cancel, name="redemption-cancel"),
    path("sportello/<slug:provider>/rendiconto/", views.statement, name="statement"),
    path("sportello/<slug:provider>/rendiconto.csv", views.statement_csv, name="statement-csv"),
    path("sportello/<slug:provider>/rendiconto.xlsx", views.statement_xlsx, name="statement-xlsx"),
    path("sportello/<slug:provider>/rendiconto.pdf", views.statement_pdf, name="statement-pdf"),
]
