"""Company incentives: a company's plan of work-life measures, its grant agreement, its report and its payment.

A company referent applies in the name of the company through the application services
(`calls/applications/services.py`: draft, save, submit with a protocol number); the plan is kept in the
application's answers under PLAN_KEY, validated here. After the evaluation, alliance staff make a
grant agreement (`IncentiveGrant`) for an application admitted in the published ranking or found
admissible: its amount moves, in the append-only ledger, from the call's available budget to the
grant's account (never above the budget: the call's row is locked). The company reports what it
did with documents; staff approve the report or ask for changes; the payment is requested,
approved and paid (grant → paid to a company); a revoked grant returns its unpaid amount to the
budget. Locks are taken grant (or application) first, then call, like vouchers before calls in
`services.py`, so no two services wait for each other in a circle. Every change writes an audit
event; a refusal raises `IncentiveError` (keyed by the form field at fault) before writing anything.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import iva

from sinergie.accounts.typing import AnyUser
from sinergie.audit.services import audit_record, snapshot
from sinergie.calls.applications.services import (
    DOCUMENT_EMPTY,
    DOCUMENT_NAME_MISSING,
    DOCUMENT_NAME_TOO_LONG,
    DOCUMENT_TOO_LARGE,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    MAX_NAME_LENGTH,
    TOO_MANY_DOCUMENTS,
    ApplicationError,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
    document_kind,
)
from sinergie.calls.ledger import call_set_available, ledger_post
from sinergie.calls.models import (
    Account,
    Application,
    ApplicationState,
    Call,
    CallKind,
    CallState,
    EntryKind,
    GrantDocument,
    GrantState,
    IncentiveGrant,
    PaymentState,
    RankingRow,
)
from sinergie.calls.services import euro, rome_today
from sinergie.lib.errors import FieldError
from sinergie.lib.tasks import send_email
from sinergie.organizations.models import Membership, Organization, OrganizationKind, Role

COMPANY_KINDS = (CallKind.COMPANY_INCENTIVES, CallKind.CONSULTANCY)
PLAN_KEY = "incentive_plan"

# The measures a company may adopt, in the order the form shows them.
MEASURES = [
    ("flexible_hours", _("Flexible entry and exit")),
    ("hour_bank", _("Hour bank")),
    ("smart_working", _("Smart-working plan")),
    ("part_time", _("Reversible part-time")),
    ("parental_leave", _("Hourly parental leave plan")),
    ("welfare", _("Company or inter-company welfare services")),
    ("agreements", _("Agreements with nurseries, holiday camps or providers")),
    ("time_saving", _("Time-saving services")),
    ("other", _("Other measure")),
]
MEASURE_LABELS = dict(MEASURES)
# Company size bands as the EU defines them (Recommendation 2003/361/EC), by employees.
SIZE_BANDS = [(9, _("micro (fewer than 10 employees)")), (49, _("small (10–49)")), (249, _("medium (50–249)"))]
SIZE_LARGE = _("large (250 or more)")

MAX_MEASURE_CENTS = 100_000_000  # € 1,000,000: a typo of extra zeros must not pass
MAX_WORKERS = 100_000
MAX_EMPLOYEES = 1_000_000
MAX_TEXT = 2000
MAX_SHORT_TEXT = 200
MAX_REFERENCE = 80
FIRST_YEAR, LAST_YEAR = 2000, 2100

NOT_A_COMPANY_CALL = _("This call is not for companies.")
NOT_YOUR_COMPANY = _("You are not a referent of this company.")
COMPANY_ALREADY_APPLIED = _("Your company has already applied to this call: open its application to change it.")
VAT_INVALID = _("This is not a valid Italian VAT number: check its 11 digits.")
VAT_NOT_THE_COMPANYS = _("This VAT number is not the one the company is registered with (%(vat)s).")
EMPLOYEES_INVALID = _("Enter the number of employees, from 1 to %(maximum)s.")
NO_MEASURE = _("Choose at least one measure.")
MEASURE_UNKNOWN = _("This measure is not one of the list.")
MEASURE_TWICE = _("Each measure can be chosen once.")
OTHER_TEXT_MISSING = _("Describe the other measure.")
TEXT_TOO_LONG = _("The text is too long (at most %(maximum)s characters).")
COST_INVALID = _("Enter the expected cost in euro, more than zero and at most %(maximum)s.")
WORKERS_INVALID = _("Enter how many workers it reaches, from 1 to %(maximum)s.")
DATE_INVALID = _("Enter a valid date.")
END_BEFORE_START = _("The end must not be before the start.")
REQUESTED_INVALID = _("Enter the amount requested in euro, more than zero.")
REQUESTED_OVER_CAP = _("The amount requested is more than the call allows per company (%(cap)s).")
REQUESTED_OVER_COSTS = _("The amount requested is more than the total expected cost of the measures (%(total)s).")
TIMELINE_MISSING = _("Describe the timeline of the plan.")
PLAN_MISSING = _("Fill in and save the plan before sending the application.")
NOT_SUBMITTED = _("Only a sent application can be granted.")
NOT_ADMITTED = _("The application is neither admitted in the published ranking nor found admissible.")
CALL_NOT_LIVE = _("Grants can be made only on a published or closed call.")
ALREADY_GRANTED = _("This application already has a grant agreement.")
AMOUNT_INVALID = _("Enter the amount in euro, more than zero.")
AMOUNT_OVER_CAP = _("The amount is more than the call allows per company (%(cap)s).")
AMOUNT_OVER_REQUESTED = _("The amount is more than the company requested (%(requested)s).")
AMOUNT_OVER_AVAILABLE = _("The call's budget has only %(available)s left.")
SIGNED_IN_FUTURE = _("The agreement cannot be signed after today.")
GRANT_REVOKED = _("This grant has been revoked.")
GRANT_PAID = _("This grant has already been paid.")
REPORT_NOT_EXPECTED = _("The report can be sent only while the grant waits for it.")
REPORT_EMPTY = _("Say what was done for at least one measure.")
REVIEW_NOT_EXPECTED = _("There is no report waiting for review.")
NOTE_MISSING = _("Say what needs to change.")
PAYMENT_NOT_READY = _("Payment can be requested only after the report is approved.")
PAYMENT_ALREADY_REQUESTED = _("The payment has already been requested.")
PAYMENT_NOT_REQUESTED = _("The company has not requested the payment.")
PAYMENT_NOT_APPROVED = _("The payment must be approved before it is paid.")
REFERENCE_MISSING = _("Enter the payment's reference (e.g. the transfer's CRO or TRN).")
REASON_MISSING = _("Say why the grant is revoked.")


class IncentiveError(FieldError):
    """A refused step of a company incentive: the message names the field at fault; nothing was written."""


# --- The plan ------------------------------------------------------------------------------------


def is_company_referent(user: AnyUser, organization: Organization) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if organization.kind != OrganizationKind.COMPANY:
        return False
    return Membership.objects.filter(user=user, organization=organization, role=Role.COMPANY_REFERENT).exists()


def vat_clean(value: Any, organization: Organization | None = None) -> str:
    """The VAT number's 11 digits (spaces and an "IT" prefix allowed), checked by python-stdnum."""
    try:
        number = iva.validate(value if isinstance(value, str) else "")
    except StdnumError:
        raise IncentiveError("vat_number", VAT_INVALID, code="vat_invalid") from None
    registered = iva.compact(organization.vat_number) if organization and organization.vat_number else ""
    if registered and registered != number:
        raise IncentiveError("vat_number", VAT_NOT_THE_COMPANYS, {"vat": registered}, code="vat_not_the_companys")
    return number


