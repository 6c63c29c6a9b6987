"""Witness companies and "contamination": good practices, pairings of small companies with
witness companies (proposed by the alliance's staff), meetings and outcomes, and inter-company
agreements that share a service. Every change is checked whole and audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.companies.assessment import WEAK, latest
from sinergie.companies.measures import BY_CODE
from sinergie.companies.models import (
    Agreement,
    AgreementKind,
    AgreementMember,
    CompanyProfile,
    GoodPractice,
    Pairing,
    PairingMeeting,
    PairingState,
    SizeBand,
    WitnessCompany,
)
from sinergie.organizations.models import Alliance, AlliancePartner, Organization, OrganizationKind

MAX_COST_CENTS = 100_000_000_00
MAX_PLACES = 100_000
SIZES = list(SizeBand.values)

REQUIRED = _("This field is required.")
NOT_A_PARTNER = _("The company is not a partner of this alliance.")
NOT_A_WITNESS = _("Only a witness company of the alliance can do this.")
ALREADY_WITNESS = _("The company is already a witness company.")
OPEN_PAIRING = _("The company already has a pairing request open with this alliance.")
WRONG_STATE = _("This cannot be done in the pairing's present state.")
SAME_COMPANY = _("A company cannot accompany itself.")
UNKNOWN_MEASURE = _("Choose a measure of the catalogue.")
BAD_COST = _("Give a cost from 0 to 100 million euro.")
BAD_PLACES = _("Give a whole number of places from 1 to 100,000.")
END_BEFORE_START = _("The end comes before the start.")
FULL = _("Only %(left)s places are left in this agreement.")
ALREADY_MEMBER = _("The company is already in this agreement.")
BAD_DATE = _("Give a date between 2000 and today.")


class ContaminationError(ValidationError):
    """A refused step of a witness, practice, pairing or agreement, as errors by field."""

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        super().__init__({f: [ValidationError(m) for m in messages] for f, messages in errors.items()})


def _fail(field: str, message: Any) -> ContaminationError:
    return ContaminationError({field: [message]})


def _partner(alliance: Alliance, company: Organization) -> bool:
    return AlliancePartner.objects.filter(alliance=alliance, organization=company).exists()


# --- Witness companies and practices ---------------------------------------------------------


@transaction.atomic
def witness_mark(
    *, alliance: Alliance, company: Organization, by: Any, request: HttpRequest | None = None
) -> WitnessCompany:
    """The alliance marks one of its partner companies as a witness; refused for an organization
    that is not a partner company, or already a witness of it. Writes an audit record."""
    if company.kind != OrganizationKind.COMPANY or not _partner(alliance, company):
        raise _fail("company", NOT_A_PARTNER)
    try:
        with transaction.atomic():
            witness = WitnessCompany.objects.create(
                company=company, alliance=alliance, since=timezone.localdate(), marked_by=by
            )
    except IntegrityError:
        raise _fail("company", ALREADY_WITNESS) from None
    audit_record(actor=by, action="companies.witness_mark", obj=witness, after={"company": company.pk}, request=request)
    return witness


@transaction.atomic
def witness_unmark(*, witness: WitnessCompany, by: Any, request: HttpRequest | None = None) -> None:
    """The alliance removes its mark of a witness company. Writes an audit record."""
    audit_record(
        actor=by,
        action="companies.witness_unmark",
        obj=witness,
        before={"company": witness.company_id},
        request=request,
    )
    witness.delete()


@dataclass
class PracticeData:
    """A good practice as the form gives it, before it is checked."""

    title: str
    problem: str
    measure: str
    description: str
    result: str
    cost_cents: int = 0


@transaction.atomic
def practice_publish(
    *, company: Organization, data: PracticeData, by: Any, request: HttpRequest | None = None
) -> GoodPractice:
    """A witness company publishes a good practice; refused for a company no alliance marked as a
    witness, missing text, an unknown measure or a cost out of range. Writes an audit record."""
    errors: dict[str, list[Any]] = {}
    if not WitnessCompany.objects.filter(company=company).exists():
        errors["company"] = [NOT_A_WITNESS]
    for field in ("title", "problem", "description", "result"):
        if not (getattr(data, field) or "").strip():
            errors[field] = [REQUIRED]
    if data.measure not in BY_CODE:
        errors["measure"] = [UNKNOWN_MEASURE]
    cost = data.cost_cents
    if not isinstance(cost, int) or isinstance(cost, bool) or not 0 <= cost <= MAX_COST_CENTS:
        errors["cost_cents"] = [BAD_COST]
    if errors:
        raise ContaminationError(errors)
    practice = GoodPractice.objects.create(
        company=company,
        title=data.title.strip()[:160],
        problem=data.problem.strip(),
        measure=data.measure,
        description=data.description.strip(),
        result=data.result.strip(),
        cost_cents=cost,
        created_by=by,
    )
    audit_record(
        actor=by, action="companies.practice_publish", obj=practice, after={"title": practice.title}, request=request
    )
    return practice


# --- Pairings ---------------------------------------------------------------------------------


@transaction.atomic
def pairing_ask(
    *, alliance: Alliance, company: Organization, wish: str, by: Any, request: HttpRequest | None = None
) -> Pairing:
    """A partner company asks its alliance for a witness to learn from; refused for a company not a
    partner, an empty wish, or a pairing already open with that alliance. Writes an audit record."""
    if not _partner(alliance, company):
        raise _fail("alliance", NOT_A_PARTNER)
    wish = (wish or "").strip()
    if not wish:
        raise _fail("wish", REQUIRED)
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(company=company, alliance=alliance, wish=wish[:2000], asked_by=by)
    except IntegrityError:
        raise _fail("alliance", OPEN_PAIRING) from None
    audit_record(actor=by, action="companies.pairing_ask", obj=pairing, after={"state": pairing.state}, request=request)
    return pairing


@dataclass(frozen=True)
class Candidate:
    """A witness company proposed for a pairing, its score and the reasons for it."""

    witness: Organization
    score: int
    reasons: list[str]


def _weak_areas(company: Organization) -> set[str]:
    done = latest(company)
    return {area for area, score in (done.scores if done else {}).items() if score < WEAK}


def _strong_areas(company: Organization) -> set[str]:
    done = latest(company)
    return {area for area, score in (done.scores if done else {}).items() if score >= 75}


def pair_candidates(pairing: Pairing) -> list[Candidate]:
    """The alliance's witness companies, best first: same ATECO section (3), same size band (2)
    or the next one up (1), and one point for each area the company is weak in and the witness
    strong in (from their self-assessments)."""
    profiles = {p.organization_id: p for p in CompanyProfile.objects.filter(organization__in=[pairing.company])}
    mine = profiles.get(pairing.company_id)
    weak = _weak_areas(pairing.company)
    found = []
    witnesses = WitnessCompany.objects.filter(alliance=pairing.alliance).exclude(company=pairing.company)
    for witness in witnesses.select_related("company__company_profile"):
        theirs = getattr(witness.company, "company_profile", None)
        score, reasons = 0, []
        if mine and theirs and mine.ateco_section and mine.ateco_section == theirs.ateco_section:
            score += 3
            reasons.append(gettext("same sector"))
        if mine and theirs and mine.size_band and theirs.size_band:
            gap = SIZES.index(theirs.size_band) - SIZES.index(mine.size_band)
            if gap == 0:
                score += 2
                reasons.append(gettext("same size"))
            elif gap == 1:
                score += 1
                reasons.append(gettext("a little larger"))
        shared = weak & _strong_areas(witness.company)
        if shared:
            score += len(shared)
            reasons.append(gettext("strong where you need it"))
        found.append(Candidate(witness.company, score, reasons))
    return sorted(found, key=lambda c: (-c.score, c.witness.name))


@transaction.atomic
def pairing_propose(
    *, pairing: Pairing, witness: Organization, why: str, by: Any, request: HttpRequest | None = None
) -> Pairing:
    """The staff propose a witness for an asked (or declined) pairing; refused in another state, for
    the company itself, or for a company not a witness of the alliance. Writes an audit record."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.state not in (PairingState.ASKED, PairingState.DECLINED):
        raise _fail("state", WRONG_STATE)
    if witness.pk == pairing.company_id:
        raise _fail("witness", SAME_COMPANY)
    if not WitnessCompany.objects.filter(company=witness, alliance=pairing.alliance).exists():
        raise _fail("witness", NOT_A_WITNESS)
    before = pairing.state
    pairing.witness, pairing.why, pairing.state = witness, (why or "").strip()[:300], PairingState.PROPOSED
    pairing.save(update_fields=["witness", "why", "state", "updated_at"])
    audit_record(
        actor=by,
        action="companies.pairing_propose",
        obj=pairing,
        before={"state": before},
        after={"state": pairing.state, "witness": witness.pk},
        request=request,
    )
    return pairing


