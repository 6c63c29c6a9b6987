"""The benchmark of similar companies: a yearly frozen snapshot, the same for the whole group.

Who counts (companies of the group whose campaigns from the template closed in the year, with at
least K answers), when it shows (after the year, five companies or more), that it is computed once
and never changes, that every company of the group sees the same dictionary, and that it holds
rounded percentages only and names no company.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sinergie.companies.models import CompanyProfile
from sinergie.conftest import OrganizationFactory
from sinergie.surveys import peers
from sinergie.surveys.models import PeerSnapshot, Survey
from sinergie.surveys.peers import MIN_COMPANIES, PERCENT_STEP, peer_benchmark
from sinergie.surveys.services import ROME, K
from sinergie.surveys.tests.helpers import answer, close, make_campaign, make_survey

pytestmark = pytest.mark.django_db


def _last_year() -> int:
    return timezone.localtime().year - 1


def _in_last_year(day: int = 0) -> datetime:
    """A moment of the previous year in Rome (mid-year, a few days apart per campaign)."""
    return datetime(_last_year(), 6, 1, 12, tzinfo=ROME) + timedelta(days=day)


def _template(key: str = "needs-test") -> Survey:
    survey = make_survey(None)
    Survey.objects.filter(pk=survey.pk).update(is_template=True, template_key=key, owner=None)
    survey.refresh_from_db()
    return survey


def _company(name: str, size: str = "medium", section: str = "C"):
    company = OrganizationFactory(kind="company", name=name)
    CompanyProfile.objects.create(organization=company, size_band=size, ateco_section=section)
    return company


def _kids_answer(value: str) -> dict:
    return {"kids": value, "stress": 3, **({"ages": ["0_2"]} if value == "yes" else {})}


def _answered(company, template: Survey, kids: list[str], *, at: datetime | None = None):
    """A campaign of the company from the template, answered, closed (last year by default)."""
    campaign = make_campaign(company, survey=template, mode="open")
    for value in kids:
        answer(campaign, _kids_answer(value))
    return close(campaign, at=at or _in_last_year(len(kids)))


def _peers(template, n, *, size="medium", section="C", kids=("no",) * K, at=None):
    return [
        _answered(_company(f"Peer {size} {section} {i}", size, section), template, list(kids), at=at) for i in range(n)
    ]


def _own(world, template, size="medium", section="C", kids=("yes",) * K, at=None):
    CompanyProfile.objects.create(organization=world.company, size_band=size, ateco_section=section)
    return _answered(world.company, template, list(kids), at=at)


def _kids(benchmark):
    return {c["value"]: c["percent"] for c in benchmark["variables"]["kids"]["categories"]}


def _keys(value) -> set[str]:
    """Every key of every dictionary inside the value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize("peer_count", [0, 1, MIN_COMPANIES - 2])
def test_fewer_than_five_companies_in_the_group_give_no_benchmark(world, peer_count):
    template = _template()
    own = _own(world, template)
    _peers(template, peer_count)  # with the company itself: fewer than MIN_COMPANIES
    assert peer_benchmark(own) is None


def test_five_companies_with_the_company_itself_give_a_benchmark(world):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES - 1)
    benchmark = peer_benchmark(own)
    assert benchmark["companies"] == MIN_COMPANIES and benchmark["year"] == _last_year()


def test_the_snapshot_is_computed_once_stored_and_the_same_for_the_whole_group(world, monkeypatch):
    template = _template()
    own = _own(world, template)  # every answer of the company is "yes"
    others = _peers(template, MIN_COMPANIES)  # every answer of the peers is "no"
    computed = []
    original = peers._compute
    monkeypatch.setattr(peers, "_compute", lambda *args: computed.append(args) or original(*args))
    benchmark = peer_benchmark(own)
    assert computed == [("needs-test", _last_year(), "size_band", "medium")]
    stored = PeerSnapshot.objects.get()
    assert (stored.template_key, stored.year, stored.basis, stored.group) == computed[0]
    assert stored.data == benchmark
    companies = MIN_COMPANIES + 1
    assert benchmark == {
        "basis": "size_band",
        "group": "medium",
        "year": _last_year(),
        "companies": companies,
        "respondents": companies * K - companies * K % 10,
        "percent_step": PERCENT_STEP,
        "variables": benchmark["variables"],
    }
    # 5 "yes" of 30: 16.7 % shown as 15; 25 "no": 83.3 % shown as 85.
    assert _kids(benchmark) == {"yes": 15, "no": 85, "_none": 0}
    assert benchmark["variables"]["kids"]["companies"] == companies
    # Every company of the group, its own campaign included, sees exactly the same dictionary.
    for peer in others:
        assert peer_benchmark(peer) == benchmark
    assert len(computed) == 1 and PeerSnapshot.objects.count() == 1


