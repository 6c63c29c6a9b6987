"""Every role on every company incentive page: the company's referents and the call's staff; 404 for the rest."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from sinergie.calls.grants import services as incentives
from sinergie.calls.models import GrantState, IncentiveGrant
from sinergie.calls.tests.incentive_world import Incentives
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role

ALL = [
    "citizen",
    "stranger",
    "referent",
    "colleague",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "other_staff",
    "evaluator",
    "analyst",
    "admin",
]
COMPANY_A = {"referent", "colleague"}
STAFF_A = {"alliance_staff"}


@pytest.fixture
def setup(world):
    inc = Incentives(world)
    grant = inc.grant()
    document = incentives.grant_document_attach(
        grant=grant, name="Fattura", filename="f.pdf", content=b"%PDF-1.4", by=world.referent
    )
    other_staff = UserFactory(email="staff-b@example.org")
    add_member(other_staff, world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(other_staff)
    users = {name: getattr(world, name) for name in ALL if name != "other_staff"}
    users["other_staff"] = other_staff
    return inc, grant, document, users


def _pages(inc, grant, document):
    """(url, who gets 200 on GET)."""
    return [
        (reverse("incentives:mine"), {"referent", "colleague", "other_referent"}),
        (reverse("incentives:apply", args=[inc.call.pk]), {"referent", "colleague", "other_referent"}),
        (reverse("incentives:plan", args=[inc.application.pk]), COMPANY_A | STAFF_A),
        (reverse("incentives:manage", args=[inc.call.pk]), STAFF_A),
        (reverse("incentives:grant", args=[grant.pk]), COMPANY_A | STAFF_A),
        (reverse("incentives:grant-document-file", args=[document.pk]), COMPANY_A | STAFF_A),
    ]


def test_every_role_on_every_page(setup, client, login):
    inc, grant, document, users = setup
    # "Apply for your company" is linked from the public call page: whoever may not apply is told
    # who can and how (403), never a bare 404 (issue 13, point 16).
    explained = reverse("incentives:apply", args=[inc.call.pk])
    for url, allowed in _pages(inc, grant, document):
        client.logout()
        assert client.get(url).status_code == (403 if url == explained else 302), url  # 302: to the login page
        for name, user in users.items():
            client.logout()
            login(user)
            expected = 200 if name in allowed else (403 if url == explained else 404)
            assert client.get(url).status_code == expected, (url, name)


def test_the_grant_form_is_for_the_calls_staff_only(setup, client, login):
    inc, _grant, _document, users = setup
    second = inc.apply(users["other_referent"], inc.world.other_company)
    url = reverse("incentives:grant-new", args=[second.pk])
    for name, user in users.items():
        client.logout()
        login(user)
        assert client.get(url).status_code == (200 if name in STAFF_A else 404), name
        response = client.post(url, {"amount": "100", "signed_at": "2026-01-01"})
        assert response.status_code in ((302, 400) if name in STAFF_A else (404,)), name
    assert IncentiveGrant.objects.get(application=second).created_by == users["alliance_staff"]


@pytest.mark.parametrize(
    ("name", "data", "side"),
    [
        (
            "grant-report",
            {"hour_bank_done": "x", "hour_bank_start": "2026-01-01", "hour_bank_end": "2026-01-02"},
            "company",
        ),
        ("grant-document", {"name": "x"}, "company"),
        ("grant-review", {"decision": "approve"}, "staff"),
        ("grant-revoke", {"reason": "x"}, "staff"),
    ],
)
def test_each_action_only_for_its_side(setup, client, login, name, data, side):
    _inc, grant, _document, users = setup
    allowed = COMPANY_A if side == "company" else STAFF_A
    url = reverse(f"incentives:{name}", args=[grant.pk])
    for who, user in users.items():
        if who in allowed:
            continue
        client.logout()
        login(user)
        assert client.post(url, data).status_code == 404, who
    grant.refresh_from_db()
    assert grant.state == GrantState.GRANTED


def test_staff_cannot_change_the_companys_plan_nor_request_its_payment(setup, client, login):
    inc, grant, _document, users = setup
    login(users["alliance_staff"])
    assert client.post(reverse("incentives:plan", args=[inc.application.pk]), {"employees": "3"}).status_code == 404
    response = client.post(reverse("incentives:grant-payment", args=[grant.pk]), {"step": "request"})
    assert response.status_code == 400
    login(users["referent"])
    response = client.post(reverse("incentives:grant-payment", args=[grant.pk]), {"step": "approve"})
    assert response.status_code == 400


def test_forged_ids_are_404(setup, client, login):
    _inc, _grant, _document, users = setup
    for user in (users["referent"], users["alliance_staff"]):
        login(user)
        for url in (
            reverse("incentives:plan", args=[uuid.uuid4()]),
            reverse("incentives:grant-new", args=[uuid.uuid4()]),
            reverse("incentives:grant", args=[999_999]),
            f"/incentivi/contributi/{2**70}/",
            reverse("incentives:grant-document-file", args=[uuid.uuid4()]),
            reverse("incentives:manage", args=[999_999]),
            reverse("incentives:apply", args=[999_999]),
        ):
            assert client.get(url).status_code == 404, url


def test_a_worker_voucher_call_has_no_company_pages(setup, client, login):
    inc, _grant, _document, users = setup
    from sinergie.calls import services
    from sinergie.calls.conftest import make_call

    call = make_call(inc.world)
    services.call_publish(call=call, by=users["alliance_staff"])
    login(users["referent"])
    assert client.get(reverse("incentives:apply", args=[call.pk])).status_code == 404
    assert reverse("incentives:apply", args=[call.pk]) not in client.get(reverse("calls:detail", args=[call.pk])).text
    login(users["alliance_staff"])
    assert client.get(reverse("incentives:manage", args=[call.pk])).status_code == 404


def test_applying_for_a_company_one_is_not_a_referent_of_is_404(setup, client, login):
    inc, _grant, _document, users = setup
    url = reverse("incentives:apply", args=[inc.call.pk])
    login(users["referent"])
    assert client.post(url, {"company": inc.world.other_company.slug}).status_code == 404
    assert client.post(url, {"company": "no-such-company"}).status_code == 404
    assert client.post(url, {}).status_code == 404
    from sinergie.calls.models import Application

    assert not Application.objects.filter(organization=inc.world.other_company).exists()
