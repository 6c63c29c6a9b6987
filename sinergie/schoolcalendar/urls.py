from django.urls import path

from sinergie.schoolcalendar import views

app_name = "schoolcalendar"
urlpatterns = [
    path("<str:istat_code>/", views.school_year_detail, name="detail"),
    path("<str:istat_code>/calendario.ics", views.school_year_feed, name="ics"),
    path("<str:istat_code>/gestisci/", views.calendar_manage, name="manage"),
    path("<str:istat_code>/chiusure/<int:pk>/rimuovi/", views.closure_remove, name="closure-remove"),
]