def test_the_snapshot_holds_rounded_percentages_and_no_count(world):
    template = _template()
    own = _own(world, template, kids=["yes"] * 2 + ["no"] * 4)
    _peers(template, MIN_COMPANIES, kids=["yes"] * 3 + ["no"] * 4)
    benchmark = peer_benchmark(own)
    assert "count" not in _keys(benchmark) and "counts" not in _keys(benchmark)
    assert benchmark["respondents"] % 10 == 0 and benchmark["respondents"] == 40  # 41 answers
    for variable in benchmark["variables"].values():
        assert set(variable) == {"companies", "categories"}
        for category in variable["categories"]:
            assert set(category) == {"value", "percent"}
            assert category["percent"] is None or category["percent"] % PERCENT_STEP == 0
    assert _kids(benchmark) == {"yes": 40, "no": 60, "_none": 0}  # 17 of 41, 24 of 41


def test_it_is_not_recomputed_when_profiles_or_campaigns_change_afterwards(world):
    template = _template()
    own = _own(world, template)
    others = _peers(template, MIN_COMPANIES)
    benchmark = peer_benchmark(own)
    # A peer changes its size band, a new company answers last year, the company answers again.
    CompanyProfile.objects.filter(organization=others[0].organization).update(size_band="large")
    newcomer = _answered(_company("Newcomer", "medium", "C"), template, ["yes"] * (3 * K))
    again = _answered(world.company, template, ["yes"] * K, at=_in_last_year(60))
    this_year = _answered(world.company, template, ["yes"] * K, at=timezone.now() - timedelta(seconds=1))
    for campaign in (own, newcomer, again, this_year, *others[1:]):
        assert peer_benchmark(campaign) == benchmark
    assert PeerSnapshot.objects.count() == 1 and PeerSnapshot.objects.get().data == benchmark


def test_nothing_is_shown_for_the_current_year(world):
    template = _template()
    now = timezone.now() - timedelta(seconds=1)  # closed this year, in Rome
    own = _own(world, template, at=now)
    _peers(template, MIN_COMPANIES, at=now)
    assert peer_benchmark(own) is None
    assert not PeerSnapshot.objects.exists()
    assert peers.snapshot("needs-test", timezone.localtime().year, "size_band", "medium") is None
    assert not PeerSnapshot.objects.exists()


def test_companies_with_fewer_than_k_responses_do_not_count(world):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES - 2)
    _peers(template, 1, kids=("no",) * (K - 1))  # a fifth company, but too few answers
    assert peer_benchmark(own) is None


def test_it_falls_back_to_the_ateco_section_when_the_size_band_is_thin(world):
    template = _template()
    own = _own(world, template, size="small", section="C")
    _peers(template, 2, size="small", section="H")
    _peers(template, MIN_COMPANIES, size="large", section="C")
    benchmark = peer_benchmark(own)
    assert benchmark["basis"] == "ateco_section" and benchmark["group"] == "C"
    assert benchmark["companies"] == MIN_COMPANIES + 1
    stored = {(s.basis, s.group): s.data for s in PeerSnapshot.objects.all()}
    assert stored == {("size_band", "small"): None, ("ateco_section", "C"): benchmark}


