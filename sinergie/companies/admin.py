"""Companies in the admin: profiles and join requests are read here and written through the pages
(and their services, which keep the audit trail)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sinergie.companies.models import CompanyProfile, JoinRequest
from sinergie.lib.admin import ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CompanyProfile)
class CompanyProfileAdmin(ReadOnlyAdmin):
    list_display = ["organization", "ateco_code", "ateco_section", "size_band", "updated_at"]
    list_filter = ["size_band", "ateco_section"]
    search_fields = ["organization__name", "ateco_code"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["company", "alliance", "state", "requested_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["company__name"]
