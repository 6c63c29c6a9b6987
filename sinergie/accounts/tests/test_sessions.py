"""Signed-in sessions (issue 13, point 19): no-store pages, staff idle and working-day limits."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sinergie.accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from sinergie.conftest import PASSWORD, World
from sinergie.web.tests.browser_support import totp_code

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 3600


def _now() -> int:
    return int(timezone.now().timestamp())


def _signed_in(client: Client, user) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    for key, ago in {SIGNED_IN_AT: seconds_ago.get("signed_in", 0), LAST_SEEN_AT: seconds_ago["last_seen"]}.items():
        session[key] = _now() - ago
    session.save()


# --- Cache-Control -----------------------------------------------------------------------------


def test_pages_for_a_signed_in_person_are_not_stored(client: Client, world: World) -> None:
    _signed_in(client, world.citizen)

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_to_a_signed_in_person_are_not_stored_either(client: Client, world: World) -> None:
    _signed_in(client, world.alliance_staff)

    response = client.get("/api/v1/territory/regions")

    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_a_visitor_may_be_cached(client: Client, world: World) -> None:
    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Staff idle period -------------------------------------------------------------------------


def test_staff_are_signed_out_after_the_idle_period(client: Client, world: World) -> None:
    _signed_in(client, world.alliance_staff)
    _age_session(client, last_seen=31 * MINUTE)

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('web:dashboard')}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "30 minuti di inattività" in page.content.decode()  # the message, in Italian


def test_staff_who_keep_working_stay_signed_in(client: Client, world: World) -> None:
    _signed_in(client, world.alliance_staff)
    _age_session(client, last_seen=29 * MINUTE)

    assert client.get(reverse("web:dashboard")).status_code == 200
    # The request counts as activity: the clock starts again.
    assert _now() - client.session[LAST_SEEN_AT] < MINUTE


@override_settings(STAFF_SESSION_IDLE_MINUTES=5)
def test_the_idle_period_is_configurable(client: Client, world: World) -> None:
    _signed_in(client, world.referent)
    _age_session(client, last_seen=6 * MINUTE)

    assert client.get(reverse("web:dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizens_are_not_signed_out_for_idling(client: Client, world: World) -> None:
    _signed_in(client, world.citizen)
    _age_session(client, last_seen=5 * HOUR)

    assert client.get(reverse("web:dashboard")).status_code == 200


def test_an_idle_staff_session_gets_401_from_the_api(client: Client, world: World) -> None:
    _signed_in(client, world.alliance_staff)
    _age_session(client, last_seen=31 * MINUTE)

    response = client.get("/api/v1/territory/regions")

    assert response.status_code == 401
    assert "inattività" in response.json()["detail"]
    assert "_auth_user_id" not in client.session


# --- Working day -------------------------------------------------------------------------------


def test_staff_sessions_end_after_a_working_day_even_when_active(client: Client, world: World) -> None:
    _signed_in(client, world.alliance_staff)
    _age_session(client, signed_in=10 * HOUR + MINUTE, last_seen=MINUTE)

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _log_in_remembered(client: Client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD, "remember": "on"})
    assert response.status_code == 302


def test_remember_me_keeps_a_citizen_for_two_weeks(client: Client, world: World) -> None:
    _log_in_remembered(client, world.citizen.email)
    assert client.get(reverse("web:dashboard")).status_code == 200

    assert client.session.get_expiry_age() > 13 * 24 * HOUR


def test_remember_me_does_not_keep_staff_beyond_a_working_day(client: Client, world: World) -> None:
    _log_in_remembered(client, world.alliance_staff.email)
    secret = Authenticator.objects.get(user=world.alliance_staff, type=Authenticator.Type.TOTP).data["secret"]
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(world.alliance_staff.pk)

    assert client.get(reverse("web:dashboard")).status_code == 200

    assert 0 < client.session.get_expiry_age() <= 10 * HOUR
    assert "Max-Age=" in str(client.cookies["sessionid"])
    assert 0 < int(client.cookies["sessionid"]["max-age"]) <= 10 * HOUR
