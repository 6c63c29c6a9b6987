from django.urls import path

from sinergie.lib.access_rules import allow
from sinergie.planner import views

app_name = "planner"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("calendario.ics", views.plan_calendar, name="ics"),
    path("salva/", views.plan_save, name="save"),
    path("miei/", views.my_plans, name="mine"),
    path("miei/<int:pk>/", views.plan_open, name="open"),
    path("miei/<int:pk>/rinomina/", views.plan_rename, name="rename"),
    path("miei/<int:pk>/elimina/", views.plan_delete, name="delete"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {name: allow("citizen") for name in ("open", "rename", "delete")}  # the plan's owner
