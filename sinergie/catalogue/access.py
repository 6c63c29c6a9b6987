"""Who may import a provider's catalogue: the one place that answers it.

Exporting the published catalogue is public. Importing is for platform administrators and
for the alliance staff of an alliance that has the provider among its partners: the
importer publishes what it loads, so it must be someone who moderates that provider.
Provider staff keep their services one by one (issue 3, point 6), not in bulk.

Relationship → what it grants → when the door closes: `alliance_staff` of an alliance with the
provider as a partner → importing for it, and the batches one uploaded → the membership is
removed or the provider stops being a partner (the uploader then gets 403 on their own batch).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sinergie.accounts.typing import AnyUser
from sinergie.catalogue.models import ImportBatch
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.models import Organization, OrganizationKind, Role

# Organizations that run services: providers, and the hosts of information points.
SERVICE_OWNER_KINDS = (
    OrganizationKind.PROVIDER,
    OrganizationKind.INFO_POINT_HOST,
    OrganizationKind.ASSOCIATION,
    OrganizationKind.PUBLIC_BODY,
)


def _is_admin(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def organizations_for_import(user: AnyUser) -> QuerySet[Organization]:
    """The organizations `user` may import services for, by name."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    queryset = Organization.objects.filter(kind__in=SERVICE_OWNER_KINDS)
    if not _is_admin(user):
        queryset = queryset.filter(
            alliance_partnerships__organization__memberships__user=user,
            alliance_partnerships__organization__memberships__role=Role.ALLIANCE_STAFF,
        ).distinct()
    return queryset.order_by("name", "pk")


def may_import(user: AnyUser) -> bool:
    """Whether the import page is for `user` at all (an admin, or alliance staff)."""
    if _is_admin(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.memberships.filter(role=Role.ALLIANCE_STAFF).exists()


def can_import_for(user: AnyUser, organization: Organization) -> bool:
    return organizations_for_import(user).filter(pk=organization.pk).exists()


def get_organization_for_import(user: AnyUser, value: str) -> Organization:
    """The organization given by id or slug, if `user` may import for it (404 if unknown, else 403)."""
    value = str(value).strip()
    queryset = Organization.objects.all()
    organization = queryset.filter(pk=int(value)).first() if value.isdigit() else queryset.filter(slug=value).first()
    if organization is None:
        raise Http404
    if not can_import_for(user, organization):
        raise PermissionDenied
    return organization


def get_batch_for_user(user: AnyUser, batch_id: uuid.UUID) -> ImportBatch:
    """A batch only for the person who uploaded it (or an admin), while they may still import for its provider."""
    batch = get_or_404(ImportBatch.objects.select_related("organization"), pk=batch_id)
    if not (_is_admin(user) or batch.created_by_id == getattr(user, "pk", None)):
        raise Http404
    if not can_import_for(user, batch.organization):
        raise PermissionDenied
    return batch
