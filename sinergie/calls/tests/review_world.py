"""A published call of alliance A with three sent applications (two admissible), a document, and
evaluators: two of alliance A, one of alliance B."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sinergie.calls import services
from sinergie.calls.applications.services import (
    application_save,
    application_start,
    application_submit,
    document_attach,
)
from sinergie.calls.models import Application, Call
from sinergie.conftest import UserFactory, World, add_member, enrol_totp
from sinergie.organizations.models import Role

from .design_world import Designer

MELZO = "015142"
GOOD = {"lives_in": MELZO, "children_ages": [7], "isee_cents": 900_000, "already_beneficiary": False}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send(call: Call, email: str, answers: dict[str, Any], *, first_name: str = "") -> Application:
    person = UserFactory(email=email, first_name=first_name or email.split("@")[0].title(), last_name="Rossi")
    application = application_start(call=call, applicant=person, by=person)
    application_save(application=application, answers=answers, by=person)
    return application


def submit(application: Application) -> Application:
    """Send it, with the ISEE statement the design requires attached first (when it is not yet)."""
    if not application.documents.filter(name="Attestazione ISEE").exists():
        document_attach(
            application=application,
            name="Attestazione ISEE",
            filename="isee.pdf",
            content=PDF,
            by=application.applicant,
        )
    return application_submit(application=application, by=application.applicant)


class Review:
    def __init__(self, world: World) -> None:
        self.world = world
        self.designer = Designer(world)
        self.staff = world.alliance_staff
        now = timezone.now()
        created = self.designer.create(
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=10), budget_cents=40_000
        )
        self.call = services.call_publish(call=created, by=self.staff)
        self.first = send(self.call, "anna@example.org", {**GOOD, "isee_cents": 100_000}, first_name="Anna")
        self.document = document_attach(
            application=self.first,
            name="Attestazione ISEE",
            filename="isee.pdf",
            content=PDF,
            by=self.first.applicant,
        )
        self.first = application_submit(application=self.first, by=self.first.applicant)
        self.second = submit(send(self.call, "bruno@example.org", {**GOOD, "isee_cents": 500_000}, first_name="Bruno"))
        self.far = submit(send(self.call, "carla@example.org", {**GOOD, "lives_in": "015146"}, first_name="Carla"))
        self.draft = send(self.call, "dario@example.org", GOOD, first_name="Dario")
        self.evaluator = world.evaluator
        self.evaluator2 = self._person("evaluator2@example.org", world.alliance_org, Role.EVALUATOR)
        self.foreign_evaluator = self._person("evaluator-b@example.org", world.other_alliance_org, Role.EVALUATOR)

    @staticmethod
    def _person(email: str, organization: Any, role: str) -> Any:
        user = UserFactory(email=email)
        add_member(user, organization, role)
        enrol_totp(user)
        return user


@pytest.fixture(name="review")
def review_fixture(world: World) -> Review:
    return Review(world)
