"""Property test: reports taken before and after one more answer cannot be told apart.

While a campaign is open, every report is the collecting message with a count rounded down to a
multiple of K, so one more answer changes no figure; after the close the figures come from one
release and never change again, whatever is tried afterwards.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.organizations.models import Organization
from sinergie.surveys import report as report_module
from sinergie.surveys import services
from sinergie.surveys.report import MESSAGE_COLLECTING, build_report
from sinergie.surveys.services import K, SurveyError
from sinergie.surveys.tests.helpers import answer, close, make_campaign

pytestmark = pytest.mark.django_db

one_answer = st.fixed_dictionaries({"kids": st.sampled_from(["yes", "no"]), "stress": st.integers(1, 5)}).map(
    lambda a: {**a, "ages": ["0_2"]} if a["kids"] == "yes" else a
)
BREAKDOWNS = (None, "kids", "stress")


def _reports(campaign) -> dict:
    """Every report a viewer can ask for, as the page, the API and the exports build it."""
    campaign = services.campaign_release(campaign)
    return {b: build_report(campaign, breakdown=b, free_text=True) for b in BREAKDOWNS}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(one_answer, min_size=1, max_size=3 * K + 2))
def test_reports_say_nothing_while_open_and_are_fixed_after_the_close(answers: list[dict]) -> None:
    company = Organization.objects.create(
        kind="company", name="Before-after", slug=f"ba-{Organization.objects.count()}"
    )
    campaign = make_campaign(company, mode="open")
    for count, given_answer in enumerate(answers, start=1):
        answer(campaign, given_answer)
        for breakdown, report in _reports(campaign).items():
            assert report["state"] == "collecting", breakdown
            assert report["responses_so_far"] == count - count % K
            assert report["message"] == MESSAGE_COLLECTING
            assert report["respondents"] is None and report["breakdown"] is None
            assert report["variables"] == [] and report["free_text"] == {}
    campaign = close(campaign)
    fixed = _reports(campaign)
    for report in fixed.values():
        assert report["state"] == "released" and report["responses_so_far"] is None
        if len(answers) >= K:
            assert report["respondents"] == len(answers) and report["variables"]
        else:
            assert report["respondents"] is None and report["variables"] == []
    with pytest.raises(SurveyError):
        answer(campaign, answers[0])
    assert services.campaign_release(campaign, now=campaign.released_at).released_at == campaign.released_at
    assert _reports(campaign) == fixed
    report_module._ENGINES.clear()  # computed again from the stored release: the same figures
    assert _reports(type(campaign).objects.get(pk=campaign.pk)) == fixed
