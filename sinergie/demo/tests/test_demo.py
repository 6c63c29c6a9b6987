from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sinergie.accounts.models import User
from sinergie.demo.load import DEMO_ACCOUNTS, DEMO_PASSWORD
from sinergie.organizations.access import user_has_staff_role
from sinergie.organizations.models import Alliance, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    # pytest-django runs with DEBUG off; the demo only runs on development machines.
    settings.DEBUG = True


def _demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_it_prepares_alliances_organizations_and_one_account_per_role():
    output = _demo()
    assert Alliance.objects.count() == 4
    adda = Alliance.objects.get(organization__slug="adda-martesana")
    assert adda.municipalities.count() == 28
    assert Alliance.objects.get(organization__slug="castanese-magentino-legnanese").districts.count() == 3
    assert not Organization.objects.filter(is_demo=False).exists()
    for account in DEMO_ACCOUNTS:
        assert account.email in output
        assert User.objects.get(email=account.email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in output
    assert "fictitious" in output


def test_it_is_safe_to_run_twice():
    _demo()
    counts = (User.objects.count(), Organization.objects.count(), Authenticator.objects.count())
    _demo()
    assert (User.objects.count(), Organization.objects.count(), Authenticator.objects.count()) == counts


def test_it_enrols_every_staff_account_in_two_factor_authentication():
    _demo()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert enrolled is user_has_staff_role(user), account.email


def test_it_prints_recovery_codes_that_let_a_newcomer_in(client):
    output = _demo()
    line = next(line for line in output.splitlines() if "alleanza@" in line and "recovery codes" in line)
    code = re.search(r"recovery codes: (\S+)", line).group(1)
    response = client.post(
        reverse("account_login"), {"login": "alleanza@demo.sinergie.invalid", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("organizations:alliance-municipalities", args=["adda-martesana"])).status_code == 200


def test_it_lets_the_demo_citizen_in_with_the_password_only(client):
    _demo()
    response = client.post(
        reverse("account_login"), {"login": "cittadina@demo.sinergie.invalid", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("web:dashboard")


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=false"):
        call_command("demo", "--no-serve", stdout=StringIO())


def test_it_lets_every_demo_account_log_in(client):
    # One demo load for all accounts: loading it is the slow part.
    output = _demo()
    for account in DEMO_ACCOUNTS:
        response = client.post(reverse("account_login"), {"login": account.email, "password": DEMO_PASSWORD})
        if response["Location"] == reverse("mfa_authenticate"):
            line = next(line for line in output.splitlines() if account.email in line and "recovery codes" in line)
            code = re.search(r"recovery codes: (\S+)", line).group(1)
            response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302, account.email
        assert client.get(reverse("web:dashboard")).status_code == 200, account.email
        client.logout()


def test_it_offers_fictitious_services_with_closure_cover_in_every_member_municipality():
    _demo()
    from sinergie.directory.models import Service

    assert not Service.objects.filter(is_demo=False).exists()
    from sinergie.directory.models import ClosureAvailability, ServiceAtLocation
    from sinergie.territory.models import Municipality

    seven_years = 7 * 12
    melzo = Municipality.objects.get(name="Melzo")
    christmas_in_melzo = Service.objects.filter(
        state="published",
        pk__in=ClosureAvailability.objects.filter(period="christmas").values("service_id"),
        minimum_age_months__lte=seven_years,
        maximum_age_months__gte=seven_years,
    ).filter(pk__in=ServiceAtLocation.objects.filter(location__municipality=melzo).values("service_id"))
    assert christmas_in_melzo.exists()
    with_summer_camp = set(
        Service.objects.filter(closure_availability__period="summer").values_list(
            "sites__location__municipality", flat=True
        )
    )
    members = set(Alliance.objects.values_list("municipalities", flat=True))
    assert members <= with_summer_camp


@pytest.mark.parametrize("name", ["foundation", "hsds"])
def test_it_benchmarks_the_demo_instance(name):
    _demo()
    out = StringIO()
    call_command("bench", name, "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {"benchmark", "database", "date", "machine", "figures"}
    assert report["benchmark"] == name
    assert all(value is not None for value in report["figures"].values())
