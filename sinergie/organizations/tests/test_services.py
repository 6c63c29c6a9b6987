from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sinergie.audit.models import AuditEvent
from sinergie.conftest import UserFactory, World
from sinergie.organizations import services
from sinergie.organizations.models import Membership, Role


def test_it_adds_a_member_and_records_it(world: World):
    newcomer = UserFactory()
    services.membership_add(actor=world.referent, organization=world.company, user=newcomer, role=Role.COMPANY_REFERENT)
    assert Membership.objects.filter(user=newcomer, organization=world.company).exists()
    event = AuditEvent.objects.get(action="membership.add")
    assert event.actor == world.referent
    assert event.after == {"user": newcomer.email, "role": "company_referent", "is_manager": False}


def test_it_refuses_a_role_that_does_not_fit_the_kind(world: World):
    with pytest.raises(ValidationError) as error:
        services.membership_add(actor=world.referent, organization=world.company, user=UserFactory(), role=Role.ANALYST)
    assert "role" in error.value.message_dict
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_duplicate_role(world: World):
    with pytest.raises(ValidationError) as error:
        services.membership_add(
            actor=world.referent, organization=world.company, user=world.colleague, role=Role.COMPANY_REFERENT
        )
    assert "email" in error.value.message_dict


def test_it_never_removes_the_last_manager(world: World):
    membership = Membership.objects.get(user=world.referent, organization=world.company)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=world.referent, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_it_removes_a_member_and_records_who_it_was(world: World):
    membership = Membership.objects.get(user=world.colleague, organization=world.company)
    services.membership_remove(actor=world.referent, membership=membership)
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.before["user"] == world.colleague.email


def test_it_records_only_the_changed_fields_of_a_profile(world: World):
    services.organization_update(actor=world.referent, organization=world.company, data={"name": "New", "phone": ""})
    event = AuditEvent.objects.get(action="organization.update")
    assert event.before == {"name": "Company A"}
    assert event.after == {"name": "New"}


def test_it_rolls_back_an_invalid_profile(world: World):
    with pytest.raises(ValidationError):
        services.organization_update(
            actor=world.referent, organization=world.company, data={"name": "Ok", "email": "not-an-email"}
        )
    world.company.refresh_from_db()
    assert world.company.name == "Company A"
    assert not AuditEvent.objects.exists()
