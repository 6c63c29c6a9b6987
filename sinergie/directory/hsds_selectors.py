"""The directory's public rows as HSDS 3.0 serves them: the querysets behind /api/hsds/.

Published services (with everything `hsds.service_to_hsds(full=True)` reads prefetched), their
services at locations, the organizations that publish them, taxonomies and terms (ours and the
extension taxonomy of hsds.py), with the API's filters: words ignoring case and accents, a
category with its descendants, an organization by its HSDS id. hsds.py turns the rows into
HSDS dicts; hsds_api.py parses the parameters.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from sinergie.directory.hsds import (
    CLOSURE,
    DEMO,
    EXTENSION_TAXONOMY,
    EXTENSION_TERMS,
    EXTENSION_TERMS_BY_ID,
    AnyTaxonomy,
    AnyTerm,
    organization_uuid,
)
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sinergie.lib.text import fold
from sinergie.organizations.models import Organization

# Letters and the accented forms people may or may not type: "caffe" finds "Caffè" and vice versa.
_VARIANTS = {
    "a": "aàáâäã",
    "e": "eèéêë",
    "i": "iìíîï",
    "o": "oòóôöõ",
    "u": "uùúûü",
    "c": "cç",
    "n": "nñ",
    "'": "'’`",
}


def accent_insensitive_pattern(word: str) -> str:
    """A regular expression (for `__iregex`) matching `word` whatever its accents: works on SQLite and Postgres."""
    parts = []
    for char in fold(word):
        variants = _VARIANTS.get(char)
        parts.append(f"[{variants}{variants.upper()}]" if variants else re.escape(char))
    return "".join(parts)


def text_search_q(search: str, fields: Sequence[str]) -> Q:
    """Every word of `search` in at least one of `fields`, ignoring case and accents."""
    condition = Q()
    for word in search.split():
        pattern = accent_insensitive_pattern(word)
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__iregex": pattern})
        condition &= any_field
    return condition


class OrganizationIdError(ValueError):
    pass


def organization_pk_from_id(value: str) -> int | None:
    """Our organization key from an HSDS id (the derived UUID) or from the key itself; None if unknown.

    Raises OrganizationIdError when `value` is neither a UUID nor a whole number.
    """
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        wanted = uuid.UUID(value)
    except ValueError:
        raise OrganizationIdError(value) from None
    # uuid5 cannot be reversed: compare with every organization's (a few hundred at most).
    for pk in Organization.objects.values_list("pk", flat=True).iterator():
        if organization_uuid(pk) == wanted:
            return pk
    return None


def term_with_descendants(term_id: uuid.UUID) -> Q:
    """Q on services in a category or below it; for an extension closure term, services open then."""
    extension = EXTENSION_TERMS_BY_ID.get(term_id)
    if extension is not None:
        if extension.code == CLOSURE:
            return Q(pk__in=ClosureAvailability.objects.values("service_id"))
        if extension.parent_code == CLOSURE:
            period = extension.code.removeprefix(f"{CLOSURE}:")
            return Q(pk__in=ClosureAvailability.objects.filter(period=period).values("service_id"))
        if extension.code == DEMO:
            return Q(is_demo=True)
        return Q(pk__in=[])
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for pk, parent_id in TaxonomyTerm.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[uuid.UUID] = set()
    frontier = [term_id]
    while frontier:
        current = frontier.pop()
        if current not in found:
            found.add(current)
            frontier.extend(children.get(current, []))
    links = Service.categories.through.objects.filter(taxonomyterm_id__in=found)
    return Q(pk__in=links.values("service_id"))


def _schedules() -> QuerySet[Schedule]:
    return Schedule.objects.prefetch_related("exceptions").order_by("valid_from", "opens_at", "byday", "id")


def _sites() -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.select_related("location__municipality__province", "location__municipality__region")
        .prefetch_related(Prefetch("schedules", queryset=_schedules()))
        .order_by("location__name", "id")
    )


def services_public(
    *,
    search: str | None = None,
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: str | None = None,
    modified_after: datetime.datetime | None = None,
    full: bool = False,
) -> QuerySet[Service]:
    """Published services matching every given filter (AND), by Italian name, organization joined.

    `full` prefetches everything `service_to_hsds(full=True)` reads: a fixed number of queries
    whatever the number of services. Raises OrganizationIdError for a malformed organization id.
    """
    queryset = Service.objects.filter(state=ModerationState.PUBLISHED).select_related("organization")
    if search and search.strip():
        queryset = queryset.filter(text_search_q(search, ["name_it", "name_en", "description_it", "description_en"]))
    if taxonomy_term_id is not None:
        queryset = queryset.filter(term_with_descendants(taxonomy_term_id))
    if taxonomy_id is not None:
        if taxonomy_id == EXTENSION_TAXONOMY.id:
            queryset = queryset.filter(Q(pk__in=ClosureAvailability.objects.values("service_id")) | Q(is_demo=True))
        else:
            links = Service.categories.through.objects.filter(taxonomyterm__taxonomy_id=taxonomy_id)
            queryset = queryset.filter(pk__in=links.values("service_id"))
    if organization_id is not None and organization_id.strip():
        pk = organization_pk_from_id(organization_id)
        queryset = queryset.filter(organization_id=pk) if pk is not None else queryset.none()
    if modified_after is not None:
        if timezone.is_naive(modified_after):
            modified_after = timezone.make_aware(modified_after)
        queryset = queryset.filter(updated_at__gte=modified_after)
    if full:
        queryset = queryset.prefetch_related(
            Prefetch("categories", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
            Prefetch("schedules", queryset=_schedules()),
            Prefetch("sites", queryset=_sites()),
            # Null (price on request) last on every database.
            Prefetch("costs", queryset=CostOption.objects.order_by(F("amount_cents").asc(nulls_last=True), "id")),
            Prefetch("closure_availability", queryset=ClosureAvailability.objects.order_by("start", "id")),
        )
    return queryset.order_by("name_it", "id")


def service_public_get(service_id: uuid.UUID) -> Service | None:
    return services_public(full=True).filter(pk=service_id).first()


def service_at_locations_public(
    *, postcode: str | None = None, full: bool = False, **service_filters: Any
) -> QuerySet[ServiceAtLocation]:
    """Services at locations whose service is public and matches `service_filters` (see services_public)."""
    services = services_public(**service_filters)
    queryset = ServiceAtLocation.objects.filter(service__in=services.values("pk")).select_related(
        "service__organization", "location__municipality__province", "location__municipality__region"
    )
    if postcode and postcode.strip():
        queryset = queryset.filter(location__postal_code=postcode.strip())
    if full:
        queryset = queryset.prefetch_related(Prefetch("schedules", queryset=_schedules()))
    return queryset.order_by("service__name_it", "location__name", "id")


def service_at_location_public_get(sal_id: uuid.UUID) -> ServiceAtLocation | None:
    return service_at_locations_public(full=True).filter(pk=sal_id).first()


def organizations_public(*, search: str | None = None) -> QuerySet[Organization]:
    """Organizations that publish at least one service: the others are not part of the directory."""
    published = Service.objects.filter(state=ModerationState.PUBLISHED).values("organization_id")
    queryset = Organization.objects.filter(pk__in=published)
    if search and search.strip():
        queryset = queryset.filter(text_search_q(search, ["name", "description_it", "description_en"]))
    return queryset.order_by("name", "pk")


def organization_public_get(organization_id: str) -> Organization | None:
    """Raises OrganizationIdError for a malformed id."""
    pk = organization_pk_from_id(organization_id)
    return None if pk is None else organizations_public().filter(pk=pk).first()


def organization_services_and_locations(organization: Organization) -> tuple[list[Service], list[Location]]:
    services = list(services_public().filter(organization=organization))
    locations = list(
        Location.objects.filter(sites__service__in=[service.pk for service in services])
        .select_related("municipality__province", "municipality__region")
        .distinct()
        .order_by("name", "id")
    )
    return services, locations


def taxonomies_all(*, search: str | None = None) -> list[AnyTaxonomy]:
    """Ours in the database, then the extension taxonomy (never stored)."""
    taxonomies: list[AnyTaxonomy] = [*Taxonomy.objects.order_by("name", "id"), EXTENSION_TAXONOMY]
    if search and search.strip():
        pattern = re.compile(accent_insensitive_pattern(search.strip()), re.IGNORECASE)
        taxonomies = [taxonomy for taxonomy in taxonomies if pattern.search(taxonomy.name)]
    return taxonomies


def taxonomy_get(taxonomy_id: uuid.UUID) -> AnyTaxonomy | None:
    if taxonomy_id == EXTENSION_TAXONOMY.id:
        return EXTENSION_TAXONOMY
    return Taxonomy.objects.filter(pk=taxonomy_id).first()


def taxonomy_terms_all(
    *,
    search: str | None = None,
    taxonomy_id: uuid.UUID | None = None,
    parent_id: uuid.UUID | None = None,
    top_only: bool = False,
) -> list[AnyTerm]:
    """Our terms (few dozen, one query) then the extension terms, filtered in Python, AND-combined.

    `top_only`: terms without a parent (the reference OpenAPI's wording is ambiguous; the name wins).
    """
    ours = TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__name", "position", "code")
    terms: list[AnyTerm] = [*ours, *EXTENSION_TERMS]
    if taxonomy_id is not None:
        terms = [term for term in terms if term.taxonomy_id == taxonomy_id]
    if parent_id is not None:
        terms = [term for term in terms if term.parent_id == parent_id]
    if top_only:
        terms = [term for term in terms if term.parent_id is None]
    if search and search.strip():
        patterns = [re.compile(accent_insensitive_pattern(word), re.IGNORECASE) for word in search.split()]
        terms = [
            term
            for term in terms
            if all(pattern.search(f"{term.name_it} {term.name_en} {term.code}") for pattern in patterns)
        ]
    return terms


def taxonomy_term_get(term_id: uuid.UUID) -> AnyTerm | None:
    if term_id in EXTENSION_TERMS_BY_ID:
        return EXTENSION_TERMS_BY_ID[term_id]
    return TaxonomyTerm.objects.select_related("taxonomy").filter(pk=term_id).first()
