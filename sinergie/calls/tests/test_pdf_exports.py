"""The call report and the provider's monthly statement as PDF: rendered for who may read them, 404 for anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sinergie.calls.conftest import Money
from sinergie.calls.services import rome_today
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role

from .incentive_world import Incentives


def _month() -> dict[str, int]:
    today = rome_today()
    return {"month": today.month, "year": today.year}


def test_the_provider_downloads_its_statement_as_pdf(money: Money, login):
    money.redeem(amount_cents=5_000, service=money.after_school)
    client = login(money.world.provider_staff)
    response = client.get(reverse("vouchers:statement-pdf", args=[money.provider.slug]), _month())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    today = rome_today()
    assert f'filename="rendiconto-provider-a-{today.year}-{today.month:02d}.pdf"' in response["Content-Disposition"]
    page = client.get(reverse("vouchers:statement", args=[money.provider.slug]), _month())
    assert "rendiconto.pdf" in page.text


def test_a_bad_month_for_the_pdf_statement_is_a_clear_400(money: Money, login):
    client = login(money.world.provider_staff)
    response = client.get(reverse("vouchers:statement-pdf", args=[money.provider.slug]), {"month": 13, "year": 2026})
    assert response.status_code == 400
    assert not response.content.startswith(b"%PDF")


def test_nobody_else_gets_the_providers_pdf_statement(money: Money, client, login):
    url = reverse("vouchers:statement-pdf", args=[money.provider.slug])
    assert client.get(url, _month()).status_code == 302  # to the login page
    w = money.world
    for user in (w.citizen, w.stranger, w.referent, w.alliance_staff, w.evaluator, w.admin, money.other_provider_staff):
        client.logout()
        login(user)
        assert client.get(url, _month()).status_code == 404, user.email


def test_staff_download_the_call_report_as_pdf(money: Money, login):
    money.redeem(amount_cents=5_000)
    client = login(money.world.alliance_staff)
    url = f"/rendiconti/{money.call.pk}/"
    response = client.get(url + "?formato=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f'filename="rendiconto-bando-{money.call.pk}.pdf"' in response["Content-Disposition"]
    assert "formato=pdf" in client.get(url).text


def test_a_company_call_report_as_pdf(world, login):
    inc = Incentives(world)
    inc.to_paid(inc.grant())
    response = login(world.alliance_staff).get(f"/rendiconti/{inc.call.pk}/?formato=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["pdf"])
def test_nobody_else_gets_the_report_pdf(money: Money, client, login, fmt):
    other_staff = UserFactory(email="staff-b@example.org")
    add_member(other_staff, money.world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(other_staff)
    url = f"/rendiconti/{money.call.pk}/?formato={fmt}"
    assert client.get(url).status_code == 302
    w = money.world
    for user in (w.citizen, w.stranger, w.provider_staff, w.evaluator, w.referent, other_staff, w.admin):
        client.logout()
        login(user)
        response = client.get(url)
        assert response.status_code == 404, user.email
        assert not response.content.startswith(b"%PDF")
