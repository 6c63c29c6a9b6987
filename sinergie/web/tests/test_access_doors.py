"""The door closes when the relationship ends (issue 12, point 2).

For each relationship that grants access (the tables at the top of the `*/access.py` modules):
grant it, see the page (and its API twin where there is one), end it the way the platform ends it
(through the service the pages use; removing a partner, which only the admin does, by deleting
the row as the admin does), and the page answers 403 or 404 as its module answers a stranger.
Each test runs in its own savepoint inside the world of the access matrix, so it may change it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sinergie.calls.evaluation.ranking import ranking_publish
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design
from sinergie.companies import contamination
from sinergie.conftest import UserFactory, add_member
from sinergie.organizations.models import AlliancePartner, Membership, Role
from sinergie.organizations.services import alliance_set_municipalities, membership_remove

from .test_access_matrix import Matrix, clients_fixture, matrix_fixture  # noqa: F401 - the module's fixtures

pytestmark = pytest.mark.django_db


def statuses(browser: Client, urls: list[str]) -> list[int]:
    return [browser.get(url).status_code for url in urls]


def remove_role(matrix: Matrix, user: Any, role: str) -> None:
    """End `user`'s role through the service the people page uses, by another manager."""
    membership = Membership.objects.get(user=user, role=role)
    other = Membership.objects.filter(organization=membership.organization).exclude(user=user).first()
    if other is None:  # the organization must keep a manager: the admin adds one first
        other = add_member(UserFactory(), membership.organization, role, manager=True)
    else:
        Membership.objects.filter(pk=other.pk).update(is_manager=True)
    membership_remove(actor=matrix.world.admin, membership=membership)


# --- Membership roles -----------------------------------------------------------------------------


def test_a_referent_removed_from_the_company_loses_its_pages(matrix: Matrix, clients: dict[str, Client]) -> None:
    company = matrix.world.company.slug
    urls = [
        reverse("companies:profile", args=[company]),
        reverse("companies:plan", args=[company]),
        reverse("incentives:plan", args=[matrix.company_application.pk]),
        reverse("incentives:grant", args=[matrix.grant.pk]),
        reverse("surveys:campaign-report", args=[matrix.campaign.pk]),
        reverse("surveys:builder-survey", args=[matrix.survey.pk]),
        f"/api/v1/surveys/campaigns/{matrix.campaign.pk}/report",
    ]
    browser = clients["referent"]
    assert statuses(browser, urls) == [200] * len(urls)
    remove_role(matrix, matrix.world.referent, Role.COMPANY_REFERENT)
    assert statuses(browser, urls) == [404] * len(urls)


def test_alliance_staff_removed_lose_the_alliances_pages(matrix: Matrix, clients: dict[str, Client]) -> None:
    calls = [
        reverse("calls:evaluation-applications", args=[matrix.call.pk]),
        reverse("calls:evaluation-application", args=[matrix.call.pk, matrix.application.pk]),
        reverse("applications:receipt", args=[matrix.application.pk]),
        reverse("reports:report", args=[matrix.call.pk]),
        reverse("incentives:manage", args=[matrix.company_call.pk]),
        reverse("incentives:grant", args=[matrix.grant.pk]),
        reverse("companies:join-decide", args=[matrix.join_request.pk]),
        reverse("companies:profile", args=[matrix.world.company.slug]),
        reverse("directory-manage:review", args=[matrix.revision.pk]),
        reverse("surveys:campaign-report", args=[matrix.campaign.pk]),
        f"/api/v1/surveys/campaigns/{matrix.campaign.pk}/report",
    ]
    forbidden = [
        reverse("schoolcalendar:manage", args=[matrix.melzo.istat_code]),
        reverse("catalogue:import-preview", args=[matrix.batch.pk]),
    ]
    browser = clients["alliance_staff"]
    assert statuses(browser, calls + forbidden) == [200] * (len(calls) + len(forbidden))
    remove_role(matrix, matrix.world.alliance_staff, Role.ALLIANCE_STAFF)
    assert statuses(browser, calls) == [404] * len(calls)
    assert statuses(browser, forbidden) == [403, 403]  # their own upload: seen, no longer theirs to import


def test_provider_staff_removed_lose_the_desk_and_the_back_office(matrix: Matrix, clients: dict[str, Client]) -> None:
    provider = matrix.world.provider.slug
    urls = [
        reverse("vouchers:desk", args=[provider]),
        reverse("vouchers:redemption", args=[provider, matrix.redemption.pk]),
        reverse("directory-manage:preview", args=[matrix.service.pk]),
        reverse("directory-manage:history", args=[matrix.service.pk]),
    ]
    browser = clients["provider"]
    assert statuses(browser, urls) == [200] * len(urls)
    remove_role(matrix, matrix.world.provider_staff, Role.PROVIDER_STAFF)
    assert statuses(browser, urls) == [404] * len(urls)


