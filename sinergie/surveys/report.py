"""The report engine: counts and percentages that never describe fewer than K respondents.

Every question becomes one or more categorical *variables* (a matrix: one per row; a multiple
choice: one per option, answered yes/no; a number: bands); every variable has a category
"_none" for respondents who did not answer it, so a line always adds up to the published
number of respondents. The method, in docs/architecture.md ("Survey reports"):

- only released responses count (they are released K at a time: see services._release), so
  two reports taken before and after one more answer are equal or differ by K or more;
- one-way tables: `suppression.suppress_line` over the variable's categories, whose total is
  the published number of respondents;
- breakdowns: `suppression.suppress_table` with the margins copied from the one-way tables;
- filters (at most two, "variable = category"): a filter A = x on the population P is allowed
  only when the one-way table of A on P publishes x with at least K respondents, recursively,
  so no two populations a user can ask for differ by fewer than K people; the one-way table of
  a filtered population hides at least what column x of the breakdown of P by A hides, so the
  two views of the same figures agree;
- free text: never to companies; to alliance viewers only when at least K responses count.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models.fields.json import KT
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sinergie.surveys import suppression
from sinergie.surveys.models import TEXT_KINDS, Campaign, Question, QuestionKind, Response

K = suppression.K
NONE = "_none"
MAX_FILTERS = 2

MESSAGE_TOO_FEW = gettext_lazy("Fewer than %(k)d responses count so far: no figure can be shown yet.")
MESSAGE_FILTER = gettext_lazy("This selection would describe fewer than %(k)d people: choose wider filters.")


class ReportError(ValueError):
    """Bad report parameters: an unknown variable or category, too many filters."""


@dataclass
class Variable:
    key: str
    question: Question
    label: str
    categories: list[tuple[str, str]]  # (value, label), "_none" last
    row: str | None = None
    option: str | None = None

    @property
    def path(self) -> str:
        """Where the variable's value is in a response's answers, as a JSON key path."""
        return f"{self.question.code}__{self.row}" if self.row else self.question.code

    def value_at(self, answers: dict[str, Any]) -> Any:
        """The value at `path` as the database returns it as text: scalars, or JSON for a list."""
        value = answers.get(self.question.code)
        if self.row:
            value = value.get(self.row) if isinstance(value, dict) else None
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False)
        return value

    def codes(self, raw: list[Any]) -> list[int]:
        """The index of each respondent's category, from the values at `path` (text or number)."""
        none = len(self.categories) - 1
        kind = self.question.kind
        if kind == QuestionKind.MULTIPLE:
            needle = json.dumps(self.option, ensure_ascii=False)
            return [none if v is None else (0 if needle in v else 1) for v in raw]
        if kind == QuestionKind.NUMBER:
            bands = self.question.number_bands()
            return [none if v is None or int(v) < bands[0] else bisect_right(bands, int(v)) - 1 for v in raw]
        index: dict[Any, int] = {v: i for i, (v, _label) in enumerate(self.categories[:-1])}
        if kind == QuestionKind.SCALE:
            index.update({int(v): i for v, i in list(index.items())})
        return [index.get(v, none) for v in raw]


def question_variables(question: Question) -> list[Variable]:
    """The categorical variables of a question (none for free text)."""
    none = (NONE, _("No answer"))
    kind = question.kind
    text = question.text
    if kind in TEXT_KINDS:
        return []
    if kind == QuestionKind.SINGLE:
        cats = [(c["value"], c["label"]) for c in question.choices]
        return [Variable(question.code, question, text, [*cats, none])]
    if kind == QuestionKind.SCALE:
        cats = [(str(v), str(v)) for v in question.scale_values()]
        return [Variable(question.code, question, text, [*cats, none])]
    if kind == QuestionKind.NUMBER:
        bands = question.number_bands()
        cats = []
        for index, low in enumerate(bands):
            high = bands[index + 1] - 1 if index + 1 < len(bands) else None
            label = str(low) if high == low else (f"{low}–{high}" if high is not None else f"≥ {low}")
            cats.append((str(low), label))
        return [Variable(question.code, question, text, [*cats, none])]
    if kind == QuestionKind.MATRIX:
        cats = [(c["value"], c["label"]) for c in question.choices]
        return [
            Variable(
                f"{question.code}.{row['value']}", question, f"{text} — {row['label']}", [*cats, none], row=row["value"]
            )
            for row in question.rows
        ]
    if kind == QuestionKind.MULTIPLE:
        cats = [("yes", _("Chosen")), ("no", _("Not chosen")), none]
        return [
            Variable(
                f"{question.code}.{choice['value']}",
                question,
                f"{text} — {choice['label']}",
                cats,
                option=choice["value"],
            )
            for choice in question.choices
        ]
    return []


