"""Read-only admin of the money core: money moves only through calls.services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sinergie.calls.models import Call, IncentiveGrant, LedgerEntry, Redemption, Voucher
from sinergie.lib.admin import ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["title_it", "alliance", "kind", "state", "budget_cents", "available_cents", "opens_at", "closes_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title_it", "title_en"]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["display_code", "call", "beneficiary", "value_cents", "balance_cents", "valid_to", "state"]
    list_filter = ["state"]
    search_fields = ["code", "beneficiary__email"]
    list_select_related = ["call", "beneficiary"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "voucher", "provider", "amount_cents", "service_date", "cancelled_at"]
    list_select_related = ["voucher", "provider"]
    date_hierarchy = "created_at"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "transaction", "kind", "account", "amount_cents", "call", "voucher", "provider"]
    list_filter = ["kind", "account"]
    list_select_related = ["call", "voucher", "provider"]
    date_hierarchy = "created_at"


@admin.register(IncentiveGrant)
class IncentiveGrantAdmin(ReadOnlyAdmin):
    list_display = ["application", "organization", "call", "amount_cents", "paid_cents", "state", "payment_state"]
    list_filter = ["state", "payment_state"]
    list_select_related = ["application", "organization", "call"]
    exclude = ["report"]
