"""Who may open an application's pages: every persona on every view, GET and POST, and guessed ids.

The applicant and the operator who helped may see and change it; the staff of the call's
alliance may only read it (receipt, PDF, documents); anyone else gets 404 and changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from sinergie.calls.applications.services import application_save, application_start, document_attach
from sinergie.calls.models import Application, ApplicationDocument
from sinergie.calls.tests.apply_world import CODICE_FISCALE, PDF, Applying, applying_fixture  # noqa: F401
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role
from sinergie.organizations.services import membership_remove

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "citizen",
    "stranger",
    "referent",
    "provider_staff",
    "alliance_staff",
    "other_alliance_staff",
    "evaluator",
    "analyst",
    "admin",
    "info_point",
    "helping_operator",
]
OWNERS = {"citizen", "helping_operator"}
READERS = {"alliance_staff"}
READ_VIEWS = {"receipt", "receipt-pdf", "document"}


@pytest.fixture
def setting(applying: Applying) -> dict[str, Any]:
    world = applying.world
    helper = UserFactory(email="helper@example.org")
    add_member(helper, world.alliance_org, Role.INFO_POINT_OPERATOR)
    enrol_totp(helper)
    application = application_start(call=applying.call, applicant=world.citizen, by=helper)
    application_save(application=application, answers={"codice_fiscale": CODICE_FISCALE}, by=helper)
    document = document_attach(
        application=application, name="Attestazione ISEE", filename="a.pdf", content=PDF, by=helper
    )
    other_staff = UserFactory(email="staff-b@example.org")
    add_member(other_staff, world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(other_staff)
    people = {
        "helping_operator": helper,
        "info_point": applying.info_point,
        "other_alliance_staff": other_staff,
    }
    pk = application.pk
    return {
        "application": application,
        "document": document,
        "people": people,
        "gets": {
            "edit": reverse("applications:edit", args=[pk]),
            "review": reverse("applications:review", args=[pk]),
            "withdraw": reverse("applications:withdraw", args=[pk]),
            "receipt": reverse("applications:receipt", args=[pk]),
            "receipt-pdf": reverse("applications:receipt-pdf", args=[pk]),
            "document": reverse("applications:document", args=[document.pk]),
        },
    }


def client_for(applying: Applying, setting: dict[str, Any], name: str, client: Any, login: Any) -> Any:
    if name == "anonymous":
        return client
    user = setting["people"].get(name) or getattr(applying.world, name)
    return login(user)


def state(setting: dict[str, Any]) -> tuple[Any, ...]:
    application = Application.objects.get(pk=setting["application"].pk)
    return (application.state, application.answers, ApplicationDocument.objects.count())


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("view", ["edit", "review", "withdraw", "receipt", "receipt-pdf", "document"])
def test_every_persona_on_every_page(applying, setting, client, login, name, view):
    response = client_for(applying, setting, name, client, login).get(setting["gets"][view])
    if name == "anonymous":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    elif name in OWNERS or (name in READERS and view in READ_VIEWS):
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(set(PERSONAS) - OWNERS))
def test_nobody_else_changes_withdraws_sends_or_removes(applying, setting, client, login, name):
    before = state(setting)
    browser = client_for(applying, setting, name, client, login)
    posts = [
        (setting["gets"]["edit"], applying.post()),
        (setting["gets"]["review"], {"declaration": "on"}),
        (setting["gets"]["withdraw"], {}),
        (reverse("applications:document-remove", args=[setting["document"].pk]), {}),
    ]
    for url, data in posts:
        response = browser.post(url, data)
        assert response.status_code in (302, 404) if name == "anonymous" else response.status_code == 404
    assert state(setting) == before


def test_the_helping_operator_and_the_applicant_both_may_change_it(applying, setting, login):
    for person in (setting["people"]["helping_operator"], applying.world.citizen):
        response = login(person).post(setting["gets"]["edit"], applying.post(continua=None, bozza="1", isee="9000"))
        assert response.status_code == 302
    assert Application.objects.get().answers["isee_cents"] == 900_000


def test_the_door_closes_when_the_helping_operator_is_no_longer_an_operator(applying, setting, login):
    # Issue 12, point 2: access follows the operator's current role, not who once filled it in.
    helper = setting["people"]["helping_operator"]
    browser = login(helper)
    for view in ("edit", "receipt", "document"):
        assert browser.get(setting["gets"][view]).status_code == 200
    owner = UserFactory(email="manager@example.org")
    add_member(owner, applying.world.alliance_org, Role.ALLIANCE_STAFF, manager=True)
    membership_remove(actor=owner, membership=helper.memberships.get(role=Role.INFO_POINT_OPERATOR))
    for view in ("edit", "receipt", "document"):
        assert browser.get(setting["gets"][view]).status_code == 404
    assert login(applying.world.citizen).get(setting["gets"]["edit"]).status_code == 200


@pytest.mark.parametrize("name", ["citizen", "alliance_staff"])
def test_a_forged_application_or_document_id_is_404(applying, setting, login, name):
    browser = login(applying.world.citizen if name == "citizen" else applying.world.alliance_staff)
    forged = uuid.uuid4()
    for route in ("applications:edit", "applications:review", "applications:withdraw", "applications:receipt"):
        assert browser.get(reverse(route, args=[forged])).status_code == 404
    assert browser.get(reverse("applications:receipt-pdf", args=[forged])).status_code == 404
    assert browser.get(reverse("applications:document", args=[forged])).status_code == 404
    assert browser.post(reverse("applications:document-remove", args=[forged])).status_code == 404
    assert browser.get("/domande/not-a-uuid/").status_code == 404


def test_a_citizen_never_lists_anothers_application(applying, setting, login, world):
    mine = application_start(call=applying.call, applicant=world.stranger, by=world.stranger)
    page = login(world.citizen).get(reverse("applications:mine")).content.decode()
    assert str(mine.pk) not in page
    assert str(setting["application"].pk) in page
    stranger_page = login(world.stranger).get(reverse("applications:mine")).content.decode()
    assert str(setting["application"].pk) not in stranger_page and str(mine.pk) in stranger_page


def test_a_document_of_another_application_is_not_removed_through_mine(applying, setting, login, world):
    application_start(call=applying.call, applicant=world.stranger, by=world.stranger)
    response = login(world.stranger).post(reverse("applications:document-remove", args=[setting["document"].pk]))
    assert response.status_code == 404
    assert ApplicationDocument.objects.filter(pk=setting["document"].pk).exists()
