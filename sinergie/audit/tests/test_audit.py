from __future__ import annotations

import datetime

from django.contrib.admin.sites import site

from sinergie.audit.models import AuditEvent
from sinergie.audit.services import audit_events_for, audit_record, snapshot
from sinergie.conftest import World


def test_it_records_system_actions_without_an_actor(world: World):
    event = audit_record(actor=None, action="test.run", obj=world.company, after={"when": datetime.date(2026, 1, 2)})
    assert event.actor_label == "system"
    assert event.after == {"when": "2026-01-02"}
    assert list(audit_events_for(world.company)) == [event]


def test_it_snapshots_foreign_keys_by_id(world: World):
    data = snapshot(world.company, ["name", "municipality_id"])
    assert data == {"name": "Company A", "municipality_id": None}


def test_it_keeps_the_trail_read_only_in_the_admin(rf, world: World):
    admin = site._registry[AuditEvent]
    request = rf.get("/")
    request.user = world.admin
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
