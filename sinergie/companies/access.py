"""Who may see and change a company's profile and its requests to join alliances: the one place
the views ask. A company's referents edit it; the staff of an alliance the company belongs to, or
is waiting to join, read it and decide the request; platform administrators may do both. Anyone
else gets 404 (a company's private data does not reveal itself).

Relationship → what it grants → when the door closes (read at every request; each has its test
in web/tests/test_access_doors.py or companies/tests/test_companies.py):

- `company_referent` membership → the profile, plan, self-assessment, label, pairings, join
  requests → the membership is removed.
- the company is an `AlliancePartner` of the alliance → its staff read the profile, plan and
  self-assessment → the partner row is removed.
- a pending `JoinRequest` to the alliance → its staff read the profile while deciding → the
  request is refused or withdrawn (accepted, the company is a partner).
- the company is the proposed or active witness of a `Pairing` → its referents see the pairing →
  the company declines the proposal (the witness is cleared); a completed pairing stays visible
  to the witness that took part in it.
- `alliance_staff` membership → the alliance's label rules, Manifesto, requests and pairings → the
  membership is removed.
- `alliance_staff` membership of any alliance → the lists of join requests (403 otherwise) and of
  label requests (404 otherwise), each showing that alliance's only; platform administrators see
  every alliance's. The witness desk (marking witness companies) is for alliance staff alone, on
  their own alliances' partners (404 otherwise, administrators included).
- a role in a pairing (`pairing_roles`) → what may be done to it (`PAIRING_ACTIONS`): the staff
  propose a witness, the company accepts or declines, all three record meetings, the company and
  the staff complete it.
- the Manifesto: anyone reads a published one, its alliance's staff an unpublished one too;
  signing is `label.can_sign_for`'s. An agreement is public; a referent may join it with their
  companies that are partners of its alliance and not in it yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.companies.models import (
    Agreement,
    JoinRequest,
    JoinState,
    LabelAward,
    Manifesto,
    Pairing,
    PlanMeasure,
)
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role

if TYPE_CHECKING:
    from sinergie.accounts.models import User


def _active(user: AnyUser) -> TypeGuard[User]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _admin(user: AnyUser) -> bool:
    return _active(user) and user.is_superuser


def _company(slug: Any) -> Organization:
    return get_or_404(Organization.objects.all(), slug=str(slug), kind=OrganizationKind.COMPANY)


def is_referent(user: AnyUser, company: Organization) -> bool:
    """A referent of `company` (who may change it), or a platform administrator."""
    return _active(user) and (
        _admin(user) or Membership.objects.filter(user=user, organization=company, role=Role.COMPANY_REFERENT).exists()
    )


def staff_alliances(user: AnyUser) -> QuerySet[Alliance]:
    """The alliances `user` works for as staff."""
    if not _active(user):
        return Alliance.objects.none()
    return Alliance.objects.filter(
        organization__memberships__user=user, organization__memberships__role=Role.ALLIANCE_STAFF
    ).distinct()


def is_overseeing_staff(user: AnyUser, company: Organization) -> bool:
    """Staff of an alliance the company is a partner of, or has asked to join and is waiting for:
    a refused or withdrawn request gives no access (issue 12, point 2), an accepted one made the
    company a partner."""
    return (
        staff_alliances(user)
        .filter(
            Q(alliancepartner__organization=company)
            | Q(join_requests__company=company, join_requests__state=JoinState.PENDING)
        )
        .exists()
    )


def company_for_referent(user: AnyUser, slug: Any) -> Organization:
    """The company at `slug`, for one who may change its profile and ask to join alliances."""
    company = _company(slug)
    if not is_referent(user, company):
        raise Http404
    return company


def company_for_viewing(user: AnyUser, slug: Any) -> Organization:
    """The company at `slug`, for its referents and the staff who oversee it."""
    company = _company(slug)
    if not (is_referent(user, company) or (_active(user) and is_overseeing_staff(user, company))):
        raise Http404
    return company


def companies_of_referent(user: AnyUser) -> QuerySet[Organization]:
    """The companies `user` is a referent of (none for an administrator who is not one)."""
    if not _active(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=OrganizationKind.COMPANY, memberships__user=user, memberships__role=Role.COMPANY_REFERENT
    ).distinct()


def join_request_for_staff(user: AnyUser, pk: Any) -> JoinRequest:
    """A request to join one of the alliances `user` works for; 404 for any other."""
    join = get_or_404(JoinRequest.objects.select_related("company", "alliance__organization"), pk=pk)
    if not (_admin(user) or staff_alliances(user).filter(pk=join.alliance_id).exists()):
        raise Http404
    return join


def join_request_for_referent(user: AnyUser, company: Organization, pk: Any) -> JoinRequest:
    """The company's own request `pk`, for one of its referents; 404 for any other."""
    return get_or_404(JoinRequest.objects.all(), pk=pk, company=company_for_referent(user, company.slug))


def is_alliance_staff(user: AnyUser, alliance: Alliance) -> bool:
    """Staff of `alliance`, or a platform administrator."""
    return _admin(user) or staff_alliances(user).filter(pk=alliance.pk).exists()


