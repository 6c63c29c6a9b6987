"""Where public money moves: publishing a call, issuing, redeeming, cancelling and expiring vouchers.

Every service here runs in one database transaction, locks the rows whose money moves
(`select_for_update(no_key=True)`, always in the order voucher → call, so two services never
wait for each other in a circle; "no key" so that inserting ledger lines that point at a locked
call is not blocked), writes one balanced transaction to the ledger, updates the cached
balances in the same transaction and appends an audit event. A refusal raises `VoucherError`
(a `ValidationError` keyed by the field at fault) before anything is written.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.calls import access
from sinergie.calls.codes import code_generate, code_normalize
from sinergie.calls.ledger import call_set_available, ledger_post
from sinergie.calls.models import (
    Account,
    Call,
    CallState,
    EntryKind,
    Redemption,
    Voucher,
    VoucherState,
)
from sinergie.directory.models import Service, TaxonomyTerm
from sinergie.directory.opening import operates_on
from sinergie.lib.errors import FieldError
from sinergie.lib.money import format_euro, spreadsheet_text
from sinergie.organizations.models import Organization

ROME = ZoneInfo("Europe/Rome")

# Sane ceilings: no conciliation voucher is worth more, and a typo of three extra zeros must not pass.
MAX_VOUCHER_CENTS = 2_000_000  # € 20,000
MAX_REDEMPTION_CENTS = 1_000_000  # € 10,000
DEFAULT_VALIDITY_DAYS = 365
CANCEL_WINDOW = datetime.timedelta(hours=48)
MAX_KEY_LENGTH = 64
MAX_REASON_LENGTH = 1000

# --- Messages (translatable, each names what is wrong) ------------------------------------------

AMOUNT_NOT_WHOLE = _("Enter the amount as a whole number of cents.")
AMOUNT_NOT_POSITIVE = _("The amount must be more than zero.")
AMOUNT_TOO_LARGE = _("The amount is larger than the most allowed (%(maximum)s).")
AMOUNT_OVER_BALANCE = _("The amount is larger than the voucher's balance (%(balance)s).")
VALUE_OVER_AVAILABLE = _("The call's budget has only %(available)s left.")
CALL_NOT_OPEN_FOR_VOUCHERS = _("Vouchers can be issued only on a published or closed call.")
CALL_NOT_DRAFT = _("Only a draft call can be published.")
CALL_NOT_PUBLISHED = _("Only a published call can be closed.")
CALL_NO_BUDGET = _("The call needs a budget of more than zero.")
CALL_AMOUNT_OVER_BUDGET = _("The amount per beneficiary cannot be larger than the budget.")
VALID_TO_BEFORE_FROM = _("The end of validity must not be before its start.")
VALID_TO_PAST = _("The end of validity is already past.")
NOT_A_DATE = _("Enter a valid date.")
CODE_INVALID = _("This is not a valid voucher code: check it and type it again.")
CODE_UNKNOWN = _("No voucher has this code.")
CODE_OTHER_CALL = _("This voucher belongs to another call.")
VOUCHER_EXPIRED = _("This voucher has expired.")
VOUCHER_CANCELLED = _("This voucher has been cancelled.")
VOUCHER_NOT_YET_VALID = _("This voucher is not valid yet.")
VOUCHER_NOT_ACTIVE = _("This voucher is no longer active.")
SERVICE_DATE_OUTSIDE = _("The date of the service must fall within the voucher's validity.")
PROVIDER_NOT_ACCREDITED = _("Your organization is not accredited for this voucher's call.")
SERVICE_NOT_YOURS = _("This service is not one of your organization's services.")
SERVICE_NOT_ELIGIBLE = _("This service's category is not eligible for this call.")
SERVICE_REQUIRED = _("Choose the service: this call pays only for some kinds of service.")
SERVICE_NO_VOUCHERS = _("This service does not accept the alliance's vouchers (so says its public page).")
SERVICE_CLOSED_ON_DATE = _("This service does not run on %(date)s, by its published opening hours.")
OVERRIDE_NOT_ALLOWED = _(
    "Only the provider's managers and the call's alliance staff can register a redemption that these checks refuse."
)
KEY_MISSING = _("The request has no key: reload the page and try again.")
KEY_REUSED = _("This request key was already used for a different redemption.")
KEY_REUSED_CODE = "key_reused"  # the desk gives a fresh key when it sees this code
REASON_MISSING = _("Say why the redemption is cancelled.")
REASON_TOO_LONG = _("The reason is too long (at most %(maximum)s characters).")
NOT_YOUR_REDEMPTION = _("Only the provider that registered a redemption can cancel it.")
ALREADY_CANCELLED = _("This redemption has already been cancelled.")
CANCEL_TOO_LATE = _("A redemption can be cancelled only within 48 hours.")


class VoucherError(FieldError):
    """A refused money operation: the message names the field at fault; nothing was written."""


class OverridableRefusal(VoucherError):
    """A refusal that rests on the provider's own data about its service (it does not accept
    vouchers, it is closed that day): those allowed may register the redemption anyway, with a
    reason kept in the audit trail (`access.may_override_redemption_checks`)."""

    def __init__(
        self, field: str, message: Any, params: dict[str, Any] | None = None, *, code: str, check: str
    ) -> None:
        super().__init__(field, message, params, code=code)
        self.check = check


def euro(cents: int) -> str:
    """Cents as euro for the services' messages and the pages built from them: 1234567 → "€ 12.345,67".

    Italian grouping in both languages, as these messages always wrote it."""
    return format_euro(cents, language="it")


def decimal_text(hundredths: int) -> str:
    """Hundredths (of a euro, of a point) as a decimal for Italian spreadsheets: 123456 → "1234,56"."""
    return spreadsheet_text(hundredths)


def rome_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Europe/Rome, whatever the server's or the request's time zone."""
    return (now or timezone.now()).astimezone(ROME).date()


