"""Writing companies' profiles and deciding their requests to join an alliance (audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import iva

from sinergie.audit.services import audit_record
from sinergie.companies import ateco_codes
from sinergie.companies.models import CompanyProfile, JoinRequest, JoinState, SizeBand, size_band_for
from sinergie.lib.errors import FieldError
from sinergie.organizations.models import Alliance, AlliancePartner, Organization, OrganizationKind, PartnerRole
from sinergie.territory.models import Municipality

MAX_WORKFORCE = 1_000_000
NOT_A_COMPANY = _("Only a company has a company profile.")
BAD_VAT = _("This is not a valid Italian VAT number: 11 digits with the right check digit.")
UNKNOWN_ATECO = _("ATECO 2025 has no such code: search it by words or by its first digits.")
VAGUE_ATECO = _("Give at least a class, such as 62.10: a section or division says too little.")
BAD_WORKFORCE = _("Give a whole number from 0 to 1,000,000.")
SIZE_MISMATCH = _("The size does not match the people employed (%(headcount)s): it is %(band)s.")
ALREADY_MEMBER = _("The company is already a partner of this alliance.")
ALREADY_ASKED = _("The company has already asked this alliance; wait for its answer.")
NOT_PENDING = _("This request has already been decided.")
REASON_NEEDED = _("Say why the request is refused: the company reads it.")


class CompanyError(FieldError):
    """A refused step of a company profile or a request to join an alliance."""


@dataclass
class ProfileData:
    """A company profile as the form gives it, before it is checked."""

    vat_number: str = ""
    ateco_code: str = ""
    size_band: str = ""
    workforce_women: int = 0
    workforce_men: int = 0
    workforce_other: int = 0
    sites: list[Municipality] = field(default_factory=list)


def vat_clean(value: str) -> str:
    """The VAT number as 11 digits; CompanyError when it is not a valid Italian one."""
    text = (value or "").strip().upper().removeprefix("IT")
    try:
        return iva.validate(text)
    except StdnumError:
        raise CompanyError("vat_number", BAD_VAT, code="bad_vat") from None


def profile_errors(data: ProfileData) -> dict[str, list[str]]:
    """Every problem of `data`, by field (empty when it can be saved)."""
    errors: dict[str, list[str]] = {}
    if data.vat_number:
        try:
            vat_clean(data.vat_number)
        except CompanyError as error:
            errors.setdefault("vat_number", []).extend(error.messages)
    if data.ateco_code:
        found = ateco_codes.activity(data.ateco_code)
        if found is None:
            errors.setdefault("ateco_code", []).append(str(UNKNOWN_ATECO))
        elif found.level not in ateco_codes.COMPANY_LEVELS:
            errors.setdefault("ateco_code", []).append(str(VAGUE_ATECO))
    for name in ("workforce_women", "workforce_men", "workforce_other"):
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_WORKFORCE:
            errors.setdefault(name, []).append(str(BAD_WORKFORCE))
    if data.size_band and data.size_band not in SizeBand.values:
        errors.setdefault("size_band", []).append(str(_("Choose one of the sizes.")))
    if not errors and data.size_band:
        headcount = data.workforce_women + data.workforce_men + data.workforce_other
        expected = size_band_for(headcount)
        if headcount and data.size_band != expected:
            message = str(SIZE_MISMATCH) % {"headcount": headcount, "band": SizeBand(expected).label}
            errors.setdefault("size_band", []).append(message)
    return errors


@transaction.atomic
def profile_save(
    *, organization: Organization, data: ProfileData, by: Any, request: HttpRequest | None = None
) -> CompanyProfile:
    """Create or update the company's profile (and its VAT number) in one step, or change nothing."""
    if organization.kind != OrganizationKind.COMPANY:
        raise CompanyError("organization", NOT_A_COMPANY, code="not_a_company")
    errors = profile_errors(data)
    if errors:
        raise ValidationError(errors)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    profile, _created = CompanyProfile.objects.get_or_create(organization=organization)
    before = _state(organization, profile)
    organization.vat_number = vat_clean(data.vat_number) if data.vat_number else ""
    organization.save(update_fields=["vat_number", "updated_at"])
    activity = ateco_codes.activity(data.ateco_code) if data.ateco_code else None
    profile.ateco_code = activity.code if activity else ""
    profile.ateco_section = ateco_codes.section_of(activity.code) if activity else ""
    profile.workforce_women = data.workforce_women
    profile.workforce_men = data.workforce_men
    profile.workforce_other = data.workforce_other
    headcount = profile.headcount
    profile.size_band = data.size_band or (size_band_for(headcount) if headcount else "")
    profile.save()
    profile.sites.set(data.sites)
    after = _state(organization, profile)
    if after != before:
        audit_record(
            actor=by, action="companies.profile_save", obj=profile, before=before, after=after, request=request
        )
    return profile


