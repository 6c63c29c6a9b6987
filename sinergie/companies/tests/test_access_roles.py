"""Every companies view, asked by every persona (issue 14, point 7).

`web/tests/test_access_matrix.py` asks every URL that names an object with GET, as every persona,
against the `ACCESS` table of `companies/urls.py`. This module adds what it leaves out, in the
same world (its `Matrix`, fixtures and `ARGUMENTS`):

- the companies pages that name no object (the lists and desks), with GET, as every persona;
- every view that takes a POST: a persona who may post changes something, any other gets 400,
  403, 404 or the login page, and not a row of the companies app, the audit log, memberships or
  partnerships changes;
- `test_every_companies_url_is_tested_here_or_by_the_matrix`, which fails when a URL of
  `companies/urls.py` has no test.

Each test runs in its own savepoint inside the matrix's world, so a POST's changes are undone (set
up with querysets, never through the matrix's instances, which every test shares).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.companies import urls
from sinergie.companies.assessment import QUESTIONS
from sinergie.companies.models import JoinRequest, LabelAward, LabelScheme, Pairing, WitnessCompany
from sinergie.conftest import OrganizationFactory
from sinergie.lib.access_rules import PERSONAS, PUBLIC, SIGNED_IN, allow
from sinergie.organizations.models import AlliancePartner, Membership
from sinergie.web.tests.test_access_matrix import (  # noqa: F401 - the module's fixtures
    ARGUMENTS,
    Matrix,
    clients_fixture,
    matrix_fixture,
)

pytestmark = pytest.mark.django_db

STAFF_ANYWHERE = allow("alliance_staff", "other_alliance_staff", "admin")


@dataclass(frozen=True)
class Page:
    """A page that names no object: who gets it, and what the others get when signed in."""

    allowed: frozenset[str]
    denied_status: int | None = None  # None: a page everyone signed in gets


# The pages the matrix skips (no argument in the URL). Anonymous visitors of a page that needs
# signing in are sent to the login page.
PAGES: dict[str, Page] = {
    "mine": Page(SIGNED_IN),
    "register": Page(PUBLIC),
    "practices": Page(PUBLIC),
    "agreements": Page(PUBLIC),
    "witness-staff": Page(allow("alliance_staff", "other_alliance_staff"), 404),  # staff only, admin too
    "staff-labels": Page(STAFF_ANYWHERE, 404),
    "join-requests": Page(STAFF_ANYWHERE, 403),
}


@dataclass(frozen=True)
class Post:
    """A POST to a view: its URL arguments, the form's data (after setting up what it needs), and
    the personas whose POST changes something."""

    arguments: Callable[[Matrix], dict[str, Any]]
    data: Callable[[Matrix], dict[str, Any]]
    posters: frozenset[str]


REFERENT = allow("referent", "admin")
STAFF = allow("alliance_staff", "admin")


def _today() -> datetime.date:
    return timezone.localdate()


def _day(days: int) -> str:
    return (_today() + datetime.timedelta(days=days)).isoformat()


def _company(m: Matrix) -> dict[str, Any]:
    return {"slug": m.world.company.slug}


def _alliance(m: Matrix) -> dict[str, Any]:
    return {"alliance": m.world.alliance_org.slug}


def _own_join_request(m: Matrix) -> dict[str, Any]:
    """Company A's pending request to join Alliance B (the matrix's request is Company C's)."""
    join = JoinRequest.objects.create(
        company=m.world.company, alliance=m.world.other_alliance, requested_by=m.world.referent
    )
    return {"slug": m.world.company.slug, "pk": join.pk}


def _label_request(m: Matrix) -> dict[str, Any]:
    LabelAward.objects.filter(pk=m.award.pk).delete()  # the matrix's request waits: a second is refused
    return {"scheme": LabelScheme.objects.get(alliance=m.world.alliance).pk, "declaration": "D", "evidence": "E"}


def _pairing_ask(m: Matrix) -> dict[str, Any]:
    Pairing.objects.filter(pk=m.pairing.pk).delete()  # one open pairing per company and alliance
    return {"alliance": m.world.alliance.pk, "wish": "Imparare dal lavoro agile"}


def _propose(m: Matrix) -> dict[str, Any]:
    witness = OrganizationFactory(kind="company", name="Company W", slug="company-w")
    AlliancePartner.objects.create(alliance=m.world.alliance, organization=witness, role="private")
    WitnessCompany.objects.create(company=witness, alliance=m.world.alliance, since=_today(), marked_by=m.world.admin)
    return {"action": "propose", "witness": witness.pk, "why": ""}


PROFILE = {
    "vat_number": "00743110157",
    "ateco_code": "62.10.00",
    "size_band": "",
    "workforce_women": "12",
    "workforce_men": "9",
    "workforce_other": "0",
    "sites": "",
}