def _check_cents(value: Any, field: str, maximum: int) -> int:
    # bool is an int in Python; a tampered "10.5", 10.5 or "1e3" is not a whole number of cents.
    if type(value) is not int:
        raise VoucherError(field, AMOUNT_NOT_WHOLE, code="amount_not_whole")
    if value <= 0:
        raise VoucherError(field, AMOUNT_NOT_POSITIVE, code="amount_not_positive")
    if value > maximum:
        raise VoucherError(field, AMOUNT_TOO_LARGE, {"maximum": euro(maximum)}, code="amount_too_large")
    return value


def _check_date(value: Any, field: str) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise VoucherError(field, NOT_A_DATE, code="not_a_date")
    return value


# --- Calls ---------------------------------------------------------------------------------------


def call_publish(*, call: Call, by: Any, request: HttpRequest | None = None) -> Call:
    """Publish a draft call: its rules freeze and its budget enters the ledger as available."""
    with transaction.atomic():
        call = Call.objects.select_for_update(no_key=True).get(pk=call.pk)
        if call.state != CallState.DRAFT:
            raise VoucherError("state", CALL_NOT_DRAFT, code="call_not_draft")
        if call.budget_cents <= 0:
            raise VoucherError("budget_cents", CALL_NO_BUDGET, code="call_no_budget")
        if call.amount_per_beneficiary_cents > call.budget_cents:
            raise VoucherError("amount_per_beneficiary_cents", CALL_AMOUNT_OVER_BUDGET, code="call_amount_over_budget")
        call.full_clean()
        before = snapshot(call, ["state", "available_cents"])
        call.state = CallState.PUBLISHED
        call.available_cents = call.budget_cents
        call.save(update_fields=["state", "available_cents", "updated_at"])
        ledger_post(
            EntryKind.FUNDING,
            call.pk,
            [(Account.FUNDING, -call.budget_cents, {}), (Account.AVAILABLE, call.budget_cents, {})],
            by=by,
        )
        audit_record(
            actor=by,
            action="calls.call.publish",
            obj=call,
            before=before,
            after=snapshot(call, ["state", "available_cents"]),
            request=request,
        )
    return call


