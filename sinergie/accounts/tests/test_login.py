from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from sinergie.accounts.models import User
from sinergie.conftest import PASSWORD, UserFactory, World
from sinergie.surveys.tests.helpers import answer, close, make_campaign


def _login(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_it_logs_a_citizen_in_with_email_and_password(client, world: World):
    response = _login(client, "CITIZEN@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_it_names_the_problem_on_a_wrong_password(client, world: World):
    response = _login(client, "citizen@example.org", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_throttles_repeated_failed_logins(client, world: World):
    cache.clear()
    for _ in range(5):
        _login(client, "citizen@example.org", "wrong-password")
    # Even the right password is refused while the account is throttled.
    response = _login(client, "citizen@example.org")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_it_asks_staff_for_the_second_factor(client, world: World):
    response = _login(client, "referent@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_it_accepts_a_totp_code_as_second_factor(client, world: World):
    _login(client, "referent@example.org")
    secret = Authenticator.objects.get(user=world.referent, type=Authenticator.Type.TOTP).data["secret"]
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.referent.pk)


def test_it_accepts_a_recovery_code_once(client, world: World):
    code = RecoveryCodes.activate(world.referent).get_unused_codes()[0]
    _login(client, "referent@example.org")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(world.referent.pk)
    client.logout()
    _login(client, "referent@example.org")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_sends_staff_without_a_second_factor_to_enrol(login, world: World):
    Authenticator.objects.filter(user=world.provider_staff).delete()
    client = login(world.provider_staff)
    response = client.get(reverse("organizations:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-required")
    assert client.get(reverse("accounts:mfa-required")).status_code == 200


def test_the_api_refuses_staff_without_a_second_factor(login, world: World):
    """Issue 12, point 1: the API was exempt, so a password alone read survey reports there."""
    campaign = make_campaign(world.company, mode="open")
    for index in range(6):
        answer(campaign, {"kids": "no", "stress": 1 + index % 5})
    close(campaign)
    Authenticator.objects.filter(user=world.referent).delete()
    client = login(world.referent)
    for path in (f"/api/v1/surveys/campaigns/{campaign.pk}/report", "/api/v1/territory/provinces"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "secondo fattore" in response.json()["detail"]  # Italian by default
    # Enrolment asks for the password again first; neither page may bounce back here.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200


def test_it_lets_citizens_in_without_a_second_factor(login, world: World):
    assert login(world.citizen).get(reverse("organizations:list")).status_code == 200


def test_it_registers_a_citizen_and_asks_to_verify_the_email(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Nuova",
            "last_name": "Genitrice",
            "email": "new.parent@example.org",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.parent@example.org")
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    assert "new.parent@example.org" in mail.outbox[0].to


def test_it_names_the_field_when_registration_fails(client, world: World):
    response = client.post(
        reverse("account_signup"), {"email": "citizen@example.org", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors or "password1" in errors or "password2" in errors
    assert User.objects.filter(email="citizen@example.org").count() == 1


def test_it_sends_a_password_reset_email(client, world: World):
    response = client.post(reverse("account_reset_password"), {"email": "citizen@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_it_stores_emails_in_lower_case(db):
    user = UserFactory(email="Mixed.Case@Example.ORG")
    assert User.objects.get_by_natural_key("mixed.case@example.org") == user


def _login_from(client, address: str, email: str, password: str = PASSWORD):
    """A login as it reaches the app behind one trusted proxy (nginx's $proxy_add_x_forwarded_for)."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"{address}",
    )


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_clients_failures_do_not_lock_out_everyone(client, world: World):
    cache.clear()
    # Ten failed logins a minute from one client, over several accounts (under each one's limit)...
    for i in range(10):
        _login_from(client, "203.0.113.5", f"nobody{i}@example.org", "wrong-password")
    # ...throttle that client, whatever address it claims before the proxy's entry,
    response = _login_from(client, "198.51.100.1, 203.0.113.5", "citizen@example.org")
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors
    # and nobody else: another client, behind the same proxy, signs in.
    response = _login_from(client, "198.51.100.7", "citizen@example.org")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    cache.clear()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_failed_logins_are_also_throttled_per_account_from_any_address(client, world: World):
    cache.clear()
    for i in range(5):
        _login_from(client, f"203.0.113.{10 + i}", "citizen@example.org", "wrong-password")
    # A sixth address with the right password is refused: the account itself is throttled.
    response = _login_from(client, "198.51.100.9", "citizen@example.org")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    # Another account is untouched.
    assert _login_from(client, "198.51.100.9", "referent@example.org").status_code == 302
    cache.clear()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_audit_trail_records_the_client_address_not_the_proxys(rf):
    from sinergie.lib.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
