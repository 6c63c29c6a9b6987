"""The report engine: counts and percentages that never describe fewer than K respondents.

Every question becomes one or more categorical *variables* (a matrix: one per row; a multiple
choice: one per option, answered yes/no; a number: bands); every variable has a category
"_none" for respondents who did not answer it, so a line always adds up to the published
number of respondents. The method, in docs/architecture.md ("Survey reports"):

- one release: nothing is counted while the campaign is open; at the close every completed
  answer is released at once and never another (services.campaign_release), so every figure
  ever published about a campaign comes from the same frozen answers;
- a fixed catalogue: the one-way table of every variable and the two-way table of every pair
  of variables (a breakdown), nothing else — no filters, so no smaller populations;
- one-way tables: `suppression.suppress_line`; two-way tables: `suppression.suppress_table`
  with the margins copied from the one-way tables, computed once per unordered pair (a table
  and its transpose hide the same cells) and audited so that it reveals nothing about its
  hidden margins beyond the one-way tables: so the whole catalogue is audited together;
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
BOTH = "_both"

MESSAGE_TOO_FEW = gettext_lazy("Fewer than %(k)d people answered: no figure can be shown, to protect them.")
MESSAGE_COLLECTING = gettext_lazy(
    "Results are published once, when the campaign closes, so that nobody’s answers can be worked out "
    "by comparing results over time."
)


class ReportError(ValueError):
    """Bad report parameters: an unknown variable or breakdown, a filter (not offered)."""


@dataclass
class Variable:
    key: str
    question: Question
    label: str
    categories: list[tuple[str, str]]  # (value, label), "_none" last
    row: str | None = None
    option: str | None = None
    # A multiple choice of two answers is one variable: first only, second only, both (with two
    # options as two yes/no variables, "both" would be "yes to one" minus "no to the other" in
    # every group of every breakdown, a figure no table audits).
    pair: tuple[str, str] | None = None

    @property
    def report_kind(self) -> str:
        return QuestionKind.SINGLE if self.pair else self.question.kind

    def chosen(self, index: int) -> set[str]:
        """For an option or a pair: the answers a respondent in category `index` chose."""
        if self.pair:
            return [{self.pair[0]}, {self.pair[1]}, set(self.pair), set()][index]
        if self.option:
            return {self.option} if index == 0 else set()
        return set()

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
        if kind == QuestionKind.MULTIPLE and self.pair:
            first, second = (json.dumps(option, ensure_ascii=False) for option in self.pair)
            return [none if v is None else (2 if first in v and second in v else (0 if first in v else 1)) for v in raw]
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
    if kind == QuestionKind.MULTIPLE and len(question.choices) == 2:
        first, second = question.choices
        cats = [
            (first["value"], _("Only “%(answer)s”") % {"answer": first["label"]}),
            (second["value"], _("Only “%(answer)s”") % {"answer": second["label"]}),
            (BOTH, _("Both")),
            none,
        ]
        return [Variable(question.code, question, text, cats, pair=(first["value"], second["value"]))]
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
    _oneway: dict[str, tuple[list[int], set[int]]] = field(default_factory=dict)
    _tables: dict[tuple[str, str], tuple[list[list[int]], set[tuple[int, int]]]] = field(default_factory=dict)
    _order: dict[str, int] = field(default_factory=dict)
    _known: dict[tuple[str, str], set[tuple[int, int]]] | None = None
    _forced: dict[str, set[int]] = field(default_factory=dict)
    _settled: bool = False

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
        """Counts of every combination of the variables `dims`, over everyone (counted once).

        A one-way count is summed from a two-way one already counted, when there is one.
        """
        if dims not in self._cubes:
            have = next((d for d in self._cubes if len(dims) == 1 and len(d) == 2 and dims[0] in d), None)
            if have is not None:
                position = have.index(dims[0])
                cube: Counter = Counter()
                for combination, count in self._cubes[have].items():
                    cube[(combination[position],)] += count
            else:
                cube = Counter(zip(*(self.column(d) for d in dims), strict=True))
            self._cubes[dims] = cube
        return self._cubes[dims]

    def counts(self, key: str) -> list[int]:
        tally = self.cube((key,))
        return [tally.get((i,), 0) for i in range(len(self.variables[key].categories))]

    def oneway(self, key: str) -> tuple[list[int], set[int]]:
        """The variable's counts and the categories its one-way table hides (after `settle`)."""
        self.settle()
        return self._oneway[key]

    def _line(self, key: str) -> tuple[list[int], set[int]]:
        values = self.counts(key)
        return values, suppression.suppress_line(values, k=self.k, forced=self._forced.get(key))

    def _structure(self) -> dict[tuple[str, str], set[tuple[int, int]]]:
        if self._known is None:
            self._known = structural_zeros(self.variables)
        return self._known

    def known(self, row_key: str, col_key: str, cells: list[list[int]]) -> set[tuple[int, int]]:
        """Cells of the pair's table (survey order) anyone can tell from the questionnaire: its
        structural zeros, as far as the data hold them as zeros."""
        return {cell for cell in self._structure().get((row_key, col_key), set()) if cells[cell[0]][cell[1]] == 0}

    def settle(self) -> None:
        """The one-way tables, with more categories hidden where the questionnaire's structure
        (skip logic, the options of one question) would let published ones give a hidden one
        away: for every pair of linked variables, the published margins and the structural zeros
        alone, every other cell taken as hidden, must determine no hidden margin and no cell of
        fewer than K people. Hidden categories only grow, so this ends."""
        if self._settled:
            return
        self._settled = True
        for key in self.variables:
            self._oneway[key] = self._line(key)
        pairs = [pair for pair, zeros in self._structure().items() if zeros and self._order_ok(pair)]
        changed = True
        while changed:
            changed = False
            for first, second in pairs:
                cells = self._cells(first, second)
                zeros = self.known(first, second, cells)
                if self._pair_leak(cells, first, second, zeros) and self._force(cells, first, second, zeros):
                    changed = True

    def _order_ok(self, pair: tuple[str, str]) -> bool:
        return self._position(pair[0]) < self._position(pair[1])

    def _pair_leak(self, cells: list[list[int]], first: str, second: str, zeros: set[tuple[int, int]]) -> bool:
        row_hidden, col_hidden = self._oneway[first][1], self._oneway[second][1]
        return bool(suppression.known_determined(cells, row_hidden, col_hidden, zeros, k=self.k))

    def _force(self, cells: list[list[int]], first: str, second: str, zeros: set[tuple[int, int]]) -> bool:
        """Hide one more category of either variable: the first that ends the leak — a "no
        answer" before an answer, the least people first — else the first of all. False when
        everything is hidden already (what is left is the questionnaire's own structure)."""
        candidates = []
        for key in (first, second):
            values, hidden = self._oneway[key]
            candidates += [(values[i], key, i) for i in range(len(values)) if i not in hidden and values[i] > 0]
        if not candidates:
            candidates = [
                (0, key, i)
                for key in (first, second)
                for i in range(len(self._oneway[key][0]))
                if i not in self._oneway[key][1]
            ]
        if not candidates:
            return False

        def is_answer(key: str, index: int) -> bool:
            return index != len(self.variables[key].categories) - 1

        candidates.sort(key=lambda c: (is_answer(c[1], c[2]), c[0], self._position(c[1]), c[2]))
        saved = {key: (self._oneway[key], set(self._forced.get(key, set()))) for key in (first, second)}
        for _value, key, index in candidates:
            self._forced.setdefault(key, set()).add(index)
            self._oneway[key] = self._line(key)
            if not self._pair_leak(cells, first, second, zeros):
                return True
            self._oneway[key], self._forced[key] = saved[key][0], set(saved[key][1])
        _value, key, index = candidates[0]
        self._forced.setdefault(key, set()).add(index)
        self._oneway[key] = self._line(key)
        return True

    def _cells(self, row_key: str, col_key: str) -> list[list[int]]:
        width = len(self.variables[col_key].categories)
        cells = [[0] * width for _ in self.variables[row_key].categories]
        for (r, c), count in self.cube((row_key, col_key)).items():
            cells[r][c] = count
        return cells

    def _position(self, key: str) -> int:
        if not self._order:
            self._order = {name: index for index, name in enumerate(self.variables)}
        return self._order[key]

    def table(self, row_key: str, col_key: str) -> tuple[list[list[int]], set[tuple[int, int]]]:
        """The two-way table of two variables and its hidden cells, in the orientation asked.

        Computed once per unordered pair, in the survey's order, and transposed on demand: the
        breakdown of A by B and of B by A are the same figures and hide the same cells.
        """
        if self._position(row_key) > self._position(col_key):
            cells, hidden = self.table(col_key, row_key)
            return [list(row) for row in zip(*cells, strict=True)], {(j, i) for i, j in hidden}
        cache_key = (row_key, col_key)
        if cache_key not in self._tables:
            cells = self._cells(row_key, col_key)
            # The margins are the one-way tables, so every report shows the same margins.
            _values, row_hidden = self.oneway(row_key)
            _values, col_hidden = self.oneway(col_key)
            known = self.known(row_key, col_key, cells)
            hidden = suppression.suppress_table(cells, row_hidden, col_hidden, k=self.k, known=known)
            self._tables[cache_key] = (cells, hidden)
        return self._tables[cache_key]

    def crossable(self, first: str, second: str) -> bool:
        """Whether the catalogue has the table of the two variables: not for two options of one
        multiple-choice question (their tables by pairs give, with the one-way tables, how many
        chose all of three options — inclusion and exclusion — and per group, the same)."""
        a, b = self.variables[first], self.variables[second]
        return first != second and not (a.option and b.option and a.question.pk == b.question.pk)

    def catalogue(self) -> int:
        """Compute every table the campaign can ever publish (the joint audit); returns how many."""
        keys = list(self.variables)
        for key in keys:
            self.oneway(key)
        tables = 0
        for a, first in enumerate(keys):
            for second in keys[a + 1 :]:
                if self.crossable(first, second):
                    self.table(first, second)
                    tables += 1
        return len(keys) + tables


