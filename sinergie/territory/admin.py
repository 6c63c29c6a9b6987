"""Admin for the territory: regions, provinces and municipalities come from the data file
(territory_load), so their admin is for looking things up; districts are edited by staff."""

from __future__ import annotations

from django.contrib import admin

from sinergie.lib.admin import ModelAdmin
from sinergie.territory.models import District, Municipality, Province, Region


@admin.register(Region)
class RegionAdmin(ModelAdmin):
    list_display = ["istat_code", "name"]
    search_fields = ["name", "istat_code"]


@admin.register(Province)
class ProvinceAdmin(ModelAdmin):
    list_display = ["name", "abbreviation", "istat_code", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "abbreviation", "istat_code"]


@admin.register(Municipality)
class MunicipalityAdmin(ModelAdmin):
    list_display = ["name", "istat_code", "province", "region", "population", "is_provincial_capital"]
    list_filter = ["region", "is_provincial_capital"]
    list_select_related = ["province", "region"]
    # search_name makes "cantu" find Cantù; "^istat_code" lets "015" list the province of Milan.
    search_fields = ["name", "search_name", "=cadastral_code", "^istat_code"]
    show_full_result_count = False
    # The boundary is a large GeoJSON blob loaded from the data file: never edited here.
    exclude = ["boundary"]
    readonly_fields = ["search_name"]
    autocomplete_fields = ["province", "region"]


@admin.register(District)
class DistrictAdmin(ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    # About 7,900 municipalities: a select widget would be unusable, autocomplete is not.
    autocomplete_fields = ["municipalities"]
