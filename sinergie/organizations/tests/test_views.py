from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from sinergie.audit.models import AuditEvent
from sinergie.conftest import UserFactory, World
from sinergie.organizations.models import Membership

PERSONAS = [
    "citizen",
    "stranger",
    "referent",
    "colleague",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "evaluator",
    "analyst",
    "admin",
]
MAY_EDIT_COMPANY = {"referent", "admin"}
MAY_SEE_COMPANY_PEOPLE = {"referent", "colleague", "alliance_staff", "admin"}
MAY_MANAGE_ALLIANCE = {"alliance_staff", "admin"}


def test_it_shows_public_pages_to_anonymous_visitors(client, world: World):
    for url in [
        reverse("organizations:list"),
        reverse("organizations:detail", args=["company-a"]),
        reverse("organizations:alliance-list"),
        reverse("organizations:alliance-detail", args=["alliance-a"]),
        reverse("organizations:alliances-geojson"),
    ]:
        assert client.get(url).status_code == 200, url


def test_it_sends_anonymous_visitors_to_login_for_private_pages(client, world: World):
    for url in [
        reverse("organizations:edit", args=["company-a"]),
        reverse("organizations:members", args=["company-a"]),
        reverse("organizations:alliance-municipalities", args=["alliance-a"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_managers_edit_a_company(login, world: World, persona: str):
    client = login(getattr(world, persona))
    expected = 200 if persona in MAY_EDIT_COMPANY else 403
    assert client.get(reverse("organizations:edit", args=["company-a"])).status_code == expected
    assert client.get(reverse("organizations:members", args=["company-a"])).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_a_company_people_only_to_those_entitled(login, world: World, persona: str):
    response = login(getattr(world, persona)).get(reverse("organizations:detail", args=["company-a"]))
    assert response.status_code == 200
    assert (world.colleague.email in response.content.decode()) is False  # e-mails are never on the public page
    assert (b"People and roles" in response.content or b"Persone e ruoli" in response.content) is (
        persona in MAY_SEE_COMPANY_PEOPLE
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_alliance_staff_edit_municipalities(login, world: World, persona: str):
    client = login(getattr(world, persona))
    expected = 200 if persona in MAY_MANAGE_ALLIANCE else 403
    assert client.get(reverse("organizations:alliance-municipalities", args=["alliance-a"])).status_code == expected


def test_it_forbids_posting_to_another_organization(login, world: World):
    client = login(world.other_referent)
    response = client.post(reverse("organizations:edit", args=["company-a"]), {"name": "Hijacked"})
    assert response.status_code == 403
    world.company.refresh_from_db()
    assert world.company.name == "Company A"
    membership = Membership.objects.get(user=world.colleague)
    response = client.post(reverse("organizations:membership-remove", args=["company-a", membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_cannot_remove_a_membership_through_another_organization_url(login, world: World):
    membership = Membership.objects.get(user=world.colleague)
    # The other referent manages company-b; the membership belongs to company-a.
    response = login(world.other_referent).post(
        reverse("organizations:membership-remove", args=["company-b", membership.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_saves_a_valid_profile_and_audits_it(login, world: World):
    response = login(world.referent).post(
        reverse("organizations:edit", args=["company-a"]),
        {"name": "Company A renamed", "vat_number": "IT 00743110157", "email": "hr@example.org"},
    )
    assert response.status_code == 302
    world.company.refresh_from_db()
    assert world.company.name == "Company A renamed"
    assert world.company.vat_number == "00743110157"
    assert AuditEvent.objects.filter(action="organization.update", actor=world.referent).exists()


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("vat_number", "12345678901", "VAT"),
        ("tax_code", "ABCDEF", "tax code"),
        ("email", "not an email", "email"),
        ("website", "javascript:alert(1)", "URL"),
        ("municipality", "Atlantide", "municipality"),
        ("name", "", "required"),
    ],
)
def test_it_names_the_field_in_error_and_saves_nothing(login, world: World, field, value, fragment):
    data = {"name": "Company A", field: value}
    with translation.override("en"):
        url = reverse("organizations:edit", args=["company-a"])
    response = login(world.referent).post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert fragment.lower() in " ".join(form.errors[field]).lower()
    assert not AuditEvent.objects.exists()


def test_it_adds_a_member_by_email(login, world: World):
    newcomer = UserFactory(email="newcomer@example.org")
    response = login(world.referent).post(
        reverse("organizations:members", args=["company-a"]),
        {"email": "NEWCOMER@example.org", "role": "company_referent"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organization=world.company).exists()


def test_it_explains_an_unknown_email(login, world: World):
    response = login(world.referent).post(
        reverse("organizations:members", args=["company-a"]),
        {"email": "nobody@example.org", "role": "company_referent"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_it_refuses_a_role_not_offered_for_the_kind(login, world: World):
    UserFactory(email="newcomer@example.org")
    response = login(world.referent).post(
        reverse("organizations:members", args=["company-a"]), {"email": "newcomer@example.org", "role": "analyst"}
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors


def test_it_reports_why_the_last_manager_stays(login, world: World):
    membership = Membership.objects.get(user=world.referent)
    response = login(world.referent).post(
        reverse("organizations:membership-remove", args=["company-a", membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert len(list(response.context["messages"])) == 1


def test_it_rejects_a_get_on_a_state_changing_url(login, world: World):
    membership = Membership.objects.get(user=world.colleague)
    response = login(world.referent).get(reverse("organizations:membership-remove", args=["company-a", membership.pk]))
    assert response.status_code == 405


def test_it_filters_organizations_by_kind_and_name(client, world: World):
    response = client.get(reverse("organizations:list"), {"kind": "company", "q": "company b"})
    names = [o.name for o in response.context["page"]]
    assert names == ["Company B"]
    response = client.get(reverse("organizations:list"), {"kind": "nonsense"})
    assert response.status_code == 200


def test_it_ignores_a_nonsense_page_number(client, world: World):
    assert client.get(reverse("organizations:list"), {"page": "9999x"}).status_code == 200


def test_it_returns_404_for_an_unknown_organization(client, world: World):
    assert client.get(reverse("organizations:detail", args=["nope"])).status_code == 404
