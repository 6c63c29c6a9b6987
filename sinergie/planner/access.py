"""Who may see or change a saved plan: its owner only. The one place that answers it."""

from __future__ import annotations

from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.planner.models import Plan


def get_plan_for_user(user: AnyUser, pk: int) -> Plan:
    """The plan `pk` if `user` owns it; 404 otherwise, so others cannot even learn that it exists."""
    if not user.is_authenticated:
        raise Http404
    plan = Plan.objects.filter(pk=pk, owner=user).first()
    if plan is None:
        raise Http404
    return plan
