"""The HSDS 3.0 API (/api/hsds/): every response is validated against the official schemas."""

from __future__ import annotations

import datetime
import json
import os
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sinergie.conftest import OrganizationFactory
from sinergie.directory import hsds, hsds_selectors
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sinergie.directory.taxonomy import TERMS
from sinergie.organizations.models import Organization
from sinergie.territory.models import Municipality, Province, Region

URL = "/api/hsds"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
REPO = Path(__file__).resolve().parents[3]
# The official files are not (yet) in the repository: HSDS_SCHEMA_DIR, a vendored copy, or the shared folder.
SCHEMA_DIRS = [
    Path(os.environ.get("HSDS_SCHEMA_DIR", REPO / "standards" / "hsds-3.0")),
    REPO / "standards" / "hsds-3.0",
    REPO.parent / "shared" / "standards" / "hsds-3.0",
]
SCHEMA_DIR = next((path for path in SCHEMA_DIRS if (path / "service.json").exists()), None)

pytestmark = pytest.mark.django_db


# --- Validating against the official schemas ---------------------------------------------------


@cache
def _registry() -> Registry:
    assert SCHEMA_DIR is not None
    resources = []
    for path in [*SCHEMA_DIR.glob("*.json"), *SCHEMA_DIR.glob("compiled/*.json")]:
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        uri = SCHEMA_BASE + str(path.relative_to(SCHEMA_DIR))
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def _validator(schema_path: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": SCHEMA_BASE + schema_path}, registry=_registry(), format_checker=FormatChecker()
    )


def assert_valid(instance: Any, *schema_paths: str) -> None:
    if SCHEMA_DIR is None:
        if os.environ.get("CI") == "true":
            pytest.fail("The HSDS 3.0 schemas are missing (set HSDS_SCHEMA_DIR).")
        pytest.skip("The HSDS 3.0 schemas are missing (set HSDS_SCHEMA_DIR).")
    for schema_path in schema_paths:
        errors = sorted(_validator(schema_path).iter_errors(instance), key=lambda error: list(error.path))
        assert not errors, f"{schema_path}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def assert_page(body: dict[str, Any], *item_schemas: str) -> None:
    assert set(body) == PAGE_KEYS
    assert isinstance(body["contents"], list)
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        assert_valid(item, *item_schemas)


# --- Data ---------------------------------------------------------------------------------------


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(code=code)


