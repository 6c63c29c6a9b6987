from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sinergie.lib.admin import ModelAdmin
from sinergie.planner.models import Plan


@admin.register(Plan)
class PlanAdmin(ModelAdmin):
    """Read-only: plans belong to their owners, who change them from "My plans" (with audit records)."""

    list_display = ["name", "owner", "updated_at"]
    search_fields = ["name", "owner__email"]
    readonly_fields = ["owner", "name", "parameters", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False