def call_close(*, call: Call, by: Any, request: HttpRequest | None = None) -> Call:
    """Close a published call to applications; vouchers already issued stay valid."""
    with transaction.atomic():
        call = Call.objects.select_for_update(no_key=True).get(pk=call.pk)
        if call.state != CallState.PUBLISHED:
            raise VoucherError("state", CALL_NOT_PUBLISHED, code="call_not_published")
        call.state = CallState.CLOSED
        call.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=by,
            action="calls.call.close",
            obj=call,
            before={"state": CallState.PUBLISHED},
            after={"state": CallState.CLOSED},
            request=request,
        )
    return call


# --- Vouchers ------------------------------------------------------------------------------------


def _new_code() -> str:
    for _attempt in range(5):
        code = code_generate()
        if not Voucher.objects.filter(code=code).exists():
            return code
    raise AssertionError("five random voucher codes in a row already taken: the generator is broken")


def voucher_issue(
    *,
    call: Call,
    beneficiary: Any,
    by: Any,
    value_cents: int | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Voucher:
    """Issue a voucher: its value moves from the call's available budget to the voucher.

    Refused when the call is a draft or when the available budget would go below zero. The
    value defaults to the call's amount per beneficiary, validity to a year from today (Rome).
    """
    today = rome_today()
    value = _check_cents(
        call.amount_per_beneficiary_cents if value_cents is None else value_cents, "value_cents", MAX_VOUCHER_CENTS
    )
    valid_from = today if valid_from is None else _check_date(valid_from, "valid_from")
    valid_to = valid_from + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS) if valid_to is None else valid_to
    valid_to = _check_date(valid_to, "valid_to")
    if valid_to < valid_from:
        raise VoucherError("valid_to", VALID_TO_BEFORE_FROM, code="valid_to_before_from")
    if valid_to < today:
        raise VoucherError("valid_to", VALID_TO_PAST, code="valid_to_past")
    with transaction.atomic():
        call = Call.objects.select_for_update(no_key=True).get(pk=call.pk)
        if call.state not in {CallState.PUBLISHED, CallState.CLOSED}:
            raise VoucherError("call", CALL_NOT_OPEN_FOR_VOUCHERS, code="call_not_open_for_vouchers")
        if value > call.available_cents:
            raise VoucherError(
                "value_cents",
                VALUE_OVER_AVAILABLE,
                {"available": euro(call.available_cents)},
                code="value_over_available",
            )
        voucher = Voucher.objects.create(
            call=call,
            beneficiary=beneficiary,
            code=_new_code(),
            value_cents=value,
            balance_cents=value,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        ledger_post(
            EntryKind.ISSUE,
            call.pk,
            [(Account.AVAILABLE, -value, {}), (Account.VOUCHER, value, {"voucher": voucher})],
            by=by,
        )
        call_set_available(call, call.available_cents - value)
        audit_record(
            actor=by,
            action="calls.voucher.issue",
            obj=voucher,
            after=snapshot(voucher, ["call_id", "beneficiary_id", "value_cents", "valid_from", "valid_to", "state"]),
            request=request,
        )
    return voucher


def _voucher_close(
    voucher: Voucher, call: Call, *, state: str, kind: str, by: Any, action: str, note: str, request: Any
) -> None:
    """Retire a locked voucher: its unspent balance returns to the locked call's available budget."""
    before = snapshot(voucher, ["state", "balance_cents"])
    returned = voucher.balance_cents
    if returned:
        ledger_post(
            kind,
            call.pk,
            [(Account.VOUCHER, -returned, {"voucher": voucher}), (Account.AVAILABLE, returned, {})],
            by=by,
        )
        call_set_available(call, call.available_cents + returned)
    voucher.state = state
    voucher.balance_cents = 0
    voucher.save(update_fields=["state", "balance_cents", "updated_at"])
    audit_record(
        actor=by,
        action=action,
        obj=voucher,
        before=before,
        after=snapshot(voucher, ["state", "balance_cents"]),
        note=note,
        request=request,
    )


def vouchers_expire(*, today: datetime.date, by: Any = None) -> int:
    """Expire every active voucher whose validity ended before `today` (a date in Rome).

    The unspent value of each returns to its call's available budget. Running it twice
    changes nothing the second time. Returns how many vouchers expired.
    """
    today = _check_date(today, "today")
    with transaction.atomic():
        vouchers = list(
            Voucher.objects.select_for_update(no_key=True)
            .filter(state=VoucherState.ACTIVE, valid_to__lt=today)
            .order_by("pk")
        )
        calls = {
            call.pk: call
            for call in Call.objects.select_for_update(no_key=True)
            .filter(pk__in={v.call_id for v in vouchers})
            .order_by("pk")
        }
        for voucher in vouchers:
            _voucher_close(
                voucher,
                calls[voucher.call_id],
                state=VoucherState.EXPIRED,
                kind=EntryKind.EXPIRY,
                by=by,
                action="calls.voucher.expire",
                note=f"valid to {voucher.valid_to.isoformat()}",
                request=None,
            )
    return len(vouchers)


def voucher_cancel(*, voucher: Voucher, by: Any, reason: str, request: HttpRequest | None = None) -> Voucher:
    """Cancel an active voucher (e.g. granted by mistake): its balance returns to the call's budget."""
    reason = _check_reason(reason)
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(no_key=True).get(pk=voucher.pk)
        if voucher.state != VoucherState.ACTIVE:
            raise VoucherError("voucher", VOUCHER_NOT_ACTIVE, code="voucher_not_active")
        call = Call.objects.select_for_update(no_key=True).get(pk=voucher.call_id)
        _voucher_close(
            voucher,
            call,
            state=VoucherState.CANCELLED,
            kind=EntryKind.VOUCHER_CANCEL,
            by=by,
            action="calls.voucher.cancel",
            note=reason,
            request=request,
        )
    return voucher


# --- Redemptions ---------------------------------------------------------------------------------


def _check_reason(reason: Any) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise VoucherError("reason", REASON_MISSING, code="reason_missing")
    if len(reason) > MAX_REASON_LENGTH:
        raise VoucherError("reason", REASON_TOO_LONG, {"maximum": MAX_REASON_LENGTH}, code="reason_too_long")
    return reason


def _category_eligible(call_id: int, service: Service) -> bool:
    """True when the call names no categories, or one of the service's categories or their parents is named."""
    eligible = set(Call.categories.through.objects.filter(call_id=call_id).values_list("taxonomyterm_id", flat=True))
    if not eligible:
        return True
    seen: set[Any] = set()
    frontier = list(service.categories.values_list("pk", "parent_id"))
    while frontier:
        parents = set()
        for pk, parent_id in frontier:
            if pk in eligible:
                return True
            seen.add(pk)
            if parent_id is not None and parent_id not in seen:
                parents.add(parent_id)
        frontier = list(TaxonomyTerm.objects.filter(pk__in=parents).values_list("pk", "parent_id")) if parents else []
    return False


def _service_refusals(service: Service, service_date: datetime.date) -> list[OverridableRefusal]:
    """What the service's own published data says against spending a voucher on it that day."""
    service = Service.objects.prefetch_related(
        "schedules__exceptions", "sites__schedules__exceptions", "closure_availability"
    ).get(pk=service.pk)
    refusals = []
    if not service.accepts_vouchers:
        refusals.append(
            OverridableRefusal("service", SERVICE_NO_VOUCHERS, check="accepts_vouchers", code="service_no_vouchers")
        )
    # A service that publishes neither hours nor dates is not refused: nothing says it is closed.
    if operates_on(service, service_date) is False:
        refusals.append(
            OverridableRefusal(
                "service_date",
                SERVICE_CLOSED_ON_DATE,
                {"date": date_format(service_date, "DATE_FORMAT")},
                check="operating_day",
                code="service_closed_on_date",
            )
        )
    return refusals


def _check_override_reason(reason: Any) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) > MAX_REASON_LENGTH:
        raise VoucherError("override_reason", REASON_TOO_LONG, {"maximum": MAX_REASON_LENGTH}, code="reason_too_long")
    return reason


