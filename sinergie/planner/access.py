"""Who may see or change a saved plan: its owner only. The one place that answers it."""

from __future__ import annotations

from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.lib.lookups import get_or_404
from sinergie.planner.models import Plan


def get_plan_for_user(user: AnyUser, pk: int) -> Plan:
    """The plan `pk` if `user` owns it; 404 otherwise, so others cannot even learn that it exists."""
    if not user.is_authenticated:
        raise Http404
    return get_or_404(Plan.objects.all(), pk=pk, owner=user)