def test_an_operator_removed_loses_the_assisted_application_form(matrix: Matrix, clients: dict[str, Client]) -> None:
    url = reverse("calls:apply-assisted", args=[matrix.call.pk])
    assert clients["operator"].get(url).status_code == 200
    remove_role(matrix, matrix.people["operator"], Role.INFO_POINT_OPERATOR)
    assert clients["operator"].get(url).status_code == 404


# --- Partners and territory -----------------------------------------------------------------------


def test_staff_lose_a_company_that_is_no_longer_a_partner(matrix: Matrix, clients: dict[str, Client]) -> None:
    company = matrix.world.company.slug
    urls = [
        reverse("companies:profile", args=[company]),
        reverse("companies:assessment", args=[company]),
        reverse("companies:plan", args=[company]),
        reverse("surveys:campaign-report", args=[matrix.campaign.pk]),
        f"/api/v1/surveys/campaigns/{matrix.campaign.pk}/report",
    ]
    browser = clients["alliance_staff"]
    assert statuses(browser, urls) == [200] * len(urls)
    AlliancePartner.objects.filter(alliance=matrix.world.alliance, organization=matrix.world.company).delete()
    assert statuses(browser, urls) == [404] * len(urls)


def test_staff_lose_a_provider_that_is_no_longer_a_partner(matrix: Matrix, clients: dict[str, Client]) -> None:
    hidden = [
        reverse("directory-manage:review", args=[matrix.revision.pk]),
        reverse("directory-manage:preview", args=[matrix.service.pk]),
        reverse("directory-manage:history", args=[matrix.service.pk]),
    ]
    batch = reverse("catalogue:import-preview", args=[matrix.batch.pk])
    browser = clients["alliance_staff"]
    assert statuses(browser, [*hidden, batch]) == [200] * (len(hidden) + 1)
    AlliancePartner.objects.filter(alliance=matrix.world.alliance, organization=matrix.world.provider).delete()
    assert statuses(browser, hidden) == [404] * len(hidden)
    assert browser.get(batch).status_code == 403  # catalogue/access.py: the uploader sees it, may not import


def test_staff_lose_the_calendar_of_a_municipality_that_left(matrix: Matrix, clients: dict[str, Client]) -> None:
    url = reverse("schoolcalendar:manage", args=[matrix.melzo.istat_code])
    browser = clients["alliance_staff"]
    assert browser.get(url).status_code == 200
    alliance = matrix.world.alliance
    alliance_set_municipalities(
        actor=matrix.world.admin, alliance=alliance, municipalities=alliance.municipalities.exclude(pk=matrix.melzo.pk)
    )
    assert browser.get(url).status_code == 403


# --- Evaluation -----------------------------------------------------------------------------------


def evaluator_urls(matrix: Matrix) -> list[str]:
    return [
        reverse("calls:evaluator-application", args=[matrix.application.pk]),
        reverse("calls:evaluator-document", args=[matrix.document.pk]),
    ]


def test_the_evaluator_loses_the_application_when_the_ranking_is_published(
    matrix: Matrix, clients: dict[str, Client]
) -> None:
    browser = clients["evaluator"]
    assert statuses(browser, evaluator_urls(matrix)) == [200, 200]
    staff = matrix.world.alliance_staff
    evaluations_compute(call=matrix.call, by=staff)
    ranking_publish(ranking=ranking_for_design(call=matrix.call, by=staff), by=staff)
    assert statuses(browser, evaluator_urls(matrix)) == [404, 404]


def test_the_evaluator_loses_the_application_with_the_role(matrix: Matrix, clients: dict[str, Client]) -> None:
    browser = clients["evaluator"]
    assert statuses(browser, evaluator_urls(matrix)) == [200, 200]
    remove_role(matrix, matrix.world.evaluator, Role.EVALUATOR)
    assert statuses(browser, evaluator_urls(matrix)) == [404, 404]


# --- Pairings -------------------------------------------------------------------------------------


def test_a_declined_witness_loses_the_pairing(matrix: Matrix, clients: dict[str, Client]) -> None:
    world = matrix.world
    url = reverse("companies:pairing", args=[matrix.pairing.pk])
    browser = clients["other_referent"]
    assert browser.get(url).status_code == 404
    AlliancePartner.objects.create(alliance=world.alliance, organization=world.other_company, role="private")
    contamination.witness_mark(alliance=world.alliance, company=world.other_company, by=world.alliance_staff)
    contamination.pairing_propose(
        pairing=matrix.pairing, witness=world.other_company, why="Stesso settore", by=world.alliance_staff
    )
    assert browser.get(url).status_code == 200
    contamination.pairing_answer(pairing=matrix.pairing, accept=False, by=world.referent)
    assert browser.get(url).status_code == 404
