from django.urls import path

from sinergie.calls import apply_views, views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("<int:call_id>/", views.call_detail, name="detail"),
    path("<int:call_id>/posso-partecipare/", views.call_precheck, name="precheck"),
    path("<int:call_id>/domanda/", apply_views.apply, name="apply"),
    path("<int:call_id>/domanda-assistita/", apply_views.assisted, name="apply-assisted"),
    path("gestione/", views.manage_list, name="manage-list"),
    path("gestione/nuovo/", views.call_create, name="create"),
    path("gestione/<int:call_id>/", views.manage_detail, name="manage-detail"),
    path("gestione/<int:call_id>/modifica/", views.call_edit, name="edit"),
    path("gestione/<int:call_id>/pubblica/", views.call_publish, name="publish"),
    path("gestione/<int:call_id>/chiudi/", views.call_close, name="close"),
]
