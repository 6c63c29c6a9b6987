from __future__ import annotations

from django.contrib import admin

from sinergie.lib.admin import ModelAdmin, TabularInline
from sinergie.organizations.models import Alliance, AlliancePartner, Membership, Organization


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "slug", "vat_number"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality"]
    inlines = [MembershipInline]


class AlliancePartnerInline(TabularInline):
    model = AlliancePartner
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Alliance)
class AllianceAdmin(ModelAdmin):
    list_display = ["__str__", "health_agency"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization", "municipalities", "districts"]
    inlines = [AlliancePartnerInline]
