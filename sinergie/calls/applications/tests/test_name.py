"""The application form says who applies, by the name given at signup (issue 13, point 7)."""

from __future__ import annotations

import pytest

from sinergie.calls.tests.apply_world import Applying, applying_fixture  # noqa: F401
from sinergie.conftest import UserFactory

pytestmark = pytest.mark.django_db


def test_the_form_shows_the_applicants_name(login, applying: Applying) -> None:
    citizen = applying.world.citizen
    citizen.first_name, citizen.last_name = "Giulia", "Bianchi"
    citizen.save()
    page = login(citizen).get(f"/en/bandi/{applying.call.pk}/domanda/").content.decode()
    assert 'id="application-status"' in page and "Giulia Bianchi" in page
    assert 'id="name-missing"' not in page


def test_the_form_asks_for_the_name_of_an_account_without_one(login, applying: Applying) -> None:
    nameless = UserFactory(email="nameless@example.org", first_name="", last_name="")
    client = login(nameless)
    url = f"/bandi/{applying.call.pk}/domanda/"
    page = client.get(url).content.decode()
    assert 'id="name-missing"' in page
    assert f'href="/account/nome/?next={url}"' in page
    response = client.post("/account/nome/", {"first_name": "Nora", "last_name": "Neri", "next": url})
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Nora Neri" in page and 'id="name-missing"' not in page