POSTS: dict[str, Post] = {
    "profile": Post(_company, lambda m: PROFILE, REFERENT),
    "alliances": Post(_company, lambda m: {"alliance": m.world.other_alliance.pk, "message": "Vorremmo"}, REFERENT),
    "join-withdraw": Post(_own_join_request, lambda m: {}, REFERENT),
    "join-decide": Post(lambda m: {"pk": m.join_request.pk}, lambda m: {"decision": "accept", "note": ""}, STAFF),
    "assessment": Post(_company, lambda m: {q.code: "2" for q in QUESTIONS}, REFERENT),
    "label": Post(_company, _label_request, REFERENT),
    "pairing-company": Post(_company, _pairing_ask, REFERENT),
    "plan": Post(_company, lambda m: {"goals": "Meno straordinari"}, REFERENT),
    "measure": Post(
        lambda m: {"slug": m.world.company.slug, "pk": m.measure.pk},
        lambda m: {"progress": "50", "on": _day(0), "status": "in_progress", "note": "", "evidence": ""},
        REFERENT,
    ),
    "pairing": Post(lambda m: {"pk": m.pairing.pk}, _propose, STAFF),
    "agreement-new": Post(
        _alliance,
        lambda m: {
            "title": "Posti invernali",
            "kind": "holiday_camp",
            "description": "Posti condivisi",
            "capacity": "5",
            "starts_on": _day(10),
            "ends_on": _day(40),
            "provider": "",
        },
        STAFF,
    ),
    "agreement": Post(
        lambda m: {"pk": m.agreement.pk}, lambda m: {"company": m.world.company.pk, "places": "2"}, allow("referent")
    ),
    "staff-label": Post(lambda m: {"pk": m.award.pk}, lambda m: {"decision": "refuse", "note": "Mancano prove"}, STAFF),
    "scheme-edit": Post(
        _alliance,
        lambda m: {
            "name": "Azienda amica",
            "min_measures_active": "2",
            "requires_self_assessment": "on",
            "survey_within_months": "24",
            "validity_months": "12",
            "criteria_it": "Criteri",
            "criteria_en": "",
        },
        STAFF,
    ),
    "manifesto-edit": Post(
        _alliance,
        lambda m: {"title_it": "Manifesto 2026", "title_en": "", "text_it": "Testo", "text_en": "", "published": "on"},
        STAFF,
    ),
    # Signing for Company A: its referent (a manager) only; the administrator manages no company.
    "manifesto": Post(_alliance, lambda m: {"organization": m.world.company.pk, "commitment": ""}, allow("referent")),
    # Marking a partner of Alliance A as a witness: its staff only (the desk is not the admin's).
    "witness-staff": Post(
        lambda m: {},
        lambda m: {"alliance": m.world.alliance.pk, "company": m.world.company.pk, "action": "mark"},
        allow("alliance_staff"),
    ),
}

# The views that answer no POST (405), checked below.
GET_ONLY = {"mine", "register", "practices", "agreements", "staff-labels", "join-requests", "plan-pdf"}


def _names() -> set[str]:
    return {pattern.name for pattern in urls.urlpatterns}


def test_every_companies_url_is_tested_here_or_by_the_matrix() -> None:
    """GET: the matrix (URLs with an argument, declared in ACCESS) or PAGES; POST: POSTS or GET_ONLY."""
    untested_get = _names() - set(urls.ACCESS) - set(PAGES)
    assert not untested_get, f"No GET test for companies:{sorted(untested_get)}: declare it in ACCESS or PAGES"
    assert set(urls.ACCESS) & set(PAGES) == set(), "A page is either the matrix's (ACCESS) or this module's"
    assert all(f"companies:{name}" in ARGUMENTS for name in urls.ACCESS)
    untested_post = _names() - set(POSTS) - GET_ONLY
    assert not untested_post, f"No POST test for companies:{sorted(untested_post)}: add it to POSTS or GET_ONLY"
    assert set(POSTS) & GET_ONLY == set()


def _url(name: str, kwargs: dict[str, Any]) -> str:
    return reverse(f"companies:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_persona_gets_the_pages_that_name_no_object(name: str, clients: dict[str, Client]) -> None:
    page, url = PAGES[name], _url(name, {})
    wrong = []
    for persona in PERSONAS:
        response = clients[persona].get(url)
        location = response.get("Location", "")
        if persona in page.allowed:
            ok = response.status_code == 200 or (response.status_code == 302 and "/account/login/" not in location)
        elif persona == "anonymous":
            ok = response.status_code == 302 and "/account/login/" in location
        else:
            ok = response.status_code == page.denied_status
        if not ok:
            wrong.append(f"{persona}: {response.status_code} {location}")
    assert not wrong, f"{url}: " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(GET_ONLY))
def test_the_pages_that_only_show_refuse_a_post(name: str, matrix: Matrix, clients: dict[str, Client]) -> None:
    kwargs = ARGUMENTS[f"companies:{name}"](matrix) if name in urls.ACCESS else {}
    assert clients["admin"].post(_url(name, kwargs), {}).status_code == 405


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the companies app, the audit log, memberships and partnerships."""
    models = [*apps.get_app_config("companies").get_models(), AuditEvent, Membership, AlliancePartner]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def _changed(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [label for label in before if before[label] != after[label]]


CASES = [(name, persona) for name in sorted(POSTS) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{name}-{persona}" for name, persona in CASES])
def test_only_who_may_post_changes_anything(
    name: str, persona: str, matrix: Matrix, clients: dict[str, Client]
) -> None:
    post = POSTS[name]
    url = _url(name, post.arguments(matrix))
    data = post.data(matrix)
    before = _rows()
    response = clients[persona].post(url, data)
    changed = _changed(before, _rows())
    if persona in post.posters:
        assert response.status_code == 302, f"{persona} posting to {url}: {response.status_code}"
        assert changed, f"{persona}'s POST to {url} changed nothing"
    else:
        location = response.get("Location", "")
        refused = response.status_code in (400, 403, 404) or (
            response.status_code == 302 and persona == "anonymous" and "/account/login/" in location
        )
        assert refused, f"{persona} posting to {url}: {response.status_code} {location}"
        assert not changed, f"{persona}'s POST to {url} changed {changed}"
