"""The family-friendly label and the alliance's Manifesto.

An alliance sets its label's criteria (`LabelScheme`); a company declares it meets them, with
evidence; the platform checks what it can (plan, self-assessment, a recent needs survey) and shows
it to the alliance's staff, who award or refuse. An awarded label is valid for the scheme's months,
appears in the public register with its badge, is reminded for renewal a month before it ends, and
can be revoked with a reason. The Manifesto is a public text that partner organizations sign.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergie.accounts.typing import AnyUser
from sinergie.audit.services import audit_record
from sinergie.companies.models import (
    LabelAward,
    LabelScheme,
    LabelState,
    Manifesto,
    ManifestoSignature,
    MeasureStatus,
    PlanMeasure,
    SelfAssessment,
)
from sinergie.lib.errors import FieldError
from sinergie.organizations.models import AlliancePartner, Membership, Organization, Role

RENEWAL_WINDOW_DAYS = 60  # a new request is accepted this close to the end of a valid label
REMINDER_DAYS = 30
SELF_ASSESSMENT_MONTHS = 24

NOT_A_PARTNER = _("Only a partner of the alliance can ask for its label.")
ALREADY_WAITING = _("A request is already waiting for the alliance's verification.")
STILL_VALID = _("The label is valid until %(day)s: ask for the renewal from %(from_day)s.")
REQUIRED = _("This field is required.")
NOT_WAITING = _("This request has already been decided.")
REASON_NEEDED = _("Say why: the company reads it.")
CHECKS_FAILED = _("Some checks fail: award it only after checking the evidence, and say so in the note.")
NOT_AWARDED = _("Only an awarded label can be revoked.")
CANNOT_SIGN = _("Only a manager of a partner organization of the alliance can sign in its name.")
ALREADY_SIGNED = _("This organization has already signed.")
NOT_PUBLISHED = _("The Manifesto is not published yet.")


class LabelError(FieldError):
    """A refused step of the label or the Manifesto."""


@dataclass(frozen=True)
class Check:
    """One of a label's criteria, met (`ok`) or not, with what was found (`detail`)."""

    code: str
    text: str
    ok: bool
    detail: str


# When did a company's latest workers' needs survey close? The surveys app answers: it sits above
# companies in the layers (its similar-companies benchmark reads company profiles), so it hands its
# answer in at start-up (`SurveysConfig.ready` calls `set_needs_survey_source`) instead of being
# imported from here. Until then no company has run a survey.
def _no_survey_yet(company: Organization) -> datetime.date | None:
    return None


_needs_survey_source: Callable[[Organization], datetime.date | None] = _no_survey_yet


def set_needs_survey_source(source: Callable[[Organization], datetime.date | None]) -> None:
    """Where the label reads the day a company's latest needs survey closed (the surveys app)."""
    global _needs_survey_source
    _needs_survey_source = source


def needs_survey_date(company: Organization) -> datetime.date | None:
    """The day the company's latest workers' needs survey closed, if it ran one."""
    return _needs_survey_source(company)


def criteria_check(scheme: LabelScheme, company: Organization, today: datetime.date | None = None) -> list[Check]:
    """The scheme's criteria checked for the company on `today`: enough measures in the plan, a
    recent self-assessment and a recent needs survey (when the scheme asks for them). Reads only."""
    today = today or timezone.localdate()
    checks = []
    active = PlanMeasure.objects.filter(plan__company=company).exclude(status=MeasureStatus.DROPPED).count()
    checks.append(
        Check(
            "measures",
            gettext("At least %(n)s measures in the conciliation plan") % {"n": scheme.min_measures_active},
            active >= scheme.min_measures_active,
            gettext("%(n)s in the plan") % {"n": active},
        )
    )
    if scheme.requires_self_assessment:
        since = today - relativedelta(months=SELF_ASSESSMENT_MONTHS)
        last = SelfAssessment.objects.filter(company=company).order_by("-completed_at").first()
        done = last is not None and timezone.localtime(last.completed_at).date() >= since
        detail = (
            gettext("done on %(day)s") % {"day": timezone.localtime(last.completed_at).date().strftime("%d/%m/%Y")}
            if last
            else gettext("not done")
        )
        checks.append(Check("self_assessment", gettext("Self-assessment done in the last 24 months"), done, detail))
    if scheme.survey_within_months:
        since = today - relativedelta(months=scheme.survey_within_months)
        day = needs_survey_date(company)
        detail = gettext("closed on %(day)s") % {"day": day.strftime("%d/%m/%Y")} if day else gettext("none found")
        checks.append(
            Check(
                "needs_survey",
                gettext("A workers' needs survey in the last %(n)s months") % {"n": scheme.survey_within_months},
                day is not None and day >= since,
                detail,
            )
        )
    return checks


