"""The questionnaire's first page links its privacy notice (issue 13, point 8)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from sinergie.surveys import services
from sinergie.surveys.tests.helpers import make_campaign

pytestmark = pytest.mark.django_db


def test_the_first_page_links_the_survey_notice(client, world) -> None:
    cache.clear()
    campaign = make_campaign(world.company)
    (token,) = services.tokens_generate(campaign=campaign, count=1, by=None)
    page = client.get(f"/questionari/{token}/").content.decode()
    assert 'href="/privacy/questionari/"' in page
    assert 'href="/questionari/come-proteggiamo-le-risposte/"' in page
