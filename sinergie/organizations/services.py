"""State changes of organizations, memberships and alliances. Each writes the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sinergie.audit.services import audit_record, snapshot
from sinergie.organizations.access import forget_cached_memberships
from sinergie.organizations.models import (
    ROLES_BY_KIND,
    Alliance,
    AlliancePartner,
    Membership,
    Organization,
)
from sinergie.territory.models import Municipality

if TYPE_CHECKING:
    # Organizations sit below accounts: the user model is named in annotations only.
    from sinergie.accounts.models import User

ORGANIZATION_EDITABLE_FIELDS = (
    "name",
    "vat_number",
    "tax_code",
    "municipality",
    "address",
    "email",
    "phone",
    "website",
    "description_it",
    "description_en",
)


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: dict[str, Any], request: HttpRequest | None = None
) -> Organization:
    """Change the public profile of an organization; kind and slug never change here."""
    fields = [name for name in ORGANIZATION_EDITABLE_FIELDS if name in data]
    attnames = [Organization._meta.get_field(name).attname for name in fields]
    before = snapshot(organization, attnames)
    for name in fields:
        setattr(organization, name, data[name])
    organization.full_clean()
    organization.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action="organization.update",
        obj=organization,
        before=before,
        after=snapshot(organization, attnames),
        request=request,
    )
    return organization


def _check_role_fits(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND.get(organization.kind, frozenset()):
        raise ValidationError(
            {
                "role": _("This role does not exist in an organization of kind “%(kind)s”.")
                % {"kind": organization.get_kind_display()}
            }
        )


@transaction.atomic
def membership_add(
    *,
    actor: User | None,
    organization: Organization,
    user: User,
    role: str,
    is_manager: bool = False,
    request: HttpRequest | None = None,
) -> Membership:
    """Give `user` a role in `organization`; the role must fit the organization's kind."""
    _check_role_fits(organization, role)
    if Membership.objects.filter(organization=organization, user=user, role=role).exists():
        raise ValidationError({"email": _("This person already has this role here.")})
    membership = Membership(organization=organization, user=user, role=role, is_manager=is_manager)
    membership.full_clean()
    membership.save()
    forget_cached_memberships(user)
    audit_record(
        actor=actor,
        action="membership.add",
        obj=organization,
        after={"user": user.email, "role": role, "is_manager": is_manager},
        request=request,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership, request: HttpRequest | None = None) -> None:
    """Remove a role; an organization never loses its last manager this way.

    The organization row is locked first so that changes to one organization's managers
    happen one at a time: two managers removing each other cannot both succeed.
    """
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    if membership.is_manager:
        others = Membership.objects.filter(organization=organization, is_manager=True).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(_("The last manager of an organization cannot be removed."))
    before = {"user": membership.user.email, "role": membership.role, "is_manager": membership.is_manager}
    membership.delete()
    forget_cached_memberships(membership.user)
    audit_record(actor=actor, action="membership.remove", obj=organization, before=before, request=request)


@transaction.atomic
def alliance_set_municipalities(
    *, actor: User, alliance: Alliance, municipalities: Iterable[Municipality], request: HttpRequest | None = None
) -> Alliance:
    """Replace the alliance's member municipalities, recording who joined and who left."""
    wanted = {m.pk: m for m in municipalities}
    current = dict(alliance.municipalities.values_list("pk", "istat_code"))
    alliance.municipalities.set(wanted.values())
    added = sorted(m.istat_code for pk, m in wanted.items() if pk not in current)
    removed = sorted(code for pk, code in current.items() if pk not in wanted)
    if added or removed:
        audit_record(
            actor=actor,
            action="alliance.municipalities",
            obj=alliance,
            before={"removed": removed},
            after={"added": added},
            request=request,
        )
    return alliance


@transaction.atomic
def alliance_partner_set(
    *, actor: User | None, alliance: Alliance, organization: Organization, role: str, request: HttpRequest | None = None
) -> AlliancePartner:
    """Add a partner or change its role; there is at most one lead body."""
    partner, created = AlliancePartner.objects.get_or_create(
        alliance=alliance, organization=organization, defaults={"role": role}
    )
    before = {} if created else {"role": partner.role}
    if not created and partner.role != role:
        partner.role = role
        partner.full_clean()
        partner.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="alliance.partner",
        obj=alliance,
        before=before,
        after={"organization": organization.slug, "role": role},
        request=request,
    )
    return partner
