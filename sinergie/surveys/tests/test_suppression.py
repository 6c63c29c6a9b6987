"""Property-based tests of the suppression and the report engine: no group under K recoverable.

The report publishes a fixed catalogue (the one-way table of every variable, the two-way table of
every pair), so the properties are checked over the whole catalogue of generated campaigns: each
table on its own (no figure 1..K−1, no hidden figure determined by its equations), every table
against its transpose and against the one-way tables (the same margins, the same hidden cells),
and rule 4 (`leaked_margins`): no table says more about hidden margins than the one-way tables.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.surveys.models import Question, QuestionKind
from sinergie.surveys.report import (
    MESSAGE_TOO_FEW,
    Engine,
    ReportError,
    build_report,
    question_variables,
    survey_variables,
)
from sinergie.surveys.suppression import K, determined_unknowns, leaked_margins, suppress_line, suppress_table


def _line_ok(values: list[int], hidden: set[int]) -> bool:
    """A line with a published total hides nothing, or at least two figures adding up to K or more
    (else one is the total minus the others), or only zeros (which describe nobody)."""
    total = sum(values[i] for i in hidden)
    return not hidden or (len(hidden) >= 2 and total >= K) or total == 0


def _table_lines_ok(cells, hidden, row_hidden, col_hidden) -> None:
    """Rules 1 and 2 on a table: no small published cell; every line protected."""
    rows, cols = len(cells), len(cells[0])
    for i in range(rows):
        for j in range(cols):
            if (i, j) not in hidden:
                assert cells[i][j] == 0 or cells[i][j] >= K
    for i in range(rows):
        in_row = {j for j in range(cols) if (i, j) in hidden}
        if i not in row_hidden:
            assert _line_ok(cells[i], in_row)
        else:
            assert in_row  # else the hidden margin is the sum of the published cells
    for j in range(cols):
        in_col = {i for i in range(rows) if (i, j) in hidden}
        if j not in col_hidden:
            assert _line_ok([cells[i][j] for i in range(rows)], in_col)
        else:
            assert in_col


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
            st.lists(st.integers(min_value=0, max_value=12), min_size=cols, max_size=cols), min_size=2, max_size=6
        )
    )
)
def test_a_table_keeps_every_hidden_cell_undetermined_and_its_margins_unleaked(cells: list[list[int]]) -> None:
    n = sum(map(sum, cells))
    if n < K:
        return
    rows, cols = len(cells), len(cells[0])
    row_totals = [sum(r) for r in cells]
    col_totals = [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    row_hidden = suppress_line(row_totals)
    col_hidden = suppress_line(col_totals)
    hidden = suppress_table(cells, row_hidden, col_hidden)
    _table_lines_ok(cells, hidden, row_hidden, col_hidden)
    assert determined_unknowns(cells, row_totals, col_totals, hidden, row_hidden, col_hidden) == []
    assert leaked_margins(cells, hidden, row_hidden, col_hidden) == []


# --- Rule 4 on a hand-made table -------------------------------------------------------------

# Four categories of 3 people each are hidden in the one-way table of the row variable, which
# therefore says only "those four add up to 12". Rows 0 and 1 answered the first column, rows 2
# and 3 the second: hiding only the small cells would publish the column totals (16) and the
# last row (10, 10), so x00 + x10 = 6, that is r0 + r1 = 6 — a sum of two hidden categories that
# another table, pairing them differently, could combine with to recover one of them.
LEAKY = [[3, 0], [3, 0], [0, 3], [0, 3], [10, 10]]
LEAKY_PRIMARY = {(0, 0), (1, 0), (2, 1), (3, 1)}


def _margins(cells):
    rows = [sum(r) for r in cells]
    cols = [sum(c) for c in zip(*cells, strict=True)]
    return rows, cols


def test_leaked_margins_finds_the_sum_of_two_hidden_categories() -> None:
    rows, cols = _margins(LEAKY)
    row_hidden, col_hidden = suppress_line(rows), suppress_line(cols)
    assert row_hidden == {0, 1, 2, 3} and col_hidden == set()
    # Rules 1–3 see nothing wrong: every line is protected and no single figure is determined.
    _table_lines_ok(LEAKY, LEAKY_PRIMARY, row_hidden, col_hidden)
    assert determined_unknowns(LEAKY, rows, cols, LEAKY_PRIMARY, row_hidden, col_hidden) == []
    leaked = leaked_margins(LEAKY, LEAKY_PRIMARY, row_hidden, col_hidden)
    assert set(leaked) in ({("row", 0), ("row", 1)}, {("row", 2), ("row", 3)})


def test_suppress_table_hides_one_more_cell_so_nothing_leaks() -> None:
    rows, cols = _margins(LEAKY)
    row_hidden, col_hidden = suppress_line(rows), suppress_line(cols)
    hidden = suppress_table(LEAKY, row_hidden, col_hidden)
    assert hidden > LEAKY_PRIMARY
    _table_lines_ok(LEAKY, hidden, row_hidden, col_hidden)
    assert leaked_margins(LEAKY, hidden, row_hidden, col_hidden) == []
    assert determined_unknowns(LEAKY, rows, cols, hidden, row_hidden, col_hidden) == []


def test_leaked_margins_accepts_what_the_one_way_tables_already_say() -> None:
    # Both hidden rows wholly hidden: the table says only r0 + r1 = n − r2, as the one-way table.
    cells = [[3, 3], [3, 3], [10, 10]]
    everything = {(i, j) for i in range(2) for j in range(2)}
    assert leaked_margins(cells, everything, {0, 1}, set()) == []
    # No hidden margin: nothing to leak.
    assert leaked_margins([[5, 6], [7, 8]], set(), set(), set()) == []
    # A hidden row tied to a hidden column (here r0 = x00 = c0) is a leak too; one more cell ends it.
    cells = [[3, 0, 0], [0, 3, 0], [0, 0, 10]]
    row_hidden, col_hidden = {0, 1}, {0, 1}
    tied = leaked_margins(cells, {(0, 0), (1, 1)}, row_hidden, col_hidden)
    assert tied and {kind for kind, _index in tied} == {"row", "col"}
    hidden = suppress_table(cells, row_hidden, col_hidden)
    assert leaked_margins(cells, hidden, row_hidden, col_hidden) == []


# --- The catalogue of generated campaigns ----------------------------------------------------


class _Released:
    """A campaign as build_report reads it, released (no database needed)."""

    pk = 1
    closes_at = datetime(2026, 1, 31, 23, tzinfo=UTC)
    released_at = datetime(2026, 2, 1, 8, tzinfo=UTC)


def _question(code: str, size: int) -> Question:
    return Question(
        code=code,
        kind=QuestionKind.SINGLE,
        text_it=code,
        options={"choices": [{"value": f"v{i}", "it": f"v{i}"} for i in range(size)]},
    )


SIZES = {"a": 3, "b": 2, "c": 3, "d": 5}


def _engine(answers: list[dict]) -> Engine:
    variables = {v.key: v for code, size in SIZES.items() for v in question_variables(_question(code, size))}
    return Engine(answers=answers, variables=variables)


answer_sets = st.lists(
    st.fixed_dictionaries(
        {}, optional={code: st.sampled_from([f"v{i}" for i in range(size)]) for code, size in SIZES.items()}
    ),
    min_size=K,
    max_size=45,
)


def _check_catalogue(engine: Engine) -> None:
    """Every table the campaign can publish, each against its equations, its transpose and the
    one-way tables: computed once per unordered pair, and no group under K recoverable."""
    keys = list(engine.variables)
    crossable = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if engine.crossable(a, b)]
    pairs = len(crossable)
    assert engine.catalogue() == len(keys) + pairs
    assert len(engine._tables) == pairs  # once per unordered pair, in the survey's order
    for key in keys:
        values, hidden = engine.oneway(key)
        assert all(v == 0 or v >= K for i, v in enumerate(values) if i not in hidden)
        assert _line_ok(values, hidden)
    for first, second in crossable:
        cells, hidden = engine.table(first, second)
        rows, row_hidden = engine.oneway(first)
        cols, col_hidden = engine.oneway(second)
        assert _margins(cells) == (rows, cols)  # the margins are the one-way tables
        _table_lines_ok(cells, hidden, row_hidden, col_hidden)
        assert determined_unknowns(cells, rows, cols, hidden, row_hidden, col_hidden) == [], (
            "a hidden figure is recoverable from the published ones"
        )
        known = engine.known(first, second, cells)
        assert not known & hidden  # what the questionnaire tells is never "hidden"
        assert leaked_margins(cells, hidden, row_hidden, col_hidden, known=known) == [], (first, second)
        transposed, transposed_hidden = engine.table(second, first)
        assert transposed == [list(col) for col in zip(*cells, strict=True)]
        assert transposed_hidden == {(j, i) for i, j in hidden}
    assert len(engine._tables) == pairs  # the transposes were not computed again


def _hidden_by_breakdown(engine: Engine) -> dict[tuple[str, str | None], tuple[dict, set]]:
    """Through build_report, as the page and the API: every variable under every breakdown, its
    published figures {(row, column): count} and hidden cells; checks no figure is 1..K−1."""
    seen: dict[tuple[str, str | None], tuple[dict, set]] = {}
    oneway: dict[str, list] = {}
    for breakdown in [None, *engine.variables]:
        report = build_report(_Released(), breakdown=breakdown, engine=engine)  # type: ignore[arg-type]
        assert report["state"] == "released" and "filters" not in report
        if report["respondents"] is None:
            assert report["message"] and report["variables"] == []
            continue
        assert report["respondents"] == engine.n >= K
        figures = [c["count"] for c in (report["breakdown"] or {"categories": []})["categories"]]
        for variable in report["variables"]:
            assert variable["kind"] == engine.variables[variable["variable"]].question.kind
            counts = [item["count"] for item in variable["categories"]]
            # The same one-way figures under every breakdown (and as the breakdown's header).
            assert oneway.setdefault(variable["variable"], counts) == counts
            published, hidden = {}, set()
            for i, item in enumerate(variable["categories"]):
                figures.append(item["count"])
                for j, cell in enumerate(item.get("by", {}).values()):
                    figures.append(cell["count"])
                    if cell["count"] is None:
                        hidden.add((i, j))
                    else:
                        published[(i, j)] = cell["count"]
            seen[(variable["variable"], breakdown)] = (published, hidden)
        if report["breakdown"]:
            header = [c["count"] for c in report["breakdown"]["categories"]]
            assert oneway.setdefault(breakdown, header) == header
        assert all(f is None or f == 0 or f >= K for f in figures), breakdown
    return seen


def _check_breakdowns_agree(engine: Engine) -> None:
    """A by B and B by A: the same figures, the same hidden cells, transposed."""
    seen = _hidden_by_breakdown(engine)
    for (key, breakdown), (published, hidden) in seen.items():
        if breakdown is None:
            continue
        other_published, other_hidden = seen[(breakdown, key)]
        assert other_hidden == {(j, i) for i, j in hidden}, (key, breakdown)
        assert other_published == {(j, i): v for (i, j), v in published.items()}, (key, breakdown)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets)
def test_the_whole_catalogue_protects_groups_under_k(answers: list[dict]) -> None:
    _check_catalogue(_engine(answers))
    _check_breakdowns_agree(_engine(answers))


@given(st.lists(st.fixed_dictionaries({"a": st.sampled_from(["v0", "v1", "v2"])}), max_size=K - 1))
def test_fewer_than_k_responses_publish_nothing(answers: list[dict]) -> None:
    engine = _engine(answers)
    for breakdown in (None, "a", "b"):
        report = build_report(_Released(), breakdown=breakdown, engine=engine)  # type: ignore[arg-type]
        assert report["respondents"] is None and report["variables"] == [] and report["breakdown"] is None
        assert report["message"] == MESSAGE_TOO_FEW % {"k": K}
    assert engine._tables == {}


@pytest.mark.parametrize("filters", [["a:v0"], ["a:v0", "b:v1"], ["nonsense"], ["a:_none"]])
def test_filters_are_refused_before_anything_is_computed(filters: list[str]) -> None:
    engine = _engine([{"a": "v0", "b": "v1"}] * (3 * K))
    for breakdown in (None, "b"):
        with pytest.raises(ReportError, match="“filter”"):
            build_report(_Released(), breakdown=breakdown, filters=filters, engine=engine)  # type: ignore[arg-type]
    assert engine._cubes == {} and engine._oneway == {} and engine._tables == {}


def test_the_engine_hides_more_than_the_small_cells_when_a_table_would_leak() -> None:
    """LEAKY as answers: d (five categories) by b (two)."""
    rows: list[dict] = []
    for count, d, b in [(3, "v0", "v0"), (3, "v1", "v0"), (3, "v2", "v1"), (3, "v3", "v1"), (10, "v4", "v0")]:
        rows += [{"d": d, "b": b}] * count
    rows += [{"d": "v4", "b": "v1"}] * 10
    engine = _engine(rows)
    cells, hidden = engine.table("d", "b")
    assert [row[:2] for row in cells[:5]] == LEAKY  # plus the empty "no answer" row and column
    _rows, row_hidden = engine.oneway("d")
    _cols, col_hidden = engine.oneway("b")
    assert row_hidden == {0, 1, 2, 3} and col_hidden == set()
    assert hidden > LEAKY_PRIMARY
    assert leaked_margins(cells, LEAKY_PRIMARY, row_hidden, col_hidden)  # what rule 4 prevents
    assert leaked_margins(cells, hidden, row_hidden, col_hidden) == []
    _check_catalogue(engine)
    _check_breakdowns_agree(engine)


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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_answers)
def test_every_kind_of_question_publishes_a_catalogue_with_no_group_under_k(answers: list[dict]) -> None:
    """Every breakdown of every variable through build_report, as the page and the API."""
    variables = survey_variables(_mixed_questions())
    _check_breakdowns_agree(Engine(answers=answers, variables=variables))
    _check_catalogue(Engine(answers=answers, variables=variables))