def _whole(value: Any, low: int, high: int) -> int | None:
    # bool is an int in Python; a tampered "10.5", 10.5 or "1e3" is not a whole number.
    if type(value) is not int or not low <= value <= high:
        return None
    return value


def _date(value: Any, field: str) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise IncentiveError(field, DATE_INVALID, code="date_invalid") from None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise IncentiveError(field, DATE_INVALID, code="date_invalid")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise IncentiveError(field, DATE_INVALID, code="date_invalid")
    return value


def _text(value: Any, field: str, maximum: int, *, missing: Any = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text and missing is not None:
        raise IncentiveError(field, missing, code="text_missing")
    if len(text) > maximum:
        raise IncentiveError(field, TEXT_TOO_LONG, {"maximum": maximum}, code="text_too_long")
    return text


def plan_clean(plan: Any, call: Call, organization: Organization | None = None) -> dict[str, Any]:
    """The plan in its stored shape, or IncentiveError naming the first field at fault.

    `plan` is {"vat_number", "employees", "measures": [{"code", "other", "cost_cents", "start",
    "end", "workers"}], "requested_cents", "timeline"}; dates as dates or ISO text. Errors are keyed
    as the plan form names its fields: `vat_number`, `<code>_cost`, `<code>_end`, `requested`...
    """
    if not isinstance(plan, dict):
        raise IncentiveError("measures", NO_MEASURE, code="no_measure")
    vat = vat_clean(plan.get("vat_number"), organization)
    employees = _whole(plan.get("employees"), 1, MAX_EMPLOYEES)
    if employees is None:
        raise IncentiveError("employees", EMPLOYEES_INVALID, {"maximum": MAX_EMPLOYEES}, code="employees_invalid")
    measures = plan.get("measures")
    if not isinstance(measures, list) or not measures:
        raise IncentiveError("measures", NO_MEASURE, code="no_measure")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for measure in measures:
        code = measure.get("code") if isinstance(measure, dict) else None
        if code not in MEASURE_LABELS:
            raise IncentiveError("measures", MEASURE_UNKNOWN, code="measure_unknown")
        if code in seen:
            raise IncentiveError("measures", MEASURE_TWICE, code="measure_twice")
        seen.add(code)
        other = _text(measure.get("other"), f"{code}_other", MAX_SHORT_TEXT) if code == "other" else ""
        if code == "other" and not other:
            raise IncentiveError("other_other", OTHER_TEXT_MISSING, code="other_text_missing")
        cost = _whole(measure.get("cost_cents"), 1, MAX_MEASURE_CENTS)
        if cost is None:
            raise IncentiveError(
                f"{code}_cost", COST_INVALID, {"maximum": euro(MAX_MEASURE_CENTS)}, code="cost_invalid"
            )
        start = _date(measure.get("start"), f"{code}_start")
        end = _date(measure.get("end"), f"{code}_end")
        if end < start:
            raise IncentiveError(f"{code}_end", END_BEFORE_START, code="end_before_start")
        workers = _whole(measure.get("workers"), 1, MAX_WORKERS)
        if workers is None:
            raise IncentiveError(f"{code}_workers", WORKERS_INVALID, {"maximum": MAX_WORKERS}, code="workers_invalid")
        cleaned.append(
            {
                "code": code,
                "other": other,
                "cost_cents": cost,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "workers": workers,
            }
        )
    requested = _whole(plan.get("requested_cents"), 1, MAX_MEASURE_CENTS)
    if requested is None:
        raise IncentiveError("requested", REQUESTED_INVALID, code="requested_invalid")
    if requested > call.amount_per_beneficiary_cents:
        raise IncentiveError(
            "requested", REQUESTED_OVER_CAP, {"cap": euro(call.amount_per_beneficiary_cents)}, code="requested_over_cap"
        )
    total = sum(measure["cost_cents"] for measure in cleaned)
    if requested > total:
        raise IncentiveError("requested", REQUESTED_OVER_COSTS, {"total": euro(total)}, code="requested_over_costs")
    timeline = _text(plan.get("timeline"), "timeline", MAX_TEXT, missing=TIMELINE_MISSING)
    order = [code for code, _label in MEASURES]
    cleaned.sort(key=lambda measure: order.index(measure["code"]))
    return {
        "vat_number": vat,
        "employees": employees,
        "measures": cleaned,
        "requested_cents": requested,
        "total_cost_cents": total,
        "timeline": timeline,
    }


def plan_of(application: Application) -> dict[str, Any] | None:
    plan = application.answers.get(PLAN_KEY) if isinstance(application.answers, dict) else None
    return plan if isinstance(plan, dict) else None


def size_band(employees: Any) -> str:
    if type(employees) is not int or employees < 1:
        return ""
    for top, label in SIZE_BANDS:
        if employees <= top:
            return str(label)
    return str(SIZE_LARGE)


def _convert(error: ApplicationError) -> IncentiveError:
    return IncentiveError(error.field, error.messages[0], code=error.code)


def incentive_apply(
    *, call: Call, organization: Organization, by: Any, request: HttpRequest | None = None
) -> Application:
    """A company referent starts their company's draft application to an open company call.

    One live application per company and call, whoever of its referents starts it (the company's
    row is locked while this is checked)."""
    if call.kind not in COMPANY_KINDS:
        raise IncentiveError("call", NOT_A_COMPANY_CALL, code="not_a_company_call")
    if not is_company_referent(by, organization):
        raise IncentiveError("organization", NOT_YOUR_COMPANY, code="not_your_company")
    with transaction.atomic():
        # "No key": rows that point at the company (its memberships, other applications) may still be written.
        Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).first()
        live = Application.objects.filter(call=call, organization=organization).exclude(
            state=ApplicationState.WITHDRAWN
        )
        if live.exists():
            raise IncentiveError("organization", COMPANY_ALREADY_APPLIED, code="company_already_applied")
        try:
            return application_start(call=call, applicant=by, by=by, organization=organization, request=request)
        except ApplicationError as error:
            raise _convert(error) from None