@transaction.atomic
def pairing_answer(*, pairing: Pairing, accept: bool, by: Any, request: HttpRequest | None = None) -> Pairing:
    """The company accepts the proposed witness (the pairing starts) or declines it (staff may
    propose another)."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.state != PairingState.PROPOSED:
        raise _fail("state", WRONG_STATE)
    pairing.state = PairingState.ACTIVE if accept else PairingState.ASKED
    if not accept:
        pairing.witness = None
    pairing.save(update_fields=["state", "witness", "updated_at"])
    audit_record(
        actor=by,
        action="companies.pairing_answer",
        obj=pairing,
        before={"state": PairingState.PROPOSED},
        after={"state": pairing.state},
        request=request,
    )
    return pairing


@transaction.atomic
def meeting_record(
    *, pairing: Pairing, on: datetime.date | None, notes: str, by: Any, request: HttpRequest | None = None
) -> PairingMeeting:
    """Records a meeting of an active pairing (a day not in the future, notes required); refused
    for a pairing not active. Writes an audit record."""
    if pairing.state != PairingState.ACTIVE:
        raise _fail("state", WRONG_STATE)
    errors: dict[str, list[Any]] = {}
    if on is None or not datetime.date(2000, 1, 1) <= on <= timezone.localdate():
        errors["on"] = [BAD_DATE]
    if not (notes or "").strip():
        errors["notes"] = [REQUIRED]
    if errors:
        raise ContaminationError(errors)
    meeting = PairingMeeting.objects.create(pairing=pairing, on=on, notes=notes.strip()[:3000], recorded_by=by)
    audit_record(actor=by, action="companies.pairing_meeting", obj=meeting, after={"on": on}, request=request)
    return meeting


@transaction.atomic
def pairing_complete(*, pairing: Pairing, outcome: str, by: Any, request: HttpRequest | None = None) -> Pairing:
    """Closes an active pairing with its outcome (required); refused for a pairing not active.
    Writes an audit record."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.state != PairingState.ACTIVE:
        raise _fail("state", WRONG_STATE)
    outcome = (outcome or "").strip()
    if not outcome:
        raise _fail("outcome", REQUIRED)
    pairing.state, pairing.outcome = PairingState.COMPLETED, outcome[:3000]
    pairing.save(update_fields=["state", "outcome", "updated_at"])
    audit_record(
        actor=by,
        action="companies.pairing_complete",
        obj=pairing,
        before={"state": PairingState.ACTIVE},
        after={"state": pairing.state},
        request=request,
    )
    return pairing


