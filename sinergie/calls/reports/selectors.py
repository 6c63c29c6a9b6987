"""A call's report (rendicontazione): what the Region asks of it, computed from the ledger and
the applications, never from cached totals.

Money comes only from the ledger's lines (`LedgerEntry`), so the report and the books cannot
disagree; a test checks it against the cached balances. Breakdowns of beneficiaries read the
answers of their applications under the keys in REPORT_ANSWERS; an answer not given counts as
"not stated".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from sinergie.calls.evaluation.ranking import published_ranking
from sinergie.calls.grants.services import COMPANY_KINDS, MEASURE_LABELS, plan_of, size_band
from sinergie.calls.models import (
    Account,
    Application,
    ApplicationState,
    Call,
    EntryKind,
    GrantState,
    IncentiveGrant,
    LedgerEntry,
    Redemption,
    Voucher,
    VoucherState,
)
from sinergie.territory.models import Municipality

# The answers the report breaks beneficiaries down by: the keys of calls/rules.py (`lives_in`, an
# ISTAT code; `children_ages`, a list of years) and `gender` (f, m or x), as the form writes them.
REPORT_ANSWERS = {"municipality": "lives_in", "gender": "gender", "children_ages": "children_ages"}
AGE_BANDS = [(0, 2, "0–2"), (3, 5, "3–5"), (6, 10, "6–10"), (11, 14, "11–14"), (15, 17, "15–17")]
GENDERS = {"f": _("women"), "m": _("men"), "x": _("other")}
NOT_STATED = _("not stated")


@dataclass
class Line:
    label: str
    count: int = 0
    cents: int | None = None


@dataclass
class CallReport:
    call: Call
    money: list[Line] = field(default_factory=list)
    applications: list[Line] = field(default_factory=list)
    vouchers: list[Line] = field(default_factory=list)
    providers: list[Line] = field(default_factory=list)
    categories: list[Line] = field(default_factory=list)
    municipalities: list[Line] = field(default_factory=list)
    genders: list[Line] = field(default_factory=list)
    ages: list[Line] = field(default_factory=list)
    companies: list[Line] = field(default_factory=list)
    company_sizes: list[Line] = field(default_factory=list)
    measures: list[Line] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, str, list[Line]]]:
        """(key, title, lines) of every section, in the order pages and files show them."""
        return [
            ("money", str(_("Budget and money")), self.money),
            ("applications", str(_("Applications")), self.applications),
            ("vouchers", str(_("Vouchers")), self.vouchers),
            ("providers", str(_("Spent, by provider")), self.providers),
            ("categories", str(_("Spent, by service category")), self.categories),
            ("municipalities", str(_("Beneficiaries, by municipality of residence")), self.municipalities),
            ("genders", str(_("Beneficiaries, by gender")), self.genders),
            ("ages", str(_("Beneficiaries, by age of the youngest child")), self.ages),
        ] + (
            [
                ("companies", str(_("Company incentives")), self.companies),
                ("company_sizes", str(_("Company grants, by company size")), self.company_sizes),
                ("measures", str(_("Measures planned by granted companies")), self.measures),
            ]
            if self.call.kind in COMPANY_KINDS
            else []
        )


def _ledger_sums(call: Call) -> dict[tuple[str, str], int]:
    rows = LedgerEntry.objects.filter(call=call).values("kind", "account").annotate(total=Sum("amount_cents"))
    return {(row["kind"], row["account"]): int(row["total"]) for row in rows}


def _money(call: Call, report: CallReport) -> None:
    sums = _ledger_sums(call)

    def account(name: str) -> int:
        return sum(total for (_kind, acc), total in sums.items() if acc == name)

    available, on_vouchers, payable = account(Account.AVAILABLE), account(Account.VOUCHER), account(Account.PAYABLE)
    on_grants, paid_to_companies = account(Account.GRANT), account(Account.GRANT_PAID)
    granted = -sums.get((EntryKind.GRANT, Account.AVAILABLE), 0)
    revoked = sums.get((EntryKind.GRANT_REVOKE, Account.AVAILABLE), 0)
    issued = -sums.get((EntryKind.ISSUE, Account.AVAILABLE), 0)
    expired = sums.get((EntryKind.EXPIRY, Account.AVAILABLE), 0)
    cancelled = sums.get((EntryKind.VOUCHER_CANCEL, Account.AVAILABLE), 0)
    report.totals = {
        "budget": call.budget_cents,
        "available": available,
        "issued": issued,
        "committed": on_vouchers + payable + on_grants + paid_to_companies,
        "unspent_on_vouchers": on_vouchers,
        "spent": payable,
        "expired": expired,
        "voucher_cancelled": cancelled,
        "granted": granted,
        "granted_unpaid": on_grants,
        "paid_to_companies": paid_to_companies,
        "grants_revoked": revoked,
    }
    report.money = [
        Line(str(_("Budget")), cents=call.budget_cents),
        Line(str(_("Given as vouchers")), cents=issued),
        Line(str(_("Spent at providers (net of cancelled redemptions)")), cents=payable),
        Line(str(_("Still on vouchers, unspent")), cents=on_vouchers),
        Line(str(_("Returned to the budget by expired vouchers")), cents=expired),
        Line(str(_("Returned to the budget by cancelled vouchers")), cents=cancelled),
        Line(str(_("Available")), cents=available),
    ]
    if call.kind in COMPANY_KINDS:
        report.money[1:1] = [
            Line(str(_("Granted to companies")), cents=granted),
            Line(str(_("Paid to companies")), cents=paid_to_companies),
            Line(str(_("Granted, not paid yet")), cents=on_grants),
            Line(str(_("Returned to the budget by revoked grants")), cents=revoked),
        ]


def _applications(call: Call, report: CallReport) -> None:
    states = dict(
        Application.objects.filter(call=call).values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    admissible = Application.objects.filter(
        call=call, state=ApplicationState.SUBMITTED, evaluation__admissible=True
    ).count()
    ranking = published_ranking(call)
    admitted = ranking.rows.filter(admitted=True).count() if ranking else 0
    report.applications = [
        Line(str(_("Sent")), states.get(ApplicationState.SUBMITTED, 0)),
        Line(str(_("Withdrawn")), states.get(ApplicationState.WITHDRAWN, 0)),
        Line(str(_("Drafts not sent")), states.get(ApplicationState.DRAFT, 0)),
        Line(str(_("Admissible")), admissible),
        Line(str(_("Admitted in the published ranking")), admitted),
    ]


def _vouchers(call: Call, report: CallReport) -> None:
    vouchers = Voucher.objects.filter(call=call)
    by_state = dict(vouchers.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    report.vouchers = [Line(str(_("Issued")), vouchers.count(), sum(vouchers.values_list("value_cents", flat=True)))]
    report.vouchers += [Line(str(label), by_state.get(value, 0)) for value, label in VoucherState.choices]
    report.vouchers.append(Line(str(_("Beneficiaries")), vouchers.values("beneficiary").distinct().count()))


def _spending(call: Call, report: CallReport) -> None:
    payable = LedgerEntry.objects.filter(call=call, account=Account.PAYABLE)
    rows = payable.values("provider__name").annotate(total=Sum("amount_cents")).order_by("provider__name")
    live = Redemption.objects.filter(voucher__call=call, cancelled_at__isnull=True)
    counts = dict(live.values("provider__name").annotate(n=Count("pk")).values_list("provider__name", "n"))
    report.providers = [
        Line(row["provider__name"], counts.get(row["provider__name"], 0), int(row["total"])) for row in rows
    ]
    # A redemption counts under the first category of its service (by the taxonomy's order).
    categories: dict[str, Line] = {}
    for redemption in live.select_related("service").prefetch_related("service__categories"):
        terms = list(redemption.service.categories.all()) if redemption.service else []
        label = str(terms[0]) if terms else str(NOT_STATED)
        line = categories.setdefault(label, Line(label, 0, 0))
        line.count += 1
        line.cents = (line.cents or 0) + redemption.amount_cents
    report.categories = sorted(categories.values(), key=lambda line: line.label)


def _youngest(ages: Any) -> Any:
    if isinstance(ages, list):
        whole = [age for age in ages if isinstance(age, int) and not isinstance(age, bool)]
        return min(whole, default=None)
    return None


def _band(age: Any) -> str:
    if isinstance(age, int) and not isinstance(age, bool):
        for low, high, label in AGE_BANDS:
            if low <= age <= high:
                return label
    return str(NOT_STATED)


def _beneficiaries(call: Call, report: CallReport) -> None:
    beneficiaries = set(Voucher.objects.filter(call=call).values_list("beneficiary", flat=True))
    sent = Application.objects.filter(call=call, applicant__in=beneficiaries, state=ApplicationState.SUBMITTED)
    answers = [a for a in sent.values_list("answers", flat=True) if isinstance(a, dict)]
    codes = Counter(str(a.get(REPORT_ANSWERS["municipality"]) or "") for a in answers)
    names = dict(Municipality.objects.filter(istat_code__in=[c for c in codes if c]).values_list("istat_code", "name"))
    by_place: dict[str, int] = defaultdict(int)
    for code, n in codes.items():
        by_place[names.get(code, str(NOT_STATED))] += n
    report.municipalities = [Line(label, n) for label, n in sorted(by_place.items())]
    genders = Counter(str(GENDERS.get(str(a.get(REPORT_ANSWERS["gender"])), NOT_STATED)) for a in answers)
    report.genders = [Line(label, n) for label, n in sorted(genders.items())]
    ages = Counter(_band(_youngest(a.get(REPORT_ANSWERS["children_ages"]))) for a in answers)
    order = [label for _low, _high, label in AGE_BANDS] + [str(NOT_STATED)]
    report.ages = [Line(label, ages[label]) for label in order if ages[label]]


def _companies(call: Call, report: CallReport) -> None:
    """Company incentives: applications and grants, by state, by company size and by measure planned.

    Amounts are the grants' own (granted, paid), which the ledger check proves equal to the ledger;
    size and measures come from the plan in each granted application's answers.
    """
    sent = Application.objects.filter(call=call, state=ApplicationState.SUBMITTED, organization__isnull=False)
    grants = list(IncentiveGrant.objects.filter(call=call).select_related("application"))
    live = [grant for grant in grants if grant.state != GrantState.REVOKED]
    paid = [grant for grant in grants if grant.state == GrantState.PAID]
    report.companies = [
        Line(str(_("Applications sent by companies")), sent.count()),
        Line(str(_("Grant agreements")), len(live), sum(grant.amount_cents for grant in live)),
        Line(str(_("Reports approved")), sum(1 for g in live if g.state in {GrantState.APPROVED, GrantState.PAID})),
        Line(str(_("Grants paid")), len(paid), sum(grant.paid_cents for grant in paid)),
        Line(str(_("Grants revoked")), len(grants) - len(live)),
    ]
    sizes: dict[str, Line] = {}
    measures: dict[str, Line] = {}
    for grant in live:
        plan = plan_of(grant.application) or {}
        label = size_band(plan.get("employees")) or str(NOT_STATED)
        line = sizes.setdefault(label, Line(label, 0, 0))
        line.count += 1
        line.cents = (line.cents or 0) + grant.amount_cents
        for measure in plan.get("measures") or []:
            if not isinstance(measure, dict) or measure.get("code") not in MEASURE_LABELS:
                continue
            name = str(MEASURE_LABELS[measure["code"]])
            line = measures.setdefault(name, Line(name, 0, 0))
            line.count += 1
            cost = measure.get("cost_cents")
            line.cents = (line.cents or 0) + (cost if type(cost) is int else 0)
    report.company_sizes = sorted(sizes.values(), key=lambda line: line.label)
    report.measures = sorted(measures.values(), key=lambda line: line.label)


def call_report(call: Call) -> CallReport:
    report = CallReport(call=call)
    _money(call, report)
    _applications(call, report)
    _vouchers(call, report)
    _spending(call, report)
    _beneficiaries(call, report)
    if call.kind in COMPANY_KINDS:
        _companies(call, report)
    return report