def incentive_plan_save(
    *, application: Application, plan: Any, by: Any, request: HttpRequest | None = None
) -> Application:
    """Validate the company's plan and store it in the application's answers (draft or sent, until the
    deadline, and not once a grant was agreed on it)."""
    if IncentiveGrant.objects.filter(application=application).exists():
        raise IncentiveError("application", ALREADY_GRANTED, code="already_granted")
    cleaned = plan_clean(plan, application.call, application.organization)
    answers = dict(application.answers) if isinstance(application.answers, dict) else {}
    answers[PLAN_KEY] = cleaned
    try:
        return application_save(application=application, answers=answers, by=by, request=request)
    except ApplicationError as error:
        raise _convert(error) from None


def incentive_submit(*, application: Application, by: Any, request: HttpRequest | None = None) -> Application:
    """Send the company's application (it gets its protocol number); refused without a valid plan."""
    plan = plan_of(application)
    if plan is None:
        raise IncentiveError("application", PLAN_MISSING, code="plan_missing")
    plan_clean(plan, application.call, application.organization)
    try:
        return application_submit(application=application, by=by, request=request)
    except ApplicationError as error:
        raise _convert(error) from None


def incentive_withdraw(*, application: Application, by: Any, request: HttpRequest | None = None) -> Application:
    """Withdraw the company's application before the deadline; refused once a grant was agreed on it."""
    if IncentiveGrant.objects.filter(application=application).exists():
        raise IncentiveError("application", ALREADY_GRANTED, code="already_granted")
    try:
        return application_withdraw(application=application, by=by, request=request)
    except ApplicationError as error:
        raise _convert(error) from None


