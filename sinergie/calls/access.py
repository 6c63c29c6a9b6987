"""Who may act on calls, vouchers and redemptions: the one place views and APIs ask.

Calls are designed, published and closed by the staff of the call's alliance (and platform
administrators); anyone may read a published or closed call, nobody else sees a draft (404).

A provider's staff redeem and cancel for their own organization and see only its
redemptions; anyone else gets 404 for a redemption (its existence is not revealed).

Access follows the current relationship, read at every request (issue 12, point 2): when it
ends, the door closes with 404.

Relationship → what it grants → when the door closes:

- `alliance_staff` membership of the call's alliance → design, evaluation, ranking, report, the
  applications and the company incentives → the membership is removed.
- applicant of an application → see and change it → never (it is theirs).
- `assisted_by` an information-point operator → see and change the application they filled in →
  the operator holds no `info_point_operator` role any more.
- live `EvaluatorAssignment`, declared free of conflicts → the application's answers and documents
  → a conflict is declared, the evaluator role is removed, the application is withdrawn, or the
  call's ranking is published (the evaluation is over; staff make any later correction).
- `provider_staff` membership → the provider's desk, redemptions and statements → the
  membership is removed.
- `provider_staff` membership with `is_manager`, or `alliance_staff` of the call's alliance →
  registering, with a reason, a redemption that a service's own data refuses (it does not accept
  vouchers, or is closed that day) → the membership or the manager flag is removed.
- beneficiary of a voucher → the voucher → never.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Call,
    CallKind,
    CallState,
    EvaluatorAssignment,
    Ranking,
    Redemption,
    Voucher,
)
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.access import is_alliance_staff_of
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role

if TYPE_CHECKING:
    from sinergie.accounts.models import User


def is_provider_staff(user: AnyUser, provider: Organization) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if provider.kind != OrganizationKind.PROVIDER:
        return False
    return Membership.objects.filter(user=user, organization=provider, role=Role.PROVIDER_STAFF).exists()


def provider_for_redeeming(user: AnyUser, provider: Organization) -> Organization:
    """`provider` when `user` may redeem vouchers in its name; PermissionDenied otherwise."""
    if not is_provider_staff(user, provider):
        raise PermissionDenied
    return provider


def may_override_redemption_checks(user: AnyUser, provider: Organization, call: Call) -> bool:
    """Whether `user` may register a redemption that the service's own data refuses, with a reason.

    A service's flag "accepts vouchers" and its published hours are the provider's data and can be
    out of date; the provider's managers (its staff who manage its members) and the staff of the
    call's alliance may vouch for the redemption all the same. Plain provider staff may not.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if Membership.objects.filter(user=user, organization=provider, role=Role.PROVIDER_STAFF, is_manager=True).exists():
        return True
    return _is_call_alliance_staff(user, call)


def get_redemption_for_provider_user(user: AnyUser, provider: Organization, redemption_id: Any) -> Redemption:
    """One of the provider's own redemptions, for its staff; 404 for anyone or anything else."""
    if not is_provider_staff(user, provider):
        raise Http404
    return get_or_404(Redemption.objects.select_related("voucher"), pk=redemption_id, provider=provider)


