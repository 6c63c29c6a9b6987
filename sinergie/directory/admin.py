from __future__ import annotations

from django.contrib import admin

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sinergie.lib.admin import ModelAdmin, TabularInline


@admin.register(Taxonomy)
class TaxonomyAdmin(ModelAdmin):
    list_display = ["name", "version"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ModelAdmin):
    list_display = ["code", "name_it", "name_en", "parent"]
    list_filter = ["taxonomy"]
    search_fields = ["code", "name_it", "name_en"]


class ServiceAtLocationInline(TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]


class ScheduleInline(TabularInline):
    model = Schedule
    fk_name = "service"
    extra = 0
    exclude = ["service_at_location"]


class CostOptionInline(TabularInline):
    model = CostOption
    extra = 0


class ClosureAvailabilityInline(TabularInline):
    model = ClosureAvailability
    extra = 0


@admin.register(Service)
class ServiceAdmin(ModelAdmin):
    list_display = ["name_it", "organization", "kind", "state", "status", "updated_at"]
    list_filter = ["kind", "state", "status", "categories", "is_demo"]
    search_fields = ["name_it", "name_en", "organization__name", "external_id"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["categories"]
    inlines = [ServiceAtLocationInline, ScheduleInline, CostOptionInline, ClosureAvailabilityInline]


@admin.register(Location)
class LocationAdmin(ModelAdmin):
    list_display = ["name", "organization", "municipality"]
    search_fields = ["name", "address_1", "municipality__name"]
    autocomplete_fields = ["organization", "municipality"]


class ScheduleExceptionInline(TabularInline):
    model = ScheduleException
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(ModelAdmin):
    list_display = ["__str__", "service", "service_at_location", "valid_from", "valid_to"]
    raw_id_fields = ["service", "service_at_location"]
    inlines = [ScheduleExceptionInline]