Filters = frozenset[tuple[str, str]]


@dataclass
class Engine:
    """One campaign's released answers and the memoised tables computed from them."""

    answers: list[dict[str, Any]]
    variables: dict[str, Variable]
    k: int = K
    count: int | None = None  # respondents, when the answers are not kept (a cached engine)
    raw: dict[str, list[Any]] = field(default_factory=dict)  # values by path, as the database gives them
    _columns: dict[str, Any] = field(default_factory=dict)
    _cubes: dict[tuple[str, ...], Counter] = field(default_factory=dict)
    _cubes_by_key: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    _oneway: dict[tuple[str, Filters], tuple[list[int], set[int]]] = field(default_factory=dict)
    _tables: dict[tuple[str, str, Filters], tuple[list[list[int]], set[tuple[int, int]]]] = field(default_factory=dict)
    _allowed: dict[Filters, bool] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.answers) if self.count is None else self.count

    def column(self, key: str) -> Any:
        """Every respondent's category index for the variable (computed once)."""
        if key not in self._columns:
            variable = self.variables[key]
            raw = self.raw.get(variable.path)
            if raw is None:
                raw = [variable.value_at(a) for a in self.answers]
            self._columns[key] = variable.codes(raw)
        return self._columns[key]

    def prepare(self) -> None:
        """Compute every column now, after which the answers themselves are not needed."""
        for key in self.variables:
            codes = self.column(key)
            if len(self.variables[key].categories) < 256:
                self._columns[key] = bytes(codes)
        self.count = self.n
        self.answers = []
        self.raw = {}

    def cube(self, dims: tuple[str, ...]) -> Counter:
        """Counts of every combination of the variables `dims` (sorted), over everyone.

        Derived from the smallest cube already counted that holds them, else counted in one pass:
        so a report counts each variable's answers once, whatever its breakdown and filters.
        """
        if dims not in self._cubes:
            wanted = set(dims)
            supersets = [have for have in self._cubes_by_key.get(dims[0], []) if wanted <= set(have)]
            if supersets:
                have = min(supersets, key=lambda d: len(self._cubes[d]))
                positions = [have.index(d) for d in dims]
                cube: Counter = Counter()
                for combination, count in self._cubes[have].items():
                    cube[tuple(combination[p] for p in positions)] += count
            else:
                cube = Counter(zip(*(self.column(d) for d in dims), strict=True))
            self._cubes[dims] = cube
            for d in dims:
                self._cubes_by_key.setdefault(d, []).append(dims)
        return self._cubes[dims]

    def _slice(self, keys: tuple[str, ...], filters: Filters) -> Counter:
        """Counts of the combinations of `keys` among the respondents the filters select."""
        dims = tuple(sorted(set(keys) | {key for key, _v in filters}))
        cube = self.cube(dims)
        wanted = [(dims.index(key), self._index(key, value)) for key, value in filters]
        out = [dims.index(key) for key in keys]
        result: Counter = Counter()
        for combination, count in cube.items():
            if all(combination[p] == v for p, v in wanted):
                result[tuple(combination[p] for p in out)] += count
        return result

    def size(self, filters: Filters) -> int:
        if not filters:
            return self.n
        key = sorted(filters)[0][0]
        return sum(self.counts(key, filters))

    def counts(self, key: str, filters: Filters) -> list[int]:
        tally = self._slice((key,), filters)
        return [tally.get((i,), 0) for i in range(len(self.variables[key].categories))]

    def allowed(self, filters: Filters) -> bool:
        """May figures about this population be published? (see the module's docstring)"""
        if filters not in self._allowed:
            if not filters:
                ok = self.n >= self.k
            else:
                ok = True
                for key, value in filters:
                    parent = filters - {(key, value)}
                    if not self.allowed(parent):
                        ok = False
                        break
                    values, hidden = self.oneway(key, parent)
                    index = self._index(key, value)
                    if index in hidden or values[index] < self.k:
                        ok = False
                        break
            self._allowed[filters] = ok
        return self._allowed[filters]

    def _index(self, key: str, value: str) -> int:
        return [v for v, _label in self.variables[key].categories].index(value)

    def oneway(self, key: str, filters: Filters) -> tuple[list[int], set[int]]:
        cache_key = (key, filters)
        if cache_key not in self._oneway:
            values = self.counts(key, filters)
            forced: set[int] = set()
            for fkey, fvalue in filters:
                if fkey == key:
                    continue
                parent = filters - {(fkey, fvalue)}
                _cells, hidden = self.table(key, fkey, parent)
                column = self._index(fkey, fvalue)
                forced |= {i for i, j in hidden if j == column}
            self._oneway[cache_key] = (values, suppression.suppress_line(values, k=self.k, forced=forced))
        return self._oneway[cache_key]

    def table(self, row_key: str, col_key: str, filters: Filters) -> tuple[list[list[int]], set[tuple[int, int]]]:
        cache_key = (row_key, col_key, filters)
        if cache_key not in self._tables:
            width = len(self.variables[col_key].categories)
            cells = [[0] * width for _ in self.variables[row_key].categories]
            for (r, c), count in self._slice((row_key, col_key), filters).items():
                cells[r][c] = count
            # The margins are the one-way tables, so every report shows the same margins.
            _values, row_hidden = self.oneway(row_key, filters)
            _values, col_hidden = self.oneway(col_key, filters)
            # Against two filters: a cell the coarser table (one filter fewer) publishes must not
            # differ from this one by fewer than K people, or their difference describes them.
            forced: set[tuple[int, int]] = set()
            for item in filters:
                parent_cells, parent_hidden = self.table(row_key, col_key, filters - {item})
                for i, row in enumerate(cells):
                    for j, value in enumerate(row):
                        if (i, j) not in parent_hidden and suppression.is_small(parent_cells[i][j] - value, self.k):
                            forced.add((i, j))
            hidden = suppression.suppress_table(cells, row_hidden, col_hidden, k=self.k, forced=forced)
            self._tables[cache_key] = (cells, hidden)
        return self._tables[cache_key]


