"""The staff's pages of the demo speak words, not codes: no audit action code (`calls.call.create`),
no stored answer key (`incentive_plan`, `codice_fiscale`), no Python data (`{'vat_number': ...}`)
and no "bytes" in the text a person reads (issue 13, point 13).

Walks the pages the alliance staff, a provider and a company referent reach by links from their
personal area, in Italian, on the demo data."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client

from sinergie.accounts.models import User
from sinergie.audit.labels import ACTION_LABELS
from sinergie.demo.load import demo_load
from sinergie.territory.services import territory_load

pytestmark = pytest.mark.django_db

PERSONAS = {
    "alleanza@demo.sinergie.invalid": ["/area-personale/", "/bandi/gestione/", "/gestione/servizi/"],
    "ente.erogatore@demo.sinergie.invalid": ["/area-personale/", "/gestione/servizi/"],
    "referente.azienda@demo.sinergie.invalid": ["/area-personale/"],
}
PAGES_PER_PERSONA = 120
# Downloads, other languages, signing out, and the long tails of similar pages (one of each is enough).
SKIPPED = re.compile(
    r"/esci|/logout|/account/|/en/|/i18n/|/api/|/static/|/media/|\.(ics|csv|xlsx|pdf|json)$|formato=|/esporta"
    r"|/calendario-scolastico/\d+/|/servizi/[0-9a-f-]{36}/$|/organizzazioni/[a-z0-9-]+-demo/$|[?&](page|pagina)="
)
DOTTED = re.compile(r"(?<![\w@./-])([a-z_]+(?:\.[a-z_]+)+)(?![\w@/-])")
APPS = {code.split(".")[0] for code in ACTION_LABELS}
ANSWER_KEYS = re.compile(
    r"\b(incentive_plan|codice_fiscale|cost_cents|vat_number|isee_cents|employer_id|requested_cents|gender)\b"
)
PYTHON_DATA = re.compile(r"\{'[a-z_]+':|\[\{'")


class _Text(HTMLParser):
    """The text a person reads (not scripts, styles or `<code>`, which shows identifiers on purpose)
    and the page's links."""

    HIDDEN = {"script", "style", "code", "template", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href.split("#")[0])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def raw_codes(text: str) -> list[str]:
    """What in a page's text is a code shown raw."""
    found = [m for m in DOTTED.findall(text) if m.split(".")[0] in APPS or m in ACTION_LABELS]
    found += ANSWER_KEYS.findall(text) + PYTHON_DATA.findall(text)
    found += re.findall(r"\b\d+\s?bytes\b", text)
    return found


def test_raw_codes_finds_what_it_should():
    assert raw_codes("Storia — calls.call.create, calls.evaluations_compute") == [
        "calls.call.create",
        "calls.evaluations_compute",
    ]
    assert raw_codes("incentive_plan {'vat_number': '1'} accordo.pdf, 303 bytes")
    assert not raw_codes("Scrivi a info@calls.example o visita comune.milano.it; file.pdf, 0,3 KB")


@pytest.fixture
def demo(settings, tmp_path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    territory_load(regions_with_boundaries=[])
    demo_load()
    yield
    cache.clear()


def _walk(client: Client, seeds: list[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    queue, seen = deque(seeds), set(seeds)
    pages = 0
    while queue and pages < PAGES_PER_PERSONA:
        path = queue.popleft()
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="it")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        parser = _Text()
        parser.feed(response.content.decode())
        problems += [f"{path}: {code}" for code in raw_codes(parser.text)]
        for link in parser.links:
            if link not in seen and not SKIPPED.search(link):
                seen.add(link)
                queue.append(link)
    return problems, pages


def test_the_staff_pages_of_the_demo_show_no_raw_codes(demo, client: Client) -> None:
    problems: list[str] = []
    for email, seeds in PERSONAS.items():
        client.logout()
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
        found, pages = _walk(client, seeds)
        assert pages > 10, f"{email} reached only {pages} pages: the walk broke"
        problems += found
    assert not problems, "codes shown raw:\n" + "\n".join(sorted(set(problems)))
