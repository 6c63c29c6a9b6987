from django.urls import path

from sinergie.lib.access_rules import PUBLIC, allow
from sinergie.organizations import views

app_name = "organizations"
urlpatterns = [
    path("organizzazioni/", views.organization_list, name="list"),
    path("organizzazioni/<slug:slug>/", views.organization_detail, name="detail"),
    path("organizzazioni/<slug:slug>/modifica/", views.organization_edit, name="edit"),
    path("organizzazioni/<slug:slug>/persone/", views.organization_members, name="members"),
    path("organizzazioni/<slug:slug>/persone/<int:pk>/rimuovi/", views.membership_remove, name="membership-remove"),
    path("alleanze/", views.alliance_list, name="alliance-list"),
    path("alleanze/mappa.geojson", views.alliances_geojson, name="alliances-geojson"),
    path("alleanze/<slug:slug>/", views.alliance_detail, name="alliance-detail"),
    path("alleanze/<slug:slug>/comuni/", views.alliance_municipalities_edit, name="alliance-municipalities"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
ACCESS = {
    "detail": PUBLIC,
    "edit": allow("referent", "admin"),  # the organization's managers
    "members": allow("referent", "admin"),
    "membership-remove": allow("referent", "admin"),
    "alliance-detail": PUBLIC,
    "alliance-municipalities": allow("alliance_staff", "admin"),
}
