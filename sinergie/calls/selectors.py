"""Reads of the money core: balances and statements computed from the ledger, and its self-check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.accounts.typing import AnyUser
from sinergie.calls.codes import code_normalize
from sinergie.calls.models import (
    Account,
    Application,
    Call,
    CallState,
    IncentiveGrant,
    LedgerEntry,
    Redemption,
    Voucher,
    VoucherState,
)
from sinergie.calls.services import (
    CODE_INVALID,
    CODE_UNKNOWN,
    PROVIDER_NOT_ACCREDITED,
    ROME,
    VOUCHER_CANCELLED,
    VOUCHER_EXPIRED,
    VOUCHER_NOT_YET_VALID,
    VoucherError,
    rome_today,
)
from sinergie.organizations.models import Organization

if TYPE_CHECKING:
    from sinergie.accounts.models import User

MONTH_INVALID = _("Choose a month between 1 and 12.")
YEAR_INVALID = _("Choose a year between 2000 and 2100.")


def ledger_balances(call: Call) -> dict[str, int]:
    """Every account of `call` summed from the ledger, with the derived committed amount.

    `committed` is what left the available budget and has not come back: the unspent
    balances of vouchers plus what providers are owed, plus company grants (unpaid and paid).
    It never exceeds `budget`.
    """
    sums = dict(
        LedgerEntry.objects.filter(call=call)
        .values("account")
        .annotate(total=Sum("amount_cents"))
        .values_list("account", "total")
    )
    balances = {account: int(sums.get(account) or 0) for account in Account.values}
    return {
        "budget": call.budget_cents,
        **balances,
        "committed": balances[Account.VOUCHER]
        + balances[Account.PAYABLE]
        + balances[Account.GRANT]
        + balances[Account.GRANT_PAID],
    }


@dataclass(frozen=True)
class Anomaly:
    kind: str
    detail: str


def ledger_check(call: Call | None = None) -> list[Anomaly]:
    """Recompute every account from the ledger and compare it with the rules and the cached columns.

    Empty when all is well. Checks: each transaction sums to zero; each voucher's cached balance
    equals its ledger account and is between 0 and its value; a retired voucher holds nothing;
    each call's cached available budget equals its ledger account, is not negative (committed ≤
    budget) and a published call was funded with exactly its budget; what each provider is owed
    equals its redemptions net of cancellations and is not negative; each company grant's accounts
    equal its unpaid and paid amounts (nothing left on a revoked one).
    """
    anomalies: list[Anomaly] = []
    entries = LedgerEntry.objects.all() if call is None else LedgerEntry.objects.filter(call=call)

    unbalanced = entries.values("transaction").annotate(total=Sum("amount_cents")).exclude(total=0)
    anomalies += [Anomaly("unbalanced_transaction", f"{row['transaction']}: {row['total']}") for row in unbalanced]

    voucher_sums = dict(
        entries.filter(account=Account.VOUCHER)
        .values("voucher_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("voucher_id", "total")
    )
    vouchers = Voucher.objects.all() if call is None else Voucher.objects.filter(call=call)
    for pk, balance, value, state in vouchers.values_list("pk", "balance_cents", "value_cents", "state"):
        ledger = int(voucher_sums.get(pk) or 0)
        if ledger != balance:
            anomalies.append(Anomaly("voucher_cache", f"voucher {pk}: cached {balance}, ledger {ledger}"))
        if ledger < 0:
            anomalies.append(Anomaly("negative_balance", f"voucher {pk}: {ledger}"))
        if ledger > value:
            anomalies.append(Anomaly("voucher_over_value", f"voucher {pk}: {ledger} > {value}"))
        if state != VoucherState.ACTIVE and ledger != 0:
            anomalies.append(Anomaly("retired_voucher_holds_money", f"voucher {pk} ({state}): {ledger}"))

    calls = Call.objects.all() if call is None else Call.objects.filter(pk=call.pk)
    per_call = {
        (row["call_id"], row["account"]): int(row["total"])
        for row in entries.values("call_id", "account").annotate(total=Sum("amount_cents"))
    }
    for pk, budget, available, state in calls.values_list("pk", "budget_cents", "available_cents", "state"):
        ledger_available = per_call.get((pk, Account.AVAILABLE), 0)
        if ledger_available != available:
            anomalies.append(Anomaly("call_cache", f"call {pk}: cached {available}, ledger {ledger_available}"))
        if ledger_available < 0:
            anomalies.append(Anomaly("over_commitment", f"call {pk}: available {ledger_available}"))
        funded = -per_call.get((pk, Account.FUNDING), 0)
        if funded != (budget if state != CallState.DRAFT else 0):
            anomalies.append(Anomaly("funding", f"call {pk}: funded {funded}, budget {budget}"))

    payable = {
        (row["call_id"], row["provider_id"]): int(row["total"])
        for row in entries.filter(account=Account.PAYABLE)
        .values("call_id", "provider_id")
        .annotate(total=Sum("amount_cents"))
    }
    redemptions = Redemption.objects.filter(cancelled_at__isnull=True)
    if call is not None:
        redemptions = redemptions.filter(voucher__call=call)
    redeemed = {
        (row["voucher__call_id"], row["provider_id"]): int(row["total"])
        for row in redemptions.values("voucher__call_id", "provider_id").annotate(total=Sum("amount_cents"))
    }
    for key in payable.keys() | redeemed.keys():
        owed, net = payable.get(key, 0), redeemed.get(key, 0)
        if owed != net:
            anomalies.append(Anomaly("payable_mismatch", f"call {key[0]} provider {key[1]}: ledger {owed}, {net}"))
        if owed < 0:
            anomalies.append(Anomaly("negative_payable", f"call {key[0]} provider {key[1]}: {owed}"))
    anomalies += _grant_anomalies(entries, call)
    return anomalies


def _grant_anomalies(entries: QuerySet[LedgerEntry], call: Call | None) -> list[Anomaly]:
    """Each company grant's ledger accounts against the grant: unpaid on "grant", paid on "grant_paid"."""
    sums = {
        (row["grant_id"], row["account"]): int(row["total"])
        for row in entries.filter(account__in=[Account.GRANT, Account.GRANT_PAID])
        .values("grant_id", "account")
        .annotate(total=Sum("amount_cents"))
    }
    grants = IncentiveGrant.objects.all() if call is None else IncentiveGrant.objects.filter(call=call)
    anomalies = []
    for grant in grants.only("pk", "amount_cents", "paid_cents", "state"):
        held, paid = sums.get((grant.pk, Account.GRANT), 0), sums.get((grant.pk, Account.GRANT_PAID), 0)
        if held != grant.unpaid_cents or paid != grant.paid_cents:
            anomalies.append(
                Anomaly(
                    "grant_mismatch", f"grant {grant.pk}: ledger {held}+{paid}, {grant.unpaid_cents}+{grant.paid_cents}"
                )
            )
        if held < 0 or paid < 0:
            anomalies.append(Anomaly("negative_grant", f"grant {grant.pk}: {held}, {paid}"))
    return anomalies