# --- Money ---------------------------------------------------------------------------------------


def _post_grant(kind: str, grant: IncentiveGrant, lines: list[tuple[str, int]], by: Any) -> None:
    """Append one balanced ledger transaction about `grant`: (account, signed cents) lines summing to zero."""
    ledger_post(kind, grant.call_id, [(account, amount, {}) for account, amount in lines], by=by, grant=grant)


def _notify(grant: IncentiveGrant, subject: Any, body: Any) -> None:
    """E-mail the company's referents after commit (a rolled-back step must not announce itself)."""
    addresses = sorted(
        set(
            Membership.objects.filter(
                organization_id=grant.organization_id, role=Role.COMPANY_REFERENT, user__is_active=True
            ).values_list("user__email", flat=True)
        )
        - {""}
    )
    if addresses:
        subject, body = str(subject), str(body)
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=addresses))


def _admitted(application: Application) -> tuple[bool, int]:
    """Whether the application may be granted, and the amount its published ranking row gives (0: none)."""
    row = (
        RankingRow.objects.filter(
            application=application, ranking__call_id=application.call_id, ranking__published_at__isnull=False
        )
        .order_by("-ranking__version")
        .first()
    )
    if row is not None and row.admitted:
        return True, row.granted_cents
    evaluation = getattr(application, "evaluation", None)
    return bool(evaluation is not None and evaluation.admissible), 0


def grant_default_amount(application: Application) -> int:
    """What the grant form proposes: the ranking's amount, or what the company requested, within the cap."""
    _ok, ranked = _admitted(application)
    plan = plan_of(application) or {}
    requested = plan.get("requested_cents") if type(plan.get("requested_cents")) is int else 0
    proposal = ranked or requested or application.call.amount_per_beneficiary_cents
    return min(proposal, application.call.amount_per_beneficiary_cents)