def _state(organization: Organization, profile: CompanyProfile) -> dict[str, Any]:
    return {
        "vat_number": organization.vat_number,
        "ateco_code": profile.ateco_code,
        "size_band": profile.size_band,
        "workforce": [profile.workforce_women, profile.workforce_men, profile.workforce_other],
        "sites": sorted(profile.sites.values_list("istat_code", flat=True)) if profile.pk else [],
    }


@transaction.atomic
def join_request_create(
    *, company: Organization, alliance: Alliance, message: str, by: Any, request: HttpRequest | None = None
) -> JoinRequest:
    """The company asks to join `alliance`; refused for an organization that is not a company, one
    already a partner, or one with a request still pending. Writes an audit record."""
    if company.kind != OrganizationKind.COMPANY:
        raise CompanyError("company", NOT_A_COMPANY, code="not_a_company")
    if AlliancePartner.objects.filter(alliance=alliance, organization=company).exists():
        raise CompanyError("alliance", ALREADY_MEMBER, code="already_member")
    if JoinRequest.objects.filter(company=company, alliance=alliance, state=JoinState.PENDING).exists():
        raise CompanyError("alliance", ALREADY_ASKED, code="already_asked")
    try:
        with transaction.atomic():
            join = JoinRequest.objects.create(
                company=company, alliance=alliance, message=(message or "").strip()[:2000], requested_by=by
            )
    except IntegrityError:  # the same request at the same moment
        raise CompanyError("alliance", ALREADY_ASKED, code="already_asked") from None
    audit_record(
        actor=by,
        action="companies.join_request",
        obj=join,
        after={"company": company.pk, "alliance": alliance.pk, "state": join.state},
        request=request,
    )
    return join


@transaction.atomic
def join_request_decide(
    *, join: JoinRequest, accept: bool, note: str, by: Any, request: HttpRequest | None = None
) -> JoinRequest:
    """Accept (the company becomes a private partner of the alliance) or refuse with a reason."""
    join = JoinRequest.objects.select_for_update().get(pk=join.pk)
    if join.state != JoinState.PENDING:
        raise CompanyError("state", NOT_PENDING, code="not_pending")
    note = (note or "").strip()[:2000]
    if not accept and not note:
        raise CompanyError("note", REASON_NEEDED, code="reason_needed")
    join.state = JoinState.ACCEPTED if accept else JoinState.REFUSED
    join.decided_by = by
    join.decided_at = timezone.now()
    join.decision_note = note
    join.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if accept:
        AlliancePartner.objects.get_or_create(
            alliance=join.alliance,
            organization=join.company,
            defaults={"role": PartnerRole.PRIVATE, "joined_on": timezone.localdate()},
        )
    audit_record(
        actor=by,
        action="companies.join_decide",
        obj=join,
        before={"state": JoinState.PENDING},
        after={"state": join.state},
        note=note,
        request=request,
    )
    return join


@transaction.atomic
def join_request_withdraw(*, join: JoinRequest, by: Any, request: HttpRequest | None = None) -> JoinRequest:
    """The company withdraws its pending request (refused once decided or withdrawn). Writes an
    audit record."""
    join = JoinRequest.objects.select_for_update().get(pk=join.pk)
    if join.state != JoinState.PENDING:
        raise CompanyError("state", NOT_PENDING, code="not_pending")
    join.state = JoinState.WITHDRAWN
    join.save(update_fields=["state"])
    audit_record(
        actor=by,
        action="companies.join_withdraw",
        obj=join,
        before={"state": JoinState.PENDING},
        after={"state": join.state},
        request=request,
    )
    return join
