"""Applications and vouchers link their privacy notices, and a submitted application records the
version it was shown (issue 13, point 8; GDPR art. 13)."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.calls.models import Application, ApplicationState
from sinergie.calls.tests.apply_world import Applying, applying_fixture  # noqa: F401
from sinergie.lib import privacy

from .test_views import started

pytestmark = pytest.mark.django_db


def _notice_link(slug: str, call_id: object | None = None) -> str:
    return f'href="/en/privacy/{slug}/' + (f'?bando={call_id}"' if call_id else '"')


def test_the_application_form_and_review_link_the_notice_of_the_call(login, applying: Applying) -> None:
    client = login(applying.world.citizen)
    form = client.get(reverse("calls:apply", args=[applying.call.pk])).content.decode()
    assert _notice_link("domande", applying.call.pk) in form
    application = started(applying)
    review = client.get(reverse("applications:review", args=[application.pk])).content.decode()
    assert _notice_link("domande", applying.call.pk) in review


def test_the_assisted_form_links_the_information_point_notice(login, applying: Applying) -> None:
    page = login(applying.info_point).get(reverse("calls:apply-assisted", args=[applying.call.pk])).content.decode()
    assert _notice_link("sportello", applying.call.pk) in page


def test_submitting_records_the_notice_version_on_the_application_and_its_audit(
    login, applying: Applying, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    application = started(applying)
    assert application.privacy_notice_version == ""
    client = login(applying.world.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:review", args=[application.pk]), {"declaration": "on"})
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.privacy_notice_version == "applications/1"
    event = AuditEvent.objects.filter(action="calls.application_submit").get()
    assert event.after["privacy_notice_version"] == "applications/1"

    # A new version of the notice is what the next submission records.
    monkeypatch.setitem(
        privacy.NOTICES, "applications", dataclasses.replace(privacy.NOTICES["applications"], version=2)
    )
    other = applying.open_call(title_it="Secondo bando")
    applying.call = other
    second = started(applying)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:review", args=[second.pk]), {"declaration": "on"})
    assert Application.objects.get(pk=second.pk).privacy_notice_version == "applications/2"


def test_voucher_pages_link_the_voucher_notice(login, money) -> None:
    citizen = login(money.world.citizen)
    assert _notice_link("buoni") in citizen.get(reverse("vouchers:wallet")).content.decode()
    detail = citizen.get(reverse("vouchers:detail", args=[money.voucher.pk])).content.decode()
    assert _notice_link("buoni", money.call.pk) in detail
