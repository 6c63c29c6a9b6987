from django.urls import path

from sinergie.directory import manage_views as views
from sinergie.lib.access_rules import allow

app_name = "directory-manage"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("nuovo/", views.service_create, name="create"),
    path("moderazione/", views.moderation_queue, name="queue"),
    path("moderazione/<uuid:pk>/", views.moderation_review, name="review"),
    path("<uuid:pk>/modifica/", views.service_edit, name="edit"),
    path("<uuid:pk>/anteprima/", views.service_preview, name="preview"),
    path("<uuid:pk>/invia/", views.service_submit, name="submit"),
    path("<uuid:pk>/ritira/", views.service_withdraw, name="withdraw"),
    path("<uuid:pk>/scarta/", views.service_discard, name="discard"),
    path("<uuid:pk>/archivia/", views.service_archive, name="archive"),
    path("<uuid:pk>/storia/", views.service_history, name="history"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
EDITORS = allow("provider", "admin")  # the owner's provider staff
VIEWERS = allow("provider", "alliance_staff", "admin")  # and the moderating alliances' staff
ACCESS = {
    "review": allow("alliance_staff", "admin"),
    "edit": EDITORS,
    "preview": VIEWERS,
    "submit": EDITORS,
    "withdraw": EDITORS,
    "discard": EDITORS,
    "archive": EDITORS,
    "history": VIEWERS,
}