class Directory:
    """Two providers with published services, a draft, a company that publishes nothing."""

    def __init__(self) -> None:
        region = Region.objects.create(istat_code="03", name="Lombardia")
        province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
        self.melzo = Municipality.objects.create(
            istat_code="015142",
            name="Melzo",
            search_name="melzo",
            cadastral_code="F119",
            province=province,
            region=region,
        )
        self.provider = OrganizationFactory(
            kind="provider",
            name="Cooperativa Aurora",
            slug="aurora",
            description_it="Cooperativa sociale.",
            email="info@aurora.example.org",
            website="https://aurora.example.org",
            vat_number="12345678901",
            phone="02 1234567",
        )
        self.other_provider = OrganizationFactory(kind="provider", name="Nidi Riuniti", slug="nidi")
        self.draft_only_provider = OrganizationFactory(kind="provider", name="Solo bozze", slug="bozze")
        self.company = OrganizationFactory(kind="company", name="Azienda", slug="azienda")

        self.camp = Service.objects.create(
            organization=self.provider,
            state="published",
            name_it="Centro estivo Caffè",
            name_en="Coffee summer camp",
            description_it="Giochi e compiti per l'estate.",
            description_en="Games and homework in summer.",
            url="https://aurora.example.org/estate",
            email="estate@aurora.example.org",
            phone="02 7654321",
            minimum_age_months=36,
            maximum_age_months=150,
            languages=["it", "en"],
            eligibility_description_it="Figli dei dipendenti delle aziende aderenti.",
            fees_description_it="Sconti per fratelli.",
            application_process_it="Modulo online.",
        )
        self.camp.categories.add(term("summer_camp"))
        self.location = Location.objects.create(
            organization=self.provider,
            name="Oratorio San Luigi",
            address_1="Via Roma 1",
            postal_code="20066",
            municipality=self.melzo,
            latitude=45.5,
            longitude=9.42,
            accessibility_it="Senza barriere.",
        )
        self.site = ServiceAtLocation.objects.create(service=self.camp, location=self.location)
        self.site_schedule = Schedule.objects.create(
            service_at_location=self.site,
            byday="MO,TU,WE,TH,FR",
            opens_at=datetime.time(8),
            closes_at=datetime.time(17, 30),
            valid_from=datetime.date(2026, 6, 15),
            valid_to=datetime.date(2026, 9, 4),
        )
        ScheduleException.objects.create(
            schedule=self.site_schedule, start=datetime.date(2026, 8, 10), end=datetime.date(2026, 8, 21)
        )
        ScheduleException.objects.create(
            schedule=self.site_schedule,
            start=datetime.date(2026, 9, 1),
            end=datetime.date(2026, 9, 4),
            closed=False,
            opens_at=datetime.time(9),
            closes_at=datetime.time(12),
        )
        Schedule.objects.create(service=self.camp, byday="SA", opens_at=datetime.time(9), closes_at=datetime.time(12))
        CostOption.objects.create(service=self.camp, option_it="Settimana intera", amount_cents=12050, unit="week")
        CostOption.objects.create(service=self.camp, option_it="Gite", amount_cents=None)
        ClosureAvailability.objects.create(
            service=self.camp, period="christmas", start=datetime.date(2026, 12, 23), end=datetime.date(2027, 1, 6)
        )
        ClosureAvailability.objects.create(
            service=self.camp,
            period="summer",
            start=datetime.date(2026, 6, 15),
            end=datetime.date(2026, 9, 4),
            note="Chiuso a Ferragosto",
        )

        self.nursery = Service.objects.create(
            organization=self.other_provider, state="published", name_it="Asilo nido Arcobaleno", name_en="Rainbow"
        )
        self.nursery.categories.add(term("nursery"))
        self.draft = Service.objects.create(
            organization=self.draft_only_provider, state="draft", name_it="Centro estivo in bozza"
        )
        self.draft.categories.add(term("summer_camp"))
        self.draft_site = ServiceAtLocation.objects.create(service=self.draft, location=self.location)


@pytest.fixture
def directory(db: None) -> Directory:
    return Directory()


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(URL + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict[str, Any]) -> list[str]:
    return [item["name"] for item in body["contents"]]


# --- Root and OpenAPI ---------------------------------------------------------------------------


def test_it_describes_itself_at_the_root(client: Client) -> None:
    body = get(client, "/")

    assert body == {
        "version": "3.0",
        "profile": hsds.PROFILE,
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }
    openapi = client.get("/api/hsds/openapi.json").json()
    assert openapi["info"]["title"] == "Sinergie – Open Referral HSDS 3.0"
    assert openapi["info"]["version"] == "3.0"
    assert {"/api/hsds/services", "/api/hsds/services/{id}", "/api/hsds/taxonomy_terms/{id}"} <= set(openapi["paths"])
    assert "/api/v1/territory/provinces" not in openapi["paths"]


@override_settings(ALLOWED_HOSTS=["sinergie.example.org"], SITE_URL="http://127.0.0.1:8000")
def test_its_root_links_the_document_on_the_host_the_client_asked(client: Client) -> None:
    body = client.get("/api/hsds/", HTTP_HOST="sinergie.example.org", secure=True).json()

    assert body["openapi_url"] == "https://sinergie.example.org/api/hsds/openapi.json"


