"""State changes of saved plans: each validates, runs in a transaction and writes the audit record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from sinergie.audit.services import audit_record, snapshot
from sinergie.planner.models import Plan

FIELDS = ["name", "parameters"]


@transaction.atomic
def plan_save(*, owner: Any, name: str, parameters: dict[str, Any], request: HttpRequest | None = None) -> Plan:
    """Save a planner query for its owner (the parameters come from a valid PlanForm)."""
    plan = Plan(owner=owner, name=name.strip(), parameters=parameters)
    plan.full_clean()
    plan.save()
    audit_record(actor=owner, action="planner.plan_saved", obj=plan, after=snapshot(plan, FIELDS), request=request)
    return plan


@transaction.atomic
def plan_rename(*, actor: Any, plan: Plan, name: str, request: HttpRequest | None = None) -> Plan:
    """Rename a plan; the caller has checked ownership (access.get_plan_for_user)."""
    before = snapshot(plan, ["name"])
    plan.name = name.strip()
    plan.full_clean()
    plan.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor, action="planner.plan_renamed", obj=plan, before=before, after=snapshot(plan, ["name"]),
        request=request,
    )  # fmt: skip
    return plan


@transaction.atomic
def plan_delete(*, actor: Any, plan: Plan, request: HttpRequest | None = None) -> None:
    """Delete a plan, keeping what it was in the audit trail."""
    audit_record(actor=actor, action="planner.plan_deleted", obj=plan, before=snapshot(plan, FIELDS), request=request)
    plan.delete()
