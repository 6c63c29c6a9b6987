"""The APIs do what their OpenAPI documents say (issue 12, point 4).

schemathesis reads the documents the site serves (/api/v1/openapi.json and /api/hsds/openapi.json)
and sends each operation requests generated from them, in-process through the WSGI application
(no network), with a fixed number of examples and derandomized generation so that every run sends
the same requests. A response fails the test when it is a server error, has a status its operation
does not document, or does not match the schema documented for that status.

Generated path parameters mostly name nothing (404); each case is therefore sent a second time with
the path of a real object of the seeded data, with the generated query, so that the full bodies
are checked against their schemas too. The survey report is read with the session cookie of a
company referent who has a second factor, as the document says.

The other tests below pin each defect of the issue on the documents themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sinergie.conftest import World
from sinergie.directory import hsds
from sinergie.directory.models import Taxonomy, TaxonomyTerm
from sinergie.directory.tests.test_hsds import Directory
from sinergie.surveys.tests.helpers import answer, close, make_campaign

APP = get_wsgi_application()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Enough to reach every parameter of every operation; more only slows the suite (about 25 s per run).
MAX_EXAMPLES = 12

v1_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
hsds_schema = schemathesis.openapi.from_wsgi("/api/hsds/openapi.json", APP)

CONTRACT_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Seeded:
    """Real objects for each operation's path, and the session that may read the report."""

    paths: dict[str, dict[str, Any]]
    cookies: dict[str, str]


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Let the WSGI application see the test's transaction, as Django's test client does: at the start
    and end of a request Django closes a connection that is not in autocommit mode, and the test's
    transaction is one (PostgreSQL then loses it)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded(db: None, settings: Any, in_test_transaction: None) -> Seeded:
    # schemathesis's WSGI client talks to "localhost" and keeps its cookies for that host only.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    world = World()
    directory = Directory()
    campaign = make_campaign(world.company, mode="open")
    for index in range(12):
        kids = "yes" if index % 3 else "no"
        answers: dict[str, Any] = {"kids": kids, "stress": 1 + index % 5, "idea": f"idea {index}"}
        if kids == "yes":
            answers["ages"] = ["0_2"]
        answer(campaign, answers)
    close(campaign)
    client = Client()
    client.force_login(world.referent, backend="django.contrib.auth.backends.ModelBackend")
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    taxonomy = Taxonomy.objects.order_by("pk").first()
    term = TaxonomyTerm.objects.get(code="summer_camp")
    istat_code = {"istat_code": directory.melzo.istat_code}
    return Seeded(
        paths={
            "/api/v1/territory/municipalities/{istat_code}": istat_code,
            "/api/v1/school-calendar/{istat_code}": istat_code,
            "/api/v1/surveys/campaigns/{campaign_id}/report": {"campaign_id": campaign.pk},
            "/api/hsds/services/{id}": {"id": str(directory.camp.pk)},
            "/api/hsds/service_at_locations/{id}": {"id": str(directory.site.pk)},
            "/api/hsds/organizations/{id}": {"id": str(hsds.organization_uuid(directory.provider.pk))},
            "/api/hsds/taxonomies/{id}": {"id": str(taxonomy.pk)},
            "/api/hsds/taxonomy_terms/{id}": {"id": str(term.pk)},
        },
        cookies={session_cookie.key: session_cookie.value},
    )


def _check(case: Any, seeded: Seeded) -> None:
    case.call_and_validate(cookies=seeded.cookies, checks=CHECKS)
    real = seeded.paths.get(case.path)
    if real is not None:
        case.path_parameters = dict(real)
        case.call_and_validate(cookies=seeded.cookies, checks=CHECKS)


@v1_schema.parametrize()
@CONTRACT_SETTINGS
def test_the_api_keeps_its_openapi_document(case: Any, seeded: Seeded) -> None:
    _check(case, seeded)


@hsds_schema.parametrize()
@CONTRACT_SETTINGS
def test_the_hsds_api_keeps_its_openapi_document(case: Any, seeded: Seeded) -> None:
    _check(case, seeded)


# --- The defects of the issue, one by one -----------------------------------------------------


def _document(client: Client, url: str) -> dict[str, Any]:
    return client.get(url).json()


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item["get"] for path, item in document["paths"].items()}


# Operations whose only parameters are free text, which nothing validates.
WITHOUT_422 = {"/api/hsds/", "/api/v1/territory/provinces", "/api/v1/territory/municipalities/{istat_code}"}


def test_every_operation_with_parameters_documents_the_422(client: Client) -> None:
    for url in ("/api/v1/openapi.json", "/api/hsds/openapi.json"):
        for path, operation in _operations(_document(client, url)).items():
            if path not in WITHOUT_422:
                assert "422" in operation["responses"], path
                schema = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ValidationErrorOut"}, path


def test_the_survey_report_documents_its_errors_and_its_session(client: Client) -> None:
    document = _document(client, "/api/v1/openapi.json")
    report = _operations(document)["/api/v1/surveys/campaigns/{campaign_id}/report"]

    assert {"200", "400", "403", "404", "422"} <= set(report["responses"])
    assert report["security"] == [{"session": []}]
    assert document["components"]["securitySchemes"]["session"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "The session of a person signed in on the site (staff with their second factor).",
    }


def test_the_search_documents_its_parameters_as_it_validates_them(client: Client) -> None:
    search = _operations(_document(client, "/api/v1/openapi.json"))["/api/v1/services/search"]
    parameters = {p["name"]: p["schema"] for p in search["parameters"]}

    assert (parameters["lat"]["type"], parameters["lat"]["minimum"], parameters["lat"]["maximum"]) == (
        "number",
        35.0,
        47.5,
    )
    assert (parameters["lon"]["type"], parameters["lon"]["minimum"], parameters["lon"]["maximum"]) == (
        "number",
        6.0,
        19.0,
    )
    # One age per child, repeated: age=3&age=7.
    assert (parameters["age"]["type"], parameters["age"]["maxItems"]) == ("array", 6)
    age = parameters["age"]["items"]
    assert (age["type"], age["minimum"], age["maximum"]) == ("integer", 0, 17)
    assert parameters["sort"]["enum"] == ["distance", "relevance", "name", "price", "next_available"]
    assert parameters["page"]["type"] == "integer" and parameters["free"]["type"] == "boolean"


@pytest.mark.parametrize(
    ("parameter", "query"),
    [
        ("lat", {"lat": 30, "lon": 9.4}),
        ("age", {"age": 18}),
        ("age", {"age": ["3", "18"]}),
        ("age", {"age": [str(n) for n in range(7)]}),
        ("sort", {"sort": "cheapest"}),
        ("page", {"page": 0}),
        ("lang", {"lang": "fr"}),
    ],
)
def test_the_search_refuses_what_its_document_excludes(
    client: Client, db: None, parameter: str, query: dict[str, Any]
) -> None:
    response = client.get("/api/v1/services/search", query)

    assert response.status_code == 422
    assert ["query", parameter] in [error["loc"] for error in response.json()["detail"]]


def test_the_hsds_document_has_no_external_reference(client: Client) -> None:
    document = _document(client, "/api/hsds/openapi.json")

    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(document))
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs)
    assert "githubusercontent" not in json.dumps(document)