def test_its_openapi_document_carries_the_official_schemas(client: Client) -> None:
    """Issue 12: the document pointed at raw.githubusercontent.com, so clients could not validate offline."""
    openapi = client.get("/api/hsds/openapi.json").json()

    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(openapi))
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs)
    schemas = openapi["components"]["schemas"]
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= set(schemas)
    detail = openapi["paths"]["/api/hsds/services/{id}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/hsds_service"
    page = openapi["paths"]["/api/hsds/services"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "total_items" in page["allOf"][0]["properties"]
    assert page["properties"]["contents"]["items"]["$ref"] == "#/components/schemas/hsds_service_list"
    if SCHEMA_DIR is not None:  # the official file, its references to other files made local
        official = json.loads((SCHEMA_DIR / "service.json").read_text())
        assert schemas["hsds_service"]["properties"]["id"] == official["properties"]["id"]
        assert schemas["hsds_service"]["properties"]["phones"]["items"]["$ref"] == "#/components/schemas/hsds_phone"


def test_its_openapi_document_describes_the_organization_ids_and_dates_it_accepts(client: Client) -> None:
    openapi = client.get("/api/hsds/openapi.json").json()

    parameters = {p["name"]: p["schema"] for p in openapi["paths"]["/api/hsds/services"]["get"]["parameters"]}
    assert parameters["organization_id"]["anyOf"] == [
        {"format": "uuid", "type": "string"},
        {"pattern": "^[0-9]+$", "type": "string"},
    ]
    assert [option["format"] for option in parameters["modified_after"]["anyOf"]] == ["date-time", "date"]
    path = openapi["paths"]["/api/hsds/organizations/{id}"]["get"]["parameters"][0]
    assert (path["in"], path["schema"]["anyOf"]) == ("path", parameters["organization_id"]["anyOf"])


# --- Services -----------------------------------------------------------------------------------


def test_it_lists_only_published_services_as_a_valid_page(client: Client, directory: Directory) -> None:
    body = get(client, "/services")

    assert_page(body, "compiled/service_list.json", "compiled/service_with_definitions.json")
    assert names(body) == ["Asilo nido Arcobaleno", "Centro estivo Caffè"]
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (2, 1, 1, 2)
    assert (body["first_page"], body["last_page"], body["empty"]) == (True, True, False)
    camp = body["contents"][1]
    assert camp["organization"]["name"] == "Cooperativa Aurora"
    assert "attributes" not in camp  # lists carry one-to-one fields only, unless full=true


def test_it_lists_fully_nested_services_on_request(client: Client, directory: Directory) -> None:
    body = get(client, "/services", full="true")

    assert_page(body, "compiled/service_with_definitions.json", "service.json")
    assert body["contents"][1]["service_at_locations"][0]["location"]["name"] == "Oratorio San Luigi"


def test_it_returns_a_fully_nested_service(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}")

    assert_valid(body, "compiled/service_with_definitions.json", "service.json")
    assert body["id"] == str(directory.camp.id)
    assert body["status"] == "active"
    assert body["organization_id"] == str(uuid.uuid5(hsds.NAMESPACE, f"organization:{directory.provider.pk}"))
    assert body["organization"]["id"] == body["organization_id"]
    assert (body["minimum_age"], body["maximum_age"]) == (3.0, 12.5)
    assert body["eligibility_description"] == "Figli dei dipendenti delle aziende aderenti."
    assert body["phones"][0]["number"] == "02 7654321"
    assert [(language["code"], language["name"]) for language in body["languages"]] == [
        ("it", "Italiano"),
        ("en", "Inglese"),
    ]
    assert "alert" not in body


def test_it_gives_locations_an_italian_address(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}")

    (site,) = body["service_at_locations"]
    assert site["location"]["location_type"] == "physical"
    assert site["location"]["accessibility"][0]["description"] == "Senza barriere."
    address = site["location"]["addresses"][0]
    assert {key: address[key] for key in ("address_1", "city", "state_province", "postal_code", "country")} == {
        "address_1": "Via Roma 1",
        "city": "Melzo",
        "state_province": "MI",
        "postal_code": "20066",
        "country": "IT",
    }
    assert address["address_type"] == "physical"


def test_it_gives_weekly_schedules_with_exceptions_and_time_zone(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}")

    (service_hours,) = body["schedules"]
    assert (service_hours["freq"], service_hours["byday"], service_hours["opens_at"]) == ("WEEKLY", "SA", "09:00")
    site_hours = body["service_at_locations"][0]["schedules"][0]
    assert site_hours["service_at_location_id"] == str(directory.site.id)
    assert (site_hours["valid_from"], site_hours["valid_to"]) == ("2026-06-15", "2026-09-04")
    assert (site_hours["opens_at"], site_hours["closes_at"]) == ("08:00", "17:30")
    assert "timezone" not in site_hours  # HSDS's fixed UTC offset cannot follow daylight saving time
    values = {attribute["taxonomy_term"]["code"]: attribute["value"] for attribute in site_hours["attributes"]}
    assert values == {
        "sinergie:timezone": "Europe/Rome",
        "sinergie:schedule-exception:closed": "2026-08-10/2026-08-21",
        "sinergie:schedule-exception:hours": "2026-09-01/2026-09-04 09:00-12:00",
    }


def test_it_gives_costs_in_euro(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}")

    costs = [(c.get("amount"), c["currency"], c["option"], c["amount_description"]) for c in body["cost_options"]]
    assert costs == [
        (120.5, "EUR", "Settimana intera", "alla settimana"),
        (None, "EUR", "Gite", "Prezzo su richiesta"),
    ]


def test_it_links_categories_and_closure_availability_as_attributes(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}")

    by_code = {attribute["taxonomy_term"]["code"]: attribute for attribute in body["attributes"]}
    category = by_code["summer_camp"]
    assert category["taxonomy_term_id"] == str(term("summer_camp").id)
    assert category["taxonomy_term"]["parent_id"] == str(term("holiday_camps").id)
    assert category["link_entity"] == "service"
    assert category["link_id"] == str(directory.camp.id)
    christmas = by_code["sinergie:school-closure-availability:christmas"]
    assert christmas["value"] == "2026-12-23/2027-01-06"
    assert christmas["taxonomy_term"]["parent_id"] == str(hsds.derived_uuid("taxonomy_term", hsds.CLOSURE))
    assert christmas["taxonomy_term"]["taxonomy_id"] == str(hsds.EXTENSION_TAXONOMY.id)
    summer = by_code["sinergie:school-closure-availability:summer"]
    assert (summer["value"], summer["note"]) == ("2026-06-15/2026-09-04", "Chiuso a Ferragosto")


def test_it_speaks_english_on_request(client: Client, directory: Directory) -> None:
    body = get(client, f"/services/{directory.camp.id}", lang="en")

    assert (body["name"], body["description"]) == ("Coffee summer camp", "Games and homework in summer.")
    assert body["eligibility_description"] == "Figli dei dipendenti delle aziende aderenti."  # no English text
    assert body["cost_options"][0]["amount_description"] == "per week"
    assert body["languages"][1]["name"] == "English"


def test_it_flags_demo_data(client: Client, directory: Directory) -> None:
    Service.objects.filter(pk=directory.nursery.pk).update(is_demo=True)

    body = get(client, f"/services/{directory.nursery.id}")

    assert_valid(body, "compiled/service_with_definitions.json")
    assert "Dati fittizi" in body["alert"]
    assert [a["taxonomy_term"]["code"] for a in body["attributes"]] == ["nursery", "sinergie:demo-data"]


def test_it_hides_draft_and_unknown_services(client: Client, directory: Directory) -> None:
    for service_id in (directory.draft.id, uuid.uuid4()):
        response = client.get(f"{URL}/services/{service_id}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"No service with id {service_id}."}


def test_it_rejects_a_malformed_service_id(client: Client) -> None:
    response = client.get(f"{URL}/services/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "id"]


# --- Service filters ----------------------------------------------------------------------------


@pytest.mark.parametrize("search", ["caffe", "CAFFÈ", "caffé estivo", "coffee", "compiti estate", "homework"])
def test_it_searches_names_and_descriptions_in_both_languages_ignoring_accents(
    client: Client, directory: Directory, search: str
) -> None:
    assert names(get(client, "/services", search=search)) == ["Centro estivo Caffè"]


def test_it_needs_every_word_of_the_search(client: Client, directory: Directory) -> None:
    assert names(get(client, "/services", search="caffe arcobaleno")) == []


def test_it_filters_by_category_including_those_below(client: Client, directory: Directory) -> None:
    assert names(get(client, "/services", taxonomy_term_id=term("holiday_camps").id)) == ["Centro estivo Caffè"]
    assert names(get(client, "/services", taxonomy_term_id=term("summer_camp").id)) == ["Centro estivo Caffè"]
    assert names(get(client, "/services", taxonomy_term_id=term("early_childhood").id)) == ["Asilo nido Arcobaleno"]
    assert names(get(client, "/services", taxonomy_term_id=term("babysitting").id)) == []
    assert names(get(client, "/services", taxonomy_term_id=uuid.uuid4())) == []


def test_it_filters_by_closure_availability_through_the_extension_terms(client: Client, directory: Directory) -> None:
    christmas = hsds.EXTENSION_TERMS_BY_CODE[f"{hsds.CLOSURE}:christmas"]
    easter = hsds.EXTENSION_TERMS_BY_CODE[f"{hsds.CLOSURE}:easter"]

    assert names(get(client, "/services", taxonomy_term_id=christmas.id)) == ["Centro estivo Caffè"]
    assert names(get(client, "/services", taxonomy_term_id=easter.id)) == []


def test_it_filters_by_taxonomy(client: Client, directory: Directory) -> None:
    ours = Taxonomy.objects.get().id

    assert names(get(client, "/services", taxonomy_id=ours)) == ["Asilo nido Arcobaleno", "Centro estivo Caffè"]
    assert names(get(client, "/services", taxonomy_id=uuid.uuid4())) == []


def test_it_filters_by_organization_uuid_or_numeric_id(client: Client, directory: Directory) -> None:
    provider_uuid = hsds.organization_uuid(directory.provider.pk)

    assert names(get(client, "/services", organization_id=provider_uuid)) == ["Centro estivo Caffè"]
    assert names(get(client, "/services", organization_id=directory.provider.pk)) == ["Centro estivo Caffè"]
    assert names(get(client, "/services", organization_id=uuid.uuid4())) == []


def test_it_filters_by_modification_time(client: Client, directory: Directory) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Service.objects.filter(pk=directory.nursery.pk).update(updated_at=long_ago)

    recent = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert names(get(client, "/services", modified_after=recent)) == ["Centro estivo Caffè"]
    assert len(get(client, "/services", modified_after="2000-01-01")["contents"]) == 2
    assert len(get(client, "/services", modified_after="2000-01-01T00:00:00Z")["contents"]) == 2


def test_it_refuses_a_number_as_modification_time_saying_what_it_wants(client: Client) -> None:
    """Issue 12: `modified_after=0.5` was accepted as a Unix timestamp."""
    response = client.get(f"{URL}/services", {"modified_after": "0.5"})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "modified_after"] and "ISO 8601" in error["msg"]


def test_it_combines_filters_with_and(client: Client, directory: Directory) -> None:
    summer = term("holiday_camps").id
    provider = hsds.organization_uuid(directory.provider.pk)
    other = hsds.organization_uuid(directory.other_provider.pk)

    assert names(get(client, "/services", taxonomy_term_id=summer, organization_id=provider, search="estivo")) == [
        "Centro estivo Caffè"
    ]
    assert names(get(client, "/services", taxonomy_term_id=summer, organization_id=other)) == []
    assert names(get(client, "/services", search="nido", organization_id=provider)) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("taxonomy_term_id", "summer"),
        ("taxonomy_id", "1234"),
        ("organization_id", "aurora"),
        ("modified_after", "yesterday"),
        ("modified_after", "2026-13-45"),
        ("modified_after", "0.5"),  # issue 12: was read as a Unix timestamp
        ("modified_after", "1767225600"),
        ("modified_after", "0001-01-01T00:00:00"),  # before the epoch in UTC: no overflow
        ("page", "0"),
        ("page", "one"),
        ("per_page", "0"),
        ("per_page", "500"),
        ("lang", "fr"),
    ],
)
def test_it_rejects_a_malformed_parameter_naming_it(client: Client, field: str, value: str) -> None:
    response = client.get(f"{URL}/services", {field: value})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


def test_it_paginates(client: Client, directory: Directory) -> None:
    first = get(client, "/services", per_page=1)
    second = get(client, "/services", per_page=1, page=2)
    beyond = get(client, "/services", per_page=1, page=3)

    assert_page(first, "compiled/service_list.json")
    assert (first["total_pages"], first["first_page"], first["last_page"], names(first)) == (
        2,
        True,
        False,
        ["Asilo nido Arcobaleno"],
    )
    assert (second["first_page"], second["last_page"], names(second)) == (False, True, ["Centro estivo Caffè"])
    assert beyond == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 3,
        "size": 0,
        "first_page": False,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_it_returns_an_empty_page_when_nothing_matches(client: Client, directory: Directory) -> None:
    body = get(client, "/services", search="zzz")

    assert (body["total_items"], body["total_pages"], body["empty"], body["last_page"]) == (0, 0, True, True)


def test_it_accepts_the_largest_page(client: Client, directory: Directory) -> None:
    assert get(client, "/services", per_page=200)["size"] == 2


# --- Query counts -------------------------------------------------------------------------------


def _more_services(directory: Directory, count: int) -> None:
    for number in range(count):
        provider = OrganizationFactory(kind="provider", name=f"Fornitore {number:02d}")
        service = Service.objects.create(organization=provider, state="published", name_it=f"Servizio {number:02d}")
        service.categories.add(term("after_school"), term("pre_school"))
        site = ServiceAtLocation.objects.create(service=service, location=directory.location)
        schedule = Schedule.objects.create(
            service_at_location=site, byday="MO", opens_at=datetime.time(7), closes_at=datetime.time(8)
        )
        ScheduleException.objects.create(
            schedule=schedule, start=datetime.date(2026, 12, 24), end=datetime.date(2027, 1, 6)
        )
        Schedule.objects.create(service=service, byday="TU", opens_at=datetime.time(7), closes_at=datetime.time(8))
        CostOption.objects.create(service=service, option_it="Mese", amount_cents=5000, unit="month")
        ClosureAvailability.objects.create(
            service=service, period="easter", start=datetime.date(2027, 3, 25), end=datetime.date(2027, 3, 30)
        )


@pytest.mark.parametrize(
    ("path", "params", "limit"),
    [
        ("/services", {}, 2),  # count + page
        ("/services", {"full": "true"}, 10),  # + categories, schedules (+ exceptions), sites (+ 2), costs, closures
        ("/service_at_locations", {}, 2),
        ("/service_at_locations", {"full": "true"}, 4),
        ("/organizations", {}, 2),
        ("/taxonomy_terms", {}, 1),
    ],
)
def test_its_lists_take_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    client: Client, directory: Directory, django_assert_max_num_queries, path: str, params: dict[str, str], limit: int
) -> None:
    _more_services(directory, 12)

    with django_assert_max_num_queries(limit):
        small = get(client, path, per_page=2, **params)
    with django_assert_max_num_queries(limit):
        large = get(client, path, per_page=200, **params)

    assert small["size"] == 2
    assert large["size"] > 10


