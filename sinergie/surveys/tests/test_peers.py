"""The benchmark of similar companies: who counts, when it shows, and that it stays anonymous."""

from __future__ import annotations

import pytest

from sinergie.companies.models import CompanyProfile
from sinergie.conftest import OrganizationFactory
from sinergie.surveys.models import Survey
from sinergie.surveys.peers import MIN_COMPANIES, peer_benchmark
from sinergie.surveys.services import K
from sinergie.surveys.tests.helpers import answer, make_campaign, make_survey

pytestmark = pytest.mark.django_db


def _template(key: str = "needs-test") -> Survey:
    survey = make_survey(None)
    Survey.objects.filter(pk=survey.pk).update(is_template=True, template_key=key, owner=None)
    survey.refresh_from_db()
    return survey


def _company(name: str, size: str = "medium", section: str = "C"):
    company = OrganizationFactory(kind="company", name=name)
    CompanyProfile.objects.create(organization=company, size_band=size, ateco_section=section)
    return company


def _answered(company, template: Survey, kids: list[str]):
    campaign = make_campaign(company, survey=template, mode="open")
    for value in kids:
        answer(campaign, {"kids": value, "stress": 3, **({"ages": ["0_2"]} if value == "yes" else {})})
    return campaign


def _peers(template, n, *, size="medium", section="C", kids=("no",) * K):
    return [_answered(_company(f"Peer {size} {section} {i}", size, section), template, list(kids)) for i in range(n)]


def _own(world, template, size="medium", section="C"):
    CompanyProfile.objects.create(organization=world.company, size_band=size, ateco_section=section)
    return _answered(world.company, template, ["yes"] * K)


def _kids(benchmark):
    return {c["value"]: c["count"] for c in benchmark["variables"]["kids"]["categories"]}


@pytest.mark.parametrize("peers", [0, 1, MIN_COMPANIES - 1])
def test_fewer_than_five_similar_companies_give_no_benchmark(world, peers):
    template = _template()
    own = _own(world, template)
    _peers(template, peers)
    assert peer_benchmark(own) is None


def test_five_similar_companies_give_a_benchmark_without_the_company_itself(world):
    template = _template()
    own = _own(world, template)  # every answer of the company is "yes"
    _peers(template, MIN_COMPANIES)  # every answer of the peers is "no"
    benchmark = peer_benchmark(own)
    assert benchmark["basis"] == "size_band" and benchmark["companies"] == MIN_COMPANIES
    assert benchmark["respondents"] == MIN_COMPANIES * K
    assert _kids(benchmark) == {"yes": 0, "no": MIN_COMPANIES * K, "_none": 0}
    # Seen from a peer, the company is one of five others (itself excluded): its "yes" count.
    peer = peer_benchmark(_peers(template, 1)[0])
    assert _kids(peer)["yes"] == K and peer["companies"] == MIN_COMPANIES + 1


def test_companies_with_fewer_than_k_responses_do_not_count(world):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES - 1)
    _peers(template, 1, kids=("no",) * (K - 1))  # a fifth company, but too few released answers
    assert peer_benchmark(own) is None


def test_it_falls_back_to_the_ateco_section_when_the_size_band_is_thin(world):
    template = _template()
    own = _own(world, template, size="small", section="C")
    _peers(template, 2, size="small", section="H")
    _peers(template, MIN_COMPANIES, size="large", section="C")
    benchmark = peer_benchmark(own)
    assert benchmark["basis"] == "ateco_section" and benchmark["companies"] == MIN_COMPANIES


def test_other_templates_other_sectors_and_alliances_do_not_count(world):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES - 1)
    _peers(_template("another"), 3)
    _peers(template, 3, size="large", section="H")
    assert peer_benchmark(own) is None
    alliance_campaign = make_campaign(world.alliance_org, survey=template, mode="open")
    assert peer_benchmark(alliance_campaign) is None


@pytest.mark.parametrize(
    "mix",
    [
        ["yes"] * 3 + ["no"] * 7,  # 5 companies × 3 "yes": 15, shown
        ["yes"] * 1 + ["no"] * 9,  # 5 "yes" in all: shown (exactly K)
        ["yes"] * 0 + ["no"] * 10,
    ],
)
def test_every_figure_respects_k(world, mix):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES, kids=mix)
    benchmark = peer_benchmark(own)
    for variable in benchmark["variables"].values():
        counts = [c["count"] for c in variable["categories"]]
        assert all(c is None or c == 0 or c >= K for c in counts)
        hidden = [i for i, c in enumerate(counts) if c is None]
        assert len(hidden) != 1  # a single hidden cell would be the total minus the others


def test_a_thin_category_is_suppressed(world):
    template = _template()
    own = _own(world, template)
    peers = _peers(template, MIN_COMPANIES)
    # One peer's campaign gets K more answers, two of them "yes": 2 people, to be hidden.
    for value in ["yes", "yes", "no", "no", "no"]:
        answer(peers[0], {"kids": value, "stress": 4, **({"ages": ["0_2"]} if value == "yes" else {})})
    kids = _kids(peer_benchmark(own))
    assert kids["yes"] is None and kids["no"] is None and kids["_none"] == 0


def test_the_page_shows_the_benchmark_and_no_company_name(client, world, login):
    template = _template()
    own = _own(world, template)
    peers = _peers(template, MIN_COMPANIES)
    login(world.referent)
    page = client.get(f"/questionari/campagne/{own.pk}/risultati/").content.decode()
    assert "Aziende simili (%)" in page
    for peer in peers:
        assert peer.organization.name not in page
    filtered = client.get(f"/questionari/campagne/{own.pk}/risultati/", {"filter": "kids:yes"}).content.decode()
    assert "Aziende simili" not in filtered
    download = client.get(f"/questionari/campagne/{own.pk}/risultati/csv/").content.decode("utf-8-sig")
    assert all(peer.organization.name not in download for peer in peers)


def test_the_api_gives_the_same_benchmark_only_without_filters(client, world, login):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES)
    login(world.referent)
    url = f"/api/v1/surveys/campaigns/{own.pk}/report"
    data = client.get(url).json()
    assert data["benchmark"] == peer_benchmark(own)
    assert client.get(url, {"filter": "kids:yes"}).json()["benchmark"] is None
    login(world.stranger)
    assert client.get(url).status_code == 404
