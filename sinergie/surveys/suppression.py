"""Cell suppression for counts tables (pure, no Django): no published figure under K.

A table has cells x[i][j], row margins r[i], column margins c[j] and a published grand total n.
The margins' suppression is decided outside (by the one-way tables of each variable) and only
copied here, so every report shows the same margins. Rules, applied until nothing changes:

1. primary: a cell with 0 < x < K is suppressed;
2. a line (a row or a column, with its margin) whose margin is published must have either no
   suppressed cell or at least two whose sum is at least K (else one is recovered by subtraction,
   or the suppressed group is itself smaller than K); a line whose margin is suppressed needs at
   least one suppressed cell (else the margin is the sum of the cells);
3. audit: no suppressed figure may be determined by the linear equations of the published ones
   (rows, columns, margins and total), checked by exact Gaussian elimination; if one is, one more
   cell of its line is suppressed;
4. linked tables: the table may reveal nothing about its hidden margins beyond what the one-way
   tables already say (that the hidden categories of each variable add up to the rest of the
   total). Any other combination of hidden margins it determined (say, two hidden categories'
   sum) could be joined with another table's combination to recover one; with this rule, every
   table about the same respondents shares only the published one-way tables, and auditing each
   table against its own equations audits them all together (docs/architecture.md, "Survey
   reports"). A leaking table gets one more cell hidden in a line of a margin involved.
"""

from __future__ import annotations

from fractions import Fraction

K = 5

Cell = tuple[int, int]


def is_small(value: int, k: int = K) -> bool:
    return 0 < value < k


def suppress_line(values: list[int], *, k: int = K, forced: set[int] | None = None) -> set[int]:
    """Indices to hide in a line whose total is published (the one-way table of a variable)."""
    hidden = {i for i, v in enumerate(values) if is_small(v, k)} | set(forced or ())
    while hidden:
        total = sum(values[i] for i in hidden)
        if len(hidden) >= 2 and total >= k:
            break
        spare = _smallest(values, [i for i in range(len(values)) if i not in hidden])
        if spare is None:
            break
        hidden.add(spare)
    return hidden


def _smallest(values: list[int], candidates: list[int]) -> int | None:
    """The smallest non-zero candidate (zeros only when nothing else is left), first on ties."""
    if not candidates:
        return None
    nonzero = [i for i in candidates if values[i] > 0]
    pool = nonzero or candidates
    return min(pool, key=lambda i: (values[i], i))


def suppress_table(
    cells: list[list[int]],
    row_hidden: set[int],
    col_hidden: set[int],
    *,
    k: int = K,
    forced: set[Cell] | None = None,
    known: set[Cell] | None = None,
) -> set[Cell]:
    """The cells to hide, given which margins are hidden already (never changed here).

    `known`: cells anyone can tell from the questionnaire itself (structural zeros, such as "no
    answer to a question shown only to parents" among parents): never hidden, since hiding them
    would protect nothing, and counted as published by the audits.
    """
    known = known or set()
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    hidden: set[Cell] = {(i, j) for i in range(rows) for j in range(cols) if is_small(cells[i][j], k)}
    hidden |= set(forced or ())
    hidden -= known
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    while True:
        changed = False
        lines = [([(i, j) for j in range(cols)], i in row_hidden) for i in range(rows)]
        lines += [([(i, j) for i in range(rows)], j in col_hidden) for j in range(cols)]
        for line, margin_hidden in lines:
            in_line = [cell for cell in line if cell in hidden]
            total = sum(cells[i][j] for i, j in in_line)
            need = (not in_line) if margin_hidden else (in_line and (len(in_line) < 2 or total < k))
            if need:
                spare = _smallest_cell(cells, [cell for cell in line if cell not in hidden and cell not in known])
                if spare is not None:
                    hidden.add(spare)
                    changed = True
        if changed:
            continue
        determined = determined_unknowns(cells, row_totals, col_totals, hidden, row_hidden, col_hidden)
        if not determined:
            determined = leaked_margins(cells, hidden, row_hidden, col_hidden, known=known)
        if not determined:
            return hidden
        added = False
        for kind, index in determined:
            if kind == "cell":
                i, j = index
                line = [(i, b) for b in range(cols)] + [(a, j) for a in range(rows)]
            elif kind == "row":
                line = [(index, b) for b in range(cols)]
            else:
                line = [(a, index) for a in range(rows)]
            spare = _smallest_cell(cells, [cell for cell in line if cell not in hidden and cell not in known])
            if spare is not None:
                hidden.add(spare)
                added = True
                break
        if not added:
            return hidden  # everything in reach is hidden already


def _smallest_cell(cells: list[list[int]], candidates: list[Cell]) -> Cell | None:
    if not candidates:
        return None
    nonzero = [c for c in candidates if cells[c[0]][c[1]] > 0]
    return min(nonzero or candidates, key=lambda c: (cells[c[0]][c[1]], c))


def determined_unknowns(
    cells: list[list[int]],
    row_totals: list[int],
    col_totals: list[int],
    hidden: set[Cell],
    row_hidden: set[int],
    col_hidden: set[int],
) -> list[tuple[str, object]]:
    """Hidden figures that the published ones determine exactly (linear algebra over the rationals).

    Unknowns are the hidden cells and margins; equations are "cells of a line = its margin" and
    "margins = grand total". A hidden figure is determined when its unit vector lies in the row
    space of the equations, i.e. when a row of the reduced echelon form is that unit vector.
    """
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    unknowns, equations = _equations(rows, cols, hidden, row_hidden, col_hidden)
    if not unknowns:
        return []
    reduced = _rref(equations, len(unknowns))
    found = []
    for vector in reduced:
        nonzero = [p for p, value in enumerate(vector) if value != 0]
        if len(nonzero) == 1:
            found.append(unknowns[nonzero[0]])
    return found


