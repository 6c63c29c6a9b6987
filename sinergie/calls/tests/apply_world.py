"""An open worker-voucher call designed with rules, criteria and one required PDF, and the
people who apply to it: the World's citizen, and an information-point operator."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sinergie.calls import design
from sinergie.calls.models import Call
from sinergie.conftest import UserFactory, World, add_member, enrol_totp
from sinergie.organizations.models import Role

from .design_world import Designer

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32
CODICE_FISCALE = "RSSMRA85T10A562S"


class Applying:
    def __init__(self, world: World) -> None:
        self.world = world
        self.designer = Designer(world)
        self.call = self.open_call()
        self.info_point = UserFactory(email="infopoint@example.org", first_name="Ida", last_name="Sportello")
        add_member(self.info_point, world.alliance_org, Role.INFO_POINT_OPERATOR)
        enrol_totp(self.info_point)

    def open_call(self, **changes: Any) -> Call:
        now = timezone.now()
        changes.setdefault("opens_at", now - datetime.timedelta(days=1))
        call = self.designer.create(**changes)
        call = design.call_publish_checked(call=call, by=self.world.alliance_staff)
        call.refresh_from_db()
        return call

    def post(self, **changes: Any) -> dict[str, Any]:
        """A complete, valid POST of the application form, with a PDF for the required document."""
        data: dict[str, Any] = {
            "codice_fiscale": CODICE_FISCALE,
            "lives_in": "015142",
            "works_in": "",
            "children_ages": "4, 9",
            "isee": "15.000",
            "single_parent": "on",
            "continua": "1",
            "document_0": pdf_upload(),
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}


def pdf_upload(name: str = "isee.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(name="applying")
def applying_fixture(world: World) -> Applying:
    return Applying(world)