def _replay(
    existing: Redemption,
    code: str,
    amount: int,
    service: Service | None,
    service_date: datetime.date,
) -> Redemption:
    """The first redemption made with this key, if this request is the same one sent again."""
    same = (
        Voucher.objects.filter(pk=existing.voucher_id, code=code).exists()
        and existing.amount_cents == amount
        and existing.service_id == (service.pk if service else None)
        and existing.service_date == service_date
    )
    if not same:
        raise VoucherError("idempotency_key", KEY_REUSED, code=KEY_REUSED_CODE)
    return existing


def voucher_redeem(
    *,
    voucher_code: str,
    provider: Organization,
    amount_cents: int,
    service_date: datetime.date,
    idempotency_key: str,
    by: Any,
    service: Service | None = None,
    call: Call | None = None,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Redemption:
    """A provider spends `amount_cents` of a voucher: the voucher's balance becomes the provider's due.

    Refused unless the voucher is active and valid today in Rome, the service date is within its
    validity, the provider is accredited for the voucher's call, and the amount is whole cents,
    positive, at most the balance and at most MAX_REDEMPTION_CENTS. The service is required when
    the call names eligible categories; when given it must be the provider's, of an eligible
    category, accept the alliance's vouchers and run on the service date by its published hours
    (or dates during school closures). The last two rest on the provider's own data: with an
    `override_reason`, a user `access.may_override_redemption_checks` allows registers it anyway
    and the audit event records what was overridden and why. When `call` is given the code must be
    of that call. The same `idempotency_key` from the same provider returns the first redemption
    and moves nothing.
    """
    code = code_normalize(voucher_code)
    if code is None:
        raise VoucherError("voucher_code", CODE_INVALID, code="code_invalid")
    amount = _check_cents(amount_cents, "amount_cents", MAX_REDEMPTION_CENTS)
    service_date = _check_date(service_date, "service_date")
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > MAX_KEY_LENGTH:
        raise VoucherError("idempotency_key", KEY_MISSING, code="key_missing")
    override_reason = _check_override_reason(override_reason)
    try:
        with transaction.atomic():
            return _redeem(
                code=code,
                provider=provider,
                amount=amount,
                service=service,
                service_date=service_date,
                key=idempotency_key,
                by=by,
                call=call,
                override_reason=override_reason,
                request=request,
            )
    except IntegrityError:
        # The same key was committed by a concurrent request (on another voucher, or on this one
        # while this request waited for its lock, after its snapshot): replay the winner's row.
        existing = Redemption.objects.filter(provider=provider, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, code, amount, service, service_date)


def _voucher_set_balance(voucher: Voucher, balance: int) -> None:
    """The cached balance, in one plain UPDATE (hot path; the row is locked by the caller)."""
    table = connection.ops.quote_name(Voucher._meta.db_table)
    updated_at = Voucher._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET balance_cents = %s, updated_at = %s WHERE id = %s",  # noqa: S608 - bound values
            [balance, updated_at, voucher.pk],
        )
    voucher.balance_cents = balance


