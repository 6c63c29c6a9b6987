"""Who designs which calls, and who sees which: every persona against calls/access.py."""

from __future__ import annotations

import pytest
from django.http import Http404

from sinergie.calls import design
from sinergie.calls.access import (
    alliances_for_call_design,
    can_design_call,
    get_call_for_designer,
    get_public_call,
    may_design_calls,
)
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role

from .design_world import Designer, designer_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "stranger", "referent", "provider_staff", "evaluator", "analyst", "alliance_staff", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_alliances_staff_and_admins_design_its_calls(designer: Designer, role: str) -> None:
    call = designer.create()
    user = getattr(designer.world, role)
    allowed = role in {"alliance_staff", "admin"}
    assert may_design_calls(user) is allowed
    assert can_design_call(user, call) is allowed
    if allowed:
        assert get_call_for_designer(user, call.pk) == call
        assert designer.world.alliance in alliances_for_call_design(user)
    else:
        with pytest.raises(Http404):
            get_call_for_designer(user, call.pk)


def test_another_alliances_staff_design_only_their_own(designer: Designer) -> None:
    call = designer.create()
    other = UserFactory(email="staff-b@example.org")
    add_member(other, designer.world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(other)
    assert list(alliances_for_call_design(other)) == [designer.world.other_alliance]
    assert not can_design_call(other, call)
    with pytest.raises(Http404):
        get_call_for_designer(other, call.pk)


def test_inactive_and_anonymous_users_design_nothing(designer: Designer) -> None:
    from django.contrib.auth.models import AnonymousUser

    staff = designer.staff
    staff.is_active = False
    staff.save()
    assert not may_design_calls(staff) and not may_design_calls(AnonymousUser())


@pytest.mark.parametrize("value", ["abc", None, "", "1.5", 2**70, -3, 0])
def test_garbled_ids_are_404(designer: Designer, value: object) -> None:
    with pytest.raises(Http404):
        get_call_for_designer(designer.world.admin, value)
    with pytest.raises(Http404):
        get_public_call(value)


def test_the_public_sees_published_and_closed_calls_not_drafts(designer: Designer) -> None:
    draft = designer.create()
    published = designer.create()
    design.call_publish_checked(call=published, by=designer.staff)
    with pytest.raises(Http404):
        get_public_call(draft.pk)
    assert get_public_call(published.pk) == published
    design.call_close(call=published, by=designer.staff)
    assert get_public_call(str(published.pk)) == published
