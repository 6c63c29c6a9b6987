"""The Open Referral HSDS 3.0 API, mounted at /api/hsds/ (see sinergie/urls.py).

A NinjaAPI of its own, so that its OpenAPI document (/api/hsds/openapi.json) describes HSDS
alone. Endpoints parse parameters and call sinergie.directory.hsds, which holds the rules.
Responses are plain dicts validated against the official schemas in the tests; the OpenAPI
document carries those schemas (standards/hsds-3.0/, unchanged but for their references, which
point inside the document) as components, so that a client validates offline, and reuses the
reference openapi.json's operation ids (except for the taxonomy terms, whose two ids the
reference file swaps). Refusals have the shape of sinergie.lib.api_errors.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from sinergie.directory import hsds, hsds_selectors
from sinergie.lib.api_errors import ErrorOut, ValidationErrorOut, invalid_parameter, not_found
from sinergie.lib.api_head import HeadAsGetMixin

# The official schemas, vendored unchanged (README there); each file becomes the component
# "hsds_<name>" ("hsds_service_list" for compiled/service_list.json).
SCHEMA_DIR = settings.BASE_DIR / "standards" / "hsds-3.0"
SCHEMA_FILES = [
    *(path.name for path in sorted(SCHEMA_DIR.glob("*.json")) if path.name != "openapi.json"),
    "compiled/organization_list.json",
    "compiled/service_at_location_list.json",
    "compiled/service_list.json",
]
MAX_PER_PAGE = 200

NOT_FOUND = "No {entity} with id {id}."
BAD_ORGANIZATION_ID = "Not an organization id: give the HSDS UUID or Sinergie's numeric id."
BAD_MODIFIED_AFTER = (
    "Not an ISO 8601 date or date-time: give e.g. 2026-01-31 or 2026-01-31T08:00:00+01:00 (numbers are not read as "
    "timestamps)."
)
# What the organization ids accept: our derived UUID, or our numeric key.
ORGANIZATION_ID_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "format": "uuid"}, {"type": "string", "pattern": "^[0-9]+$"}]
}
MODIFIED_AFTER_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
}

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


def _component_name(schema_file: str) -> str:
    return "hsds_" + schema_file.removeprefix("compiled/").removesuffix(".json")


def _local_refs(node: Any) -> Any:
    """The schema with its references to other files ("phone.json") pointing at their components."""
    if isinstance(node, dict):
        return {
            key: (
                "#/components/schemas/" + _component_name(value)
                if key == "$ref" and isinstance(value, str) and value.endswith(".json")
                else _local_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_local_refs(item) for item in node]
    return node


@functools.cache
def hsds_components() -> dict[str, Any]:
    """The official schemas as OpenAPI components, plus the shapes of refusals."""
    components = {
        _component_name(name): _local_refs(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))
        for name in SCHEMA_FILES
    }
    for model in (ErrorOut, ValidationErrorOut):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return components


class HsdsAPI(HeadAsGetMixin, NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["schemas"].update(hsds_components())
        return schema


hsds_api = HsdsAPI(
    title="Sinergie – Open Referral HSDS 3.0",
    version="3.0",
    description=DESCRIPTION,
    urls_namespace="hsds",
    docs_url="/docs",
)

PAGE_FIELDS = {
    "total_items": "integer",
    "total_pages": "integer",
    "page_number": "integer",
    "size": "integer",
    "first_page": "boolean",
    "last_page": "boolean",
    "empty": "boolean",
}
PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": kind} for name, kind in PAGE_FIELDS.items()},
    "required": list(PAGE_FIELDS),
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _documented(description: str, schema_file: str, *, page: bool = False) -> dict[str, Any]:
    """openapi_extra: the official schema (inside a Page for lists), the 404 of a detail, the 422."""
    schema: dict[str, Any] = {"$ref": "#/components/schemas/" + _component_name(schema_file)}
    if page:
        schema = {
            "allOf": [PAGE_SCHEMA],
            "properties": {"contents": {"type": "array", "items": schema}},
            "required": ["contents"],
        }
    responses: dict[int, Any] = {200: _json(schema, description)}
    if not page:
        responses[404] = _json({"$ref": "#/components/schemas/ErrorOut"}, "Unknown, or not public.")
    responses[422] = _json({"$ref": "#/components/schemas/ValidationErrorOut"}, "A parameter is not valid: `loc`.")
    return {"responses": responses}


def _schema(schema: dict[str, Any]) -> Any:
    """json_schema_extra documenting a parameter taken as text as what its validator accepts."""

    def replace(generated: dict[str, Any]) -> None:
        description = generated.get("description")
        generated.clear()
        generated.update(schema, description=description)

    return replace


class Paging(Schema):
    page: int = Field(1, ge=1, description="1-based page number; a page past the end is empty.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description=f"Results per page, at most {MAX_PER_PAGE}.")
    lang: Literal["it", "en"] = Field("it", description="Language of the texts (English falls back to Italian).")


class Language(Schema):
    lang: Literal["it", "en"] = Field("it", description="Language of the texts (English falls back to Italian).")


class OrganizationRef(Schema):
    id: str = Field(
        description="The HSDS UUID or Sinergie's numeric id.", json_schema_extra=_schema(ORGANIZATION_ID_SCHEMA)
    )


class ServiceFilters(Paging):
    search: str | None = Field(None, description="Words in the name or description; case and accents do not matter.")
    taxonomy_term_id: uuid.UUID | None = Field(None, description="A taxonomy term; terms below it count too.")
    taxonomy_id: uuid.UUID | None = Field(None, description="Any term of this taxonomy.")
    organization_id: str | None = Field(
        None,
        description="The organization's HSDS UUID or Sinergie numeric id.",
        json_schema_extra=_schema(ORGANIZATION_ID_SCHEMA),
    )
    modified_after: datetime.datetime | None = Field(
        None,
        description="ISO 8601 date or date-time, on or after (Europe/Rome when no offset is given).",
        json_schema_extra=_schema(MODIFIED_AFTER_SCHEMA),
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

    @field_validator("modified_after", mode="before")
    @classmethod
    def _modified_after_iso_8601(cls, value: Any) -> datetime.datetime | None:
        """Only ISO 8601: pydantic alone would read `0.5` as a Unix timestamp."""
        if value is None or isinstance(value, datetime.datetime):
            return value
        text = value.strip() if isinstance(value, str) else ""
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(BAD_MODIFIED_AFTER) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # settings.TIME_ZONE, Europe/Rome
        try:
            return moment.astimezone(datetime.UTC)  # years 1 and 9999 overflow here, not in the database
        except OverflowError:
            raise ValueError(BAD_MODIFIED_AFTER) from None


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
    return not_found(NOT_FOUND.format(entity=entity, id=id))


ROOT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in ("version", "profile", "openapi_url")},
    "required": ["version", "profile", "openapi_url"],
}


@hsds_api.get(
    "/",
    summary="About this API and its HSDS profile",
    operation_id="getAPIMetaInformation",
    tags=["meta"],
    openapi_extra={"responses": {200: _json(ROOT_SCHEMA, "The HSDS version, profile and this document's URL.")}},
)
def root(request: HttpRequest) -> dict[str, str]:
    # The host the client asked (one of ALLOWED_HOSTS), not SITE_URL: a client that reached the API
    # through another of the site's names, or a development server on another port, can follow it.
    return hsds.api_root(request.build_absolute_uri(reverse("hsds:openapi-json")))


@hsds_api.get(
    "/services",
    summary="Published services",
    operation_id="getPaginatedListOfServices",
    tags=["services"],
    openapi_extra=_documented("A page of services.", "compiled/service_list.json", page=True),
)
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    """One-to-one fields and the organization; with `full=true` everything, as /services/{id}. Filters AND."""
    queryset = hsds_selectors.services_public(**_service_filters(filters), full=filters.full)
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
    openapi_extra=_documented("The service.", "service.json"),
)
def service_detail(request: HttpRequest, id: uuid.UUID, params: Query[Language]) -> dict[str, Any]:
    service = hsds_selectors.service_public_get(id)
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
    queryset = hsds_selectors.service_at_locations_public(
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
    sal = hsds_selectors.service_at_location_public_get(id)
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
        hsds_selectors.organizations_public(search=filters.search),
        page=filters.page,
        per_page=filters.per_page,
        convert=lambda organization: hsds.organization_to_hsds(organization, filters.lang),
    )


@hsds_api.get(
    "/organizations/{id}",
    summary="One organization with its services and locations",
    operation_id="getOrganizationById",
    tags=["organizations"],
    openapi_extra=_documented("The organization.", "organization.json"),
)
def organization_detail(request: HttpRequest, path: Path[OrganizationRef], params: Query[Language]) -> dict[str, Any]:
    """`id` is the HSDS UUID or Sinergie's numeric id."""
    id = path.id
    try:
        organization = hsds_selectors.organization_public_get(id)
    except hsds_selectors.OrganizationIdError:
        raise invalid_parameter("id", BAD_ORGANIZATION_ID, location="path") from None
    if organization is None:
        raise _not_found("organization", id)
    services, locations = hsds_selectors.organization_services_and_locations(organization)
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
        hsds_selectors.taxonomies_all(search=filters.search),
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
    taxonomy = hsds_selectors.taxonomy_get(id)
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
    terms = hsds_selectors.taxonomy_terms_all(
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
    term = hsds_selectors.taxonomy_term_get(id)
    if term is None:
        raise _not_found("taxonomy term", id)
    return hsds.taxonomy_term_to_hsds(term, params.lang)
