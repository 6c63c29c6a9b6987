"""The call's management page after publication (issue 13, point 15): the report is linked, a
published or closed call is not "to fix before publishing", a company call explains who applies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sinergie.calls import design, services
from sinergie.calls.conftest import make_call
from sinergie.calls.models import CallKind

from .design_world import Designer, designer_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _manage(client, call) -> str:
    return client.get(reverse("calls:manage-detail", args=[call.pk])).content.decode()


def test_the_management_page_links_the_calls_report_once_published(login, designer: Designer) -> None:
    call = designer.create()
    client = login(designer.staff)
    report = reverse("reports:report", args=[call.pk])
    assert report not in _manage(client, call)  # a draft has no report yet
    design.call_publish_checked(call=call, by=designer.staff)
    page = _manage(client, call)
    assert f'href="{report}"' in page
    assert f'href="{report}?formato=csv"' in page and f'href="{report}?formato=pdf"' in page
    assert client.get(report).status_code == 200
    # and the report leads back to the call's management page
    assert reverse("calls:manage-detail", args=[call.pk]) in client.get(report).content.decode()


def test_an_admin_who_designs_but_may_not_read_the_report_gets_no_dead_link(login, designer: Designer) -> None:
    call = designer.create()
    design.call_publish_checked(call=call, by=designer.staff)
    client = login(designer.world.admin)
    assert reverse("reports:report", args=[call.pk]) not in _manage(client, call)


def test_a_closed_call_is_not_to_fix_before_publishing(login, designer: Designer) -> None:
    call = designer.create()
    design.call_publish_checked(call=call, by=designer.staff)
    design.call_close(call=call, by=designer.staff)
    client = login(designer.staff)
    path = f"/bandi/gestione/{call.pk}/"
    italian = client.get(path).content.decode()
    english = client.get(f"/en{path}").content.decode()
    assert "Da correggere prima di pubblicare" not in italian
    assert "To fix before publishing" not in english and "Check before publishing" not in english
    for page in (italian, english):
        assert 'id="validation-problems"' not in page and 'id="call-status"' in page
    assert "The call is closed." in english


def test_a_published_company_call_says_who_applies_not_that_no_rule_is_set(client, login, designer: Designer) -> None:
    call = make_call(designer.world, kind=CallKind.COMPANY_INCENTIVES, title_it="Incentivi")
    services.call_publish(call=call, by=designer.staff)
    staff = login(designer.staff)
    for page in (
        _manage(staff, call),
        client.get(f"/en/bandi/{call.pk}/").content.decode(),
    ):
        assert "No eligibility rule has been set yet." not in page
        assert "To fix before publishing" not in page
        assert "Companies apply, through one of their referents on Sinergie" in page
    italian = client.get(f"/bandi/{call.pk}/").content.decode()
    assert "Non è stato ancora fissato alcun requisito" not in italian


def test_a_company_call_needs_no_rule_about_people_to_be_published(login, designer: Designer) -> None:
    call = designer.create(kind="company_incentives", eligibility=[], providers=[])
    assert not any(field == "eligibility" for field, _message in design.call_validate(call).problems)
    worker = designer.create(eligibility=[])
    assert any(field == "eligibility" for field, _message in design.call_validate(worker).problems)


def test_a_published_voucher_call_without_rules_says_anyone_can_apply(client, designer: Designer) -> None:
    call = make_call(designer.world)
    services.call_publish(call=call, by=designer.staff)
    page = client.get(f"/en/bandi/{call.pk}/").content.decode()
    assert "No eligibility rule has been set yet." not in page
    assert "This call sets no eligibility rule: anyone can apply." in page