def alliance_for_staff(user: AnyUser, slug: Any) -> Alliance:
    """The alliance at `slug`, for its staff (the label's rules, the Manifesto's text); 404 otherwise."""
    alliance = get_or_404(Alliance.objects.select_related("organization"), organization__slug=str(slug))
    if not is_alliance_staff(user, alliance):
        raise Http404
    return alliance


def label_awards_for_staff(user: AnyUser) -> QuerySet[LabelAward]:
    """The label requests of the alliances `user` works for (every one for an administrator)."""
    found = LabelAward.objects.select_related("company", "scheme__alliance__organization")
    return found if _admin(user) else found.filter(scheme__alliance__in=staff_alliances(user))


def label_award_for_staff(user: AnyUser, pk: Any) -> LabelAward:
    """One of `label_awards_for_staff`; 404 for any other."""
    return get_or_404(label_awards_for_staff(user), pk=pk)


def pairing_roles(user: AnyUser, pk: Any) -> tuple[Pairing, set[str]]:
    """A pairing with what `user` is in it: "staff" of its alliance, referent of the "company" or
    of the "witness"; 404 for anyone with no part in it."""
    pairing = get_or_404(Pairing.objects.select_related("company", "witness", "alliance__organization"), pk=pk)
    roles = set()
    if is_alliance_staff(user, pairing.alliance):
        roles.add("staff")
    if is_referent(user, pairing.company):
        roles.add("company")
    if pairing.witness is not None and is_referent(user, pairing.witness):
        roles.add("witness")
    if not roles:
        raise Http404
    return pairing, roles


def agreement_get(pk: Any) -> Agreement:
    """Any agreement (they are public); 404 for an unknown id."""
    return get_or_404(Agreement.objects.select_related("alliance__organization", "provider"), pk=pk)


def join_requests_for_staff(user: AnyUser) -> QuerySet[JoinRequest]:
    """The requests to join the alliances `user` works for (every alliance's for an
    administrator); PermissionDenied for one who is neither."""
    alliances = staff_alliances(user)
    admin = _admin(user)
    if not (admin or alliances.exists()):
        raise PermissionDenied
    found = JoinRequest.objects.select_related("company", "alliance__organization", "requested_by")
    return found if admin else found.filter(alliance__in=alliances)


def label_desk_alliances(user: AnyUser) -> QuerySet[Alliance]:
    """The alliances whose label requests `user` decides, for the label desk; 404 for one who is
    neither alliance staff nor an administrator (an administrator's list may be empty)."""
    alliances = staff_alliances(user)
    if not (alliances.exists() or _admin(user)):
        raise Http404
    return alliances.select_related("organization")


def witness_desk_alliances(user: AnyUser) -> QuerySet[Alliance]:
    """The alliances whose witness companies `user` marks; 404 for one who works for none."""
    alliances = staff_alliances(user).select_related("organization")
    if not alliances.exists():
        raise Http404
    return alliances


def witness_desk_target(user: AnyUser, alliance_pk: int, company_pk: int) -> tuple[Alliance, Organization]:
    """One of `user`'s alliances and a company, to mark or unmark as a witness; 404 when either is
    not found (an alliance `user` does not work for is not found)."""
    alliance = staff_alliances(user).filter(pk=alliance_pk).first()
    company = Organization.objects.filter(pk=company_pk, kind=OrganizationKind.COMPANY).first()
    if alliance is None or company is None:
        raise Http404
    return alliance, company


def measure_of_company(company: Organization, pk: Any) -> PlanMeasure:
    """A measure of `company`'s plan (the company already checked for the user); 404 for any other."""
    return get_or_404(PlanMeasure.objects.select_related("plan"), pk=pk, plan__company=company)


PAIRING_ACTIONS: dict[str, frozenset[str]] = {
    "propose": frozenset({"staff"}),
    "accept": frozenset({"company"}),
    "decline": frozenset({"company"}),
    "meeting": frozenset({"company", "witness", "staff"}),
    "complete": frozenset({"company", "staff"}),
}
"""Pairing action → the roles of `pairing_roles` that may take it."""


def may_act_on_pairing(roles: set[str], action: str) -> bool:
    """Whether one with `roles` in a pairing may take `action` (an unknown action: no one)."""
    return bool(roles & PAIRING_ACTIONS.get(action, frozenset()))


def manifesto_for_reader(user: AnyUser, alliance_slug: Any) -> tuple[Manifesto, bool]:
    """The Manifesto of the alliance at `alliance_slug` and whether `user` is its staff; 404 when
    there is none, or it is unpublished and `user` is not its staff."""
    text = get_or_404(
        Manifesto.objects.select_related("alliance__organization"), alliance__organization__slug=str(alliance_slug)
    )
    staff = is_alliance_staff(user, text.alliance)
    if not text.published and not staff:
        raise Http404
    return text, staff


def companies_joining_agreement(user: AnyUser, agreement: Agreement) -> QuerySet[Organization]:
    """The companies `user` may put in `agreement`: theirs, partners of its alliance, not in it yet."""
    companies = companies_of_referent(user).filter(alliancepartner__alliance=agreement.alliance)
    return companies.exclude(agreements__agreement=agreement)