GRANT_FIELDS = ["state", "amount_cents", "paid_cents", "payment_state", "paid_on", "payment_reference"]


def grant_create(
    *,
    application: Application,
    amount_cents: Any,
    signed_at: Any,
    conditions: str,
    by: Any,
    request: HttpRequest | None = None,
) -> IncentiveGrant:
    """Make the grant agreement of a sent company application admitted in the published ranking
    (or found admissible): its amount leaves the call's available budget, never beyond it."""
    amount = _whole(amount_cents, 1, MAX_MEASURE_CENTS)
    if amount is None:
        raise IncentiveError("amount", AMOUNT_INVALID, code="amount_invalid")
    signed = _date(signed_at, "signed_at")
    if signed > rome_today():
        raise IncentiveError("signed_at", SIGNED_IN_FUTURE, code="signed_in_future")
    conditions = _text(conditions, "conditions", MAX_TEXT)
    try:
        with transaction.atomic():
            application = (
                # "No key", so a ranking computed meanwhile (it holds the call and inserts rows pointing at
                # the application) is never waited for in a circle.
                Application.objects.select_for_update(no_key=True, of=("self",))
                .select_related("call", "organization")
                .get(pk=application.pk)
            )
            call = Call.objects.select_for_update(no_key=True).get(pk=application.call_id)
            # The company as loaded above (select_related): no query, and the grant's is known to be set.
            if call.kind not in COMPANY_KINDS or application.organization is None:
                raise IncentiveError("application", NOT_A_COMPANY_CALL, code="not_a_company_call")
            if call.state not in {CallState.PUBLISHED, CallState.CLOSED}:
                raise IncentiveError("application", CALL_NOT_LIVE, code="call_not_live")
            if application.state != ApplicationState.SUBMITTED:
                raise IncentiveError("application", NOT_SUBMITTED, code="not_submitted")
            if IncentiveGrant.objects.filter(application=application).exists():
                raise IncentiveError("application", ALREADY_GRANTED, code="already_granted")
            admitted, _ranked = _admitted(application)
            if not admitted:
                raise IncentiveError("application", NOT_ADMITTED, code="not_admitted")
            if amount > call.amount_per_beneficiary_cents:
                raise IncentiveError(
                    "amount", AMOUNT_OVER_CAP, {"cap": euro(call.amount_per_beneficiary_cents)}, code="amount_over_cap"
                )
            requested = (plan_of(application) or {}).get("requested_cents")
            if type(requested) is int and amount > requested:
                raise IncentiveError(
                    "amount", AMOUNT_OVER_REQUESTED, {"requested": euro(requested)}, code="amount_over_requested"
                )
            if amount > call.available_cents:
                raise IncentiveError(
                    "amount",
                    AMOUNT_OVER_AVAILABLE,
                    {"available": euro(call.available_cents)},
                    code="amount_over_available",
                )
            grant = IncentiveGrant.objects.create(
                application=application,
                call=call,
                organization=application.organization,
                amount_cents=amount,
                signed_at=signed,
                conditions=conditions,
                created_by=by,
            )
            _post_grant(EntryKind.GRANT, grant, [(Account.AVAILABLE, -amount), (Account.GRANT, amount)], by)
            call_set_available(call, call.available_cents - amount)
            audit_record(
                actor=by,
                action="calls.grant.create",
                obj=grant,
                after={**snapshot(grant, GRANT_FIELDS), "application": str(application.pk), "signed_at": signed},
                request=request,
            )
            _notify(
                grant,
                _("Grant agreed: protocol %(protocol)s") % {"protocol": application.protocol},
                _("Your company's application %(protocol)s was granted %(amount)s. Send the report when it is done.")
                % {"protocol": application.protocol, "amount": euro(amount)},
            )
    except IntegrityError:  # the same application granted at the same moment by another request
        raise IncentiveError("application", ALREADY_GRANTED, code="already_granted") from None
    return grant


def _locked_grant(grant: IncentiveGrant) -> IncentiveGrant:
    return IncentiveGrant.objects.select_for_update(no_key=True).get(pk=grant.pk)


def _check_live(grant: IncentiveGrant) -> None:
    if grant.state == GrantState.REVOKED:
        raise IncentiveError("grant", GRANT_REVOKED, code="grant_revoked")
    if grant.state == GrantState.PAID:
        raise IncentiveError("grant", GRANT_PAID, code="grant_paid")