def test_a_service_takes_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    client: Client, directory: Directory, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(9):
        get(client, f"/services/{directory.camp.id}")


# --- Services at locations ----------------------------------------------------------------------


def test_it_lists_services_at_locations_of_published_services(client: Client, directory: Directory) -> None:
    body = get(client, "/service_at_locations")

    assert_page(body, "compiled/service_at_location_list.json", "service_at_location.json")
    assert [item["id"] for item in body["contents"]] == [str(directory.site.id)]
    assert body["contents"][0]["service"]["name"] == "Centro estivo Caffè"
    assert body["contents"][0]["location"]["addresses"][0]["city"] == "Melzo"


def test_it_filters_services_at_locations_like_services_and_by_postcode(client: Client, directory: Directory) -> None:
    provider = hsds.organization_uuid(directory.provider.pk)

    assert get(client, "/service_at_locations", organization_id=provider, postcode="20066")["total_items"] == 1
    assert get(client, "/service_at_locations", organization_id=provider, postcode="20121")["total_items"] == 0
    assert get(client, "/service_at_locations", search="arcobaleno")["total_items"] == 0
    assert client.get(f"{URL}/service_at_locations", {"per_page": 500}).status_code == 422


def test_it_returns_a_service_at_a_location(client: Client, directory: Directory) -> None:
    body = get(client, f"/service_at_locations/{directory.site.id}")

    assert_valid(body, "service_at_location.json", "compiled/service_at_location_list.json")
    assert body["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert body["service"]["id"] == str(directory.camp.id)


def test_it_hides_services_at_locations_of_drafts(client: Client, directory: Directory) -> None:
    assert client.get(f"{URL}/service_at_locations/{directory.draft_site.id}").status_code == 404
    assert client.get(f"{URL}/service_at_locations/nope").status_code == 422


# --- Organizations ------------------------------------------------------------------------------


def test_it_lists_only_organizations_that_publish_services(client: Client, directory: Directory) -> None:
    body = get(client, "/organizations")

    assert_page(body, "compiled/organization_list.json", "organization.json")
    assert names(body) == ["Cooperativa Aurora", "Nidi Riuniti"]
    aurora = body["contents"][0]
    assert aurora == {
        "id": str(hsds.organization_uuid(directory.provider.pk)),
        "name": "Cooperativa Aurora",
        "description": "Cooperativa sociale.",
        "email": "info@aurora.example.org",
        "website": "https://aurora.example.org",
        "tax_id": "12345678901",
    }
    assert body["contents"][1]["description"] == ""  # required by HSDS, even when we have none


def test_it_searches_organizations(client: Client, directory: Directory) -> None:
    assert names(get(client, "/organizations", search="nidi")) == ["Nidi Riuniti"]


@pytest.mark.parametrize("by", ["uuid", "pk"])
def test_it_returns_an_organization_with_its_services(client: Client, directory: Directory, by: str) -> None:
    org_id = hsds.organization_uuid(directory.provider.pk) if by == "uuid" else directory.provider.pk

    body = get(client, f"/organizations/{org_id}")

    assert_valid(body, "organization.json")
    assert body["id"] == str(hsds.organization_uuid(directory.provider.pk))
    assert [service["name"] for service in body["services"]] == ["Centro estivo Caffè"]
    assert [location["name"] for location in body["locations"]] == ["Oratorio San Luigi"]
    assert body["phones"][0]["number"] == "02 1234567"
    for service in body["services"]:
        assert_valid(service, "compiled/service_list.json")


def test_it_hides_organizations_without_published_services(client: Client, directory: Directory) -> None:
    for organization in (directory.draft_only_provider, directory.company):
        assert client.get(f"{URL}/organizations/{hsds.organization_uuid(organization.pk)}").status_code == 404
        assert client.get(f"{URL}/organizations/{organization.pk}").status_code == 404
    assert client.get(f"{URL}/organizations/{uuid.uuid4()}").status_code == 404


def test_it_rejects_a_malformed_organization_id(client: Client) -> None:
    response = client.get(f"{URL}/organizations/aurora")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "id"]