@dataclass(frozen=True)
class StatementRow:
    when: datetime.datetime
    kind: str
    call_id: int
    voucher_code: str
    redemption_id: Any
    service_name: str
    service_date: datetime.date | None
    amount_cents: int


@dataclass
class Statement:
    provider: Organization
    year: int
    month: int
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(row.amount_cents for row in self.rows)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants where a calendar month starts and ends in Rome (daylight saving included)."""
    if type(month) is not int or not 1 <= month <= 12:
        raise VoucherError("month", MONTH_INVALID, code="month_invalid")
    if type(year) is not int or not 2000 <= year <= 2100:
        raise VoucherError("year", YEAR_INVALID, code="year_invalid")
    start = datetime.datetime(year, month, 1, tzinfo=ROME)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=ROME)
    return start, end


def provider_statement(provider: Organization, year: int, month: int) -> Statement:
    """What the alliance owes `provider` for a month (Rome time), read from the ledger.

    One row per movement of the provider's account in the month: redemptions add, cancellations
    subtract (a redemption cancelled the next month appears in both statements). The total is
    the month's redemptions net of cancellations.
    """
    start, end = month_bounds(year, month)
    entries = (
        LedgerEntry.objects.filter(
            account=Account.PAYABLE, provider=provider, created_at__gte=start, created_at__lt=end
        )
        .select_related("redemption__voucher", "redemption__service")
        .order_by("created_at", "id")
    )
    statement = Statement(provider=provider, year=year, month=month)
    for entry in entries:
        redemption = entry.redemption
        service = redemption.service if redemption else None
        statement.rows.append(
            StatementRow(
                when=entry.created_at,
                kind=entry.kind,
                call_id=entry.call_id,
                voucher_code=redemption.voucher.display_code if redemption else "",
                redemption_id=redemption.pk if redemption else None,
                service_name=service.name_it if service else "",
                service_date=redemption.service_date if redemption else None,
                amount_cents=entry.amount_cents,
            )
        )
    return statement


def redemptions_for_provider(provider: Organization) -> QuerySet[Redemption]:
    """A provider's own redemptions, newest first: the only ones its staff ever see."""
    return Redemption.objects.filter(provider=provider).select_related("voucher", "service").order_by("-created_at")


