"""Signup records the privacy notice it showed (issue 13, point 8; GDPR art. 13)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.cache import cache

from sinergie.accounts.models import User
from sinergie.lib import privacy

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _no_rate_limits_left_by_other_tests():
    cache.clear()
    yield
    cache.clear()


def _signup(client, email: str):
    data = {
        "first_name": "Giulia",
        "last_name": "Bianchi",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post("/account/signup/", data)


def test_signup_links_the_account_notice_and_records_its_version(client) -> None:
    page = client.get("/account/signup/").content.decode()
    assert 'href="/privacy/account/"' in page
    assert _signup(client, "giulia@example.org").status_code == 302
    assert User.objects.get(email="giulia@example.org").privacy_notice_version == "account/1"


def test_a_new_version_of_the_notice_is_what_later_signups_record(client, monkeypatch) -> None:
    bumped = dataclasses.replace(privacy.NOTICES["account"], version=2)
    monkeypatch.setitem(privacy.NOTICES, "account", bumped)
    assert _signup(client, "later@example.org").status_code == 302
    assert User.objects.get(email="later@example.org").privacy_notice_version == "account/2"
