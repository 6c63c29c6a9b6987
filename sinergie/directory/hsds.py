"""The directory as Open Referral HSDS 3.0 (standards/hsds-3.0/): the profile and model → dict conversions.

The API in hsds_api.py only parses parameters and calls these functions and the querysets of
hsds_selectors.py; the conversions are pure (model instances in, JSON-ready dicts out), so they
are tested without HTTP.

Identifiers. Directory rows have UUID primary keys and keep them. Rows without one get a UUID
derived with uuid5 from NAMESPACE and a readable name, so the same row always has the same id:
organizations `organization:<pk>` (Organization's key is an integer), addresses, phones,
languages, accessibility notes and attributes likewise. NAMESPACE must never change: consumers
store these ids.

Profile (PROFILE). Plain HSDS 3.0 plus attributes whose taxonomy terms belong to the extension
taxonomy below ("sinergie:" codes), for what HSDS cannot say:
- availability while schools are closed: one attribute per period, term
  `sinergie:school-closure-availability:<period>`, value the ISO 8601 interval `start/end`;
- exceptions to opening hours, on the schedule: `sinergie:schedule-exception:closed` or
  `:hours` (value `start/end` or `start/end HH:MM-HH:MM`);
- the time zone of opening hours, on each schedule: `sinergie:timezone`, value `Europe/Rome`.
  Times are local civil time; HSDS's numeric `timezone` (a fixed UTC offset) cannot follow
  daylight saving time, so it is left out;
- fictitious demo data: `sinergie:demo-data` (and the service's `alert` says so).
Only published services are public, and organizations only when they publish a service.
Empty values are left out rather than sent as null or "" (HSDS types them as strings),
except where the schema requires the field.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import get_language_info

from sinergie.directory.models import (
    ClosureAvailability,
    ClosurePeriodKind,
    CostOption,
    CostUnit,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sinergie.organizations.models import Organization

HSDS_VERSION = "3.0"
PROFILE = "urn:sinergie:hsds-profile:it-lombardy"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sinergie:hsds")
TIMEZONE_NAME = "Europe/Rome"
COUNTRY = "IT"
CURRENCY = "EUR"

# Fixed texts in both languages: the API speaks the language asked for, not the visitor's.
TEXTS: dict[str, tuple[str, str]] = {
    "demo_alert": (
        "Dati fittizi a scopo dimostrativo: questo servizio non esiste.",
        "Fictitious demonstration data: this service does not exist.",
    ),
    "price_on_request": ("Prezzo su richiesta", "Price on request"),
}


def text(key: str, language: str) -> str:
    italian, english = TEXTS[key]
    return english if language == "en" else italian


def derived_uuid(kind: str, *parts: object) -> uuid.UUID:
    """A stable UUID for something that has no UUID of its own: uuid5(NAMESPACE, "kind:part:part")."""
    return uuid.uuid5(NAMESPACE, ":".join([kind, *(str(part) for part in parts)]))


def organization_uuid(pk: int) -> uuid.UUID:
    return derived_uuid("organization", pk)


# --- The extension taxonomy -------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionTaxonomy:
    name: str
    description: str
    version: str
    uri: str = ""

    @property
    def id(self) -> uuid.UUID:
        return derived_uuid("taxonomy", "sinergie-extensions")


EXTENSION_TAXONOMY = ExtensionTaxonomy(
    name="Sinergie – estensioni HSDS",
    description="What HSDS 3.0 cannot express: availability during school closures, exceptions to opening "
    "hours, the time zone of opening hours, demo data.",
    version="1",
)


@dataclass(frozen=True)
class ExtensionTerm:
    code: str
    parent_code: str | None
    name_it: str
    name_en: str
    description_it: str = ""
    description_en: str = ""
    position: int = 0

    taxonomy = EXTENSION_TAXONOMY

    @property
    def id(self) -> uuid.UUID:
        return derived_uuid("taxonomy_term", self.code)

    @property
    def parent_id(self) -> uuid.UUID | None:
        return derived_uuid("taxonomy_term", self.parent_code) if self.parent_code else None

    @property
    def taxonomy_id(self) -> uuid.UUID:
        return self.taxonomy.id

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_it


CLOSURE = "sinergie:school-closure-availability"
EXCEPTION = "sinergie:schedule-exception"
EXCEPTION_CLOSED = f"{EXCEPTION}:closed"
EXCEPTION_HOURS = f"{EXCEPTION}:hours"
TIMEZONE_TERM = "sinergie:timezone"
DEMO = "sinergie:demo-data"

CLOSURE_PERIOD_NAMES: dict[str, tuple[str, str]] = {
    ClosurePeriodKind.SEPTEMBER: ("Settembre prima della scuola", "September before school"),
    ClosurePeriodKind.CHRISTMAS: ("Vacanze di Natale", "Christmas holidays"),
    ClosurePeriodKind.CARNIVAL: ("Carnevale", "Carnival"),
    ClosurePeriodKind.EASTER: ("Vacanze di Pasqua", "Easter holidays"),
    ClosurePeriodKind.BRIDGE: ("Ponti e festività", "Bridge days and holidays"),
    ClosurePeriodKind.SUMMER: ("Estate", "Summer"),
    ClosurePeriodKind.OTHER: ("Altre chiusure scolastiche", "Other school closures"),
}

EXTENSION_TERMS: list[ExtensionTerm] = [
    ExtensionTerm(
        CLOSURE,
        None,
        "Disponibile durante le chiusure scolastiche",
        "Available while schools are closed",
        "Valore: l'intervallo di date ISO 8601 inizio/fine in cui il servizio funziona.",
        "Value: the ISO 8601 date interval start/end on which the service runs.",
    ),
    *(
        ExtensionTerm(f"{CLOSURE}:{period}", CLOSURE, name_it, name_en)
        for period, (name_it, name_en) in CLOSURE_PERIOD_NAMES.items()
    ),
    ExtensionTerm(
        EXCEPTION,
        None,
        "Eccezione all'orario",
        "Exception to the opening hours",
        "Valore: l'intervallo di date ISO 8601 inizio/fine, seguito dall'orario HH:MM-HH:MM se diverso.",
        "Value: the ISO 8601 date interval start/end, followed by the hours HH:MM-HH:MM when different.",
    ),
    ExtensionTerm(EXCEPTION_CLOSED, EXCEPTION, "Chiuso", "Closed"),
    ExtensionTerm(EXCEPTION_HOURS, EXCEPTION, "Orario diverso", "Different hours"),
    ExtensionTerm(
        TIMEZONE_TERM,
        None,
        "Fuso orario",
        "Time zone",
        "Valore: il fuso orario IANA degli orari, che sono ora civile locale.",
        "Value: the IANA time zone of the opening hours, which are local civil time.",
    ),
    ExtensionTerm(DEMO, None, "Dati dimostrativi fittizi", "Fictitious demo data"),
]
EXTENSION_TERMS_BY_CODE = {term.code: term for term in EXTENSION_TERMS}
EXTENSION_TERMS_BY_ID = {term.id: term for term in EXTENSION_TERMS}

AnyTerm = TaxonomyTerm | ExtensionTerm
AnyTaxonomy = Taxonomy | ExtensionTaxonomy


# --- Small helpers ------------------------------------------------------------------------------


def _compact(data: dict[str, Any], *, required: Iterable[str] = ()) -> dict[str, Any]:
    """Leave out None and "" (HSDS has no nulls), but keep required keys, as "" if need be."""
    keep = set(required)
    return {
        key: ("" if value is None else value)
        for key, value in data.items()
        if key in keep or (value is not None and value != "")
    }


def _localized(obj: Any, field: str, language: str) -> str:
    """The English text when asked for and present, the Italian one otherwise."""
    if language == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_it", "")


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _age_years(months: int | None) -> float | None:
    return None if months is None else round(months / 12, 2)


def language_name(code: str, language: str) -> str:
    """The name of a language (ISO 639-1 code) in `language`, from Django's own list; the code if unknown."""
    try:
        info = get_language_info(code)
    except KeyError:
        return code
    with translation.override(language):
        return str(info["name_translated"])


