"""Property test: reports taken before and after one more answer never isolate a group under K."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.organizations.models import Organization
from sinergie.surveys.report import build_report, engine_for
from sinergie.surveys.services import K
from sinergie.surveys.tests.helpers import answer, make_campaign

pytestmark = pytest.mark.django_db

one_answer = st.fixed_dictionaries({"kids": st.sampled_from(["yes", "no"]), "stress": st.integers(1, 5)}).map(
    lambda a: {**a, "ages": ["0_2"]} if a["kids"] == "yes" else a
)


def _figures(report: dict) -> dict:
    figures = {}
    for variable in report["variables"]:
        for item in variable["categories"]:
            figures[(variable["variable"], item["value"], None)] = item["count"]
            for column, cell in item.get("by", {}).items():
                figures[(variable["variable"], item["value"], column)] = cell["count"]
    return figures


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(one_answer, min_size=1, max_size=3 * K + 2))
def test_one_more_answer_changes_nothing_or_adds_at_least_k_people(answers: list[dict]) -> None:
    company = Organization.objects.create(
        kind="company", name="Before-after", slug=f"ba-{Organization.objects.count()}"
    )
    campaign = make_campaign(company, mode="open")
    previous = None
    for given_answer in answers:
        answer(campaign, given_answer)
        for breakdown in (None, "kids"):
            report = build_report(campaign, breakdown=breakdown, engine=engine_for(campaign))
            if report["respondents"] is not None:
                assert report["respondents"] >= K
            if breakdown is None:
                current = (report["respondents"] or 0, _figures(report))
        if previous is not None and previous[0] != current[0]:
            assert current[0] - previous[0] >= K
            for key, count in current[1].items():
                before = previous[1].get(key)
                if count is not None and before is not None:
                    assert count - before >= 0  # figures only grow, by whole batches
        elif previous is not None:
            assert previous[1] == current[1]  # the same released responses: the same figures
        previous = current
