from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sinergie.conftest import World
from sinergie.organizations.access import Action, can, user_has_staff_role

# (persona, action, object, expected): every role against the same company and alliance.
MATRIX = [
    ("referent", Action.ORGANIZATION_VIEW_PRIVATE, "company", True),
    ("referent", Action.ORGANIZATION_EDIT, "company", True),
    ("referent", Action.ORGANIZATION_MANAGE_MEMBERS, "company", True),
    ("colleague", Action.ORGANIZATION_VIEW_PRIVATE, "company", True),
    ("colleague", Action.ORGANIZATION_EDIT, "company", False),
    ("colleague", Action.ORGANIZATION_MANAGE_MEMBERS, "company", False),
    ("other_referent", Action.ORGANIZATION_VIEW_PRIVATE, "company", False),
    ("other_referent", Action.ORGANIZATION_EDIT, "company", False),
    ("provider_staff", Action.ORGANIZATION_VIEW_PRIVATE, "company", False),
    ("alliance_staff", Action.ORGANIZATION_VIEW_PRIVATE, "company", True),
    ("alliance_staff", Action.ORGANIZATION_EDIT, "company", False),
    ("alliance_staff", Action.ORGANIZATION_VIEW_PRIVATE, "other_company", False),
    ("alliance_staff", Action.ALLIANCE_MANAGE, "alliance", True),
    ("alliance_staff", Action.ALLIANCE_MANAGE, "other_alliance", False),
    ("evaluator", Action.ALLIANCE_MANAGE, "alliance", False),
    ("evaluator", Action.ORGANIZATION_VIEW_PRIVATE, "company", False),
    ("analyst", Action.ORGANIZATION_VIEW_PRIVATE, "company", False),
    ("analyst", Action.ALLIANCE_MANAGE, "alliance", False),
    ("citizen", Action.ORGANIZATION_VIEW_PRIVATE, "company", False),
    ("citizen", Action.ALLIANCE_MANAGE, "alliance", False),
    ("stranger", Action.ORGANIZATION_EDIT, "company", False),
    ("admin", Action.ORGANIZATION_EDIT, "company", True),
    ("admin", Action.ALLIANCE_MANAGE, "other_alliance", True),
]


@pytest.mark.parametrize(("persona", "action", "target", "expected"), MATRIX)
def test_it_answers_each_role_on_each_action(world: World, persona: str, action: Action, target: str, expected: bool):
    assert can(getattr(world, persona), action, getattr(world, target)) is expected


def test_it_denies_anonymous_visitors_everything(world: World):
    for action in Action:
        assert can(AnonymousUser(), action, world.company) is False


def test_it_denies_inactive_users(world: World):
    world.referent.is_active = False
    assert can(world.referent, Action.ORGANIZATION_EDIT, world.company) is False


def test_it_counts_every_role_but_citizens_as_staff(world: World):
    assert not user_has_staff_role(world.citizen)
    for persona in ["referent", "provider_staff", "alliance_staff", "evaluator", "analyst", "admin"]:
        assert user_has_staff_role(getattr(world, persona)), persona


def test_it_rejects_an_unknown_action(world: World):
    with pytest.raises(ValueError, match="Unknown action"):
        can(world.referent, "organization.fly", world.company)
