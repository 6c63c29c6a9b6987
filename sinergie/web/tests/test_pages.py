from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from sinergie.conftest import OrganizationFactory, World


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_it_answers_the_health_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"]["database"]["vendor"] in {"sqlite", "postgresql"}


def test_it_serves_the_home_page_in_italian_by_default(client, db):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="it">' in html
    assert '<main id="main-content"' in html
    assert 'href="#main-content"' in html
    assert "Famiglie" in html


def test_it_serves_the_home_page_in_english_under_en(client, db):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Families" in html


def test_it_switches_language_with_the_switcher(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_it_leads_each_audience_somewhere(client, db):
    html = client.get("/en/").content.decode()
    for audience in [
        "Families",
        "Workers",
        "Companies",
        "Service providers",
        "Information point operators",
        "Alliances",
    ]:
        assert audience in html


def test_it_says_when_demo_data_is_fictitious(client, db):
    assert "fictitious" not in client.get("/en/").content.decode()
    OrganizationFactory(is_demo=True)
    cache.clear()
    assert "fictitious" in client.get("/en/").content.decode()


def test_it_sends_a_strict_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_renders_its_own_404_page(client, db):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404


def test_it_shows_the_personal_area_with_roles(login, world: World):
    response = login(world.referent).get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert "Company A" in response.content.decode()


def test_it_renders_the_credits_and_accessibility_pages(client, db):
    assert client.get(reverse("web:credits")).status_code == 200
    assert client.get(reverse("web:accessibility")).status_code == 200


def test_it_serves_the_openapi_document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/territory/municipalities" in json.loads(response.content)["paths"]
