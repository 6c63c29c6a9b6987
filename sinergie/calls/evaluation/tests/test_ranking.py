"""Rankings: a deterministic order, a budget never exceeded, versions with reasons, publication by
protocol number only."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinergie.audit.models import AuditEvent
from sinergie.calls import services
from sinergie.calls.applications.services import (
    application_save,
    application_start,
    application_submit,
    application_withdraw,
)
from sinergie.calls.conftest import make_call
from sinergie.calls.evaluation.ranking import (
    Candidate,
    RankingError,
    allocate,
    amount_for,
    candidates_for,
    rank_order,
    ranking_compute,
    ranking_publish,
    tie_values,
)
from sinergie.calls.models import Call, Evaluation
from sinergie.conftest import UserFactory, World

T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)

candidates = st.lists(
    st.builds(
        Candidate,
        application_id=st.uuids(),
        points=st.integers(min_value=0, max_value=10_000),
        ties=st.tuples(st.tuples(st.integers(0, 1), st.integers(-5, 5))),
        submitted_at=st.integers(0, 100).map(lambda minutes: T0 + datetime.timedelta(minutes=minutes)),
        sequence=st.integers(1, 10**6),
    ),
    max_size=60,
    unique_by=lambda c: c.sequence,
)


@given(candidates, st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_order_read(items, rng):
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert rank_order(shuffled) == rank_order(items)


@given(candidates)
def test_more_points_rank_first_then_ties_then_time_then_protocol(items):
    ordered = rank_order(items)

    def key(c: Candidate) -> tuple:
        return (-c.points, c.ties, c.submitted_at, c.sequence)

    for before, after in itertools.pairwise(ordered):
        assert key(before) < key(after)


@given(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=1, max_value=10**6),
    st.booleans(),
)
def test_allocation_never_exceeds_the_budget_and_only_the_last_grant_is_partial(count, budget, amount, partial):
    ordered = [Candidate(n, 0, (), T0, n) for n in range(count)]
    grants = allocate(ordered, budget, amount, allow_partial=partial)
    assert sum(grants) <= budget
    assert all(0 <= grant <= amount for grant in grants)
    funded = [grant for grant in grants if grant]
    assert grants[: len(funded)] == funded  # the funded ones come first, without gaps
    assert all(grant == amount for grant in funded[:-1])
    if not partial:
        assert all(grant == amount for grant in funded)
    if funded and partial and sum(grants) < budget:
        assert len(funded) == count  # money is left only when everyone is funded


bands_strategy = st.lists(
    st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=1, max_value=10**6)),
    max_size=4,
    unique_by=lambda band: band[0],
)


@given(candidates, st.integers(min_value=0, max_value=10**7), st.integers(1, 10**6), st.booleans(), bands_strategy)
def test_with_amount_bands_grants_follow_the_score_and_stop_at_the_first_one_not_covered(
    found, budget, amount, partial, bands
):
    ordered = rank_order(found)
    grants = allocate(ordered, budget, amount, allow_partial=partial, bands=bands)
    wanted = [amount_for(c.points, amount, bands) for c in ordered]
    assert sum(grants) <= budget
    assert all(0 <= grant <= want for grant, want in zip(grants, wanted, strict=True))
    short = next((n for n, (g, w) in enumerate(zip(grants, wanted, strict=True)) if g != w), len(grants))
    assert grants[:short] == wanted[:short]  # in full down to the first one not covered
    assert not any(grants[short + 1 :])  # nobody after it is funded
    if short < len(grants):
        assert sum(wanted[: short + 1]) > budget  # it really was not covered
        left = budget - sum(grants[:short])
        assert grants[short] == (left if partial else 0)


def test_amount_for_takes_the_highest_band_reached_and_the_calls_amount_below_every_band():
    bands = [[10, 40_000], [20, 60_000], [5, 20_000]]
    assert amount_for(0, 15_000, bands) == 15_000
    assert amount_for(499, 15_000, bands) == 15_000  # 4.99 points: below the lowest band
    assert amount_for(500, 15_000, bands) == 20_000
    assert amount_for(1_999, 15_000, bands) == 40_000
    assert amount_for(2_000, 15_000, bands) == 60_000
    assert amount_for(2_000, 15_000, []) == 15_000


def test_tie_values_put_missing_answers_last_in_either_direction():
    breakers = [("isee_cents", "asc"), ("children", "desc")]
    low_isee = tie_values({"isee_cents": 500, "children": 1}, breakers)
    high_isee = tie_values({"isee_cents": 900, "children": 3}, breakers)
    no_isee = tie_values({"children": 5}, breakers)
    assert low_isee < high_isee < no_isee
    assert tie_values({"isee_cents": 500, "children": 3}, breakers) < low_isee  # more children first
    assert tie_values({"isee_cents": "500"}, breakers) == ((1, 0), (1, 0))  # text is not a number
    assert tie_values({"single_parent": True}, [("single_parent", "desc")]) == ((0, -1),)


# --- Computed from the database ------------------------------------------------------------------


@pytest.fixture
def call(world: World) -> Call:
    opened = make_call(world, budget=100_000, amount=30_000)
    return services.call_publish(call=opened, by=world.alliance_staff)


def _apply(call: Call, email: str, points: int, *, admissible: bool = True, answers: dict | None = None, at: int = 0):
    person = UserFactory(email=email)
    application = application_start(call=call, applicant=person, by=person)
    application_save(application=application, answers=answers or {}, by=person)
    sent = application_submit(application=application, by=person, now=call.opens_at + datetime.timedelta(hours=at))
    Evaluation.objects.create(
        application=sent, admissible=admissible, automatic_points=points, ranking_keys=answers or {}
    )
    return sent


def test_a_ranking_funds_down_the_list_and_publishes_protocol_numbers_only(world, call, client):
    first = _apply(call, "a@example.org", 900)
    tied_low_isee = _apply(call, "b@example.org", 500, answers={"isee_cents": 800_000}, at=2)
    tied_high_isee = _apply(call, "c@example.org", 500, answers={"isee_cents": 1_500_000}, at=1)
    last = _apply(call, "d@example.org", 100)
    _apply(call, "e@example.org", 2000, admissible=False)
    withdrawn = _apply(call, "f@example.org", 3000)
    application_withdraw(application=withdrawn, by=withdrawn.applicant)

    ranking = ranking_compute(call=call, by=world.alliance_staff, tie_breakers=[("isee_cents", "asc")])
    rows = list(ranking.rows.order_by("position"))
    assert [row.application_id for row in rows] == [first.pk, tied_low_isee.pk, tied_high_isee.pk, last.pk]
    assert [row.granted_cents for row in rows] == [30_000, 30_000, 30_000, 0]
    assert [row.admitted for row in rows] == [True, True, True, False]

    partial = ranking_compute(
        call=call, by=world.alliance_staff, tie_breakers=[("isee_cents", "asc")], allow_partial=True,
        reason="Il bando ammette l'ultimo contributo parziale.",
    )  # fmt: skip
    assert [row.granted_cents for row in partial.rows.order_by("position")] == [30_000, 30_000, 30_000, 10_000]
    assert partial.version == 2

    url = f"/domande/graduatoria/{call.pk}/"
    assert client.get(url).status_code == 404  # nothing published yet
    with pytest.raises(RankingError):
        ranking_publish(ranking=ranking, by=world.alliance_staff)  # not the latest
    ranking_publish(ranking=partial, by=world.alliance_staff)
    page = client.get(url)
    assert page.status_code == 200
    for row in partial.rows.select_related("application__applicant"):
        assert row.application.protocol in page.text
        assert row.application.applicant.email not in page.text
    assert "isee" not in page.text.lower()
    csv_text = client.get(url + "?formato=csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "posizione;protocollo;punti;ammessa;importo_euro"
    assert csv_text.splitlines()[1].startswith(f"1;{first.protocol};9,00;sì;300,00")
    assert "example.org" not in csv_text
    actions = list(AuditEvent.objects.filter(action__startswith="calls.ranking").values_list("action", flat=True))
    assert actions.count("calls.ranking_compute") == 2
    assert "calls.ranking_publish" in actions


def test_a_new_version_needs_a_reason_and_bad_tie_breakers_are_refused(world, call):
    _apply(call, "a@example.org", 100)
    ranking_compute(call=call, by=world.alliance_staff)
    with pytest.raises(RankingError) as error:
        ranking_compute(call=call, by=world.alliance_staff, reason="  ")
    assert error.value.field == "reason"
    for bad in ([("isee", "sideways")], [("", "asc")], ["isee"], [(1, "asc")]):
        with pytest.raises(RankingError) as error:
            ranking_compute(call=call, by=world.alliance_staff, tie_breakers=bad, reason="ricorso")
        assert error.value.field == "tie_breakers"
    for bad in ([[1]], [[-1, 100]], [[1, 0]], [[1, "100"]], [[True, 100]], ["x"]):
        with pytest.raises(RankingError) as error:
            ranking_compute(call=call, by=world.alliance_staff, amount_bands=bad, reason="ricorso")
        assert error.value.field == "amount_bands"
    assert call.rankings.count() == 1


def test_the_same_applications_always_give_the_same_ranking(world, call):
    rng = random.Random(7)
    for n in range(12):
        _apply(
            call, f"p{n}@example.org", rng.choice([100, 200, 300]), answers={"children": rng.randint(0, 3)}, at=n % 3
        )
    one = ranking_compute(call=call, by=world.alliance_staff, tie_breakers=[("children", "desc")])
    two = ranking_compute(call=call, by=world.alliance_staff, tie_breakers=[("children", "desc")], reason="verifica")
    assert list(one.rows.values_list("application_id", "granted_cents")) == list(
        two.rows.values_list("application_id", "granted_cents")
    )


def test_a_ranking_of_a_draft_or_unknown_call_is_not_found(world, client):
    draft = make_call(world)
    assert client.get(f"/domande/graduatoria/{draft.pk}/").status_code == 404
    assert client.get("/domande/graduatoria/999999/").status_code == 404
    assert client.get("/en/domande/graduatoria/999999/").status_code == 404


@pytest.mark.parametrize("bands", [[], [[1, 20_000], [2, 45_000]], [[0, 10_000], [2, 70_000]]])
@pytest.mark.parametrize("allow_partial", [False, True])
def test_the_database_ranks_and_grants_as_the_python_reference_does(world, allow_partial, bands):
    opened = make_call(world, budget=250_000, amount=30_000)
    call = services.call_publish(call=opened, by=world.alliance_staff)
    rng = random.Random(11 + allow_partial)
    samples = [None, True, False, 0, 1, 2, 2.5, -1, "3", [1], {"x": 1}]
    for n in range(40):
        answers = {
            key: rng.choice(samples) for key in ("isee_cents", "children", "single_parent") if rng.random() < 0.8
        }
        _apply(call, f"r{n}@example.org", rng.choice([0, 100, 200]), answers=answers, at=rng.choice([0, 1]))
    breakers = [("isee_cents", "asc"), ("children", "desc"), ("single_parent", "desc")]
    ranking = ranking_compute(
        call=call, by=world.alliance_staff, tie_breakers=breakers, allow_partial=allow_partial, amount_bands=bands
    )
    ordered = rank_order(candidates_for(call, breakers))
    amount = call.amount_per_beneficiary_cents
    grants = allocate(ordered, call.budget_cents, amount, allow_partial=allow_partial, bands=bands)
    assert set(grants) - {0, amount} or not bands  # the bands made a difference
    expected = [(c.application_id, g) for c, g in zip(ordered, grants, strict=True)]
    assert list(ranking.rows.order_by("position").values_list("application_id", "granted_cents")) == expected