_ENGINES: OrderedDict[tuple[Any, ...], Engine] = OrderedDict()
_ENGINES_KEPT = 8
_ENGINES_LOCK = threading.Lock()


def engine_for(campaign: Campaign) -> Engine:
    """The campaign's engine over its one release (empty before it), kept in this process.

    Released responses never change and nothing joins them after the release, so (campaign,
    survey, release, language) identifies the data and every figure computed from it.
    """
    released = Response.objects.filter(campaign=campaign, completed=True, released=True)
    if campaign.released_at is None:
        released = released.none()
    cache_key = (campaign.pk, campaign.salt, campaign.survey_id, campaign.released_at, get_language())
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


def structural_zeros(variables: dict[str, Variable]) -> dict[tuple[str, str], set[tuple[int, int]]]:  # noqa: C901
    """{(a, b) in survey order: cells of the table a × b no respondent can be in}, from the
    questionnaire alone — what an attacker knows without any report:

    - the options of one multiple-choice question are all unanswered together;
    - two variables that are unanswered exactly together: both required and shown under the same
      condition (or always);
    - a question shown only for some answers of an earlier one is unanswered for the others, and,
      when required, answered for those.
    """
    keys = list(variables)
    position = {key: index for index, key in enumerate(keys)}
    zeros: dict[tuple[str, str], set[tuple[int, int]]] = {}

    def add(a: str, b: str, cells: set[tuple[int, int]]) -> None:
        if position[a] > position[b]:
            a, b, cells = b, a, {(j, i) for i, j in cells}
        zeros.setdefault((a, b), set()).update(cells)

    def none_of(key: str) -> int:
        return len(variables[key].categories) - 1

    def answered(key: str) -> range:
        return range(none_of(key))

    def absent(variable: Variable) -> tuple[Any, ...] | None:
        question = variable.question
        condition = (
            (question.show_when_question_id, tuple(sorted(str(v) for v in question.show_when_values)))
            if question.show_when_question_id
            else ("always",)
        )
        if question.required:
            return ("required", *condition)
        if question.kind == QuestionKind.MULTIPLE:
            return ("answered", question.pk)
        return None

    signatures = {key: absent(variable) for key, variable in variables.items()}
    for a_index, a in enumerate(keys):
        for b in keys[a_index + 1 :]:
            # Two required questions always shown are never unanswered: nothing to link.
            if signatures[a] is not None and signatures[a] == signatures[b] and signatures[a][-1] != "always":
                na, nb = none_of(a), none_of(b)
                add(a, b, {(na, j) for j in answered(b)} | {(i, nb) for i in answered(a)})
    by_code = {}
    for key, variable in variables.items():
        by_code.setdefault(variable.question.pk, []).append(key)
    for key, variable in variables.items():
        question = variable.question
        if not question.show_when_question_id or question.show_when_question_id not in by_code:
            continue
        wanted = {str(v) for v in question.show_when_values}
        none = none_of(key)
        for gate in by_code[question.show_when_question_id]:
            gate_variable = variables[gate]
            values = [value for value, _label in gate_variable.categories]
            if gate_variable.pair:  # a multiple choice of two answers: shown when one chosen is wanted
                outside = [i for i in range(len(values)) if not gate_variable.chosen(i) & wanted]
                inside = [i for i in range(len(values) - 1) if gate_variable.chosen(i) & wanted]
            elif gate_variable.option is None:  # a single-choice or scale gate
                outside = [i for i, value in enumerate(values) if value not in wanted]
                inside = [i for i, value in enumerate(values[:-1]) if value in wanted]
            else:  # one option of a multiple-choice gate: "yes" is index 0, "no" 1, no answer 2
                outside = [2] + ([1] if wanted == {gate_variable.option} else [])
                inside = [0] if gate_variable.option in wanted else []
            cells = {(g, j) for g in outside for j in answered(key)}
            if question.required:
                cells |= {(g, none) for g in inside}
            add(gate, key, cells)
    return zeros


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
    if campaign.released_at is None:
        return []
    rows = Response.objects.filter(campaign=campaign, completed=True, released=True).values_list(
        KT(f"answers__{question.code}"), flat=True
    )
    return sorted(text for text in rows if text)


