from django.urls import path

from sinergie.accounts import views

app_name = "accounts"
urlpatterns = [
    path("secondo-fattore-richiesto/", views.mfa_required, name="mfa-required"),
    path("nome/", views.name, name="name"),
]