def _equations(
    rows: int, cols: int, hidden: set[Cell], row_hidden: set[int], col_hidden: set[int]
) -> tuple[list[tuple[str, object]], list[list[Fraction]]]:
    """Unknowns (hidden cells first, then hidden row and column margins) and the table's equations."""
    unknowns: list[tuple[str, object]] = [("cell", c) for c in sorted(hidden)]
    unknowns += [("row", i) for i in sorted(row_hidden)] + [("col", j) for j in sorted(col_hidden)]
    position = {u: p for p, u in enumerate(unknowns)}
    equations: list[list[Fraction]] = []

    def add(members: list[tuple[str, object]], margin: tuple[str, object] | None) -> None:
        vector = [Fraction(0)] * len(unknowns)
        used = False
        for member in members:
            if member in position:
                vector[position[member]] += 1
                used = True
        if margin is not None and margin in position:
            vector[position[margin]] -= 1
            used = True
        if used:
            equations.append(vector)

    for i in range(rows):
        add([("cell", (i, j)) for j in range(cols)], ("row", i))
    for j in range(cols):
        add([("cell", (i, j)) for i in range(rows)], ("col", j))
    add([("row", i) for i in range(rows)], None)
    add([("col", j) for j in range(cols)], None)
    return unknowns, equations


def leaked_margins(
    cells: list[list[int]],
    hidden: set[Cell],
    row_hidden: set[int],
    col_hidden: set[int],
    *,
    known: set[Cell] | None = None,
) -> list[tuple[str, object]]:
    """Hidden margins involved in a combination the table determines beyond the one-way tables.

    The combinations of hidden margins a table determines are its equations' row space restricted
    to the margins (after eliminating the hidden cells, which come first). Without structural
    knowledge, the one-way tables already publish "all hidden rows together" and "all hidden
    columns together", so any determined combination must have equal weights on the hidden rows
    and on the hidden columns. With `known` cells, the baseline is what the margins and the known
    cells alone determine (every other cell unknown): the table may add nothing to it.
    """
    if not row_hidden and not col_hidden:
        return []
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    margins = _margin_rows(rows, cols, hidden, row_hidden, col_hidden)
    if not known:
        for vector, involved in margins:
            row_weights = {w for (kind, _i), w in vector.items() if kind == "row"}
            col_weights = {w for (kind, _j), w in vector.items() if kind == "col"}
            missing_rows = any(("row", i) not in vector for i in row_hidden) and row_weights
            missing_cols = any(("col", j) not in vector for j in col_hidden) and col_weights
            if len(row_weights) > 1 or len(col_weights) > 1 or missing_rows or missing_cols:
                return involved
        return []
    everything = {(i, j) for i in range(rows) for j in range(cols)} - known
    baseline = [vector for vector, _involved in _margin_rows(rows, cols, everything, row_hidden, col_hidden)]
    order = [("row", i) for i in sorted(row_hidden)] + [("col", j) for j in sorted(col_hidden)]
    base_rank = _rank([[v.get(u, Fraction(0)) for u in order] for v in baseline], len(order))
    for vector, involved in margins:
        rows_so_far = [[v.get(u, Fraction(0)) for u in order] for v in [*baseline, vector]]
        if _rank(rows_so_far, len(order)) > base_rank:
            return involved
    return []


def known_determined(
    cells: list[list[int]], row_hidden: set[int], col_hidden: set[int], known: set[Cell], *, k: int = K
) -> list[tuple[str, object]]:
    """What the published margins and the known cells alone give away, whatever the table hides:
    hidden margins, and cells of 1 to k−1 people (every cell not known is taken as hidden)."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    everything = {(i, j) for i in range(rows) for j in range(cols)} - known
    found = determined_unknowns(cells, [], [], everything, row_hidden, col_hidden)
    return [u for u in found if u[0] != "cell" or is_small(cells[u[1][0]][u[1][1]], k)]  # type: ignore[index]


def _margin_rows(
    rows: int, cols: int, hidden: set[Cell], row_hidden: set[int], col_hidden: set[int]
) -> list[tuple[dict[tuple[str, object], Fraction], list[tuple[str, object]]]]:
    """The combinations of hidden margins the equations determine, as {margin: weight} with the
    margins involved (rows of the reduced echelon form with no hidden cell)."""
    unknowns, equations = _equations(rows, cols, hidden, row_hidden, col_hidden)
    first_margin = len(hidden)
    found = []
    for vector in _rref(equations, len(unknowns)):
        if any(value != 0 for value in vector[:first_margin]):
            continue
        weights = {unknowns[p]: vector[p] for p in range(first_margin, len(unknowns)) if vector[p] != 0}
        if weights:
            found.append((weights, list(weights)))
    return found


def _rank(matrix: list[list[Fraction]], width: int) -> int:
    return len(_rref(matrix, width)) if matrix else 0


def _rref(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    rows = [list(r) for r in matrix]
    pivot_row = 0
    for col in range(width):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(rows):
            break
    return rows[:pivot_row]