def _change(grant: IncentiveGrant, by: Any, action: str, fields: list[str], request: Any, note: str = "") -> None:
    """Save the changed `fields` of a locked grant and record the change."""
    stored = IncentiveGrant.objects.get(pk=grant.pk)
    before = snapshot(stored, fields)
    grant.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=by, action=action, obj=grant, before=before, after=snapshot(grant, fields), note=note, request=request
    )


def grant_report_send(
    *, grant: IncentiveGrant, report: Any, by: Any, request: HttpRequest | None = None
) -> IncentiveGrant:
    """The company sends its report: for each measure of its plan, what was done and when.

    `report` is {measure code: {"done": text, "start": date, "end": date}}; measures not in the
    plan are refused, a measure left empty is reported as not done. Sent while the grant waits for
    it (also after staff asked for changes); the grant then waits for review."""
    if not isinstance(report, dict):
        raise IncentiveError("report", REPORT_EMPTY, code="report_empty")
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.state != GrantState.GRANTED:
            raise IncentiveError("report", REPORT_NOT_EXPECTED, code="report_not_expected")
        planned = [m["code"] for m in (plan_of(grant.application) or {}).get("measures", [])]
        cleaned: dict[str, Any] = {}
        for code, entry in report.items():
            if code not in planned or not isinstance(entry, dict):
                raise IncentiveError("report", MEASURE_UNKNOWN, code="measure_unknown")
            done = _text(entry.get("done"), f"{code}_done", MAX_TEXT)
            if not done:
                continue
            start = _date(entry.get("start"), f"{code}_start")
            end = _date(entry.get("end"), f"{code}_end")
            if end < start:
                raise IncentiveError(f"{code}_end", END_BEFORE_START, code="end_before_start")
            cleaned[code] = {"done": done, "start": start.isoformat(), "end": end.isoformat()}
        if not cleaned:
            raise IncentiveError("report", REPORT_EMPTY, code="report_empty")
        grant.report = cleaned
        grant.report_sent_at = timezone.now()
        grant.state = GrantState.REPORTING
        _change(grant, by, "calls.grant.report", ["state", "report", "report_sent_at"], request)
    return grant