def parse_filters(engine: Engine, raw: list[str]) -> Filters:
    """Filters given as "variable:category" strings."""
    if len(raw) > MAX_FILTERS:
        raise ReportError(_("Use at most %(n)d filters.") % {"n": MAX_FILTERS})
    parsed = set()
    for item in raw:
        key, sep, value = item.partition(":")
        variable = engine.variables.get(key)
        if not sep or variable is None:
            raise ReportError(_("Unknown filter “%(f)s”: use variable:answer.") % {"f": item})
        if value == NONE or value not in [v for v, _label in variable.categories]:
            raise ReportError(_("Unknown answer “%(v)s” for the filter on %(k)s.") % {"v": value, "k": key})
        if any(k == key for k, _v in parsed):
            raise ReportError(_("Filter each variable once."))
        parsed.add((key, value))
    return frozenset(parsed)


_ENGINES: OrderedDict[tuple[Any, ...], Engine] = OrderedDict()
_ENGINES_KEPT = 8
_ENGINES_LOCK = threading.Lock()


def engine_for(campaign: Campaign) -> Engine:
    """The campaign's engine, kept in this process while no new batch of responses is released.

    Released responses never change and are released K at a time, so (campaign, survey, number
    released, language) identifies the data and every figure computed from it.
    """
    released = Response.objects.filter(campaign=campaign, completed=True, released=True)
    cache_key = (campaign.pk, campaign.salt, campaign.survey_id, released.count(), get_language())
    with _ENGINES_LOCK:
        engine = _ENGINES.get(cache_key)
        if engine is not None:
            _ENGINES.move_to_end(cache_key)
            return engine
    variables = survey_variables(list(campaign.survey.questions()))
    width = len(variables)
    stored = list(released.values_list("codes", flat=True))
    if width and all(len(codes) == width for codes in stored):
        data = "".join(stored).encode("ascii").translate(_DECODE)
        engine = Engine(answers=[], variables=variables, count=len(stored))
        for position, name in enumerate(variables):
            engine._columns[name] = data[position::width]
    else:
        # Codes missing (a variable with too many categories): the database extracts each
        # variable's value as text and the categories are computed here.
        paths = sorted({variable.path for variable in variables.values()})
        rows = list(released.values_list(*[KT(f"answers__{path}") for path in paths])) if paths else []
        raw = {path: [row[index] for row in rows] for index, path in enumerate(paths)}
        engine = Engine(answers=[], variables=variables, count=len(stored), raw=raw)
        engine.prepare()
    with _ENGINES_LOCK:
        _ENGINES[cache_key] = engine
        while len(_ENGINES) > _ENGINES_KEPT:
            _ENGINES.popitem(last=False)
    return engine


CODE_BASE = 48  # category i of a variable is stored as the character chr(48 + i)
CODE_RANGE = 70


