"""Designing a call: create and edit a draft with its structured rules, validate it, publish it, close it.

The money moves in `calls/services.py` (`call_publish` funds the call in the ledger); this
module is what alliance staff do before that. Every change runs in one transaction and writes
an audit record; a published call's rules are frozen (the models refuse, and so do these
services, with a message naming the field). The shapes of the rules are in `calls/rules.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.calls import rules as R
from sinergie.calls import services
from sinergie.calls.models import Call, CallDesign, CallFrozenError, CallKind, CallState
from sinergie.organizations.models import Alliance, OrganizationKind

MAX_BUDGET_CENTS = 5_000_000_000  # € 50 million: far above any alliance's call, and catches typos
MAX_AMOUNT_CENTS = services.MAX_VOUCHER_CENTS
DOCUMENT_TYPES = ("pdf", "image")
MAX_DOCUMENTS = 20
MAX_BANDS = 10

CALL_FIELDS = (
    "kind",
    "title_it",
    "title_en",
    "text_it",
    "text_en",
    "budget_cents",
    "amount_per_beneficiary_cents",
    "opens_at",
    "closes_at",
)
DESIGN_FIELDS = CallDesign.FROZEN_FIELDS

# --- Messages ------------------------------------------------------------------------------------

NO_RULES = _("Give at least one eligibility rule: who may apply?")
AGES_INVERTED = _("The minimum age cannot be above the maximum age.")
AGE_OUT_OF_RANGE = _("Ages go from 0 to %(maximum)s years.")
CEILING_OUT_OF_RANGE = _("The ISEE ceiling must be more than zero and at most %(maximum)s.")
NO_STATUSES = _("Choose at least one work situation.")
NO_MUNICIPALITIES = _("The alliance has no member municipalities yet, so nobody could meet this rule.")
NO_COMPANIES = _("The alliance has no member companies yet, so nobody could meet this rule.")
WEIGHT_OUT_OF_RANGE = _("A weight is a whole number of points from 0 to %(maximum)s.")
BANDS_NOT_ASCENDING = _("The bands must go up, each with a higher limit than the one before.")
BAND_PERCENT = _("A band gives from 0 to 100 percent of the weight.")
BAND_ABOVE_CEILING = _("The ISEE band up to %(limit)s is above the ISEE ceiling of the eligibility rules.")
TIE_BREAKER_REPEATED = _("Each tie-breaker may be chosen only once.")
DOCUMENT_NAME_MISSING = _("Give the document's name in Italian.")
DOCUMENT_NO_TYPE = _("Choose at least one accepted file type.")
AMOUNT_BAND_OVER_MAXIMUM = _("An amount must be more than zero and at most %(maximum)s.")
AMOUNT_BANDS_SCORE = _("The minimum scores of the bands must be different whole numbers of at least 0.")
AMOUNT_OVER_BUDGET = _("The budget does not cover even one beneficiary at the highest amount.")
NO_TEXT = _("Write the call's text in Italian: it is what applicants read.")
NO_PROVIDERS = _("A worker-voucher call needs at least one accredited provider where vouchers can be spent.")
CLOSES_BEFORE_OPENS = _("The call must close after it opens.")
CLOSES_IN_PAST = _("The call closes in the past: nobody could apply.")
OPENS_IN_PAST = _("The call opens in the past: it will take applications as soon as it is published.")
NO_CRITERIA = _("No scoring criterion: applicants will be ranked only by the tie-breakers and submission time.")
NO_DOCUMENTS = _("No document is required.")
BAND_NEVER_REACHED = _("The band from %(score)s points can never be reached: the most anyone can score is %(maximum)s.")


@dataclasses.dataclass
class CallData:
    """Everything staff enter for a call, already parsed (money in cents, aware instants)."""

    kind: str
    title_it: str
    title_en: str
    text_it: str
    text_en: str
    budget_cents: int
    amount_per_beneficiary_cents: int
    opens_at: Any
    closes_at: Any
    providers: Sequence[Any] = ()
    categories: Sequence[Any] = ()
    eligibility: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    documents: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    criteria: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    tie_breakers: list[str] = dataclasses.field(default_factory=list)
    amount_bands: list[list[int]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ValidationReport:
    """What `call_validate` found: problems block publication, notes are for the staff to judge."""

    problems: list[tuple[str, str]]
    notes: list[tuple[str, str]]
    beneficiaries: int
    maximum_score: int

    @property
    def ok(self) -> bool:
        return not self.problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def design_errors(data: CallData) -> dict[str, list[str]]:  # noqa: C901
    """The structural errors of the entered data, by field: what may never be saved, even in a draft."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: Any, **params: Any) -> None:
        errors.setdefault(field, []).append(str(message) % params if params else str(message))

    if data.kind not in CallKind.values:
        add("kind", _("Choose a kind of call."))
    for field in ("budget_cents", "amount_per_beneficiary_cents"):
        value = getattr(data, field)
        maximum = MAX_BUDGET_CENTS if field == "budget_cents" else MAX_AMOUNT_CENTS
        if not _is_int(value) or value <= 0 or value > maximum:
            add(field, AMOUNT_BAND_OVER_MAXIMUM, maximum=R.euro_text(maximum))
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        add("closes_at", CLOSES_BEFORE_OPENS)
    for rule in data.eligibility:
        kind = rule.get("kind")
        if kind not in R.RULE_KINDS:
            add("eligibility", _("Unknown rule."))
        elif kind == "children_age":
            low, high = rule.get("min_age"), rule.get("max_age")
            if not (_is_int(low) and _is_int(high)) or not (0 <= low <= R.MAX_AGE and 0 <= high <= R.MAX_AGE):
                add("max_age", AGE_OUT_OF_RANGE, maximum=R.MAX_AGE)
            elif low > high:
                add("max_age", AGES_INVERTED)
        elif kind == "isee_ceiling":
            ceiling = rule.get("ceiling_cents")
            if not _is_int(ceiling) or not 0 < ceiling <= R.MAX_ISEE_CENTS:
                add("isee_ceiling", CEILING_OUT_OF_RANGE, maximum=R.euro_text(R.MAX_ISEE_CENTS))
        elif kind == "employment":
            statuses = rule.get("statuses") or []
            if not statuses or any(s not in R.EMPLOYMENT_STATUSES for s in statuses):
                add("employment_statuses", NO_STATUSES)
    kinds = [rule.get("kind") for rule in data.eligibility]
    if len(kinds) != len(set(kinds)):
        add("eligibility", _("Each kind of rule may appear only once."))
    for criterion in data.criteria:
        kind, weight = criterion.get("kind"), criterion.get("weight")
        field = f"weight_{kind}"
        if kind not in R.CRITERION_KINDS:
            add("criteria", _("Unknown scoring criterion."))
            continue
        if not _is_int(weight) or not 0 <= weight <= R.MAX_WEIGHT:
            add(field, WEIGHT_OUT_OF_RANGE, maximum=R.MAX_WEIGHT)
        if kind == "children":
            cap = criterion.get("max_children")
            if not _is_int(cap) or not 1 <= cap <= 10:
                add("max_children", _("Count from 1 to 10 children."))
        if kind == "isee_band":
            bands = criterion.get("bands") or []
            limits = [band[0] for band in bands]
            if not bands or len(bands) > MAX_BANDS or limits != sorted(set(limits)):
                add("isee_bands", BANDS_NOT_ASCENDING)
            if any(not _is_int(p) or not 0 <= p <= 100 for _limit, p in bands):
                add("isee_bands", BAND_PERCENT)
            if any(not _is_int(limit) or not 0 < limit <= R.MAX_ISEE_CENTS for limit, _p in bands):
                add("isee_bands", CEILING_OUT_OF_RANGE, maximum=R.euro_text(R.MAX_ISEE_CENTS))
    if len(data.tie_breakers) != len(set(data.tie_breakers)):
        add("tie_breakers", TIE_BREAKER_REPEATED)
    if any(t not in R.TIE_BREAKERS for t in data.tie_breakers):
        add("tie_breakers", _("Unknown tie-breaker."))
    if len(data.documents) > MAX_DOCUMENTS:
        add("documents", _("At most %(maximum)s documents.") % {"maximum": MAX_DOCUMENTS})
    for document in data.documents:
        if not str(document.get("name_it", "")).strip():
            add("documents", DOCUMENT_NAME_MISSING)
        types = document.get("types") or []
        if not types or any(t not in DOCUMENT_TYPES for t in types):
            add("documents", DOCUMENT_NO_TYPE)
    scores = [band[0] for band in data.amount_bands]
    if (
        len(data.amount_bands) > MAX_BANDS
        or any(not _is_int(s) or s < 0 for s in scores)
        or len(set(scores)) != len(scores)
    ):
        add("amount_bands", AMOUNT_BANDS_SCORE)
    if any(not _is_int(c) or not 0 < c <= MAX_AMOUNT_CENTS for _s, c in data.amount_bands):
        add("amount_bands", AMOUNT_BAND_OVER_MAXIMUM, maximum=R.euro_text(MAX_AMOUNT_CENTS))
    return errors


