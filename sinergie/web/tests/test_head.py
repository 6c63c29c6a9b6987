"""HEAD answers wherever GET does (issue 13, point 19).

Django answers HEAD like GET for a plain view, but `require_GET` and
`require_http_methods(["GET"])` refuse it with 405 (the views use `require_safe`), and
django-ninja routes by method (the APIs answer HEAD through `lib/api_head.py`). The test walks the
whole URLconf: each URL, without arguments or with those of the access matrix's world, is asked
with GET by a set of personas, and wherever GET answers 200 HEAD must answer 200 too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sinergie.web.tests.test_access_matrix import (
    ARGUMENTS,
    QUERIES,
    Matrix,
    clients_fixture,  # noqa: F401 (a fixture, used by name)
    matrix_fixture,  # noqa: F401 (a fixture, used by name)
)

pytestmark = pytest.mark.django_db

# One persona of each kind of access; the matrix asks every persona, this test asks these.
ASKED = ("anonymous", "citizen", "provider", "referent", "alliance_staff", "evaluator", "admin")
# Token links whose argument is a secret, not an object: no world argument to give them.
SKIPPED_NAMES = {"account_confirm_email", "account_reset_password_from_key"}


@dataclass(frozen=True)
class Url:
    name: str
    takes_arguments: bool


def urls() -> list[Url]:
    found: list[Url] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name and entry.name not in SKIPPED_NAMES:
                takes = bool(entry.pattern.regex.groups or entry.pattern.converters)
                found.append(Url(namespace + entry.name, takes))

    walk(get_resolver(), "")
    # Django's admin names one URL per model and action: its views answer HEAD alike; two stand for them.
    return sorted(
        {u for u in found if not u.name.startswith("admin:") or u.name in {"admin:index", "admin:login"}},
        key=lambda u: u.name,
    )


URLS = urls()


def _address(url: Url, matrix: Matrix) -> str | None:
    if not url.takes_arguments:
        return reverse(url.name) + QUERIES.get(url.name, "")
    if url.name not in ARGUMENTS:
        return None
    return reverse(url.name, kwargs=ARGUMENTS[url.name](matrix)) + QUERIES.get(url.name, "")


@pytest.mark.parametrize("url", URLS, ids=[u.name for u in URLS])
def test_head_answers_wherever_get_does(url: Url, matrix: Matrix, clients: dict[str, Client]) -> None:
    address = _address(url, matrix)
    if address is None:
        pytest.skip(f"{url.name}: no arguments in the access matrix (only admin URLs lack them)")
    refused: list[str] = []
    answered = 0
    for persona in ASKED:
        browser = clients[persona]
        get: Any = browser.get(address)
        if get.status_code != 200:
            continue
        answered += 1
        head: Any = browser.head(address)
        if head.status_code != 200:
            refused.append(f"{persona}: GET 200, HEAD {head.status_code}")
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", f"{address}: HEAD sent a body"
    assert not refused, f"{address}: " + "; ".join(refused)
