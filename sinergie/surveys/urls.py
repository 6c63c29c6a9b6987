from django.urls import path

from sinergie.surveys import views

app_name = "surveys"
urlpatterns = [
    path("<str:code>/", views.respond, name="respond"),
]
