from __future__ import annotations

from django.contrib import admin

from sinergie.lib.admin import ModelAdmin
from sinergie.schoolcalendar.models import MunicipalityCalendar

# Local closures are not registered: their page enforces the 3-day rule and audits.


@admin.register(MunicipalityCalendar)
class MunicipalityCalendarAdmin(ModelAdmin):
    list_display = ["municipality", "rite", "patron_month", "patron_day"]
    list_filter = ["rite"]
    search_fields = ["municipality__name", "municipality__istat_code"]
    autocomplete_fields = ["municipality"]
