"""Admin for survey content and campaigns. Tokens and responses are deliberately not registered:
no admin page lists a token next to anything, and answers are only seen through reports."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sinergie.lib.admin import ModelAdmin, TabularInline
from sinergie.surveys.models import Campaign, Question, Section, Survey


def _frozen(survey: Survey | None) -> bool:
    return survey is not None and survey.has_answers()


class SectionInline(TabularInline):
    model = Section
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Survey)
class SurveyAdmin(ModelAdmin):
    list_display = ["title_it", "version", "owner", "is_template"]
    list_filter = ["is_template"]
    search_fields = ["title_it", "title_en"]
    raw_id_fields = ["owner", "copied_from"]
    inlines = [SectionInline]

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(ModelAdmin):
    list_display = ["code", "text_it", "kind", "section", "order", "required"]
    list_filter = ["kind"]
    search_fields = ["code", "text_it"]
    raw_id_fields = ["section", "show_when_question"]

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        frozen = obj is not None and _frozen(obj.section.survey)
        return not frozen and super().has_delete_permission(request, obj)


@admin.register(Campaign)
class CampaignAdmin(ModelAdmin):
    list_display = ["title", "organization", "survey", "mode", "opens_at", "closes_at"]
    list_filter = ["mode"]
    raw_id_fields = ["survey", "organization"]
    readonly_fields = ["slug"]
