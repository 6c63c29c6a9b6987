"""Who may edit, moderate and see the unpublished content of services: the one place that says.

- **Editors** of a service: the provider staff (role `provider_staff`) of the organization
  that owns it, and platform administrators. Nobody else, whatever their other roles.
- **Moderators** of a provider: the alliance staff (role `alliance_staff` in an alliance's
  own organization) of every alliance that moderates that provider, and administrators.
  An alliance moderates a provider when the provider is one of its partners
  (`AlliancePartner`) or when the provider's registered municipality
  (`Organization.municipality`) is one of the alliance's member municipalities. Where the
  service's sites are does not matter: a provider is moderated as a whole.
- **Viewers** of drafts, revisions and history: editors and moderators.

Pages answer 404 to anyone who may not see a service's unpublished side (its existence in
the back office is not revealed), and 403 to a viewer who may see it but not do the thing
asked (a moderator posting an edit, a provider approving its own revision).

Every relationship is read at every request, so each door closes when it ends (tested in
web/tests/test_access_doors.py): the `provider_staff` membership is removed; the provider stops
being a partner of the alliance; the provider's municipality leaves the alliance's members.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.directory.models import ModerationState, Service, ServiceRevision
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.access import Action, can
from sinergie.organizations.models import Alliance, AlliancePartner, Membership, Organization, Role

if TYPE_CHECKING:
    from sinergie.accounts.models import User


def _authenticated(user: AnyUser) -> TypeGuard[User]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_admin(user: AnyUser) -> bool:
    return _authenticated(user) and bool(user.is_superuser)


def provider_organization_ids(user: AnyUser) -> set[int]:
    """The organizations whose services this user edits as provider staff."""
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_sinergie_provider_orgs", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, role=Role.PROVIDER_STAFF).values_list("organization_id", flat=True)
        )
        user._sinergie_provider_orgs = cached
    return cached


def provider_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Where this user may create services: its provider organizations (all providers for admins)."""
    if is_admin(user):
        return Organization.objects.filter(kind="provider").order_by("name")
    return Organization.objects.filter(pk__in=provider_organization_ids(user)).order_by("name")


def moderating_alliance_ids(user: AnyUser) -> set[int]:
    """The alliances whose staff this user is."""
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_sinergie_moderated_alliances", None)
    if cached is None:
        cached = set(
            Alliance.objects.filter(
                organization__memberships__user=user, organization__memberships__role=Role.ALLIANCE_STAFF
            ).values_list("pk", flat=True)
        )
        user._sinergie_moderated_alliances = cached
    return cached


def moderated_organizations_condition(alliance_ids: set[int], field: str = "pk") -> Q:
    """A condition on a model whose `field` is an organization id: moderated by one of `alliance_ids`.

    Also used the other way round (who moderates a provider?) by `alliances_moderating`.
    """
    partner = AlliancePartner.objects.filter(organization_id=OuterRef(field), alliance_id__in=alliance_ids)
    municipality_field = "municipality_id" if field == "pk" else field.replace("_id", "") + "__municipality_id"
    in_territory = Alliance.municipalities.through.objects.filter(
        municipality_id=OuterRef(municipality_field), alliance_id__in=alliance_ids
    )
    return Q(Exists(partner)) | Q(Exists(in_territory))


def alliances_moderating(organization: Organization) -> QuerySet[Alliance]:
    """The alliances whose staff moderate this provider's services."""
    condition = Q(alliancepartner__organization=organization)
    if organization.municipality_id:
        condition |= Q(municipalities=organization.municipality_id)
    return Alliance.objects.filter(condition).distinct().select_related("organization")


def can_edit_services_of(user: AnyUser, organization_id: int) -> bool:
    return is_admin(user) or organization_id in provider_organization_ids(user)


def can_edit(user: AnyUser, service: Service) -> bool:
    """Create, edit, submit, withdraw, discard and archive: the owner's provider staff, admins."""
    return can_edit_services_of(user, service.organization_id)


def can_moderate(user: AnyUser, service: Service) -> bool:
    """Approve or reject: staff of an alliance that moderates the owner, admins."""
    if is_admin(user):
        return True
    alliance_ids = moderating_alliance_ids(user)
    if not alliance_ids:
        return False
    return Organization.objects.filter(
        moderated_organizations_condition(alliance_ids), pk=service.organization_id
    ).exists()


def can_view(user: AnyUser, service: Service) -> bool:
    """Drafts, revisions, previews and history."""
    return can_edit(user, service) or can_moderate(user, service)


def services_for_editor(user: AnyUser) -> QuerySet[Service]:
    services = Service.objects.select_related("organization")
    if is_admin(user):
        return services
    return services.filter(organization_id__in=provider_organization_ids(user))


def revisions_for_moderator(user: AnyUser) -> QuerySet[ServiceRevision]:
    revisions = ServiceRevision.objects.select_related("service__organization", "author")
    if is_admin(user):
        return revisions
    alliance_ids = moderating_alliance_ids(user)
    if not alliance_ids:
        return revisions.none()
    return revisions.filter(moderated_organizations_condition(alliance_ids, field="service__organization_id"))


def get_service_for_editor(user: AnyUser, pk: uuid.UUID) -> Service:
    """The service at `pk` for an action only its editors may take: 404 unseen, 403 seen but not editable."""
    service = get_service_for_viewer(user, pk)
    if not can_edit(user, service):
        raise PermissionDenied
    return service


def get_service_for_user(
    user: AnyUser, pk: uuid.UUID, *, preview: bool = True, queryset: QuerySet[Service] | None = None
) -> Service:
    """The service at `pk` for its public page if published; with `preview`, also unpublished for
    those who see its organization's private side (its members, the alliance staff over it, admins).

    Anything else is a 404, not a 403: an unpublished service must not be known to exist.
    """
    queryset = queryset if queryset is not None else Service.objects.select_related("organization")
    service = get_or_404(queryset, pk=pk)
    if service.state == ModerationState.PUBLISHED:
        return service
    if preview and can(user, Action.ORGANIZATION_VIEW_PRIVATE, service.organization):
        return service
    raise Http404


def get_service_for_viewer(user: AnyUser, pk: uuid.UUID) -> Service:
    """The service at `pk` for its back-office pages (drafts, revisions, history): 404 for anyone else."""
    service = get_or_404(Service.objects.select_related("organization__municipality"), pk=pk)
    if not can_view(user, service):
        raise Http404
    return service


def get_revision_for_moderator(user: AnyUser, pk: uuid.UUID) -> ServiceRevision:
    """A revision to review: 404 unseen, 403 for its provider (who sees it but may not decide)."""
    revision = get_or_404(ServiceRevision.objects.select_related("service__organization", "author", "moderator"), pk=pk)
    if not can_view(user, revision.service):
        raise Http404
    if not can_moderate(user, revision.service):
        raise PermissionDenied
    return revision
