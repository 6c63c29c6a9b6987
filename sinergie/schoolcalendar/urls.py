from django.urls import path

from sinergie.lib.access_rules import PUBLIC, allow
from sinergie.schoolcalendar import views

app_name = "schoolcalendar"
urlpatterns = [
    path("<str:istat_code>/", views.school_year_detail, name="detail"),
    path("<str:istat_code>/calendario.ics", views.school_year_feed, name="ics"),
    path("<str:istat_code>/gestisci/", views.calendar_manage, name="manage"),
    path("<str:istat_code>/chiusure/<int:pk>/rimuovi/", views.closure_remove, name="closure-remove"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {
    "detail": PUBLIC,
    "ics": PUBLIC,
    # Staff of an alliance with the municipality among its members.
    "manage": allow("alliance_staff", "admin"),
    "closure-remove": allow("alliance_staff", "admin"),
}
