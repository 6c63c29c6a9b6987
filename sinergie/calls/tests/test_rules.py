"""The rules as data: explanations in both languages, the evaluator and the points, property-tested."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.calls import rules as R

TERRITORY = {"kind": "territory", "municipalities": [["015142", "Melzo"], ["015108", "Gorgonzola"]]}
COMPANIES = {"kind": "member_company", "companies": [[7, "Acme"]]}
CHILDREN = {"kind": "children_age", "min_age": 3, "max_age": 14}
ISEE = {"kind": "isee_ceiling", "ceiling_cents": 3_000_000}
EMPLOYMENT = {"kind": "employment", "statuses": ["employee", "self_employed"]}
ALL_RULES = [TERRITORY, COMPANIES, CHILDREN, {"kind": "caregiver"}, ISEE, EMPLOYMENT, {"kind": "not_beneficiary"}]
ELIGIBLE = {
    "lives_in": "015142",
    "employer_id": 7,
    "children_ages": [2, 5],
    "caregiver": True,
    "isee_cents": 2_500_000,
    "employment_status": "employee",
    "already_beneficiary": False,
}


def test_every_rule_is_explained_in_italian_and_english() -> None:
    italian = [R.rule_explain(rule, "it") for rule in ALL_RULES]
    english = [R.rule_explain(rule, "en") for rule in ALL_RULES]
    assert italian[0] == "Vivi o lavori in uno dei comuni dell'alleanza: Melzo, Gorgonzola."
    assert english[0] == "You live or work in one of the alliance's municipalities: Melzo, Gorgonzola."
    assert english[2] == "You have at least one child aged between 3 and 14 years."
    assert english[4] == "Your household's ISEE is not above €30,000.00."
    assert italian[4] == "L'ISEE del tuo nucleo familiare non supera € 30.000,00."
    assert "self-employed" in english[5]
    assert all(it and en and it != en for it, en in zip(italian, english, strict=True))


def test_an_unknown_rule_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        R.rule_explain({"kind": "astrology"}, "en")
    with pytest.raises(ValueError):
        R.rules_check([{"kind": "astrology"}], {})


def test_an_eligible_applicant_meets_every_rule() -> None:
    results = R.rules_check(ALL_RULES, ELIGIBLE)
    assert [ok for _rule, ok, _reason in results] == [True] * len(ALL_RULES)
    assert R.rules_pass(ALL_RULES, ELIGIBLE)


@pytest.mark.parametrize(
    ("rule", "answers", "reason"),
    [
        (TERRITORY, {"lives_in": "015146", "works_in": "015146"}, "Neither where you live"),
        (TERRITORY, {}, "We need this answer"),
        (COMPANIES, {"employer_id": 8}, "not one of the alliance's member companies"),
        (COMPANIES, {}, "not one of the alliance's member companies"),
        (CHILDREN, {"children_ages": [1, 15]}, "None of your children is between 3 and 14"),
        (CHILDREN, {"children_ages": ["7"]}, "None of your children"),
        (CHILDREN, {}, "We need this answer"),
        ({"kind": "caregiver"}, {"caregiver": False}, "people who care for"),
        (ISEE, {"isee_cents": 3_000_001}, "above the ceiling of €30,000.00"),
        (ISEE, {"isee_cents": "25000"}, "We need this answer"),
        (ISEE, {"isee_cents": -1}, "We need this answer"),
        (EMPLOYMENT, {"employment_status": "unemployed"}, "does not admit"),
        ({"kind": "not_beneficiary"}, {"already_beneficiary": True}, "already received"),
    ],
)
def test_a_rule_not_met_says_why(rule: dict[str, Any], answers: dict[str, Any], reason: str) -> None:
    [(returned, ok, why)] = R.rules_check([rule], answers)
    assert returned is rule and ok is False
    assert reason in why


def test_the_boundaries_are_inclusive() -> None:
    assert R.rules_pass([CHILDREN], {"children_ages": [14]})
    assert R.rules_pass([CHILDREN], {"children_ages": [3]})
    assert R.rules_pass([ISEE], {"isee_cents": 3_000_000})
    assert R.rules_pass([TERRITORY], {"works_in": "015108"})


def test_the_reason_follows_the_active_language() -> None:
    from django.utils import translation

    with translation.override("it"):
        [(_rule, _ok, why)] = R.rules_check([CHILDREN], {"children_ages": [1]})
    assert why == "Nessuno dei tuoi figli ha tra 3 e 14 anni."


CRITERIA = [
    {"kind": "isee_band", "weight": 40, "bands": [[1_000_000, 100], [2_000_000, 50]]},
    {"kind": "children", "weight": 10, "max_children": 3},
    {"kind": "single_parent", "weight": 20},
    {"kind": "household_disability", "weight": 15},
    {"kind": "returning_from_maternity", "weight": 5},
    {"kind": "shift_work", "weight": 7},
]


def test_points_are_computed_from_the_answers() -> None:
    assert R.score_compute(CRITERIA, {}) == 0
    assert R.score_compute(CRITERIA, {"isee_cents": 900_000}) == 40
    assert R.score_compute(CRITERIA, {"isee_cents": 1_000_001}) == 20
    assert R.score_compute(CRITERIA, {"isee_cents": 2_000_001}) == 0
    assert R.score_compute(CRITERIA, {"children_ages": [1, 2, 3, 4, 5]}) == 30
    assert R.score_compute(CRITERIA, {"single_parent": True, "shift_work": True, "household_disability": "yes"}) == 27
    assert R.score_maximum(CRITERIA) == 40 + 30 + 20 + 15 + 5 + 7


def test_criteria_are_explained() -> None:
    assert R.criterion_explain(CRITERIA[0], "en") == (
        "Household ISEE: ISEE up to €10,000.00: 40 points; ISEE up to €20,000.00: 20 points; above: 0 points."
    )
    assert R.criterion_explain(CRITERIA[1], "en") == "Children: 10 points per child, counting at most 3 children."
    assert R.criterion_explain(CRITERIA[2], "it") == "Genitore solo: 20 punti."


answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "lives_in": st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["015142", "015146"])),
        "works_in": st.one_of(st.none(), st.integers(), st.text(max_size=6)),
        "employer_id": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
        "children_ages": st.one_of(
            st.none(), st.lists(st.one_of(st.integers(-5, 30), st.text(max_size=2)), max_size=8)
        ),
        "caregiver": st.one_of(st.booleans(), st.none(), st.text(max_size=3)),
        "isee_cents": st.one_of(st.none(), st.integers(-(10**12), 10**12), st.booleans(), st.floats(allow_nan=True)),
        "employment_status": st.one_of(st.none(), st.sampled_from(list(R.EMPLOYMENT_STATUSES)), st.text(max_size=5)),
        "already_beneficiary": st.one_of(st.booleans(), st.none()),
        "single_parent": st.one_of(st.booleans(), st.none()),
        "household_disability": st.booleans(),
        "returning_from_maternity": st.booleans(),
        "shift_work": st.booleans(),
    },
)


QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(answers_strategy)
def test_any_answers_get_a_verdict_and_a_reason_for_every_rule(answers: dict[str, Any]) -> None:
    results = R.rules_check(ALL_RULES, answers)
    assert len(results) == len(ALL_RULES)
    assert all(isinstance(ok, bool) and reason for _rule, ok, reason in results)


@QUICK
@given(answers_strategy)
def test_points_stay_between_zero_and_the_maximum(answers: dict[str, Any]) -> None:
    assert 0 <= R.score_compute(CRITERIA, answers) <= R.score_maximum(CRITERIA)


@QUICK
@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_lower_isee_never_gets_fewer_points(low: int, high: int) -> None:
    low, high = sorted((low, high))
    assert R.score_compute(CRITERIA[:1], {"isee_cents": low}) >= R.score_compute(CRITERIA[:1], {"isee_cents": high})


@QUICK
@given(st.integers(0, 200), st.integers(0, 200))
def test_a_higher_score_never_gets_a_smaller_amount(low: int, high: int) -> None:
    low, high = sorted((low, high))
    bands = [[10, 50_000], [0, 30_000], [30, 80_000]]
    assert R.amount_for_score(bands, 0, low) <= R.amount_for_score(bands, 0, high)
    assert R.amount_for_score([], 40_000, low) == 40_000


@QUICK
@given(
    st.integers(0, R.MAX_AGE),
    st.integers(0, R.MAX_AGE),
    st.lists(st.integers(0, 30), max_size=6),
)
def test_the_age_rule_holds_exactly_when_a_child_is_in_range(low: int, high: int, ages: list[int]) -> None:
    low, high = sorted((low, high))
    rule = {"kind": "children_age", "min_age": low, "max_age": high}
    assert R.rules_pass([rule], {"children_ages": ages}) == any(low <= age <= high for age in ages)
    assert R.rule_explain(rule, "it") and R.rule_explain(rule, "en")


@QUICK
@given(st.integers(1, R.MAX_ISEE_CENTS), st.integers(0, 2 * R.MAX_ISEE_CENTS))
def test_the_isee_rule_holds_exactly_up_to_the_ceiling(ceiling: int, isee: int) -> None:
    rule = {"kind": "isee_ceiling", "ceiling_cents": ceiling}
    assert R.rules_pass([rule], {"isee_cents": isee}) == (isee <= ceiling)


@QUICK
@given(
    st.lists(st.sampled_from(list(R.EMPLOYMENT_STATUSES)), min_size=1, unique=True),
    st.sampled_from(list(R.EMPLOYMENT_STATUSES)),
)
def test_the_employment_rule_admits_exactly_its_statuses(statuses: list[str], status: str) -> None:
    rule = {"kind": "employment", "statuses": statuses}
    assert R.rules_pass([rule], {"employment_status": status}) == (status in statuses)
    english = R.rule_explain(rule, "en")
    assert all(str(R.EMPLOYMENT_STATUSES[s]) in english for s in statuses)
