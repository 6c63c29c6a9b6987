"""Who they are (issue 13, point 7): signup asks the name, e-mails carry the site's name, the
dashboard greets the person by name and tells each what their account is for, "Your name" page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from sinergie.accounts.models import User
from sinergie.audit.models import AuditEvent
from sinergie.conftest import UserFactory, World

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
DASHBOARD = "/area-personale/"
NAME = "/account/nome/"


@pytest.fixture(autouse=True)
def _no_rate_limits_left_by_other_tests():
    """allauth keeps its rate limits (one confirmation e-mail per address every few minutes) in the cache."""
    cache.clear()
    yield
    cache.clear()


def _signup(client, path: str = "", **changes: str):
    data = {
        "first_name": "Giulia",
        "last_name": "Bianchi",
        "email": "giulia.bianchi@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }
    return client.post(path or "/account/signup/", data)


def test_signup_asks_first_and_last_name_first(client) -> None:
    page = client.get("/account/signup/").content.decode()
    names = re.findall(r'<input[^>]*name="(first_name|last_name|email|password1)"', page)
    assert names == ["first_name", "last_name", "email", "password1"]
    assert 'autocomplete="given-name"' in page and 'autocomplete="family-name"' in page


def test_signup_stores_the_name(client) -> None:
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="giulia.bianchi@example.org")
    assert (user.first_name, user.last_name) == ("Giulia", "Bianchi")
    assert user.get_full_name() == "Giulia Bianchi"


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_signup_without_a_name_names_the_field_and_creates_nothing(client, field: str) -> None:
    response = _signup(client, **{field: "   "})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="giulia.bianchi@example.org").exists()


@override_settings(SITE_URL="https://sinergie.example.it")
def test_the_emails_carry_the_sites_name_and_address(client) -> None:
    _signup(client)
    body = mail.outbox[-1].body
    assert "Ciao da Sinergie!" in body
    assert "Ciao da !" not in body and "un account su ." not in body
    assert "sinergie.example.it" in body
    _signup(client, "/en/account/signup/", email="john@example.org")
    body = mail.outbox[-1].body
    assert "Hello from Sinergie!" in body and "an account on sinergie.example.it" in body


def test_the_password_reset_email_carries_the_sites_name(client, world: World) -> None:
    client.post("/en/account/password/reset/", {"email": "citizen@example.org"})
    assert "Hello from Sinergie!" in mail.outbox[-1].body
    assert "Hello from !" not in mail.outbox[-1].body


def test_the_dashboard_greets_by_first_name_not_by_email(login) -> None:
    user = UserFactory(email="giulia@example.org", first_name="Giulia", last_name="Bianchi")
    client = login(user)
    page = client.get(f"/en{DASHBOARD}").content.decode()
    assert "Welcome, Giulia." in page
    assert "Welcome, giulia@example.org" not in page


def test_the_dashboard_asks_the_name_of_an_account_without_one(login) -> None:
    user = UserFactory(email="nameless@example.org", first_name="", last_name="")
    page = login(user).get(f"/en{DASHBOARD}").content.decode()
    assert "nameless@example.org." not in page
    assert NAME in page


def test_a_citizen_is_told_what_the_account_is_for_without_services_to_come(login, world: World) -> None:
    page = login(world.citizen).get(f"/en{DASHBOARD}").content.decode()
    assert "when these services open" not in page
    assert "With your account you can save plans for school closures, apply to calls" in page
    italian = login(world.citizen).get(DASHBOARD).content.decode()
    assert "quando questi servizi" not in italian


def test_the_platform_administrator_is_not_told_of_a_citizen_account(login, world: World) -> None:
    page = login(world.admin).get(f"/en{DASHBOARD}").content.decode()
    assert "citizen account" not in page
    assert "You administer the platform" in page
    italian = login(world.admin).get(DASHBOARD).content.decode()
    assert "account da cittadino" not in italian


def test_your_name_page_changes_the_name_with_an_audit_record(login, world: World) -> None:
    client = login(world.citizen)
    url = NAME
    assert client.get(url).status_code == 200
    response = client.post(url, {"first_name": " Anna ", "last_name": "Verdi", "next": "/bandi/"})
    assert response.status_code == 302 and response["Location"] == "/bandi/"
    world.citizen.refresh_from_db()
    assert (world.citizen.first_name, world.citizen.last_name) == ("Anna", "Verdi")
    event = AuditEvent.objects.get(action="accounts.user.name")
    assert event.actor_id == world.citizen.pk


def test_your_name_page_refuses_a_blank_name_and_an_outside_next(login, world: World) -> None:
    client = login(world.citizen)
    before = (world.citizen.first_name, world.citizen.last_name)
    response = client.post(NAME, {"first_name": "", "last_name": "Verdi"})
    assert response.status_code == 400 and "first_name" in response.context["form"].errors
    world.citizen.refresh_from_db()
    assert (world.citizen.first_name, world.citizen.last_name) == before
    response = client.post(NAME, {"first_name": "A", "last_name": "B", "next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


def test_your_name_page_is_for_signed_in_people(client) -> None:
    response = client.get(NAME)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