# --- Taxonomies ---------------------------------------------------------------------------------


def test_it_lists_our_taxonomy_and_the_extension_one(client: Client, directory: Directory) -> None:
    body = get(client, "/taxonomies")

    assert_page(body, "taxonomy.json")
    assert [item["id"] for item in body["contents"]] == [
        str(Taxonomy.objects.get().id),
        str(hsds.EXTENSION_TAXONOMY.id),
    ]


def test_it_returns_a_taxonomy(client: Client, directory: Directory) -> None:
    for taxonomy_id in (Taxonomy.objects.get().id, hsds.EXTENSION_TAXONOMY.id):
        assert_valid(get(client, f"/taxonomies/{taxonomy_id}"), "taxonomy.json")
    assert client.get(f"{URL}/taxonomies/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{URL}/taxonomies/1").status_code == 422


def test_it_lists_taxonomy_terms(client: Client, directory: Directory) -> None:
    body = get(client, "/taxonomy_terms", per_page=200)

    assert_page(body, "taxonomy_term.json")
    assert body["total_items"] == len(TERMS) + len(hsds.EXTENSION_TERMS)
    assert body["contents"][0]["code"] == TERMS[0][0]


def test_it_filters_taxonomy_terms(client: Client, directory: Directory) -> None:
    holiday = term("holiday_camps")
    ours = Taxonomy.objects.get().id

    children = get(client, "/taxonomy_terms", parent_id=holiday.id)
    top = get(client, "/taxonomy_terms", top_only="true", taxonomy_id=ours, per_page=200)
    found = get(client, "/taxonomy_terms", search="nido famiglia")

    assert [item["code"] for item in children["contents"]] == ["summer_camp", "holiday_camp"]
    assert {item["code"] for item in top["contents"]} == {code for code, parent, *_ in TERMS if parent is None}
    assert [item["code"] for item in found["contents"]] == ["family_nursery"]