# How recent a redemption of the same amount on the same voucher must be for the desk to ask
# before a second one: long enough to cover a network failure after the commit and a retyped code.
REPEAT_WINDOW = datetime.timedelta(minutes=10)


def redemptions_just_made(
    provider: Organization, voucher: Voucher, *, now: datetime.datetime | None = None
) -> QuerySet[Redemption]:
    """The provider's live redemptions of this voucher within REPEAT_WINDOW, newest first."""
    since = (now or timezone.now()) - REPEAT_WINDOW
    return Redemption.objects.filter(
        provider=provider, voucher=voucher, cancelled_at__isnull=True, created_at__gte=since
    ).order_by("-created_at")


def redemption_repeated(
    provider: Organization, voucher: Voucher, amount_cents: int, *, key: str, now: datetime.datetime | None = None
) -> Redemption | None:
    """A redemption of the same amount the provider just made on this voucher under another key
    (the same key is the same request sent again, which the service answers without moving money)."""
    return (
        redemptions_just_made(provider, voucher, now=now)
        .filter(amount_cents=amount_cents)
        .exclude(idempotency_key=key)
        .first()
    )


def voucher_movements(voucher: Voucher) -> QuerySet[LedgerEntry]:
    """The movements of a voucher's account (issue, redemptions, cancellations, expiry), oldest first."""
    return voucher.ledger_entries.filter(account=Account.VOUCHER).select_related("redemption__provider")


def vouchers_for_beneficiary(user: User) -> QuerySet[Voucher]:
    """A beneficiary's own vouchers with their calls (the wallet), newest first."""
    return Voucher.objects.filter(beneficiary=user).select_related("call").order_by("-created_at", "-id")


def applications_for_user(user: AnyUser) -> QuerySet[Application]:
    """The applications `user` made or filled in for someone at an information point, newest first."""
    return (
        Application.objects.filter(Q(applicant=user) | Q(assisted_by=user))
        .select_related("call", "applicant", "assisted_by")
        .order_by("-created_at", "-pk")
    )


def voucher_for_desk(provider: Organization, typed_code: Any) -> Voucher:
    """The voucher a provider's desk is about to redeem, for the preview; VoucherError as voucher_redeem words it.

    A provider sees a voucher only when it is accredited for the voucher's call, so a desk cannot
    browse other calls' vouchers; the redemption itself checks everything again under a lock.
    """
    code = code_normalize(typed_code)
    if code is None:
        raise VoucherError("voucher_code", CODE_INVALID, code="code_invalid")
    voucher = Voucher.objects.select_related("call", "beneficiary").filter(code=code).first()
    if voucher is None:
        raise VoucherError("voucher_code", CODE_UNKNOWN, code="code_unknown")
    if not voucher.call.providers.filter(pk=provider.pk).exists():
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
    return voucher


def call_names_categories(call: Call) -> bool:
    """Whether a call restricts the eligible service categories (the desk then asks which service)."""
    return call.categories.exists()
