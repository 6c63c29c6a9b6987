"""Who may see or change a saved plan: its owner only. The one place that answers it."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from sinergie.planner.models import Plan


def get_plan_for_user(user: Any, pk: int) -> Plan:
    """The plan `pk` if `user` owns it; 404 otherwise, so others cannot even learn that it exists."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    plan = Plan.objects.filter(pk=pk, owner=user).first()
    if plan is None:
        raise Http404
    return plan