# Locks that serialise changes of money without blocking other transactions that only insert rows
# pointing at the locked one (the ledger's and redemptions' foreign keys take FOR KEY SHARE).
_FOR_NO_KEY_UPDATE = {"postgresql": " FOR NO KEY UPDATE"}


def _voucher_lock(code: str, provider_id: int, key: str) -> Voucher | None:
    """Lock the voucher with this code and say whether the provider is accredited, whether the call
    names eligible categories and whether the key was used.

    One statement for the questions every redemption asks: this is the hot path, and the
    ORM's compilation of the same query cost more than the database's work. A request with the
    same key committed while this one waited for the lock is not in this statement's snapshot:
    its insert then hits the unique key, and voucher_redeem replays it.
    """
    # Table names come from the models and every value is bound: nothing typed reaches the SQL.
    sql = (  # noqa: S608
        "SELECT v.id, v.call_id, v.code, v.value_cents, v.balance_cents, v.valid_from, v.valid_to, v.state,"
        " EXISTS (SELECT 1 FROM {providers} p WHERE p.call_id = v.call_id AND p.organization_id = %s) AS accredited,"
        " EXISTS (SELECT 1 FROM {categories} c WHERE c.call_id = v.call_id) AS names_categories,"
        " (SELECT r.id FROM {redemptions} r WHERE r.provider_id = %s AND r.idempotency_key = %s) AS replayed_id"
        " FROM {vouchers} v WHERE v.code = %s{lock}"
    ).format(
        providers=Call.providers.through._meta.db_table,
        categories=Call.categories.through._meta.db_table,
        redemptions=Redemption._meta.db_table,
        vouchers=Voucher._meta.db_table,
        lock=_FOR_NO_KEY_UPDATE.get(connection.vendor, ""),
    )
    found = list(Voucher.objects.raw(sql, [provider_id, provider_id, key, code]))
    return found[0] if found else None


