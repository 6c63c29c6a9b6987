"""Shared test personas and factories (one organization per kind, one person per role)."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from sinergie.accounts.models import User
from sinergie.organizations.models import Alliance, AlliancePartner, Membership, Organization, Role
from sinergie.territory.models import Municipality, Province

PASSWORD = "a-long-test-password-42"


def make_municipality(
    istat_code: str,
    name: str,
    province: Province,
    point: tuple[float, float] | None = None,
    *,
    capital: bool = False,
) -> Municipality:
    """A municipality for a test, with the codes derived from its ISTAT code and an optional point."""
    return Municipality.objects.create(
        istat_code=istat_code,
        name=name,
        is_provincial_capital=capital,
        search_name=name.lower(),
        cadastral_code=istat_code[-4:],
        province=province,
        region=province.region,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Name{n}")
    last_name = "Tester"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = "company"
    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")


def enrol_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def add_member(user: User, organization: Organization, role: str, *, manager: bool = False) -> Membership:
    return Membership.objects.create(user=user, organization=organization, role=role, is_manager=manager)


class World:
    """Two alliances, each with a company partner, and one person for every role."""

    def __init__(self) -> None:
        self.alliance_org = OrganizationFactory(kind="alliance", name="Alliance A", slug="alliance-a")
        self.alliance = Alliance.objects.create(organization=self.alliance_org)
        self.other_alliance_org = OrganizationFactory(kind="alliance", name="Alliance B", slug="alliance-b")
        self.other_alliance = Alliance.objects.create(organization=self.other_alliance_org)
        self.company = OrganizationFactory(kind="company", name="Company A", slug="company-a")
        self.other_company = OrganizationFactory(kind="company", name="Company B", slug="company-b")
        self.provider = OrganizationFactory(kind="provider", name="Provider A", slug="provider-a")
        self.observatory = OrganizationFactory(kind="observatory", name="Observatory", slug="observatory")
        AlliancePartner.objects.create(alliance=self.alliance, organization=self.company, role="private")
        AlliancePartner.objects.create(alliance=self.other_alliance, organization=self.other_company, role="private")

        self.citizen = UserFactory(email="citizen@example.org")
        self.stranger = UserFactory(email="stranger@example.org")
        self.referent = self._staff("referent@example.org", self.company, Role.COMPANY_REFERENT, manager=True)
        self.colleague = self._staff("colleague@example.org", self.company, Role.COMPANY_REFERENT)
        self.other_referent = self._staff("other@example.org", self.other_company, Role.COMPANY_REFERENT, manager=True)
        self.provider_staff = self._staff("provider@example.org", self.provider, Role.PROVIDER_STAFF, manager=True)
        self.alliance_staff = self._staff("staff@example.org", self.alliance_org, Role.ALLIANCE_STAFF, manager=True)
        self.evaluator = self._staff("evaluator@example.org", self.alliance_org, Role.EVALUATOR)
        self.analyst = self._staff("analyst@example.org", self.observatory, Role.ANALYST)
        self.admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
        enrol_totp(self.admin)

    def _staff(self, email: str, organization: Organization, role: str, *, manager: bool = False) -> User:
        user = UserFactory(email=email)
        add_member(user, organization, role, manager=manager)
        enrol_totp(user)
        return user


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.fixture
def login(client: Any) -> Any:
    """Log a user in directly (the login flow itself has its own tests)."""

    def do(user: User) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return do


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