def grant_document_attach(
    *, grant: IncentiveGrant, name: str, filename: str, content: bytes, by: Any, request: HttpRequest | None = None
) -> GrantDocument:
    """Attach a PDF or an image to the report (its content decides its type, not its name) while
    the report can still be written."""
    name = (name or "").strip()
    if not name:
        raise IncentiveError("name", DOCUMENT_NAME_MISSING, code="document_name_missing")
    if len(name) > MAX_NAME_LENGTH:
        raise IncentiveError(
            "name", DOCUMENT_NAME_TOO_LONG, {"maximum": MAX_NAME_LENGTH}, code="document_name_too_long"
        )
    if not content:
        raise IncentiveError("file", DOCUMENT_EMPTY, code="document_empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise IncentiveError(
            "file", DOCUMENT_TOO_LARGE, {"maximum": MAX_DOCUMENT_BYTES // (1024 * 1024)}, code="document_too_large"
        )
    try:
        kind = document_kind(filename, content)
    except ApplicationError as error:
        raise _convert(error) from None
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.state != GrantState.GRANTED:
            raise IncentiveError("file", REPORT_NOT_EXPECTED, code="report_not_expected")
        if grant.documents.count() >= MAX_DOCUMENTS:
            raise IncentiveError("file", TOO_MANY_DOCUMENTS, {"maximum": MAX_DOCUMENTS}, code="too_many_documents")
        document = GrantDocument.objects.create(
            grant=grant,
            name=name,
            filename=PurePath(filename).name[:255],
            content_type=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=by,
        )
        audit_record(
            actor=by,
            action="calls.grant.document_attach",
            obj=grant,
            after={"document": str(document.pk), "name": name, "type": kind, "size": len(content)},
            request=request,
        )
    return document


def grant_review(
    *, grant: IncentiveGrant, approve: bool, note: str, by: Any, request: HttpRequest | None = None
) -> IncentiveGrant:
    """Staff approve the company's report, or send it back with a note saying what must change."""
    note = _text(note, "note", MAX_TEXT, missing=None if approve else NOTE_MISSING)
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.state != GrantState.REPORTING:
            raise IncentiveError("note", REVIEW_NOT_EXPECTED, code="review_not_expected")
        grant.state = GrantState.APPROVED if approve else GrantState.GRANTED
        grant.review_note = note
        _change(grant, by, "calls.grant.review", ["state", "review_note"], request, note=note)
        if approve:
            _notify(grant, _("Report approved"), _("Your report was approved: you can now request the payment."))
        else:
            _notify(grant, _("Report: changes asked"), _("Your report needs changes: %(note)s") % {"note": note})
    return grant


def grant_payment_request(*, grant: IncentiveGrant, by: Any, request: HttpRequest | None = None) -> IncentiveGrant:
    """The company asks to be paid, once its report is approved."""
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.state != GrantState.APPROVED:
            raise IncentiveError("payment", PAYMENT_NOT_READY, code="payment_not_ready")
        if grant.payment_state != PaymentState.NONE:
            raise IncentiveError("payment", PAYMENT_ALREADY_REQUESTED, code="payment_already_requested")
        grant.payment_state = PaymentState.REQUESTED
        _change(grant, by, "calls.grant.payment_request", ["payment_state"], request)
    return grant


def grant_payment_approve(*, grant: IncentiveGrant, by: Any, request: HttpRequest | None = None) -> IncentiveGrant:
    """Staff approve the requested payment (the order to pay)."""
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.payment_state != PaymentState.REQUESTED:
            raise IncentiveError("payment", PAYMENT_NOT_REQUESTED, code="payment_not_requested")
        grant.payment_state = PaymentState.APPROVED
        _change(grant, by, "calls.grant.payment_approve", ["payment_state"], request)
    return grant


def grant_pay(
    *, grant: IncentiveGrant, paid_on: Any, reference: Any, by: Any, request: HttpRequest | None = None
) -> IncentiveGrant:
    """Record the payment of an approved grant, with its date and reference: in the ledger the
    amount moves from the grant to "paid to a company". Paying twice is refused."""
    paid_on = _date(paid_on, "paid_on")
    if paid_on > rome_today():
        raise IncentiveError("paid_on", DATE_INVALID, code="date_invalid")
    reference = _text(reference, "reference", MAX_REFERENCE, missing=REFERENCE_MISSING)
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        if grant.payment_state != PaymentState.APPROVED:
            raise IncentiveError("payment", PAYMENT_NOT_APPROVED, code="payment_not_approved")
        amount = grant.amount_cents - grant.paid_cents
        _post_grant(EntryKind.GRANT_PAYMENT, grant, [(Account.GRANT, -amount), (Account.GRANT_PAID, amount)], by)
        grant.paid_cents = grant.amount_cents
        grant.state = GrantState.PAID
        grant.payment_state = PaymentState.PAID
        grant.paid_on = paid_on
        grant.payment_reference = reference
        _change(
            grant,
            by,
            "calls.grant.pay",
            ["state", "payment_state", "paid_cents", "paid_on", "payment_reference"],
            request,
        )
        _notify(
            grant,
            _("Grant paid"),
            _("%(amount)s were paid on %(date)s (reference %(reference)s).")
            % {"amount": euro(amount), "date": paid_on.strftime("%d/%m/%Y"), "reference": reference},
        )
    return grant


def grant_revoke(*, grant: IncentiveGrant, reason: Any, by: Any, request: HttpRequest | None = None) -> IncentiveGrant:
    """Revoke a grant not yet paid: its unpaid amount returns to the call's available budget."""
    reason = _text(reason, "reason", MAX_TEXT, missing=REASON_MISSING)
    with transaction.atomic():
        grant = _locked_grant(grant)
        _check_live(grant)
        call = Call.objects.select_for_update(no_key=True).get(pk=grant.call_id)
        returned = grant.amount_cents - grant.paid_cents
        if returned:
            _post_grant(EntryKind.GRANT_REVOKE, grant, [(Account.GRANT, -returned), (Account.AVAILABLE, returned)], by)
            call_set_available(call, call.available_cents + returned)
        grant.state = GrantState.REVOKED
        grant.revoked_reason = reason
        _change(grant, by, "calls.grant.revoke", ["state", "revoked_reason"], request, note=reason)
        _notify(grant, _("Grant revoked"), _("Your company's grant was revoked: %(reason)s") % {"reason": reason})
    return grant