def _redeem(  # noqa: C901
    *,
    code: str,
    provider: Organization,
    amount: int,
    service: Service | None,
    service_date: datetime.date,
    key: str,
    by: Any,
    call: Call | None,
    override_reason: str,
    request: HttpRequest | None,
) -> Redemption:
    voucher = _voucher_lock(code, provider.pk, key)
    if voucher is None:
        raise VoucherError("voucher_code", CODE_UNKNOWN, code="code_unknown")
    if voucher.replayed_id is not None:
        return _replay(Redemption.objects.get(pk=voucher.replayed_id), code, amount, service, service_date)
    if call is not None and voucher.call_id != call.pk:
        raise VoucherError("voucher_code", CODE_OTHER_CALL, code="code_other_call")
    if not voucher.accredited:
        raise VoucherError("voucher_code", PROVIDER_NOT_ACCREDITED, code="provider_not_accredited")
    if voucher.state == VoucherState.EXPIRED:
        raise VoucherError("voucher_code", VOUCHER_EXPIRED, code="voucher_expired")
    if voucher.state == VoucherState.CANCELLED:
        raise VoucherError("voucher_code", VOUCHER_CANCELLED, code="voucher_cancelled")
    today = rome_today()
    if today < voucher.valid_from:
        raise VoucherError("voucher_code", VOUCHER_NOT_YET_VALID, code="voucher_not_yet_valid")
    if today > voucher.valid_to:
        raise VoucherError("voucher_code", VOUCHER_EXPIRED, code="voucher_expired")
    if not voucher.valid_from <= service_date <= voucher.valid_to:
        raise VoucherError("service_date", SERVICE_DATE_OUTSIDE, code="service_date_outside")
    overridden: list[str] = []
    if service is None:
        if voucher.names_categories:
            raise VoucherError("service", SERVICE_REQUIRED, code="service_required")
    else:
        if service.organization_id != provider.pk:
            raise VoucherError("service", SERVICE_NOT_YOURS, code="service_not_yours")
        # The call's rule: never overridden at the desk (the call's rules are frozen once published).
        if not _category_eligible(voucher.call_id, service):
            raise VoucherError("service", SERVICE_NOT_ELIGIBLE, code="service_not_eligible")
        refusals = _service_refusals(service, service_date)
        if refusals:
            if not override_reason:
                raise refusals[0]
            voucher_call = Call.objects.select_related("alliance").get(pk=voucher.call_id)
            if not access.may_override_redemption_checks(by, provider, voucher_call):
                raise VoucherError("override_reason", OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
            overridden = [refusal.check for refusal in refusals]
    if amount > voucher.balance_cents:
        raise VoucherError(
            "amount_cents", AMOUNT_OVER_BALANCE, {"balance": euro(voucher.balance_cents)}, code="amount_over_balance"
        )

    author = by if getattr(by, "is_authenticated", False) else None
    redemption = Redemption.objects.create(
        voucher=voucher,
        provider=provider,
        service=service,
        amount_cents=amount,
        service_date=service_date,
        idempotency_key=key,
        created_by=author,
        created_at=timezone.now(),
    )
    ledger_post(
        EntryKind.REDEMPTION,
        voucher.call_id,
        [(Account.VOUCHER, -amount, {"voucher": voucher}), (Account.PAYABLE, amount, {"provider": provider})],
        by=by,
        redemption=redemption,
    )
    balance = voucher.balance_cents - amount
    _voucher_set_balance(voucher, balance)
    voucher.balance_cents = balance
    audit_record(
        actor=by,
        action="calls.redemption.create",
        obj=redemption,
        after={
            "voucher": voucher.pk,
            "provider": provider.pk,
            "service": service.pk if service else None,
            "amount_cents": amount,
            "service_date": service_date,
            "voucher_balance_cents": balance,
            **({"overridden_checks": overridden, "override_reason": override_reason} if overridden else {}),
        },
        note=override_reason if overridden else "",
        request=request,
    )
    return redemption


def redemption_cancel(
    *, redemption: Redemption, provider: Organization, by: Any, reason: str, request: HttpRequest | None = None
) -> Redemption:
    """The provider that registered a redemption cancels it within 48 hours; the money goes back.

    Back to the voucher while it is active; when the voucher has meanwhile expired or been
    cancelled, through it straight back to the call's available budget.
    """
    reason = _check_reason(reason)
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update(no_key=True).get(pk=redemption.voucher_id)
        redemption = Redemption.objects.select_for_update(no_key=True).get(pk=redemption.pk)
        if redemption.provider_id != provider.pk:
            raise VoucherError("redemption", NOT_YOUR_REDEMPTION, code="not_your_redemption")
        if redemption.cancelled_at is not None:
            raise VoucherError("redemption", ALREADY_CANCELLED, code="already_cancelled")
        now = timezone.now()
        if now - redemption.created_at > CANCEL_WINDOW:
            raise VoucherError("redemption", CANCEL_TOO_LATE, code="cancel_too_late")
        amount = redemption.amount_cents
        lines = [(Account.PAYABLE, -amount, {"provider": provider}), (Account.VOUCHER, amount, {"voucher": voucher})]
        if voucher.state == VoucherState.ACTIVE:
            balance = voucher.balance_cents + amount
            Voucher.objects.filter(pk=voucher.pk).update(balance_cents=balance, updated_at=now)
        else:
            call = Call.objects.select_for_update(no_key=True).get(pk=voucher.call_id)
            lines += [(Account.VOUCHER, -amount, {"voucher": voucher}), (Account.AVAILABLE, amount, {})]
            call_set_available(call, call.available_cents + amount)
        ledger_post(EntryKind.CANCELLATION, voucher.call_id, lines, by=by, redemption=redemption)
        redemption.cancelled_at = now
        redemption.cancelled_by = by if getattr(by, "is_authenticated", False) else None
        redemption.cancel_reason = reason
        redemption.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        audit_record(
            actor=by,
            action="calls.redemption.cancel",
            obj=redemption,
            before={"cancelled_at": None},
            after={"cancelled_at": now, "voucher_state": voucher.state},
            note=reason,
            request=request,
        )
    return redemption