def get_voucher_for_beneficiary(user: AnyUser, voucher_id: Any) -> Voucher:
    """The beneficiary's own voucher (the wallet); 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    return get_or_404(Voucher.objects.select_related("call"), pk=voucher_id, beneficiary=user)


# --- Applications ------------------------------------------------------------------------------
# The applicant and the information-point operator who filled it in may see and change an
# application; the staff of the call's alliance may see it; anyone else gets 404.


def _is_call_alliance_staff(user: AnyUser, call: Call) -> bool:
    """`user` is staff of the alliance that runs `call` (platform administrators are not, by this)."""
    return is_alliance_staff_of(user, call.alliance.organization_id)


def application_can_change(user: AnyUser, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == application.applicant_id:
        return True
    # The operator who filled it in keeps it only while still an information-point operator.
    return user.pk == application.assisted_by_id and may_assist_applicants(user)


def application_can_view(user: AnyUser, application: Application) -> bool:
    if application_can_change(user, application):
        return True
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and _is_call_alliance_staff(user, application.call)
    )


def get_application_for_user(user: AnyUser, application_id: Any, *, change: bool = False) -> Application:
    """An application `user` may see (or, with `change`, change); 404 for anyone else."""
    application = get_or_404(Application.objects.select_related("call__alliance", "applicant"), pk=application_id)
    allowed = application_can_change if change else application_can_view
    if not allowed(user, application):
        raise Http404
    return application


def get_document_for_user(user: AnyUser, document_id: Any) -> ApplicationDocument:
    """A document of an application `user` may see; 404 for anyone else."""
    document = get_or_404(ApplicationDocument.objects.select_related("application__call__alliance"), pk=document_id)
    if not application_can_view(user, document.application):
        raise Http404
    return document


def get_document_for_change(user: AnyUser, document_id: Any) -> ApplicationDocument:
    """A document of an application `user` may change (to remove it); 404 for anyone else."""
    document = get_or_404(ApplicationDocument.objects.select_related("application__call"), pk=document_id)
    if not application_can_change(user, document.application):
        raise Http404
    return document


def may_assist_applicants(user: AnyUser) -> bool:
    """Information-point operators (of any organization) may fill applications in for citizens."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(user=user, role=Role.INFO_POINT_OPERATOR).exists()


def get_call_for_applying(call_id: Any) -> Call:
    """A published or closed worker-voucher call, whose application pages these are; 404 otherwise
    (whether it takes applications now is the services' question, answered with a message)."""
    call = get_public_call(call_id)
    if call.kind != CallKind.WORKER_VOUCHERS:
        raise Http404
    return call


def get_call_for_assisting(user: AnyUser, call_id: Any) -> Call:
    """A worker-voucher call an information-point operator may apply to for a citizen; 404 for anyone else."""
    if not may_assist_applicants(user):
        raise Http404
    return get_call_for_applying(call_id)


def providers_for_desk(user: AnyUser) -> list[Organization]:
    """The providers whose redemption desk `user` may open (they are its staff), by name."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.PROVIDER, memberships__user=user, memberships__role=Role.PROVIDER_STAFF
        )
        .distinct()
        .order_by("name")
    )


def get_provider_for_desk(user: AnyUser, slug: Any) -> Organization:
    """The provider with this slug when `user` is its staff (desk, redemptions, statements); 404 otherwise."""
    provider = get_or_404(Organization.objects.all(), slug=slug, kind=OrganizationKind.PROVIDER)
    if not is_provider_staff(user, provider):
        raise Http404
    return provider


# --- Calls ---------------------------------------------------------------------------------------


def alliances_for_call_design(user: AnyUser) -> QuerySet[Alliance]:
    """The alliances whose calls `user` designs: their alliance staff, or every alliance for an admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Alliance.objects.none()
    queryset = Alliance.objects.select_related("organization")
    if not user.is_superuser:
        queryset = queryset.filter(
            organization__memberships__user=user, organization__memberships__role=Role.ALLIANCE_STAFF
        ).distinct()
    return queryset.order_by("organization__name", "pk")


def may_design_calls(user: AnyUser) -> bool:
    """Whether the call design pages are for `user` at all."""
    return alliances_for_call_design(user).exists()


def can_design_call(user: AnyUser, call: Call) -> bool:
    return alliances_for_call_design(user).filter(pk=call.alliance_id).exists()


def get_call_for_designer(user: AnyUser, call_id: Any) -> Call:
    """A call of an alliance `user` designs for; 404 for anything else (a draft's existence is not revealed)."""
    call = get_or_404(Call.objects.select_related("alliance__organization"), pk=call_id)
    if not can_design_call(user, call):
        raise Http404
    return call