def survey_variables(questions: list[Question]) -> dict[str, Variable]:
    """The report variables of the survey's questions, in a fixed order (the order of `codes`)."""
    return {v.key: v for q in questions for v in question_variables(q)}


def response_codes(variables: dict[str, Variable], answers: dict[str, Any]) -> str:
    """One character per variable: the response's category, stored with the response when it is
    completed (its survey is frozen from then on), so a report reads short strings, not JSON."""
    if any(len(v.categories) >= CODE_RANGE for v in variables.values()):
        return ""
    return "".join(chr(CODE_BASE + v.codes([v.value_at(answers)])[0]) for v in variables.values())


_DECODE = bytes((byte - CODE_BASE) % 256 for byte in range(256))


def free_texts(campaign: Campaign, question: Question) -> list[str]:
    """The released answers to a free-text question, sorted (their order says nothing)."""
    rows = Response.objects.filter(campaign=campaign, completed=True, released=True).values_list(
        KT(f"answers__{question.code}"), flat=True
    )
    return sorted(text for text in rows if text)


def _pct(count: int | None, base: int | None) -> float | None:
    if count is None or not base:
        return None
    return round(100 * count / base, 1)


def build_report(
    campaign: Campaign,
    *,
    breakdown: str | None = None,
    filters: list[str] | None = None,
    variables: list[str] | None = None,
    free_text: bool = False,
    engine: Engine | None = None,
) -> dict[str, Any]:
    """The report as plain data; suppressed figures are None. Raises ReportError on bad params."""
    engine = engine or engine_for(campaign)
    chosen = parse_filters(engine, filters or [])
    if breakdown is not None and breakdown not in engine.variables:
        raise ReportError(_("Unknown breakdown “%(b)s”.") % {"b": breakdown})
    if breakdown is not None and any(key == breakdown for key, _v in chosen):
        raise ReportError(_("Do not break down by a variable you filter on."))
    keys = variables if variables else list(engine.variables)
    for key in keys:
        if key not in engine.variables:
            raise ReportError(_("Unknown variable “%(v)s”.") % {"v": key})
    report: dict[str, Any] = {
        "campaign": campaign.pk,
        "k": engine.k,
        "filters": [{"variable": key, "value": value} for key, value in sorted(chosen)],
        "breakdown": None,
        "respondents": None,
        "message": None,
        "variables": [],
        "free_text": {},
    }
    if engine.n < engine.k:
        report["message"] = MESSAGE_TOO_FEW % {"k": engine.k}
        return report
    if not engine.allowed(chosen):
        report["message"] = MESSAGE_FILTER % {"k": engine.k}
        return report
    population = engine.size(chosen)
    report["respondents"] = population
    filter_keys = {key for key, _v in chosen}
    for key in keys:  # count each variable once with everything its figures depend on
        engine.cube(tuple(sorted({key, *filter_keys} | ({breakdown} if breakdown else set()))))
    col_values: list[int] = []
    col_hidden: set[int] = set()
    if breakdown is not None:
        bvar = engine.variables[breakdown]
        col_values, col_hidden = engine.oneway(breakdown, chosen)
        report["breakdown"] = {
            "variable": breakdown,
            "label": bvar.label,
            "categories": [
                {"value": v, "label": label, "count": None if j in col_hidden else col_values[j]}
                for j, (v, label) in enumerate(bvar.categories)
            ],
        }
    for key in keys:
        if key == breakdown:
            continue
        variable = engine.variables[key]
        values, hidden = engine.oneway(key, chosen)
        entry: dict[str, Any] = {"variable": key, "question": variable.question.code, "label": variable.label}
        categories = []
        if breakdown is not None:
            cells, cell_hidden = engine.table(key, breakdown, chosen)
        for i, (value, label) in enumerate(variable.categories):
            count = None if i in hidden else values[i]
            item: dict[str, Any] = {"value": value, "label": label, "count": count, "percent": _pct(count, population)}
            if breakdown is not None:
                item["by"] = {}
                for j, (bvalue, _blabel) in enumerate(engine.variables[breakdown].categories):
                    cell = None if (i, j) in cell_hidden else cells[i][j]
                    base = None if j in col_hidden else col_values[j]
                    item["by"][bvalue] = {"count": cell, "percent": _pct(cell, base)}
            categories.append(item)
        entry["categories"] = categories
        report["variables"].append(entry)
    if free_text and engine.n >= engine.k:
        for question in campaign.survey.questions():
            if question.kind in TEXT_KINDS:
                texts = free_texts(campaign, question)
                report["free_text"][question.code] = {"label": question.text, "answers": texts}
    return report