def _pct(count: int | None, base: int | None) -> float | None:
    if count is None or not base:
        return None
    return round(100 * count / base, 1)


def build_report(  # noqa: C901
    campaign: Campaign,
    *,
    breakdown: str | None = None,
    filters: list[str] | None = None,
    variables: list[str] | None = None,
    free_text: bool = False,
    engine: Engine | None = None,
) -> dict[str, Any]:
    """The report as plain data; suppressed figures are None. Raises ReportError on bad params.

    Call `services.campaign_release` first: before the release the report says only how many
    answers are in so far (rounded down to a multiple of K) and when the results will come.
    """
    if filters:
        raise ReportError(
            _(
                "Filters are not offered (parameter “filter”): results are published as a fixed set of "
                "tables, each question by at most one other, so that no smaller group can be worked out."
            )
        )
    engine = engine or engine_for(campaign)
    if breakdown is not None and breakdown not in engine.variables:
        raise ReportError(_("Unknown breakdown “%(b)s” (parameter “breakdown”).") % {"b": breakdown})
    keys = variables if variables else list(engine.variables)
    for key in keys:
        if key not in engine.variables:
            raise ReportError(_("Unknown variable “%(v)s” (parameter “variable”).") % {"v": key})
    released = campaign.released_at is not None
    report: dict[str, Any] = {
        "campaign": campaign.pk,
        "k": engine.k,
        "state": "released" if released else "collecting",
        "closes_at": campaign.closes_at.isoformat(),
        "released_at": campaign.released_at.isoformat() if released else None,
        "responses_so_far": None,
        "breakdown": None,
        "respondents": None,
        "message": None,
        "variables": [],
        "free_text": {},
    }
    if not released:
        so_far = Response.objects.filter(campaign=campaign, completed=True).count()
        report["responses_so_far"] = so_far - so_far % engine.k
        report["message"] = MESSAGE_COLLECTING
        return report
    if engine.n < engine.k:
        report["message"] = MESSAGE_TOO_FEW % {"k": engine.k}
        return report
    population = engine.n
    report["respondents"] = population
    col_values: list[int] = []
    col_hidden: set[int] = set()
    if breakdown is not None:
        bvar = engine.variables[breakdown]
        col_values, col_hidden = engine.oneway(breakdown)
        report["breakdown"] = {
            "variable": breakdown,
            "label": bvar.label,
            "categories": [
                {"value": v, "label": label, "count": None if j in col_hidden else col_values[j]}
                for j, (v, label) in enumerate(bvar.categories)
            ],
        }
    for key in keys:
        if breakdown is not None and not engine.crossable(key, breakdown):
            continue  # the breakdown itself, or another option of the same multiple choice
        variable = engine.variables[key]
        values, hidden = engine.oneway(key)
        entry: dict[str, Any] = {
            "variable": key,
            "question": variable.question.code,
            "kind": variable.report_kind,
            "label": variable.label,
        }
        categories = []
        if breakdown is not None:
            cells, cell_hidden = engine.table(key, breakdown)
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
    if free_text:
        for question in campaign.survey.questions():
            if question.kind in TEXT_KINDS:
                texts = free_texts(campaign, question)
                report["free_text"][question.code] = {"label": question.text, "answers": texts}
    return report