def get_public_call(call_id: Any) -> Call:
    """A published or closed call, for anyone; drafts and unknown ids are 404."""
    return get_or_404(
        Call.objects.select_related("alliance__organization"),
        pk=call_id,
        state__in=[CallState.PUBLISHED, CallState.CLOSED],
    )


def may_read_report(user: AnyUser, call: Call) -> bool:
    """Whether `user` may read the report of `call` (staff of its alliance)."""
    return _active(user) and _is_call_alliance_staff(user, call)


def get_call_for_report(user: AnyUser, call_id: Any) -> Call:
    """A call whose report `user` may read: staff of the call's alliance; 404 for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404
    call = get_or_404(Call.objects.select_related("alliance__organization"), pk=call_id)
    if not may_read_report(user, call):
        raise Http404
    return call


# --- Evaluation ----------------------------------------------------------------------------------
# Staff of the call's alliance run the evaluation (applications, admissibility, evaluators, the
# ranking and its names-bearing export). An evaluator sees only the applications assigned to
# them, and their personal data only after declaring no conflict of interest; 404 otherwise.


def _active(user: AnyUser) -> TypeGuard[User]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def get_call_for_evaluation(user: AnyUser, call_id: Any) -> Call:
    """A call whose applications `user` evaluates as staff of its alliance; 404 for anyone else."""
    if not _active(user):
        raise Http404
    call = get_or_404(Call.objects.select_related("alliance__organization"), pk=call_id)
    if not _is_call_alliance_staff(user, call):
        raise Http404
    return call


def may_evaluate(user: AnyUser, call: Call) -> bool:
    """Whether the staff's evaluation pages of `call` are for `user`."""
    return _active(user) and _is_call_alliance_staff(user, call)


def get_application_for_evaluation(user: AnyUser, call: Call, application_id: Any) -> Application:
    """A sent application of `call` (already checked with get_call_for_evaluation); 404 otherwise."""
    return get_or_404(
        Application.objects.select_related("call__alliance", "applicant", "evaluation"),
        pk=application_id,
        call=call,
        state=ApplicationState.SUBMITTED,
    )


def is_call_evaluator(user: AnyUser, call: Call) -> bool:
    """`user` is an evaluator of the alliance that runs `call`."""
    if not _active(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=call.alliance.organization_id, role=Role.EVALUATOR
    ).exists()


def assignments_for_evaluator(user: AnyUser) -> QuerySet[EvaluatorAssignment]:
    """The assignments `user` holds while still an evaluator of the call's alliance and while the
    evaluation lasts: once the call's ranking is published the applicants' data is closed to
    evaluators (staff make any later correction)."""
    if not _active(user):
        return EvaluatorAssignment.objects.none()
    published = Ranking.objects.filter(call_id=OuterRef("application__call_id"), published_at__isnull=False)
    return (
        EvaluatorAssignment.objects.filter(
            evaluator=user,
            application__state=ApplicationState.SUBMITTED,
            application__call__alliance__organization__memberships__user=user,
            application__call__alliance__organization__memberships__role=Role.EVALUATOR,
        )
        .filter(~Exists(published))
        .distinct()
    )


def get_assignment_for_evaluator(user: AnyUser, application_id: Any, *, cleared: bool = False) -> EvaluatorAssignment:
    """`user`'s assignment on this application (with `cleared`: only once declared free of
    conflicts); a conflicted assignment, another's application or a forged id is 404."""
    assignment = get_or_404(
        assignments_for_evaluator(user).select_related(
            "application__call__alliance", "application__applicant", "application__evaluation"
        ),
        application_id=application_id,
        has_conflict=False,
    )
    if cleared and not assignment.cleared:
        raise Http404
    return assignment


def get_document_for_evaluator(user: AnyUser, document_id: Any) -> ApplicationDocument:
    """A document of an application assigned to `user` and declared free of conflicts; 404 otherwise."""
    document = get_or_404(ApplicationDocument.objects.all(), pk=document_id)
    get_assignment_for_evaluator(user, document.application_id, cleared=True)
    return document
