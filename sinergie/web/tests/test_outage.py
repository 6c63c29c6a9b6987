"""A database outage answers 503 with Retry-After and a plain page; /healthz names what is down
(issue 13, point 12).

The outage is made by the connection itself: every new cursor fails with the backend's own
OperationalError (sqlite3's or psycopg's, as when the server refuses connections), which Django
wraps into django.db.OperationalError as it would in production. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client, override_settings

from sinergie.conftest import World
from sinergie.web.outage import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db


@contextmanager
def database_down() -> Iterator[None]:
    wrapper = connections["default"]

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise wrapper.Database.OperationalError("connection refused: is the server running?")

    with mock.patch.object(wrapper, "create_cursor", side_effect=refuse):
        yield


@pytest.fixture
def http() -> Client:
    # A real server does not re-raise what its handlers answered; the test client would.
    return Client(raise_request_exception=False)


def assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Servizio momentaneamente non disponibile" in body
    assert "Service temporarily unavailable" in body
    assert "sessionid" not in response.cookies


def test_a_page_answers_503_when_the_database_is_down(http: Client) -> None:
    with database_down():
        response = http.get("/")
    assert_unavailable_page(response)


def test_it_answers_503_with_debug_on_too(http: Client) -> None:
    with override_settings(DEBUG=True), database_down():
        response = http.get("/en/servizi/")
    assert_unavailable_page(response)


def test_a_signed_in_person_gets_503_when_the_session_cannot_be_read(http: Client, world: World) -> None:
    # The session and the user are read by middleware, before any view.
    http.force_login(world.provider_staff, backend="django.contrib.auth.backends.ModelBackend")
    with database_down():
        response = http.get("/buoni/sportello/")
    assert_unavailable_page(response)


def test_a_form_sent_during_an_outage_gets_503(http: Client) -> None:
    with database_down():
        response = http.post("/account/login/", {"login": "someone@example.org", "password": "x"})
    assert_unavailable_page(response)


def test_the_api_answers_503_in_its_error_shape(http: Client) -> None:
    with database_down():
        response = http.get("/api/v1/services/search?q=nido")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "database" in json.loads(response.content)["detail"]


def test_other_server_errors_stay_500(http: Client) -> None:
    with mock.patch("sinergie.web.views.alliances_public", side_effect=RuntimeError("a bug")):
        response = http.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# /healthz ----------------------------------------------------------------------------------------


def test_healthz_reports_each_dependency(http: Client) -> None:
    response = http.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["checks"]["cache"] == {"status": "ok", "backend": "locmem"}
    assert body["checks"]["tasks"] == {"status": "ok", "backend": "immediate"}


def test_healthz_names_the_database_when_it_is_down(http: Client) -> None:
    with database_down():
        response = http.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "unavailable", "error": "OperationalError"}
    assert body["checks"]["cache"]["status"] == "ok"


def test_healthz_names_the_cache_when_it_is_down(http: Client) -> None:
    with mock.patch.object(cache, "set", side_effect=ConnectionError("cache refused")):
        response = http.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["cache"]["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "ok"


def test_healthz_checks_the_task_queue_in_the_database(http: Client) -> None:
    with override_settings(TASKS_BACKEND="database"):
        response = http.get("/healthz")
        assert json.loads(response.content)["checks"]["tasks"] == {"status": "ok", "backend": "database", "ready": 0}
        with database_down():
            response = http.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["tasks"]["status"] == "unavailable"
