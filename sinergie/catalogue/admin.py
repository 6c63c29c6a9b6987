from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sinergie.catalogue.models import ImportBatch
from sinergie.lib.admin import ModelAdmin


@admin.register(ImportBatch)
class ImportBatchAdmin(ModelAdmin):
    list_display = ["created_at", "organization", "filename", "status", "processed_rows", "total_rows", "created_by"]
    list_filter = ["status"]
    search_fields = ["filename", "organization__name", "sha256"]
    date_hierarchy = "created_at"
    exclude = ["content"]  # the file's bytes: not something to show in a form
    readonly_fields = [
        "organization",
        "created_by",
        "filename",
        "sha256",
        "status",
        "total_rows",
        "processed_rows",
        "summary",
        "errors",
        "finished_at",
    ]

    # Batches are made by the import itself; the admin only looks.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