def _territory_of(alliance: Alliance) -> list[list[str]]:
    return [[m.istat_code, m.name] for m in alliance.municipalities.order_by("name", "istat_code")]


def _companies_of(alliance: Alliance) -> list[list[Any]]:
    companies = alliance.partners.filter(kind=OrganizationKind.COMPANY).order_by("name", "pk")
    return [[company.pk, company.name] for company in companies]


def _complete_rules(alliance: Alliance, eligibility: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy the alliance's territory and member companies into the rules that name them."""
    completed = []
    for rule in eligibility:
        rule = dict(rule)
        if rule.get("kind") == "territory":
            rule["municipalities"] = _territory_of(alliance)
        elif rule.get("kind") == "member_company":
            rule["companies"] = _companies_of(alliance)
        completed.append(rule)
    return completed


def _raise_if_invalid(data: CallData) -> None:
    errors = design_errors(data)
    if errors:
        raise ValidationError({field: [ValidationError(m) for m in messages] for field, messages in errors.items()})


def _state(call: Call, design: CallDesign) -> dict[str, Any]:
    state = snapshot(call, CALL_FIELDS)
    state.update(snapshot(design, DESIGN_FIELDS))
    state["providers"] = sorted(call.providers.values_list("pk", flat=True))
    state["categories"] = sorted(call.categories.values_list("pk", flat=True))
    return state


def _apply(call: Call, design: CallDesign, data: CallData) -> None:
    for field in CALL_FIELDS:
        setattr(call, field, getattr(data, field))
    call.full_clean(exclude=["providers", "categories", "available_cents"])
    call.save()
    design.call = call
    design.eligibility = _complete_rules(call.alliance, data.eligibility)
    for field in ("documents", "criteria", "tie_breakers", "amount_bands"):
        setattr(design, field, getattr(data, field))
    design.save()
    call.providers.set(data.providers)
    call.categories.set(data.categories)


def call_create(*, alliance: Alliance, data: CallData, by: Any, request: HttpRequest | None = None) -> Call:
    """Create a draft call with its rules; nothing is saved unless every part is valid."""
    _raise_if_invalid(data)
    with transaction.atomic():
        call = Call(alliance=alliance, state=CallState.DRAFT)
        design = CallDesign()
        _apply(call, design, data)
        audit_record(actor=by, action="calls.call.create", obj=call, after=_state(call, design), request=request)
    return call


def call_update(*, call: Call, data: CallData, by: Any, request: HttpRequest | None = None) -> Call:
    """Change a draft call and its rules; a published or closed call refuses (its rules are frozen)."""
    _raise_if_invalid(data)
    with transaction.atomic():
        call = Call.objects.select_for_update(no_key=True).select_related("alliance").get(pk=call.pk)
        if call.state != CallState.DRAFT:
            raise CallFrozenError("state")
        design, _created = CallDesign.objects.get_or_create(call=call)
        before = _state(call, design)
        _apply(call, design, data)
        audit_record(
            actor=by, action="calls.call.update", obj=call, before=before, after=_state(call, design), request=request
        )
    return call


def design_of(call: Call) -> CallDesign:
    """The call's design, or an empty one (never saved) for a call made without the designer."""
    try:
        return call.design
    except CallDesign.DoesNotExist:
        return CallDesign(call=call)


def call_validate(call: Call, *, now: Any = None) -> ValidationReport:  # noqa: C901
    """Whether the call's rules are consistent and how many beneficiaries its budget covers.

    Problems block publication; notes are shown but do not. The beneficiaries covered are the
    budget divided by the highest amount one beneficiary can get.
    """
    design = design_of(call)
    problems: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    now = now or timezone.now()
    data = CallData(
        **{field: getattr(call, field) for field in CALL_FIELDS},
        **{field: getattr(design, field) for field in DESIGN_FIELDS},
    )
    for field, messages in design_errors(data).items():
        problems.extend((field, message) for message in messages)
    # A company call's applicants are companies, through their referents: rules about people are optional.
    if not design.eligibility and call.kind == CallKind.WORKER_VOUCHERS:
        problems.append(("eligibility", str(NO_RULES)))
    for rule in design.eligibility:
        if rule.get("kind") == "territory" and not rule.get("municipalities"):
            problems.append(("rule_territory", str(NO_MUNICIPALITIES)))
        if rule.get("kind") == "member_company" and not rule.get("companies"):
            problems.append(("rule_member_company", str(NO_COMPANIES)))
    ceiling = next((r["ceiling_cents"] for r in design.eligibility if r.get("kind") == "isee_ceiling"), None)
    for criterion in design.criteria:
        if criterion.get("kind") == "isee_band" and ceiling is not None:
            for limit, _percent in criterion.get("bands", []):
                if _is_int(limit) and limit > ceiling:
                    problems.append(("isee_bands", str(BAND_ABOVE_CEILING) % {"limit": R.euro_text(limit)}))
                    break
    if not call.text_it.strip():
        problems.append(("text_it", str(NO_TEXT)))
    if call.kind == CallKind.WORKER_VOUCHERS and call.pk and not call.providers.exists():
        problems.append(("providers", str(NO_PROVIDERS)))
    amounts = [c for _s, c in design.amount_bands if _is_int(c)]
    if not any(s == 0 for s, _c in design.amount_bands):  # below every band: the call's amount
        amounts.append(call.amount_per_beneficiary_cents)
    highest = max(amounts)
    beneficiaries = call.budget_cents // highest if highest and highest > 0 else 0
    if beneficiaries < 1:
        problems.append(("budget_cents", str(AMOUNT_OVER_BUDGET)))
    maximum = R.score_maximum(design.criteria) if not design_errors(data).get("criteria") else 0
    for score, _cents in design.amount_bands:
        if _is_int(score) and score > maximum:
            problems.append(("amount_bands", str(BAND_NEVER_REACHED) % {"score": score, "maximum": maximum}))
    if call.closes_at and call.closes_at <= now:
        problems.append(("closes_at", str(CLOSES_IN_PAST)))
    if call.opens_at and call.opens_at < now:
        notes.append(("opens_at", str(OPENS_IN_PAST)))
    if not design.criteria:
        notes.append(("criteria", str(NO_CRITERIA)))
    if not design.documents:
        notes.append(("documents", str(NO_DOCUMENTS)))
    return ValidationReport(problems=problems, notes=notes, beneficiaries=beneficiaries, maximum_score=maximum)


def call_publish_checked(*, call: Call, by: Any, request: HttpRequest | None = None) -> Call:
    """Publish a draft only when `call_validate` finds no problem; the money core funds it and freezes it."""
    report = call_validate(call)
    if not report.ok:
        raise ValidationError({field: [message] for field, message in report.problems})
    return services.call_publish(call=call, by=by, request=request)


def call_close(*, call: Call, by: Any, request: HttpRequest | None = None) -> Call:
    """Close a published call to applications (the money core's service, which writes the audit)."""
    return services.call_close(call=call, by=by, request=request)


def rules_for_display(call: Call, language: str) -> Mapping[str, Any]:
    """The call's rules explained in `language`, for the public page and the staff preview."""
    design = design_of(call)
    amount_bands = sorted(design.amount_bands)
    return {
        "rules": [R.rule_explain(rule, language) for rule in design.eligibility],
        "documents": [
            {
                "name": (document.get("name_en") if language == "en" else "") or document.get("name_it", ""),
                "mandatory": bool(document.get("mandatory")),
                "types": list(document.get("types") or []),
            }
            for document in design.documents
        ],
        "criteria": [R.criterion_explain(criterion, language) for criterion in design.criteria if criterion["weight"]],
        "tie_breakers": [str(R.TIE_BREAKERS[t]) for t in design.tie_breakers if t in R.TIE_BREAKERS],
        "amount_bands": amount_bands,
        "maximum_score": R.score_maximum(design.criteria),
    }


# --- Reads ---------------------------------------------------------------------------------------


def calls_public(*, now: Any = None) -> dict[str, list[Call]]:
    """Published and closed calls for the public list: open now, upcoming, closed (by closing date)."""
    now = now or timezone.now()
    calls = list(
        Call.objects.filter(state__in=[CallState.PUBLISHED, CallState.CLOSED])
        .select_related("alliance__organization")
        .order_by("closes_at", "pk")
    )
    sections: dict[str, list[Call]] = {"open": [], "upcoming": [], "closed": []}
    for call in calls:
        if call.state == CallState.PUBLISHED and call.opens_at <= now < call.closes_at:
            sections["open"].append(call)
        elif call.state == CallState.PUBLISHED and now < call.opens_at:
            sections["upcoming"].append(call)
        else:
            sections["closed"].append(call)
    sections["closed"].reverse()  # the most recently closed first
    return sections


def calls_for_designer(alliances: Any) -> list[Call]:
    """The calls of the alliances a designer works for, drafts first, then by opening (latest first)."""
    calls = Call.objects.filter(alliance__in=alliances).select_related("alliance__organization")
    order = {CallState.DRAFT: 0, CallState.PUBLISHED: 1, CallState.CLOSED: 2}
    return sorted(calls, key=lambda c: (order.get(c.state, 3), -c.opens_at.timestamp(), -c.pk))