# --- Inter-company agreements -----------------------------------------------------------------


@dataclass
class AgreementData:
    """An inter-company agreement as the form gives it, before it is checked."""

    title: str
    kind: str
    description: str
    capacity: Any
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    provider: Organization | None = None


@transaction.atomic
def agreement_create(
    *, alliance: Alliance, data: AgreementData, by: Any, request: HttpRequest | None = None
) -> Agreement:
    """The alliance opens an agreement with places to share; refused without title, description or
    kind, with places out of range or the end before the start. Writes an audit record."""
    errors: dict[str, list[Any]] = {}
    for field in ("title", "description"):
        if not (getattr(data, field) or "").strip():
            errors[field] = [REQUIRED]
    if data.kind not in AgreementKind.values:
        errors["kind"] = [REQUIRED]
    if not isinstance(data.capacity, int) or isinstance(data.capacity, bool) or not 1 <= data.capacity <= MAX_PLACES:
        errors["capacity"] = [BAD_PLACES]
    for field in ("starts_on", "ends_on"):
        if getattr(data, field) is None:
            errors[field] = [REQUIRED]
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = [END_BEFORE_START]
    if errors:
        raise ContaminationError(errors)
    agreement = Agreement.objects.create(
        alliance=alliance,
        title=data.title.strip()[:160],
        kind=data.kind,
        description=data.description.strip(),
        provider=data.provider,
        capacity=data.capacity,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=by,
    )
    audit_record(
        actor=by, action="companies.agreement_create", obj=agreement, after={"capacity": data.capacity}, request=request
    )
    return agreement


def places_taken(agreement: Agreement) -> int:
    """The places the agreement's companies have taken."""
    return agreement.members.aggregate(total=Sum("places"))["total"] or 0


@transaction.atomic
def agreement_join(
    *, agreement: Agreement, company: Organization, places: Any, by: Any, request: HttpRequest | None = None
) -> AgreementMember:
    """The company takes places in the agreement; never more than its capacity (row lock)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not _partner(agreement.alliance, company):
        raise _fail("company", NOT_A_PARTNER)
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= MAX_PLACES:
        raise _fail("places", BAD_PLACES)
    left = agreement.capacity - places_taken(agreement)
    if places > left:
        raise _fail("places", FULL % {"left": max(left, 0)})
    try:
        with transaction.atomic():
            member = AgreementMember.objects.create(agreement=agreement, company=company, places=places)
    except IntegrityError:
        raise _fail("company", ALREADY_MEMBER) from None
    audit_record(
        actor=by,
        action="companies.agreement_join",
        obj=member,
        after={"company": company.pk, "places": places},
        request=request,
    )
    return member
