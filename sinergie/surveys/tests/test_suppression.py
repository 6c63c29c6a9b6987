"""Property-based tests of the suppression and the report engine: no group under K recoverable."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.surveys.models import Question, QuestionKind
from sinergie.surveys.report import NONE, Engine, question_variables
from sinergie.surveys.suppression import K, determined_unknowns, suppress_line, suppress_table


def _line_ok(values: list[int], hidden: set[int]) -> bool:
    total = sum(values[i] for i in hidden)
    return not hidden or (len(hidden) >= 2 and total >= K)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=8))
def test_a_line_never_shows_a_small_count_nor_lets_one_be_subtracted(values: list[int]) -> None:
    if sum(values) < K:
        return  # the engine publishes nothing for fewer than K respondents
    hidden = suppress_line(values)
    assert all(values[i] == 0 or values[i] >= K for i in range(len(values)) if i not in hidden)
    assert _line_ok(values, hidden)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=12), min_size=cols, max_size=cols), min_size=2, max_size=5
        )
    )
)
def test_a_table_keeps_every_hidden_cell_undetermined(cells: list[list[int]]) -> None:
    n = sum(map(sum, cells))
    if n < K:
        return
    rows, cols = len(cells), len(cells[0])
    row_totals = [sum(r) for r in cells]
    col_totals = [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    row_hidden = suppress_line(row_totals)
    col_hidden = suppress_line(col_totals)
    hidden = suppress_table(cells, row_hidden, col_hidden)
    for i in range(rows):
        for j in range(cols):
            if (i, j) not in hidden:
                assert cells[i][j] == 0 or cells[i][j] >= K
    for i in range(rows):
        in_row = {j for j in range(cols) if (i, j) in hidden}
        if i not in row_hidden:
            assert _line_ok(cells[i], in_row)
        else:
            assert in_row
    for j in range(cols):
        in_col = {i for i in range(rows) if (i, j) in hidden}
        if j not in col_hidden:
            assert _line_ok([cells[i][j] for i in range(rows)], in_col)
        else:
            assert in_col
    assert determined_unknowns(cells, row_totals, col_totals, hidden, row_hidden, col_hidden) == []


def _question(code: str, size: int) -> Question:
    return Question(
        code=code,
        kind=QuestionKind.SINGLE,
        text_it=code,
        options={"choices": [{"value": f"v{i}", "it": f"v{i}"} for i in range(size)]},
    )


def _engine(answers: list[dict]) -> Engine:
    questions = [_question("a", 3), _question("b", 2), _question("c", 3)]
    variables = {v.key: v for q in questions for v in question_variables(q)}
    return Engine(answers=answers, variables=variables)


answer_sets = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "a": st.sampled_from(["v0", "v1", "v2"]),
            "b": st.sampled_from(["v0", "v1"]),
            "c": st.sampled_from(["v0", "v1", "v2"]),
        },
    ),
    min_size=K,
    max_size=45,
)


def _filter_sets(engine: Engine) -> list[frozenset]:
    singles = [(key, value) for key, var in engine.variables.items() for value, _l in var.categories if value != NONE]
    sets = [frozenset()] + [frozenset([f]) for f in singles]
    sets += [frozenset(pair) for pair in itertools.combinations(singles, 2) if pair[0][0] != pair[1][0]]
    return sets


def _published(values: list[int], hidden: set[int]) -> dict[int, int]:
    return {i: v for i, v in enumerate(values) if i not in hidden}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets)
def test_every_filter_and_breakdown_protects_groups_under_k(answers: list[dict]) -> None:
    engine = _engine(answers)
    allowed = [f for f in _filter_sets(engine) if engine.allowed(f)]
    sizes = {f: engine.size(f) for f in allowed}
    for filters in allowed:
        assert sizes[filters] >= K
        for key in engine.variables:
            if any(k == key for k, _v in filters):
                continue
            values, hidden = engine.oneway(key, filters)
            assert all(v == 0 or v >= K for v in _published(values, hidden).values())
            assert _line_ok(values, hidden)
            for other in engine.variables:
                if other == key or any(k == other for k, _v in filters):
                    continue
                cells, cell_hidden = engine.table(key, other, filters)
                for i, row in enumerate(cells):
                    for j, value in enumerate(row):
                        if (i, j) not in cell_hidden:
                            assert value == 0 or value >= K
                col_values, col_hidden = engine.oneway(other, filters)
                assert determined_unknowns(cells, values, col_values, cell_hidden, hidden, col_hidden) == [], (
                    "a hidden figure is recoverable from the published ones"
                )
                # A filtered one-way table hides at least what the same column of the breakdown hides.
                for j, (value, _label) in enumerate(engine.variables[other].categories):
                    narrower = filters | {(other, value)}
                    if value != NONE and narrower in sizes:
                        _v, narrow_hidden = engine.oneway(key, narrower)
                        assert {i for i, jj in cell_hidden if jj == j} <= narrow_hidden
    # Two filters: any two populations one can ask for differ by nothing or by at least K people,
    # and so do the published counts of the same category.
    for wide, narrow in itertools.permutations(allowed, 2):
        if wide < narrow:
            assert sizes[wide] - sizes[narrow] == 0 or sizes[wide] - sizes[narrow] >= K
            for key in engine.variables:
                if any(k == key for k, _v in narrow):
                    continue
                wide_values, wide_hidden = engine.oneway(key, wide)
                narrow_values, narrow_hidden = engine.oneway(key, narrow)
                for i in set(_published(wide_values, wide_hidden)) & set(_published(narrow_values, narrow_hidden)):
                    difference = wide_values[i] - narrow_values[i]
                    assert difference == 0 or difference >= K
                if len(narrow - wide) != 1:
                    continue
                for other in engine.variables:
                    if other == key or any(k in (key, other) for k, _v in narrow):
                        continue
                    wide_cells, wide_cell_hidden = engine.table(key, other, wide)
                    narrow_cells, narrow_cell_hidden = engine.table(key, other, narrow)
                    for i, row in enumerate(narrow_cells):
                        for j, value in enumerate(row):
                            if (i, j) not in wide_cell_hidden and (i, j) not in narrow_cell_hidden:
                                difference = wide_cells[i][j] - value
                                assert difference == 0 or difference >= K, "two filters isolate a small group"


@given(st.lists(st.fixed_dictionaries({"a": st.sampled_from(["v0", "v1", "v2"])}), max_size=K - 1))
def test_fewer_than_k_responses_publish_nothing(answers: list[dict]) -> None:
    assert not _engine(answers).allowed(frozenset())


def _mixed_questions() -> list[Question]:
    choices = {"choices": [{"value": v, "it": v} for v in ("a", "b", "c")]}
    return [
        Question(code="one", kind=QuestionKind.SINGLE, text_it="one", options=choices),
        Question(code="many", kind=QuestionKind.MULTIPLE, text_it="many", options=choices),
        Question(code="grade", kind=QuestionKind.SCALE, text_it="grade", options={"min": 1, "max": 4}),
        Question(
            code="hours", kind=QuestionKind.NUMBER, text_it="hours", options={"min": 0, "max": 40, "bands": [0, 10, 20]}
        ),
        Question(
            code="grid",
            kind=QuestionKind.MATRIX,
            text_it="grid",
            options={**choices, "rows": [{"value": "r1", "it": "r1"}, {"value": "r2", "it": "r2"}]},
        ),
    ]


mixed_answers = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "one": st.sampled_from(["a", "b", "c"]),
            "many": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
            "grade": st.integers(min_value=1, max_value=4),
            "hours": st.integers(min_value=0, max_value=40),
            "grid": st.fixed_dictionaries({}, optional={"r1": st.sampled_from(["a", "b"]), "r2": st.just("c")}),
        },
    ),
    min_size=K,
    max_size=40,
)


class _Campaign:
    pk = 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_answers)
def test_every_published_report_of_every_kind_of_question_shows_no_group_under_k(answers: list[dict]) -> None:
    """Through build_report, as the page and the API: every breakdown, no filter, one or two filters."""
    from sinergie.surveys.report import build_report, survey_variables

    variables = survey_variables(_mixed_questions())
    engine = Engine(answers=answers, variables=variables)
    singles = [f"{key}:{value}" for key, var in variables.items() for value, _l in var.categories if value != NONE]
    filter_sets = [[], *([f] for f in singles)]
    filter_sets += [list(p) for p in itertools.combinations(singles, 2) if p[0].split(":")[0] != p[1].split(":")[0]]
    for filters in filter_sets:
        for breakdown in [None, *variables]:
            if breakdown and any(f.split(":")[0] == breakdown for f in filters):
                continue
            report = build_report(_Campaign(), breakdown=breakdown, filters=filters, engine=engine)  # type: ignore[arg-type]
            if report["respondents"] is None:
                assert report["message"] and report["variables"] == []
                continue
            assert report["respondents"] >= K
            figures = [c["count"] for c in (report["breakdown"] or {"categories": []})["categories"]]
            for variable in report["variables"]:
                for item in variable["categories"]:
                    figures.append(item["count"])
                    figures += [cell["count"] for cell in item.get("by", {}).values()]
            assert all(f is None or f == 0 or f >= K for f in figures), (filters, breakdown)


def test_a_filtered_breakdown_does_not_differ_from_the_unfiltered_one_by_a_few_people() -> None:
    """12 people have a=v0, b=v0; 10 of them c=v0: showing 12 and 10 would describe the other 2."""
    rows: list[dict] = []
    for count, a, b, c in [
        (10, "v0", "v0", "v0"),
        (2, "v0", "v0", "v1"),
        (10, "v1", "v0", "v0"),
        (10, "v1", "v0", "v1"),
        (10, "v0", "v1", "v0"),
        (10, "v0", "v1", "v1"),
        (10, "v1", "v1", "v0"),
        (10, "v1", "v1", "v1"),
    ]:
        rows += [{"a": a, "b": b, "c": c}] * count
    engine = _engine(rows)
    whole, whole_hidden = engine.table("a", "b", frozenset())
    assert whole[0][0] == 12 and (0, 0) not in whole_hidden
    part, part_hidden = engine.table("a", "b", frozenset({("c", "v0")}))
    assert part[0][0] == 10 and (0, 0) in part_hidden
    assert (
        determined_unknowns(
            part,
            *[engine.oneway(k, frozenset({("c", "v0")}))[0] for k in ("a", "b")],
            part_hidden,
            engine.oneway("a", frozenset({("c", "v0")}))[1],
            engine.oneway("b", frozenset({("c", "v0")}))[1],
        )
        == []
    )
