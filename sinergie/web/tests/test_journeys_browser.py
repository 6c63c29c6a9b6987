"""Every role's main journey on the demo, in Chromium, at 390 and 1280 px (issue 13).

For each demo account (and an anonymous visitor) the walk opens the role's first page and the
first links of its main content, as a new user would, and collects on every page:

- labels drawn over another field or over a heading;
- raw codes in the visible text (an audit action such as ``calls.call_create``, a stored value
  such as ``codice_fiscale``);
- Content-Security-Policy violations and script errors in the console;
- axe-core's serious and critical violations (at 390 px, where most of them show).

One test for all the roles: the demo loads once (about 20 s), and the report lists every
problem of every page at once.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from sinergie.web.tests.browser_support import BLOCKING_IMPACTS, LABELS_OVER_FIELDS_JS, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "demo.sinergie.invalid"
# Each role, where its journey starts, and how many links of that page's main content it follows.
JOURNEYS: list[tuple[str | None, list[str], int]] = [
    (None, ["/", "/servizi/", "/punti-informativi/", "/pianificatore/", "/bandi/"], 2),
    (f"cittadina@{DOMAIN}", ["/area-personale/"], 3),
    (f"referente.azienda@{DOMAIN}", ["/area-personale/"], 4),
    (f"ente.erogatore@{DOMAIN}", ["/area-personale/"], 3),
    (f"sportello@{DOMAIN}", ["/area-personale/"], 3),
    (f"alleanza@{DOMAIN}", ["/area-personale/", "/bandi/gestione/"], 4),
    (f"valutatore@{DOMAIN}", ["/area-personale/"], 2),
    (f"analista@{DOMAIN}", ["/area-personale/"], 2),
]
WIDTHS = (390, 1280)
# Files, exports and actions are not pages to look at.
SKIP = re.compile(r"(\.(csv|xlsx|pdf|ics|json|geojson|svg|png)$)|/logout|/esci|/admin/|/api/|/account/")
# A dotted lower-case code ("calls.call_create", "directory.revision.submit") or a snake_case
# word ("codice_fiscale"). Addresses and e-mails are removed first.
RAW_CODE = re.compile(r"\b[a-z]{3,}(?:_[a-z]+)*(?:\.[a-z]{3,}(?:_[a-z]+)*)+\b|\b[a-z]+_[a-z_]+\b")
# The visible text of the main content, without what is shown as code on purpose (the names of
# an import file's columns, say).
MAIN_TEXT_JS = """
() => {
  const main = document.querySelector('main');
  if (!main) return '';
  const copy = main.cloneNode(true);
  copy.querySelectorAll('code, kbd, pre, samp').forEach((node) => node.remove());
  document.body.appendChild(copy);
  copy.hidden = false;
  const text = copy.innerText;
  copy.remove();
  return text;
}
"""
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[\w-]+\.(?:it|org|com|invalid|eu)\b")


@pytest.fixture
def demo(settings: Any) -> None:
    from sinergie.directory.models import Taxonomy, TaxonomyTerm
    from sinergie.directory.taxonomy import taxonomy_sync

    # A transactional test that ran before flushed the taxonomy its data migration created.
    taxonomy_sync(Taxonomy, TaxonomyTerm)
    settings.DEBUG = True  # the demo refuses to run otherwise
    call_command("demo", "--no-serve", stdout=StringIO())
    settings.DEBUG = False


def _session_cookie(email: str) -> str:
    from sinergie.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _links(page: Page, base: str, limit: int) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    found: list[str] = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        if href not in found:
            found.append(href)
    return found[:limit]


def _problems(page: Page, width: int, console: list[str]) -> list[str]:
    problems = [f"label over a field or heading: {hit}" for hit in page.evaluate(LABELS_OVER_FIELDS_JS)]
    text = ADDRESSES.sub(" ", page.evaluate(MAIN_TEXT_JS))
    problems += [f"raw code {code!r}" for code in sorted(set(RAW_CODE.findall(text)))]
    problems += console
    if width == 390:
        from axe_playwright_python.sync_playwright import Axe

        violations = Axe().run(page).response["violations"]
        problems += [f"axe {v['id']} ({v['impact']})" for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    return problems


def test_every_role_walks_its_main_journey_cleanly(chromium: Browser, live_server: Any, demo: None) -> None:
    base = live_server.url
    report: list[str] = []
    for email, starts, follow in JOURNEYS:
        cookie = _session_cookie(email) if email else None
        for width in WIDTHS:
            context = new_context(chromium, viewport={"width": width, "height": 900})
            if cookie:
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
            page = context.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda message, sink=console: (
                    sink.append(f"console: {message.text[:120]}") if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error, sink=console: sink.append(f"script error: {error}"))
            visited: list[str] = []
            for start in starts:
                visited.append(start)
                page.goto(f"{base}{start}")
                visited += [link for link in _links(page, base, follow) if link not in visited]
            for path in visited:
                console.clear()
                response = page.goto(f"{base}{path}")
                status = response.status if response else 0
                problems = ([f"status {status}"] if status >= 400 else []) + _problems(page, width, console)
                report += [f"{email or 'anonymous'} {width}px {path}: {problem}" for problem in problems]
            context.close()
    assert not report, "journeys with problems:\n" + "\n".join(report)
