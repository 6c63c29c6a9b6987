"""The campaigns page: who sees which campaigns, and opening one from the template."""

from __future__ import annotations

import pytest

from sinergie.audit.models import AuditEvent
from sinergie.surveys.models import Campaign, Survey
from sinergie.surveys.tests.helpers import make_campaign

pytestmark = pytest.mark.django_db

URL = "/questionari/campagne/"


def _template() -> Survey:
    return Survey.objects.get(template_key="workers-conciliation-needs", copied_from__isnull=True)


def _data(world, **changes):
    data = {
        "organization": world.company.pk,
        "survey": _template().pk,
        "title": "Bisogni 2027",
        "opens_on": "2027-01-10",
        "closes_on": "2027-01-31",
        "target_size": "40",
        "mode": "tokens",
    }
    data.update(changes)
    return data


def test_a_referent_opens_a_campaign_from_the_template(client, world, login):
    login(world.referent)
    response = client.post(URL, _data(world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/campagne/{campaign.pk}/risultati/")
    assert campaign.survey.copied_from == _template() and campaign.organization == world.company
    assert campaign.opens_at.isoformat() == "2027-01-09T23:00:00+00:00"  # midnight in Rome
    assert campaign.closes_at.isoformat() == "2027-01-31T23:00:00+00:00"  # end of the 31st in Rome
    assert AuditEvent.objects.filter(action="surveys.campaign_created").exists()
    page = client.get(URL)
    assert "Bisogni 2027" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_on": "2027-01-01"}, "closes_on"),
        ({"opens_on": "tomorrow"}, "opens_on"),
        ({"target_size": "0"}, "target_size"),
        ({"mode": "carrier-pigeon"}, "mode"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_names_the_field_and_opens_nothing(client, world, login, changes, field):
    login(world.referent)
    response = client.post(URL, _data(world, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Campaign.objects.exists()


def test_nobody_opens_a_campaign_for_someone_else(client, world, login):
    login(world.referent)
    response = client.post(URL, _data(world, organization=world.other_company.pk))
    assert response.status_code == 400 and "organization" in response.context["form"].errors
    other_survey = make_campaign(world.other_company).survey
    response = client.post(URL, _data(world, survey=other_survey.pk))
    assert response.status_code == 400 and "survey" in response.context["form"].errors
    login(world.citizen)
    assert client.post(URL, _data(world)).status_code == 403
    assert client.get(URL).status_code == 200
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("referent", {"A"}),
        ("other_referent", {"B"}),
        ("alliance_staff", {"A", "Alliance"}),
        ("admin", {"A", "B", "Alliance"}),
        ("citizen", set()),
        ("analyst", {"Alliance"}),
        ("provider_staff", set()),
    ],
)
def test_the_list_shows_only_the_campaigns_one_may_see(client, world, login, persona, sees):
    for organization, title in [(world.company, "A"), (world.other_company, "B"), (world.alliance_org, "Alliance")]:
        campaign = make_campaign(organization)
        campaign.title = f"Campaign {title}"
        campaign.save()
    login(getattr(world, persona))
    text = client.get(URL).content.decode()
    shown = {t for t in ("A", "B", "Alliance") if f"Campaign {t}<" in text}
    assert shown == sees


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_the_list_shows_the_last_day_one_can_answer_with_months_in_lower_case(client, world, login):
    """A campaign that closes at the end of 31 December is listed until 31 December, not
    1 January, and Italian months are written in lower case (issue 13, point 18)."""
    login(world.referent)
    client.post(URL, _data(world, title="Bisogni", opens_on="2026-12-01", closes_on="2026-12-31"))
    text = client.get(URL).content.decode()
    assert "1 dicembre 2026 – 31 dicembre 2026" in text
    assert "2027" not in text and "Dic" not in text
