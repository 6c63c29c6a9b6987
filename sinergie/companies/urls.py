from django.urls import path

from sinergie.companies import views

app_name = "companies"
urlpatterns = [
    path("", views.my_companies, name="mine"),
    path("richieste/", views.join_requests, name="join-requests"),
    path("richieste/<int:pk>/", views.join_decide, name="join-decide"),
    path("<slug:slug>/profilo/", views.profile, name="profile"),
    path("<slug:slug>/alleanze/", views.alliances, name="alliances"),
    path("<slug:slug>/alleanze/<int:pk>/ritira/", views.join_withdraw, name="join-withdraw"),
]
