from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum

from sinergie.organizations.models import Alliance, AlliancePartner, Membership, Organization


def alliances_public() -> QuerySet[Alliance]:
    """Alliances with their figures for lists and the map, in two queries."""
    return (
        Alliance.objects.select_related("organization")
        .annotate(
            municipality_count=Count("municipalities", distinct=True),
            population=Sum("municipalities__population"),
        )
        .order_by("organization__name")
    )


def alliance_partners(alliance: Alliance) -> QuerySet[AlliancePartner]:
    return (
        AlliancePartner.objects.filter(alliance=alliance)
        .select_related("organization")
        .order_by("role", "organization__name")
    )


def alliance_geojson(alliances: QuerySet[Alliance] | list[Alliance]) -> dict[str, Any]:
    """A FeatureCollection of the member municipalities' boundaries, tagged with their alliance."""
    ids = [a.pk for a in alliances]
    through = Alliance.municipalities.through
    rows = (
        through.objects.filter(alliance_id__in=ids, municipality__boundary__isnull=False)
        .select_related("municipality", "alliance__organization")
        .order_by("alliance_id", "municipality__name")
    )
    order = {pk: index for index, pk in enumerate(ids)}
    features = [
        {
            "type": "Feature",
            "geometry": row.municipality.boundary,
            "properties": {
                "name": row.municipality.name,
                "istat_code": row.municipality.istat_code,
                "alliance": row.alliance.organization.name,
                "alliance_slug": row.alliance.organization.slug,
                "colour": order[row.alliance_id] % 8,
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__email", "role")


def organizations_public(kind: str | None = None, q: str | None = None) -> QuerySet[Organization]:
    organizations = Organization.objects.select_related("municipality__province").prefetch_related(
        Prefetch("alliance_partnerships", queryset=Alliance.objects.select_related("organization"))
    )
    if kind:
        organizations = organizations.filter(kind=kind)
    if q:
        organizations = organizations.filter(name__icontains=q.strip())
    return organizations.order_by("name")
