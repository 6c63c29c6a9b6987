"""Reads: what is stored, in the same normalized form the importer produces, and what the export iterates."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from sinergie.catalogue.cells import hours_key
from sinergie.catalogue.importing import istat_codes_in
from sinergie.catalogue.records import (
    ClosureData,
    CostData,
    HoursData,
    LocationData,
    Lookups,
    ServiceData,
    SiteData,
    Table,
)
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.organizations.models import Organization
from sinergie.territory.models import Municipality


def lookups_for(table: Table) -> Lookups:
    """Category codes and the municipalities the file mentions: two queries."""
    codes = istat_codes_in(table)
    municipalities = {
        istat: (lat, lon) if lat is not None and lon is not None else None
        for istat, lat, lon in Municipality.objects.filter(istat_code__in=codes).values_list(
            "istat_code", "latitude", "longitude"
        )
    }
    return Lookups(
        categories=frozenset(TaxonomyTerm.objects.values_list("code", flat=True)), municipalities=municipalities
    )


def with_catalogue_data(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """Everything service_state() reads, prefetched: a fixed number of queries per chunk of services."""
    return queryset.select_related("organization").prefetch_related(
        Prefetch("categories", queryset=TaxonomyTerm.objects.only("id", "code")),
        Prefetch("closure_availability", queryset=ClosureAvailability.objects.order_by("start", "id")),
        Prefetch("costs", queryset=CostOption.objects.order_by("amount_cents", "id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("valid_from", "opens_at", "id")),
        Prefetch(
            "sites",
            queryset=ServiceAtLocation.objects.select_related("location__municipality")
            .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("valid_from", "opens_at", "id")))
            .order_by("location__external_id", "id"),
        ),
    )


def _hours(schedules: list[Schedule]) -> tuple[HoursData, ...]:
    items = {
        HoursData(schedule.byday, schedule.opens_at, schedule.closes_at, schedule.valid_from, schedule.valid_to)
        for schedule in schedules
    }
    return tuple(sorted(items, key=hours_key))


def service_state(service: Service) -> ServiceData:
    """A stored service as the importer would describe it (expects with_catalogue_data's prefetches)."""
    closures = sorted(
        {ClosureData(c.period, c.start, c.end) for c in service.closure_availability.all()},
        key=lambda closure: (closure.start, closure.end, closure.period),
    )
    costs = sorted(
        {CostData(c.amount_cents, c.unit) for c in service.costs.all()}, key=lambda c: (c.amount_cents or 0, c.unit)
    )
    sites = tuple(
        sorted(SiteData(site.location.external_id, _hours(list(site.schedules.all()))) for site in service.sites.all())
    )
    return ServiceData(
        external_id=service.external_id,
        kind=service.kind,
        name_it=service.name_it,
        name_en=service.name_en,
        description_it=service.description_it,
        description_en=service.description_en,
        categories=tuple(sorted(term.code for term in service.categories.all())),
        minimum_age_months=service.minimum_age_months,
        maximum_age_months=service.maximum_age_months,
        capacity=service.capacity,
        languages=tuple(service.languages or ()),
        email=service.email,
        phone=service.phone,
        url=service.url,
        accepts_vouchers=service.accepts_vouchers,
        closures=tuple(closures),
        costs=tuple(costs),
        hours=_hours(list(service.schedules.all())),
        sites=sites,
    )


def location_state(location: Location) -> LocationData:
    return LocationData(
        external_id=location.external_id,
        name=location.name,
        address=location.address_1,
        postal_code=location.postal_code,
        municipality_istat=location.municipality.istat_code,
        latitude=round(location.latitude, 6),
        longitude=round(location.longitude, 6),
    )


def existing_services(organization: Organization, external_ids: list[str]) -> dict[str, Service]:
    services: dict[str, Service] = {}
    ids = [external_id for external_id in external_ids if external_id]
    for start in range(0, len(ids), 500):
        chunk = Service.objects.filter(organization=organization, external_id__in=ids[start : start + 500])
        services.update({service.external_id: service for service in with_catalogue_data(chunk)})
    return services


def existing_locations(organization: Organization, external_ids: list[str]) -> dict[str, Location]:
    """The provider's places by code; if a code is (wrongly) repeated, the oldest row wins."""
    locations: dict[str, Location] = {}
    ids = [external_id for external_id in external_ids if external_id]
    for start in range(0, len(ids), 500):
        chunk = (
            Location.objects.filter(organization=organization, external_id__in=ids[start : start + 500])
            .select_related("municipality")
            .order_by("external_id", "pk")
        )
        for location in chunk:
            locations.setdefault(location.external_id, location)
    return locations


def catalogue_published(organization: Organization | None = None) -> QuerySet[Service]:
    """The published catalogue (one provider's when given), in a stable order, ready for the export."""
    queryset = Service.objects.filter(state=ModerationState.PUBLISHED)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return with_catalogue_data(queryset).order_by("organization__slug", "external_id", "id")
