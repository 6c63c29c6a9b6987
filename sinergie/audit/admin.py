from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sinergie.audit.models import AuditEvent
from sinergie.lib.admin import ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    list_display = ["created_at", "actor_label", "action_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "created_at"

    @admin.display(description=_("what happened"))
    def action_label(self, obj: AuditEvent) -> str:
        return obj.action_label

    # The trail is append-only: nobody edits or deletes it, not even an administrator.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