def current_label(scheme: LabelScheme, company: Organization, today: datetime.date | None = None) -> LabelAward | None:
    """The company's label of this scheme valid on `today` (the one lasting longest), None if none."""
    today = today or timezone.localdate()
    return (
        LabelAward.objects.filter(scheme=scheme, company=company, state=LabelState.VERIFIED, valid_until__gte=today)
        .order_by("-valid_until")
        .first()
    )


def request_opens_on(
    scheme: LabelScheme, company: Organization, today: datetime.date | None = None
) -> datetime.date | None:
    """The first day a new request for `scheme` will be accepted, when it is not today: while a
    request waits (no day: after the decision), or while a label is valid beyond the renewal
    window. None when the company may ask now. The page offers the form only then."""
    today = today or timezone.localdate()
    if LabelAward.objects.filter(scheme=scheme, company=company, state=LabelState.SUBMITTED).exists():
        return datetime.date.max
    valid = current_label(scheme, company, today)
    if valid is not None and valid.valid_until - today > datetime.timedelta(days=RENEWAL_WINDOW_DAYS):
        return valid.valid_until - datetime.timedelta(days=RENEWAL_WINDOW_DAYS)
    return None


@transaction.atomic
def label_request(
    *,
    scheme: LabelScheme,
    company: Organization,
    declaration: str,
    evidence: str,
    by: Any,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> LabelAward:
    """The company asks for the label, with a declaration and evidence; refused for a company not a
    partner of the scheme's alliance, with a request waiting, or with a label valid beyond the renewal
    window. The criteria are recorded as checked now. Writes an audit record."""
    today = today or timezone.localdate()
    if not AlliancePartner.objects.filter(alliance=scheme.alliance, organization=company).exists():
        raise LabelError("scheme", NOT_A_PARTNER, code="not_a_partner")
    declaration, evidence = (declaration or "").strip(), (evidence or "").strip()
    if not declaration:
        raise LabelError("declaration", REQUIRED, code="required")
    if not evidence:
        raise LabelError("evidence", REQUIRED, code="required")
    if LabelAward.objects.filter(scheme=scheme, company=company, state=LabelState.SUBMITTED).exists():
        raise LabelError("scheme", ALREADY_WAITING, code="already_waiting")
    valid = current_label(scheme, company, today)
    if valid is not None and valid.valid_until - today > datetime.timedelta(days=RENEWAL_WINDOW_DAYS):
        from_day = valid.valid_until - datetime.timedelta(days=RENEWAL_WINDOW_DAYS)
        raise LabelError(
            "scheme",
            STILL_VALID % {"day": valid.valid_until.strftime("%d/%m/%Y"), "from_day": from_day.strftime("%d/%m/%Y")},
            code="still_valid",
        )
    checks = {check.code: check.ok for check in criteria_check(scheme, company, today)}
    try:
        with transaction.atomic():
            award = LabelAward.objects.create(
                scheme=scheme,
                company=company,
                declaration=declaration[:4000],
                evidence=evidence[:4000],
                checks=checks,
                submitted_by=by,
            )
    except IntegrityError:
        raise LabelError("scheme", ALREADY_WAITING, code="already_waiting") from None
    audit_record(
        actor=by,
        action="companies.label_request",
        obj=award,
        after={"state": award.state, "checks": checks},
        request=request,
    )
    return award


@transaction.atomic
def label_decide(
    *,
    award: LabelAward,
    accept: bool,
    note: str,
    by: Any,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> LabelAward:
    """The staff grant the label (valid `validity_months` from today) or refuse it; refused when the
    request no longer waits, a refusal without a reason, or a grant with failing criteria and no
    note. Writes an audit record."""
    today = today or timezone.localdate()
    award = LabelAward.objects.select_for_update().select_related("scheme").get(pk=award.pk)
    if award.state != LabelState.SUBMITTED:
        raise LabelError("state", NOT_WAITING, code="not_waiting")
    note = (note or "").strip()[:2000]
    if not accept and not note:
        raise LabelError("note", REASON_NEEDED, code="reason_needed")
    failing = [check for check in criteria_check(award.scheme, award.company, today) if not check.ok]
    if accept and failing and not note:
        raise LabelError("note", CHECKS_FAILED, code="checks_failed")
    award.state = LabelState.VERIFIED if accept else LabelState.REJECTED
    award.decided_by, award.decided_at, award.note = by, timezone.now(), note
    if accept:
        award.valid_from = today
        award.valid_until = today + relativedelta(months=award.scheme.validity_months) - datetime.timedelta(days=1)
    award.save()
    audit_record(
        actor=by,
        action="companies.label_decide",
        obj=award,
        before={"state": LabelState.SUBMITTED},
        after={"state": award.state, "valid_until": award.valid_until, "failing": [c.code for c in failing]},
        note=note,
        request=request,
    )
    return award


@transaction.atomic
def label_revoke(*, award: LabelAward, reason: str, by: Any, request: HttpRequest | None = None) -> LabelAward:
    """The staff revoke a granted label, with a reason (required); refused for a label not granted.
    Writes an audit record."""
    award = LabelAward.objects.select_for_update().get(pk=award.pk)
    if award.state != LabelState.VERIFIED:
        raise LabelError("state", NOT_AWARDED, code="not_awarded")
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise LabelError("reason", REASON_NEEDED, code="reason_needed")
    award.state, award.note = LabelState.REVOKED, reason
    award.save(update_fields=["state", "note"])
    audit_record(
        actor=by,
        action="companies.label_revoke",
        obj=award,
        before={"state": LabelState.VERIFIED},
        after={"state": award.state},
        note=reason,
        request=request,
    )
    return award


def public_register(today: datetime.date | None = None) -> QuerySet[LabelAward]:
    """The labels valid on `today`, for the public register, by company and alliance."""
    today = today or timezone.localdate()
    return (
        LabelAward.objects.filter(state=LabelState.VERIFIED, valid_until__gte=today)
        .select_related("company__municipality", "scheme__alliance__organization")
        .order_by("company__name", "scheme__alliance__organization__name")
    )


def labels_remind(today: datetime.date | None = None) -> int:
    """E-mail the referents of each label ending within REMINDER_DAYS, once. Returns how many."""
    from sinergie.lib.tasks import send_email

    today = today or timezone.localdate()
    ending = LabelAward.objects.filter(
        state=LabelState.VERIFIED,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        reminded_at__isnull=True,
    ).select_related("company", "scheme")
    count = 0
    for award in ending:
        with transaction.atomic():
            locked = LabelAward.objects.select_for_update().get(pk=award.pk)
            if locked.reminded_at is not None:
                continue
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            emails = list(
                Membership.objects.filter(organization=award.company, role=Role.COMPANY_REFERENT).values_list(
                    "user__email", flat=True
                )
            )
            if emails:
                subject = f"Sinergie: il marchio «{award.scheme.name}» scade il {award.valid_until:%d/%m/%Y}"
                body = (
                    f"Il marchio «{award.scheme.name}» di {award.company.name} scade il {award.valid_until:%d/%m/%Y}.\n"
                    "Puoi chiederne il rinnovo dalla pagina del marchio della tua azienda su Sinergie.\n\n"
                    f"The label '{award.scheme.name}' of {award.company.name} ends on {award.valid_until:%d/%m/%Y}.\n"
                    "You can ask for its renewal from your company's label page on Sinergie."
                )
                transaction.on_commit(lambda s=subject, b=body, to=emails: send_email.enqueue(subject=s, body=b, to=to))
            count += 1
    return count


# --- Manifesto ------------------------------------------------------------------------------


def can_sign_for(user: AnyUser, manifesto: Manifesto, organization: Organization) -> bool:
    """Whether `user` may sign the Manifesto in `organization`'s name: the alliance itself or one of
    its partners, which `user` manages (an administrator manages every one)."""
    if not user.is_authenticated or not user.is_active:
        return False
    partner = AlliancePartner.objects.filter(alliance=manifesto.alliance, organization=organization).exists()
    partner = partner or manifesto.alliance.organization_id == organization.pk
    manager = (
        user.is_superuser or Membership.objects.filter(user=user, organization=organization, is_manager=True).exists()
    )
    return partner and manager


def organizations_that_can_sign(user: AnyUser, manifesto: Manifesto) -> list[Organization]:
    """The organizations `user` manages that may sign the Manifesto and have not signed it yet."""
    if not user.is_authenticated:
        return []
    managed = Organization.objects.filter(memberships__user=user, memberships__is_manager=True).distinct()
    signed = manifesto.signatures.values("organization")
    return [o for o in managed.exclude(pk__in=signed).order_by("name") if can_sign_for(user, manifesto, o)]


@transaction.atomic
def manifesto_sign(
    *, manifesto: Manifesto, organization: Organization, commitment: str, by: Any, request: HttpRequest | None = None
) -> ManifestoSignature:
    """`organization` signs the published Manifesto; refused when unpublished, when `by` may not sign
    for it (`can_sign_for`) or it already signed. Writes an audit record."""
    if not manifesto.published:
        raise LabelError("manifesto", NOT_PUBLISHED, code="not_published")
    if not can_sign_for(by, manifesto, organization):
        raise LabelError("organization", CANNOT_SIGN, code="cannot_sign")
    try:
        with transaction.atomic():
            signature = ManifestoSignature.objects.create(
                manifesto=manifesto,
                organization=organization,
                signed_by=by,
                commitment=(commitment or "").strip()[:300],
            )
    except IntegrityError:
        raise LabelError("organization", ALREADY_SIGNED, code="already_signed") from None
    audit_record(
        actor=by,
        action="companies.manifesto_sign",
        obj=signature,
        after={"organization": organization.pk},
        request=request,
    )
    return signature


def checks_as_dicts(checks: list[Check]) -> list[dict[str, Any]]:
    """The criteria checked, as plain dicts (to store on a label request)."""
    return [asdict(check) for check in checks]