def test_other_templates_other_sectors_and_alliances_do_not_count(world):
    template = _template()
    own = _own(world, template)
    _peers(template, MIN_COMPANIES - 2)
    _peers(_template("another"), 3)
    _peers(template, 3, size="large", section="H")
    assert peer_benchmark(own) is None
    alliance_campaign = make_campaign(world.alliance_org, survey=template, mode="open")
    alliance_campaign = close(alliance_campaign, at=_in_last_year())
    assert peer_benchmark(alliance_campaign) is None


@pytest.mark.parametrize(
    ("own_kids", "mix"),
    [
        (["no"] * K, ["yes"] * 3 + ["no"] * 7),  # 15 "yes": shown
        (["no"] * K, ["yes"] * 1 + ["no"] * 9),  # 5 "yes" in all: shown (exactly K)
        (["no"] * K, ["no"] * 10),  # none: 0 %
        (["yes"] * 2 + ["no"] * 3, ["no"] * 10),  # 2 "yes" in all: hidden, and "no" with it
    ],
)
def test_every_figure_respects_k(world, own_kids, mix):
    template = _template()
    own = _own(world, template, kids=own_kids)
    _peers(template, MIN_COMPANIES, kids=mix)
    benchmark = peer_benchmark(own)
    people = {"yes": own_kids.count("yes") + MIN_COMPANIES * mix.count("yes")}
    people["no"] = own_kids.count("no") + MIN_COMPANIES * mix.count("no")
    kids = _kids(benchmark)
    for value, count in people.items():
        if 0 < count < K:
            assert kids[value] is None
    assert sum(1 for percent in kids.values() if percent is None) != 1  # else total minus the others
    for variable in benchmark["variables"].values():
        hidden = [c for c in variable["categories"] if c["percent"] is None]
        assert len(hidden) != 1


def test_a_thin_category_is_suppressed(world):
    template = _template()
    own = _own(world, template, kids=["no"] * K)
    others = _peers(template, MIN_COMPANIES - 1)
    # One more company has 2 "yes" among its 10 answers: 2 people, to be hidden.
    _peers(template, 1, section="C", kids=["yes", "yes"] + ["no"] * 8)
    benchmark = peer_benchmark(own)
    assert _kids(benchmark) == {"yes": None, "no": None, "_none": 0}
    assert benchmark["respondents"] == 30  # 35 answers, rounded down to ten
    assert peer_benchmark(others[0]) == benchmark


def test_the_page_shows_the_benchmark_and_no_company_name(client, world, login):
    template = _template()
    own = _own(world, template)
    others = _peers(template, MIN_COMPANIES)
    login(world.referent)
    page = client.get(f"/questionari/campagne/{own.pk}/risultati/").content.decode()
    assert "Aziende simili (%)" in page
    for peer in others:
        assert peer.organization.name not in page
    for fmt in ("csv", "xlsx"):
        download = client.get(f"/questionari/campagne/{own.pk}/risultati/{fmt}/")
        assert download.status_code == 200
        if fmt == "csv":
            text = download.content.decode("utf-8-sig")
            assert "Aziende simili (%)" in text
            assert all(peer.organization.name not in text for peer in others)
    # While a campaign is open nothing is published, the benchmark neither.
    collecting = make_campaign(world.company, survey=template, mode="open")
    page = client.get(f"/questionari/campagne/{collecting.pk}/risultati/").content.decode()
    assert "Aziende simili" not in page


def test_the_api_gives_the_same_benchmark_to_every_company_of_the_group(client, world, login):
    template = _template()
    own = _own(world, template)
    others = _peers(template, MIN_COMPANIES)
    login(world.referent)
    url = f"/api/v1/surveys/campaigns/{own.pk}/report"
    data = client.get(url).json()
    assert data["benchmark"] == peer_benchmark(own) == peer_benchmark(others[0])
    assert data["benchmark"]["companies"] == MIN_COMPANIES + 1
    assert not any(peer.organization.name in str(data) for peer in others)
    response = client.get(url, {"filter": "kids:yes"})
    assert response.status_code == 400 and "“filter”" in response.json()["detail"]
    collecting = make_campaign(world.company, survey=template, mode="open")
    assert client.get(f"/api/v1/surveys/campaigns/{collecting.pk}/report").json()["benchmark"] is None
    login(world.stranger)
    assert client.get(url).status_code == 404
