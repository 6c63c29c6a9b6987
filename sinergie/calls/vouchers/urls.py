"""The voucher wallet and the providers' redemption desk, mounted at /buoni/."""

from __future__ import annotations

from django.urls import path

from sinergie.calls.vouchers import views
from sinergie.lib.access_rules import allow

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

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {
    "detail": allow("citizen"),  # the voucher's holder
    # The provider's own staff.
    **{
        name: allow("provider")
        for name in (
            "desk",
            "redemptions",
            "redemption",
            "redemption-cancel",
            "statement",
            "statement-csv",
            "statement-xlsx",
            "statement-pdf",
        )
    },
}
