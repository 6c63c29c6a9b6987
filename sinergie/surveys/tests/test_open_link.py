"""An open-link campaign shows its link to those who run it (copy, QR code, a poster to print),
and they may close a campaign before its planned end (issue 13, point 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.surveys.models import Campaign, CampaignMode, Response
from sinergie.surveys.tests.helpers import answer, make_campaign

pytestmark = pytest.mark.django_db


def _report(campaign: Campaign) -> str:
    return f"/questionari/campagne/{campaign.pk}/risultati/"


def _link(campaign: Campaign) -> str:
    return f"http://testserver/questionari/{campaign.slug}/"


def test_the_referent_who_opens_an_open_link_campaign_sees_its_link(client, world, login):
    login(world.referent)
    response = client.post(
        "/questionari/campagne/",
        {
            "organization": world.company.pk,
            "survey": make_campaign(world.company).survey.pk,
            "title": "Bisogni con link aperto",
            "opens_on": timezone.localdate().isoformat(),
            "closes_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "target_size": "30",
            "mode": "open",
        },
        follow=True,
    )
    campaign = Campaign.objects.get(title="Bisogni con link aperto")
    assert campaign.mode == CampaignMode.OPEN
    page = response.content.decode()
    assert f'value="{_link(campaign)}"' in page and "readonly" in page
    assert 'class="survey-qr"' in page and 'role="img"' in page
    assert f"/questionari/campagne/{campaign.pk}/locandina/" in page
    poster = client.get(f"/questionari/campagne/{campaign.pk}/locandina/")
    assert poster.status_code == 200 and _link(campaign) in poster.content.decode()
    assert campaign.title in poster.content.decode()
    # The link answers: the questionnaire opens.
    client.logout()
    assert client.get(_link(campaign).removeprefix("http://testserver")).status_code == 200


def test_only_those_who_run_the_campaign_see_its_link(client, world, login):
    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    login(world.alliance_staff)  # sees the report of a partner's campaign, does not run it
    page = client.get(_report(campaign)).content.decode()
    assert campaign.slug not in page and "locandina" not in page and "chiudi" not in page
    assert client.get(f"/questionari/campagne/{campaign.pk}/locandina/").status_code == 404
    assert client.post(f"/questionari/campagne/{campaign.pk}/chiudi/").status_code == 403
    login(world.other_referent)
    assert client.get(f"/questionari/campagne/{campaign.pk}/locandina/").status_code == 404
    assert client.post(f"/questionari/campagne/{campaign.pk}/chiudi/").status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).closes_at > timezone.now()


def test_a_single_use_links_campaign_has_no_open_link_or_poster(client, world, login):
    campaign = make_campaign(world.company)
    login(world.referent)
    page = client.get(_report(campaign)).content.decode()
    assert campaign.slug not in page and "survey-qr" not in page
    assert client.get(f"/questionari/campagne/{campaign.pk}/locandina/").status_code == 404
    assert "chiudi" in page  # it can still be closed early


def test_closing_a_campaign_stops_answers_and_publishes_at_once(client, world, login):
    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    for _ in range(6):
        answer(campaign, {"kids": "no", "stress": 3})
    login(world.referent)
    response = client.post(f"/questionari/campagne/{campaign.pk}/chiudi/", follow=True)
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.closes_at <= timezone.now() and campaign.released_at is not None
    assert Response.objects.filter(campaign=campaign, released=True).count() == 6
    event = AuditEvent.objects.get(action="surveys.campaign_closed")
    assert event.object_id == str(campaign.pk) and event.actor == world.referent
    page = response.content.decode()
    assert campaign.slug not in page and "chiudi/" not in page  # no link, no button once closed
    client.logout()
    assert client.get(f"/questionari/{campaign.slug}/").status_code == 410
    # A second close changes nothing and says why.
    login(world.referent)
    closed_at = campaign.closes_at
    response = client.post(f"/questionari/campagne/{campaign.pk}/chiudi/", follow=True)
    assert "already closed" in response.content.decode() or "già chiusa" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.closes_at == closed_at and AuditEvent.objects.filter(action="surveys.campaign_closed").count() == 1


def test_a_campaign_not_open_yet_cannot_be_closed(client, world, login):
    campaign = make_campaign(world.company, mode=CampaignMode.OPEN)
    planned = timezone.now() + timedelta(days=3)
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=planned, closes_at=planned + timedelta(days=9))
    login(world.referent)
    client.post(f"/questionari/campagne/{campaign.pk}/chiudi/")
    campaign.refresh_from_db()
    assert campaign.opens_at == planned and not AuditEvent.objects.filter(action="surveys.campaign_closed").exists()