# --- Conversions --------------------------------------------------------------------------------


def taxonomy_to_hsds(taxonomy: AnyTaxonomy) -> dict[str, Any]:
    return _compact(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        },
        required=("description",),
    )


def taxonomy_term_to_hsds(term: AnyTerm, language: str = "it") -> dict[str, Any]:
    return _compact(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name(language),
            "description": _localized(term, "description", language),
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_detail": taxonomy_to_hsds(term.taxonomy),
            "language": language,
            "taxonomy_id": str(term.taxonomy_id),
        },
        required=("description",),
    )


def attribute_to_hsds(
    *, term: AnyTerm, link_entity: str, link_id: uuid.UUID, link_type: str, value: str = "", language: str = "it"
) -> dict[str, Any]:
    """An HSDS attribute: `term` said of the `link_entity` row `link_id`. Its id depends on all of them."""
    return _compact(
        {
            "id": str(derived_uuid("attribute", link_entity, link_id, term.code, value)),
            "link_id": str(link_id),
            "taxonomy_term_id": str(term.id),
            "link_type": link_type,
            "link_entity": link_entity,
            "value": value,
            "taxonomy_term": taxonomy_term_to_hsds(term, language),
        }
    )


def _extension_attribute(
    code: str, *, link_entity: str, link_id: uuid.UUID, value: str = "", language: str
) -> dict[str, Any]:
    term = EXTENSION_TERMS_BY_CODE[code]
    link_type = code.removeprefix("sinergie:").split(":")[0].replace("-", "_")
    return attribute_to_hsds(
        term=term, link_entity=link_entity, link_id=link_id, link_type=link_type, value=value, language=language
    )


