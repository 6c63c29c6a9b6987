"""The Open Referral HSDS 3.0 API, mounted at /api/hsds/ (see sinergie/urls.py).

A NinjaAPI of its own, so that its OpenAPI document (/api/hsds/openapi.json) describes HSDS
alone. Endpoints parse parameters and call sinergie.directory.hsds, which holds the rules.
Responses are plain dicts validated against the official schemas in the tests; the OpenAPI
document points at those schemas and reuses the reference openapi.json's operation ids (except
for the taxonomy terms, whose two ids the reference file swaps).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import field_validator

from sinergie.directory import hsds

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
MAX_PER_PAGE = 200

NOT_FOUND = "No {entity} with id {id}."
BAD_ORGANIZATION_ID = "Not an organization id: give the HSDS UUID or Sinergie's numeric id."

DESCRIPTION = f"""Sinergie's directory of work-life balance services in the format of the
Open Referral Human Services Data Specification 3.0 (https://openreferral.org/, CC-BY-SA 4.0).

Only published services are listed. Texts are in Italian, or in English with `lang=en` where the
provider wrote them. Organizations' ids are UUIDs derived from Sinergie's numeric ids
(uuid5); `organization_id` filters accept either.

Profile `{hsds.PROFILE}`: plain HSDS 3.0 plus attributes whose taxonomy terms come from the
taxonomy "{hsds.EXTENSION_TAXONOMY.name}" (codes `sinergie:…`, listed at /taxonomy_terms):
availability during school closures (`{hsds.CLOSURE}:<period>`, value `start/end`), exceptions to
opening hours (`{hsds.EXCEPTION}:closed|hours`), the time zone of opening hours
(`{hsds.TIMEZONE_TERM}`, value `{hsds.TIMEZONE_NAME}`: times are local, without UTC offset) and
fictitious demo data (`{hsds.DEMO}`)."""

hsds_api = NinjaAPI(
    title="Sinergie – Open Referral HSDS 3.0",
    version="3.0",
    description=DESCRIPTION,
    urls_namespace="hsds",
    docs_url="/docs",
)

PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    },
}


def _documented(description: str, schema_path: str, *, page: bool = False) -> dict[str, Any]:
    """openapi_extra pointing at the official HSDS schema (inside a Page for lists), plus the 404."""
    schema: dict[str, Any] = {"$ref": SCHEMA_BASE + schema_path}
    if page:
        schema = {"allOf": [PAGE_SCHEMA], "properties": {"contents": {"type": "array", "items": schema}}}
    responses: dict[int, Any] = {200: {"description": description, "content": {"application/json": {"schema": schema}}}}
    if not page:
        responses[404] = {"description": "Unknown, or not public."}
    return {"responses": responses}


class Paging(Schema):
    page: int = Field(1, ge=1, description="1-based page number; a page past the end is empty.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description=f"Results per page, at most {MAX_PER_PAGE}.")
    lang: Literal["it", "en"] = Field("it", description="Language of the texts (English falls back to Italian).")


class Language(Schema):
    lang: Literal["it", "en"] = Field("it", description="Language of the texts (English falls back to Italian).")


class ServiceFilters(Paging):
    search: str | None = Field(None, description="Words in the name or description; case and accents do not matter.")
    taxonomy_term_id: uuid.UUID | None = Field(None, description="A taxonomy term; terms below it count too.")
    taxonomy_id: uuid.UUID | None = Field(None, description="Any term of this taxonomy.")
    organization_id: str | None = Field(None, description="The organization's HSDS UUID or Sinergie numeric id.")
    modified_after: datetime.datetime | None = Field(
        None, description="ISO 8601 date or date-time, on or after (Europe/Rome when no offset is given)."
    )
    full: bool = Field(False, description="Fully nested services, as /services/{id}.")

    @field_validator("organization_id")
    @classmethod
    def _organization_id_well_formed(cls, value: str | None) -> str | None:
        if value is None or not value.strip() or value.strip().isdigit():
            return value
        try:
            uuid.UUID(value.strip())
        except ValueError:
            raise ValueError(BAD_ORGANIZATION_ID) from None
        return value


class ServiceAtLocationFilters(ServiceFilters):
    postcode: str | None = Field(None, description="Postcode (CAP) of the location.")
    full: bool = Field(False, description="With the schedules, as /service_at_locations/{id}.")


class OrganizationFilters(Paging):
    search: str | None = Field(None, description="Words in the name or description; case and accents do not matter.")


class TaxonomyFilters(Paging):
    search: str | None = Field(None, description="Words in the name; case and accents do not matter.")


class TaxonomyTermFilters(Paging):
    search: str | None = Field(None, description="Words in the name or code; case and accents do not matter.")
    taxonomy_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    top_only: bool = Field(False, description="Only terms without a parent.")


def _service_filters(filters: ServiceFilters) -> dict[str, Any]:
    return {
        "search": filters.search,
        "taxonomy_term_id": filters.taxonomy_term_id,
        "taxonomy_id": filters.taxonomy_id,
        "organization_id": filters.organization_id,
        "modified_after": filters.modified_after,
    }


def _not_found(entity: str, id: object) -> HttpError:
    return HttpError(404, NOT_FOUND.format(entity=entity, id=id))


@hsds_api.get("/", summary="About this API and its HSDS profile", operation_id="getAPIMetaInformation", tags=["meta"])
def root(request: HttpRequest) -> dict[str, str]:
    return hsds.api_root(settings.SITE_URL + reverse("hsds:openapi-json"))


@hsds_api.get(
    "/services",
    summary="Published services",
    operation_id="getPaginatedListOfServices",
    tags=["services"],
    openapi_extra=_documented("A page of services.", "compiled/service_list.json", page=True),
)
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    """One-to-one fields and the organization; with `full=true` everything, as /services/{id}. Filters AND."""
    queryset = hsds.services_public(**_service_filters(filters), full=filters.full)
    return hsds.page_to_hsds(
        queryset,
        page=filters.page,
        per_page=filters.per_page,
        convert=lambda service: hsds.service_to_hsds(service, language=filters.lang, full=filters.full),
    )


@hsds_api.get(
    "/services/{id}",
    summary="One service, fully nested",
    operation_id="getFullyNestedServiceById",
    tags=["services"],
    openapi_extra=_documented("The service.", "compiled/service.json"),
)
def service_detail(request: HttpRequest, id: uuid.UUID, params: Query[Language]) -> dict[str, Any]:
    service = hsds.service_public_get(id)
    if service is None:
        raise _not_found("service", id)
    return hsds.service_to_hsds(service, language=params.lang, full=True)


@hsds_api.get(
    "/service_at_locations",
    summary="Services at their locations",
    operation_id="getPaginatedListOfServiceAtLocation",
    tags=["services"],
    openapi_extra=_documented("A page of services at locations.", "compiled/service_at_location_list.json", page=True),
)
def service_at_locations(request: HttpRequest, filters: Query[ServiceAtLocationFilters]) -> dict[str, Any]:
    """Each with its location and service (one-to-one fields); the service filters apply, AND."""
    queryset = hsds.service_at_locations_public(
        **_service_filters(filters), postcode=filters.postcode, full=filters.full
    )
    return hsds.page_to_hsds(
        queryset,
        page=filters.page,
        per_page=filters.per_page,
        convert=lambda sal: hsds.service_at_location_to_hsds(sal, filters.lang, full=filters.full, with_service=True),
    )


@hsds_api.get(
    "/service_at_locations/{id}",
    summary="One service at a location",
    operation_id="getServiceAtLocationWithNestedDataById",
    tags=["services"],
    openapi_extra=_documented("The service at a location.", "service_at_location.json"),
)
def service_at_location_detail(request: HttpRequest, id: uuid.UUID, params: Query[Language]) -> dict[str, Any]:
    sal = hsds.service_at_location_public_get(id)
    if sal is None:
        raise _not_found("service at location", id)
    return hsds.service_at_location_to_hsds(sal, params.lang, full=True, with_service=True)


@hsds_api.get(
    "/organizations",
    summary="Organizations that publish services",
    operation_id="getPaginatedListOfOrganizations",
    tags=["organizations"],
    openapi_extra=_documented("A page of organizations.", "compiled/organization_list.json", page=True),
)
def organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, Any]:
    return hsds.page_to_hsds(
        hsds.organizations_public(search=filters.search),
        page=filters.page,
        per_page=filters.per_page,
        convert=lambda organization: hsds.organization_to_hsds(organization, filters.lang),
    )


@hsds_api.get(
    "/organizations/{id}",
    summary="One organization with its services and locations",
    operation_id="getOrganizationById",
    tags=["organizations"],
    openapi_extra=_documented("The organization.", "compiled/organization.json"),
)
def organization_detail(request: HttpRequest, id: str, params: Query[Language]) -> dict[str, Any]:
    """`id` is the HSDS UUID or Sinergie's numeric id."""
    try:
        organization = hsds.organization_public_get(id)
    except hsds.OrganizationIdError:
        raise ValidationError([{"type": "value_error", "loc": ["path", "id"], "msg": BAD_ORGANIZATION_ID}]) from None
    if organization is None:
        raise _not_found("organization", id)
    services, locations = hsds.organization_services_and_locations(organization)
    return hsds.organization_full_to_hsds(organization, services=services, locations=locations, language=params.lang)


@hsds_api.get(
    "/taxonomies",
    summary="Taxonomies",
    operation_id="getPaginatedListOfTaxonomies",
    tags=["taxonomies"],
    openapi_extra=_documented("A page of taxonomies.", "taxonomy.json", page=True),
)
def taxonomies(request: HttpRequest, filters: Query[TaxonomyFilters]) -> dict[str, Any]:
    """Sinergie's conciliation taxonomy and the extension taxonomy of this profile."""
    return hsds.page_to_hsds(
        hsds.taxonomies_all(search=filters.search),
        page=filters.page,
        per_page=filters.per_page,
        convert=hsds.taxonomy_to_hsds,
    )


@hsds_api.get(
    "/taxonomies/{id}",
    summary="One taxonomy",
    operation_id="getTaxonomyById",
    tags=["taxonomies"],
    openapi_extra=_documented("The taxonomy.", "taxonomy.json"),
)
def taxonomy_detail(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    taxonomy = hsds.taxonomy_get(id)
    if taxonomy is None:
        raise _not_found("taxonomy", id)
    return hsds.taxonomy_to_hsds(taxonomy)


@hsds_api.get(
    "/taxonomy_terms",
    summary="Taxonomy terms",
    operation_id="getPaginatedListOfTaxonomyTerms",
    tags=["taxonomies"],
    openapi_extra=_documented("A page of taxonomy terms.", "taxonomy_term.json", page=True),
)
def taxonomy_terms(request: HttpRequest, filters: Query[TaxonomyTermFilters]) -> dict[str, Any]:
    terms = hsds.taxonomy_terms_all(
        search=filters.search, taxonomy_id=filters.taxonomy_id, parent_id=filters.parent_id, top_only=filters.top_only
    )
    return hsds.page_to_hsds(
        terms,
        page=filters.page,
        per_page=filters.per_page,
        convert=lambda term: hsds.taxonomy_term_to_hsds(term, filters.lang),
    )


@hsds_api.get(
    "/taxonomy_terms/{id}",
    summary="One taxonomy term",
    operation_id="getTaxonomyTermById",
    tags=["taxonomies"],
    openapi_extra=_documented("The taxonomy term.", "taxonomy_term.json"),
)
def taxonomy_term_detail(request: HttpRequest, id: uuid.UUID, params: Query[Language]) -> dict[str, Any]:
    term = hsds.taxonomy_term_get(id)
    if term is None:
        raise _not_found("taxonomy term", id)
    return hsds.taxonomy_term_to_hsds(term, params.lang)