def test_it_returns_a_taxonomy_term_ours_or_of_the_extension(client: Client, directory: Directory) -> None:
    nursery = get(client, f"/taxonomy_terms/{term('nursery').id}", lang="en")
    christmas = get(client, f"/taxonomy_terms/{hsds.derived_uuid('taxonomy_term', f'{hsds.CLOSURE}:christmas')}")

    assert_valid(nursery, "taxonomy_term.json")
    assert_valid(christmas, "taxonomy_term.json")
    assert (nursery["name"], nursery["language"]) == ("Nursery", "en")
    assert christmas["name"] == "Vacanze di Natale"
    assert client.get(f"{URL}/taxonomy_terms/{uuid.uuid4()}").status_code == 404


# --- Pure functions -----------------------------------------------------------------------------


def test_derived_ids_are_stable() -> None:
    # Consumers store these ids: a change here breaks them. Recompute only with a migration plan.
    assert uuid.UUID("2fd2952d-aec4-5f37-97ff-7b864285b5f8") == hsds.NAMESPACE
    assert hsds.organization_uuid(7) == uuid.UUID("7f597470-cfed-56b5-bd2c-0c5944abdb86")
    assert hsds.organization_uuid(7) != hsds.organization_uuid(8)


def test_ages_in_years_come_from_months() -> None:
    service = Service(organization=Organization(pk=1), name_it="Nido", minimum_age_months=3, maximum_age_months=18)
    service.updated_at = timezone.now()

    data = hsds.service_to_hsds(service, nested_organization=False)

    assert (data["minimum_age"], data["maximum_age"]) == (0.25, 1.5)


def test_the_search_pattern_ignores_accents_and_escapes_the_rest() -> None:
    pattern = hsds_selectors.accent_insensitive_pattern("Caffè.")

    assert pattern.startswith("[cçCÇ][aàáâäãAÀÁÂÄÃ]ff[eèéêëEÈÉÊË]")
    assert pattern.endswith(r"\.")