def organization_to_hsds(organization: Organization, language: str = "it") -> dict[str, Any]:
    """The organization's own fields (the `/organizations` list and the `organization` of a service)."""
    return _compact(
        {
            "id": str(organization_uuid(organization.pk)),
            "name": organization.name,
            "description": organization.description(language),
            "email": organization.email,
            "website": organization.website,
            "tax_id": organization.vat_number,
        },
        required=("description",),
    )


def organization_full_to_hsds(
    organization: Organization,
    *,
    services: Sequence[Service],
    locations: Sequence[Location],
    language: str = "it",
) -> dict[str, Any]:
    """`/organizations/{id}`: its fields, phone, locations and published services (one-to-one fields)."""
    data = organization_to_hsds(organization, language)
    org_id = data["id"]
    phone_id = derived_uuid("phone", "organization", organization.pk)
    data["phones"] = (
        [{"id": str(phone_id), "organization_id": org_id, "number": organization.phone}] if organization.phone else []
    )
    data["locations"] = [location_to_hsds(location, language) for location in locations]
    data["services"] = [service_to_hsds(service, language=language, nested_organization=False) for service in services]
    return data


def address_to_hsds(location: Location) -> dict[str, Any]:
    municipality = location.municipality
    return _compact(
        {
            "id": str(derived_uuid("address", location.id)),
            "location_id": str(location.id),
            "address_1": location.address_1,
            "city": municipality.name,
            "region": municipality.region.name,
            "state_province": municipality.province.abbreviation,
            "postal_code": location.postal_code,
            "country": COUNTRY,
            "address_type": "physical",
        },
        required=("address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


def location_to_hsds(location: Location, language: str = "it") -> dict[str, Any]:
    """A physical location with its address (municipality, province and region joined)."""
    data = _compact(
        {
            "id": str(location.id),
            "location_type": "physical",
            "organization_id": str(organization_uuid(location.organization_id)),
            "name": location.name,
            "description": location.description,
            "transportation": location.transportation,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )
    data["addresses"] = [address_to_hsds(location)]
    accessibility = _localized(location, "accessibility", language)
    accessibility_id = derived_uuid("accessibility", location.id)
    data["accessibility"] = (
        [{"id": str(accessibility_id), "location_id": str(location.id), "description": accessibility}]
        if accessibility
        else []
    )
    return data


def _exception_value(exception: ScheduleException) -> str:
    value = f"{exception.start.isoformat()}/{exception.end.isoformat()}"
    if not exception.closed and exception.opens_at and exception.closes_at:
        value += f" {_time(exception.opens_at)}-{_time(exception.closes_at)}"
    return value


def schedule_to_hsds(schedule: Schedule, language: str = "it") -> dict[str, Any]:
    """Weekly hours as an iCalendar rule; its exceptions and time zone as extension attributes.

    Expects `exceptions` prefetched.
    """
    attributes = [
        _extension_attribute(
            TIMEZONE_TERM, link_entity="schedule", link_id=schedule.id, value=TIMEZONE_NAME, language=language
        )
    ]
    for exception in schedule.exceptions.all():
        closed = exception.closed or not (exception.opens_at and exception.closes_at)
        attributes.append(
            _extension_attribute(
                EXCEPTION_CLOSED if closed else EXCEPTION_HOURS,
                link_entity="schedule",
                link_id=schedule.id,
                value=_exception_value(exception),
                language=language,
            )
        )
    data = _compact(
        {
            "id": str(schedule.id),
            "service_id": str(schedule.service_id) if schedule.service_id else None,
            "service_at_location_id": (
                str(schedule.service_at_location_id) if schedule.service_at_location_id else None
            ),
            "valid_from": _date(schedule.valid_from),
            "valid_to": _date(schedule.valid_to),
            "wkst": "MO",
            "freq": "WEEKLY",
            "interval": 1,
            "byday": schedule.byday,
            "opens_at": _time(schedule.opens_at),
            "closes_at": _time(schedule.closes_at),
            "description": _localized(schedule, "description", language),
        }
    )
    data["attributes"] = attributes
    return data


def cost_option_to_hsds(cost: CostOption, language: str = "it") -> dict[str, Any]:
    """Amount in euro (our cents / 100); the unit, or "price on request", as amount_description."""
    if cost.amount_cents is None:
        amount_description = text("price_on_request", language)
    else:
        with translation.override(language):
            amount_description = str(CostUnit(cost.unit).label)
    return _compact(
        {
            "id": str(cost.id),
            "service_id": str(cost.service_id),
            "valid_from": _date(cost.valid_from),
            "valid_to": _date(cost.valid_to),
            "option": _localized(cost, "option", language),
            "currency": CURRENCY,
            "amount": None if cost.amount_cents is None else cost.amount_cents / 100,
            "amount_description": amount_description,
        }
    )


def closure_attribute_to_hsds(closure: ClosureAvailability, language: str = "it") -> dict[str, Any]:
    """One period of availability during school closures: the period's term, value `start/end`."""
    data = _extension_attribute(
        f"{CLOSURE}:{closure.period}",
        link_entity="service",
        link_id=closure.service_id,
        value=f"{closure.start.isoformat()}/{closure.end.isoformat()}",
        language=language,
    )
    if closure.note:
        data["note"] = closure.note  # an extra property, as HSDS allows; the schema has no place for it
    return data


def service_at_location_to_hsds(
    sal: ServiceAtLocation, language: str = "it", *, full: bool = True, with_service: bool = False
) -> dict[str, Any]:
    """A service at a location with the full location; with `full`, its schedules (prefetched)."""
    data = _compact(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
        }
    )
    if full:
        data["schedules"] = [schedule_to_hsds(schedule, language) for schedule in sal.schedules.all()]
    data["location"] = location_to_hsds(sal.location, language)
    if with_service:
        data["service"] = service_to_hsds(sal.service, language=language)
    return data


def service_to_hsds(
    service: Service, *, language: str = "it", full: bool = False, nested_organization: bool = True
) -> dict[str, Any]:
    """A published service: its one-to-one fields, or with `full` everything nested (`/services/{id}`).

    `full` expects the prefetches of `services_public(full=True)`; otherwise only the organization
    is read (select_related).
    """
    data = _compact(
        {
            "id": str(service.id),
            "organization_id": str(organization_uuid(service.organization_id)),
            "name": service.name(language),
            "description": _localized(service, "description", language),
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "application_process": _localized(service, "application_process", language),
            "fees_description": _localized(service, "fees_description", language),
            "eligibility_description": _localized(service, "eligibility_description", language),
            "minimum_age": _age_years(service.minimum_age_months),
            "maximum_age": _age_years(service.maximum_age_months),
            "alert": text("demo_alert", language) if service.is_demo else None,
            "last_modified": service.updated_at.isoformat(),
        }
    )
    if nested_organization:
        data["organization"] = organization_to_hsds(service.organization, language)
    if not full:
        return data
    phone_id = derived_uuid("phone", "service", service.id)
    data["phones"] = (
        [{"id": str(phone_id), "service_id": str(service.id), "number": service.phone}] if service.phone else []
    )
    data["schedules"] = [schedule_to_hsds(schedule, language) for schedule in service.schedules.all()]
    data["service_at_locations"] = [service_at_location_to_hsds(sal, language) for sal in service.sites.all()]
    data["languages"] = [
        {
            "id": str(derived_uuid("language", service.id, code)),
            "service_id": str(service.id),
            "name": language_name(code, language),
            "code": code,
        }
        for code in service.languages or []
    ]
    data["cost_options"] = [cost_option_to_hsds(cost, language) for cost in service.costs.all()]
    attributes = [
        attribute_to_hsds(term=term, link_entity="service", link_id=service.id, link_type="category", language=language)
        for term in service.categories.all()
    ]
    attributes += [closure_attribute_to_hsds(closure, language) for closure in service.closure_availability.all()]
    if service.is_demo:
        attributes.append(
            _extension_attribute(DEMO, link_entity="service", link_id=service.id, value="true", language=language)
        )
    data["attributes"] = attributes
    return data


def api_root(openapi_url: str) -> dict[str, str]:
    return {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": openapi_url}


# --- Paging -------------------------------------------------------------------------------------


def page_to_hsds(items: QuerySet[Any] | Sequence[Any], *, page: int, per_page: int, convert: Any) -> dict[str, Any]:
    """The HSDS Page: a page past the end is empty (not an error), with `last_page` true."""
    total = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * per_page
    contents = [convert(item) for item in items[start : start + per_page]] if start < total else []
    total_pages = -(-total // per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
