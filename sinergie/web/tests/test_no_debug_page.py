"""No visitor ever meets Django's debug page (issue 13, point 16).

With DEBUG=false, as in production, the public pages are walked from the home page by following
their links, as an anonymous visitor, a citizen and a company referent: no answer is Django's
technical page, every 404 is the site's own, and "Apply for your company" on a company call tells
whoever may not apply who can and how instead of a bare 404.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from sinergie.calls import services
from sinergie.calls.conftest import make_call
from sinergie.calls.models import CallKind
from sinergie.conftest import World

pytestmark = pytest.mark.django_db

# What only Django's technical 404/500 pages say.
DEBUG_MARKERS = (
    "DEBUG = True",
    "Using the URLconf defined in",
    'id="traceback"',
    "Page not found at /",
    "technical_500",
)
SKIP = ("/api/", "/admin/", "/account/logout", "/i18n/", "/static/", "formato=", ".ics", ".pdf", ".csv", ".xlsx")
HREF = re.compile(r'href="(/[^"]*)"')
PAGES_PER_PERSONA = 60


def _assert_no_debug_page(response, url: str) -> None:
    if response.streaming:  # a download (a zip, a file): not a page
        return
    text = response.content.decode(errors="replace")
    for marker in DEBUG_MARKERS:
        assert marker not in text, (url, marker)
    if response.status_code == 404:
        assert "404.html" in [template.name for template in response.templates], url


def _walk(client, start: list[str]) -> set[str]:
    """GET `start` and the site's links from them, breadth first, up to PAGES_PER_PERSONA pages."""
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        _assert_no_debug_page(response, url)
        if not response.streaming and response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if urlsplit(link).path and link not in seen:
                    queue.append(link)
    return seen


@pytest.fixture
def calls(world: World):
    voucher_call = make_call(world, title_it="Voucher estate")
    company_call = make_call(world, kind=CallKind.COMPANY_INCENTIVES, title_it="Incentivi aziende")
    for call in (voucher_call, company_call):
        services.call_publish(call=call, by=world.alliance_staff)
    return voucher_call, company_call


@override_settings(DEBUG=False)
@pytest.mark.parametrize("persona", ["anonymous", "citizen", "referent"])
def test_walking_the_public_pages_never_shows_the_debug_page(client, login, world: World, calls, persona) -> None:
    voucher_call, company_call = calls
    if persona != "anonymous":
        client = login(getattr(world, persona))
    start = [
        "/",
        "/en/",
        "/servizi/",
        "/punti-informativi/",
        "/bandi/",
        f"/bandi/{voucher_call.pk}/",
        f"/bandi/{voucher_call.pk}/posso-partecipare/",
        f"/bandi/{company_call.pk}/",
        f"/incentivi/bando/{company_call.pk}/",
        f"/en/incentivi/bando/{company_call.pk}/",
    ]
    seen = _walk(client, start)
    assert f"/bandi/{company_call.pk}/" in seen and len(seen) > 10


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/bandi/999999/",
        "/en/bandi/999999/",
        "/bandi/99999999999999999999999/",
        "/aziende/nessuna/profilo/",
    ],
)
def test_a_missing_page_is_the_sites_own_404(client, world: World, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        _assert_no_debug_page(response, url)
        assert "Page not found" in response.text or "Pagina non trovata" in response.text


@override_settings(DEBUG=False)
def test_a_worker_voucher_call_has_no_company_application_page(client, world: World, calls) -> None:
    voucher_call, _company_call = calls
    response = client.get(f"/incentivi/bando/{voucher_call.pk}/")
    assert response.status_code == 404
    _assert_no_debug_page(response, "incentives:apply")


@override_settings(DEBUG=False)
@pytest.mark.parametrize("persona", ["anonymous", "citizen", "provider_staff", "alliance_staff"])
def test_apply_for_your_company_tells_who_can_apply_and_how(client, login, world: World, calls, persona) -> None:
    _voucher_call, company_call = calls
    if persona != "anonymous":
        client = login(getattr(world, persona))
    url = reverse("incentives:apply", args=[company_call.pk])
    response = client.get(f"/en{url}")
    assert response.status_code == 403
    _assert_no_debug_page(response, url)
    page = response.text
    assert "Companies apply, through one of their referents on Sinergie" in page
    assert "ask them to apply, or to have you added as a referent" in page
    assert reverse("organizations:detail", args=[world.alliance_org.slug]) in page
    signed_in = persona != "anonymous"
    assert ("Your account is not the referent of any company" in page) is signed_in
    assert (f"{reverse('account_login')}?next=/en{url}" in page) is not signed_in
    # Nothing can be started from it.
    assert client.post(url, {"company": world.company.slug}).status_code == 403
    assert not company_call.applications.exists()


@override_settings(DEBUG=False)
def test_a_company_referent_still_applies(client, login, world: World, calls) -> None:
    _voucher_call, company_call = calls
    client = login(world.referent)
    response = client.get(reverse("incentives:apply", args=[company_call.pk]))
    assert response.status_code == 200
    assert world.company.name in response.text
