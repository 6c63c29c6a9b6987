"""A determined employer against the needs-survey reports (used by test_attacker.py only).

The attacker is a company referent. It knows its own questionnaire, answers nothing itself but
watches its campaigns while people answer: after every answer it asks for every figure it may
see (the API with every breakdown and every set of at most two filters, the CSV export, the
benchmark of similar companies), and after the close it asks again. It then writes down what it
knows as a linear system over unknown counts and asks, for every small group (1 to K-1 people)
of every table over one, two or three questions, whether the published figures determine it.

What it knows, as a system:

- one unknown non-negative integer per cell of the full joint table of its variables (only the
  combinations its questions and their skip logic allow) for every *release* — the state of a
  campaign between two changes of the published number of respondents (the released answers
  are the first `respondents` answers given, in both the present and the redesigned reports);
- every published count (of a population, a one-way table under filters, a breakdown cell, a
  CSV cell) is one equation on the cumulative table of its release; a percentage without its
  count is two inequalities (p ± half a unit of its last digit, times the base);
- the benchmark: per variable and category, an unknown "other companies" count plus the
  attacker's own campaigns that the benchmark includes. Which of its campaigns are included
  is the attacker's guess about the code ("every other campaign of the group, live" as today,
  or "all of them, live"); a guess is used only when the true answers satisfy it, so a wrong
  guess can never raise a false alarm.

How it decides (per target, true value between 1 and K-1):

1. exact linear algebra: the target is determined when it lies in the row space of the
   published equations (after fixing to zero every cell a published zero covers). The system
   is split into independent blocks and reduced modulo two large primes, so a row found
   independent is independent over the rationals and a target found in the row space for both
   primes is in it over the rationals unless both primes divide the same minors;
2. an integer program (scipy's HiGHS) over the increments between releases, non-negative and
   integer, for the targets the linear step did not settle: random objectives first (each
   solution that gives a target another value clears it), then "can it be smaller, can it be
   larger" for what is left; what it proves joins the equations, so the linear step follows
   it further. It has a time budget: a target still open then is reported as undecided, which
   fails a test like a leak.

A leak found by linear algebra can be explained: `explain` gives a combination of published
figures that adds up to it (a least-L1 solution, so a short one).

Between two answers that change nothing in the unfiltered report, and while that report shows
no respondents at all, the attacker re-asks a random sample of its questions instead of all of
them (every figure in both designs is a function of the released answers); any answer that
differs from before makes it ask everything again, and any figure shown while the plain
report shows none is an anomaly, reported like a leak.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from typing import Any

import numpy as np
from django.urls import reverse
from django.utils import timezone

from sinergie.surveys import services
from sinergie.surveys.models import Campaign, Question, Section, Survey

K = 5
NONE = "_none"
BOTH = "_both"  # the report's category of a two-answer multiple choice where both are chosen
PRIMES = (2_147_483_647, 2_147_483_629)

Conj = tuple[tuple[str, str], ...]  # sorted (variable, category) pairs: a group of people


# --- The attacker's own questionnaire -------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One required question of the attacker's survey: single or multiple choice, maybe gated."""

    code: str
    kind: str  # "single" | "multiple"
    values: tuple[str, ...]
    when: tuple[str, tuple[str, ...]] | None = None


SMALL = (
    Spec("dept", "single", ("production", "logistics", "office")),
    Spec("gender", "single", ("f", "m", "other")),
    Spec("law104", "single", ("yes", "no")),
    Spec("quit", "single", ("yes", "no", "maybe")),
)
WITH_CHILDREN = (
    *SMALL,
    Spec("children", "single", ("yes", "no")),
    Spec("needs", "multiple", ("camp", "nursery"), when=("children", ("yes",))),
)


def build_survey(owner: Any, specs: Iterable[Spec]) -> Survey:
    """The questionnaire in the database, one page, every question required."""
    survey = Survey.objects.create(title_it="Attaccante", title_en="Attacker", owner=owner)
    section = Section.objects.create(survey=survey, order=1, title_it="Tutto", title_en="All")
    created: dict[str, Question] = {}
    for order, spec in enumerate(specs, start=1):
        created[spec.code] = Question.objects.create(
            section=section,
            order=order,
            code=spec.code,
            kind=spec.kind,
            text_it=spec.code,
            text_en=spec.code,
            options={"choices": [{"value": v, "it": v.upper(), "en": v.upper()} for v in spec.values]},
            required=True,
            show_when_question=created[spec.when[0]] if spec.when else None,
            show_when_values=list(spec.when[1]) if spec.when else [],
        )
    return survey


def open_campaign(owner: Any, survey: Survey, title: str = "Attacco") -> Campaign:
    now = timezone.now()
    return services.campaign_create(
        survey=survey,
        organization=owner,
        title=title,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        mode="open",
        by=None,
    )


class Model:
    """The report variables of the attacker's questions and every combination of answers allowed."""

    def __init__(self, specs: Iterable[Spec]) -> None:
        self.specs = tuple(specs)
        self.variables: dict[str, list[str]] = {}
        for spec in self.specs:
            if spec.kind == "single":
                self.variables[spec.code] = [*spec.values, NONE]
            else:
                for option in spec.values:
                    self.variables[f"{spec.code}.{option}"] = ["yes", "no", NONE]
                if len(spec.values) == 2:  # the report's single variable of a two-answer choice
                    self.variables[spec.code] = [*spec.values, BOTH, NONE]
        self.order = {key: i for i, key in enumerate(self.variables)}
        self.cells: list[dict[str, str]] = [self.categories(a) for a in self._combinations(0, {})]
        self._index = {self._key(cell): i for i, cell in enumerate(self.cells)}
        self._masks = {
            (key, category): np.array([cell[key] == category for cell in self.cells])
            for key, categories in self.variables.items()
            for category in categories
        }

    def _combinations(self, position: int, answers: dict[str, Any]) -> Iterable[dict[str, Any]]:
        if position == len(self.specs):
            yield dict(answers)
            return
        spec = self.specs[position]
        if not self.visible(spec, answers):
            yield from self._combinations(position + 1, answers)
            return
        if spec.kind == "single":
            options: list[Any] = list(spec.values)
        else:
            options = [
                list(chosen)
                for size in range(1, len(spec.values) + 1)
                for chosen in itertools.combinations(spec.values, size)
            ]
        for option in options:
            answers[spec.code] = option
            yield from self._combinations(position + 1, answers)
            del answers[spec.code]

    def visible(self, spec: Spec, answers: Mapping[str, Any]) -> bool:
        if spec.when is None:
            return True
        given = answers.get(spec.when[0])
        return given is not None and str(given) in spec.when[1]

    def categories(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """Each variable's category for one person's answers (what the report counts)."""
        out: dict[str, str] = {}
        for spec in self.specs:
            given = answers.get(spec.code) if self.visible(spec, answers) else None
            if spec.kind == "single":
                out[spec.code] = NONE if given is None else str(given)
            else:
                for option in spec.values:
                    out[f"{spec.code}.{option}"] = NONE if given is None else ("yes" if option in given else "no")
                if len(spec.values) == 2:
                    both = given is not None and len(given) == 2
                    out[spec.code] = NONE if given is None else (BOTH if both else str(given[0]))
        return out

    def _key(self, cell: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(cell[key] for key in self.variables)

    def cell_of(self, answers: Mapping[str, Any]) -> int:
        return self._index[self._key(self.categories(answers))]

    def mask(self, conj: Conj) -> np.ndarray:
        """The cells of the joint table a group of people covers (all False when contradictory)."""
        out = np.ones(len(self.cells), dtype=bool)
        for key, category in conj:
            out &= self._masks.get((key, category), np.zeros(len(self.cells), dtype=bool))
        return out

    def conj(self, items: Iterable[tuple[str, str]]) -> Conj | None:
        """Sorted, or None when it names a variable twice with different categories, or a variable
        or category the attacker's model does not have (a figure it cannot place is left aside)."""
        seen: dict[str, str] = {}
        for key, category in items:
            if category not in self.variables.get(key, ()):
                return None
            if seen.get(key, category) != category:
                return None
            seen[key] = category
        return tuple(sorted(seen.items(), key=lambda kv: self.order.get(kv[0], len(self.order))))

    def random_answers(self, rng: random.Random, **fixed: Any) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for spec in self.specs:
            if not self.visible(spec, answers):
                continue
            if spec.code in fixed:
                answers[spec.code] = fixed[spec.code]
            elif spec.kind == "single":
                answers[spec.code] = rng.choice(spec.values)
            else:
                chosen = [v for v in spec.values if rng.random() < 0.5]
                answers[spec.code] = chosen or [rng.choice(spec.values)]
        return answers

    def margins(self) -> list[tuple[Conj, np.ndarray]]:
        """Every cell of every table over one, two or three variables (distinct groups only)."""
        out: list[tuple[Conj, np.ndarray]] = []
        seen: set[bytes] = set()
        keys = list(self.variables)
        for size in (1, 2, 3):
            for chosen in itertools.combinations(keys, size):
                for categories in itertools.product(*(self.variables[k] for k in chosen)):
                    conj = tuple(zip(chosen, categories, strict=True))
                    mask = self.mask(conj)
                    signature = mask.tobytes()
                    if mask.any() and signature not in seen:
                        seen.add(signature)
                        out.append((conj, mask))
        return out


WEIGHTS = {
    "gender": {"f": 5, "m": 4, "other": 1},
    "law104": {"yes": 3, "no": 17},
    "quit": {"yes": 3, "no": 12, "maybe": 5},
    "children": {"yes": 2, "no": 3},
}


def workforce(model: Model, rng: random.Random, departments: Mapping[str, int]) -> list[dict[str, Any]]:
    """A company's answers in the order they come: departments of the given sizes, the rest drawn
    with a realistic skew (few people under law 104, few about to quit), so small groups abound."""
    people = [dept for dept, size in departments.items() for _ in range(size)]
    rng.shuffle(people)
    out = []
    for dept in people:
        fixed: dict[str, Any] = {"dept": dept}
        for code, weights in WEIGHTS.items():
            if any(spec.code == code for spec in model.specs):
                fixed[code] = rng.choices(list(weights), weights=list(weights.values()))[0]
        out.append(model.random_answers(rng, **fixed))
    return out


def describe(conj: Conj) -> str:
    return " ∧ ".join(f"{key}={value}" for key, value in conj) or "everyone"


# --- Watching the reports ---------------------------------------------------------------


@dataclass
class Release:
    """What is known about one published state of a campaign (its respondents count)."""

    respondents: int
    counts: dict[Conj, int] = field(default_factory=dict)
    percents: set[tuple[Conj, Conj, float, float]] = field(default_factory=set)  # group, base, p, tolerance


@dataclass
class Source:
    """One campaign the attacker follows."""

    label: str
    campaign: Campaign
    group: bool  # one of the attacker's companies in a benchmark group
    answers: list[dict[str, Any]] = field(default_factory=list)  # truth, in submission order
    releases: dict[int, Release] = field(default_factory=dict)
    current: int | None = None
    fingerprint: str | None = None
    asked: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # last full collection


@dataclass
class BenchmarkSeen:
    viewer: str
    states: dict[str, int | None]  # the group's campaigns' respondents when it was seen
    data: dict[str, Any]


class Attacker:
    def __init__(
        self,
        client: Any,
        model: Model,
        *,
        variables: list[str] | None = None,
        max_filters: int = 2,
        breakdowns: bool = True,
        exports: bool = True,
        sample: int = 4,
        seed: int = 0,
        budget: float = 30.0,
        questions: list[tuple[str, tuple[tuple[str, str], ...], str | None]] | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.variables_param = variables or []
        self.max_filters = max_filters
        self.breakdowns = breakdowns
        self.exports = exports
        self.sample = sample
        self.budget = budget
        self.rng = random.Random(seed)
        self.sources: dict[str, Source] = {}
        self.benchmarks: list[BenchmarkSeen] = []
        self.anomalies: list[str] = []
        self.requests = 0
        self.collections = 0
        self.solvers: list[Solver] = []
        self.found: dict[str, tuple[Solver, Target]] = {}
        self.unfit: list[str] = []  # readings of the benchmark the true answers contradict
        # A narrower attack asks only these: (kind "api" or "csv", filters, breakdown).
        self._all_questions: list[tuple[str, tuple[tuple[str, str], ...], str | None]] | None = questions

    # Following campaigns and answering them --------------------------------------------

    def follow(self, label: str, campaign: Campaign, *, group: bool = False) -> Source:
        source = Source(label=label, campaign=campaign, group=group)
        self.sources[label] = source
        return source

    def submit(self, label: str, answers: dict[str, Any], *, observe: bool = True) -> None:
        source = self.sources[label]
        services.response_submit(campaign=source.campaign, token_hash=None, resume_secret=None, answers=answers)
        source.answers.append(answers)
        if observe:
            self.observe()

    def close_all(self) -> None:
        """Close every campaign (the redesign releases everything at the next report) and look again."""
        past = timezone.now() - timedelta(minutes=1)
        Campaign.objects.filter(pk__in=[s.campaign.pk for s in self.sources.values()]).update(closes_at=past)
        self.observe()

    # What one look is -------------------------------------------------------------------

    def _api(self, source: Source) -> str:
        return f"/api/v1/surveys/campaigns/{source.campaign.pk}/report"

    def _questions(self) -> list[tuple[str, tuple[tuple[str, str], ...], str | None]]:
        """Every request of a full look: (kind, filters, breakdown)."""
        if self._all_questions is not None:
            return self._all_questions
        pairs = [
            (key, value) for key, categories in self.model.variables.items() for value in categories if value != NONE
        ]
        filter_sets: list[tuple[tuple[str, str], ...]] = [()]
        for size in range(1, self.max_filters + 1):
            for chosen in itertools.combinations(pairs, size):
                if len({key for key, _v in chosen}) == size:
                    filter_sets.append(chosen)
        out: list[tuple[str, tuple[tuple[str, str], ...], str | None]] = []
        for filters in filter_sets:
            used = {key for key, _v in filters}
            breakdowns = [None] + ([k for k in self.model.variables if k not in used] if self.breakdowns else [])
            out.extend(("api", filters, breakdown) for breakdown in breakdowns)
            if self.exports and not filters:
                out.extend(("csv", filters, breakdown) for breakdown in breakdowns)
        self._all_questions = out
        return out

    def _ask(self, source: Source, question: tuple[str, tuple[tuple[str, str], ...], str | None]) -> Any:
        kind, filters, breakdown = question
        params: dict[str, Any] = {}
        if breakdown:
            params["breakdown"] = breakdown
        if filters:
            params["filter"] = [f"{key}:{value}" for key, value in filters]
        if self.variables_param:
            params["variable"] = self.variables_param
        self.requests += 1
        if kind == "api":
            response = self.client.get(self._api(source), params)
            if response.status_code != 200:
                return ("status", response.status_code)
            return response.json()
        url = reverse("surveys:campaign-report-export", args=[source.campaign.pk, "csv"])
        response = self.client.get(url, params)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/csv"):
            return ("status", response.status_code)
        return response.content.decode("utf-8-sig")

    def observe(self) -> None:
        """One look at every followed campaign, after an answer or the close."""
        probes = {}
        for source in self.sources.values():
            probe = self._ask(source, ("api", (), None))
            probes[source.label] = probe
            source.current = probe.get("respondents") if isinstance(probe, dict) else None
        for source in self.sources.values():
            probe = probes[source.label]
            keys = ("state", "respondents", "responses_so_far", "message", "variables", "benchmark")
            fingerprint = json.dumps(
                {k: probe.get(k) for k in keys} if isinstance(probe, dict) else probe, sort_keys=True, default=str
            )
            changed = fingerprint != source.fingerprint
            source.fingerprint = fingerprint
            shows = isinstance(probe, dict) and probe.get("respondents") is not None
            if not changed or not shows:
                # Nothing moved, or nothing is shown at all: a random sample of the questions stands
                # for the rest; any answer that differs from before, or shows a figure, asks them all.
                questions = self.rng.sample(self._questions(), min(self.sample, len(self._questions())))
                for question in questions:
                    answer = self._ask(source, question)
                    if question in source.asked and answer != source.asked[question]:
                        changed = True
                    elif not shows and isinstance(answer, dict) and answer.get("respondents") is not None:
                        self.anomalies.append(f"{source.label}: {question} shows figures the plain report does not")
                changed = changed and shows
            if changed:
                self._collect(source, probe)
            if isinstance(probe, dict) and probe.get("benchmark"):
                self._benchmark(source, probe["benchmark"])

    def _collect(self, source: Source, probe: Any) -> None:
        self.collections += 1
        answers = {("api", (), None): probe, **{q: self._ask(source, q) for q in self._questions()}}
        source.asked = answers
        respondents = probe.get("respondents") if isinstance(probe, dict) else None
        figures: list[tuple[Conj, int]] = []
        percents: list[tuple[Conj, Conj, float, float]] = []
        for (kind, _filters, breakdown), answer in answers.items():
            if kind == "api" and isinstance(answer, dict):
                report_figures(self.model, answer, figures, percents)
            elif kind == "csv" and isinstance(answer, str):
                twin = answers.get(("api", (), breakdown))
                if isinstance(twin, dict):
                    csv_figures(self.model, answer, twin, figures)
        if respondents is None:
            if figures or percents:
                self.anomalies.append(f"{source.label}: figures published while the report shows no respondents")
            return
        release = source.releases.setdefault(respondents, Release(respondents))
        for conj, count in figures:
            if release.counts.setdefault(conj, count) != count:
                self.anomalies.append(
                    f"{source.label}: {describe(conj)} published as {release.counts[conj]} and {count} "
                    f"with {respondents} respondents"
                )
        release.percents.update(percents)

    def _benchmark(self, source: Source, data: dict[str, Any]) -> None:
        states = {s.label: s.current for s in self.sources.values() if s.group}
        seen = BenchmarkSeen(source.label, states, data)
        if not any(b.viewer == seen.viewer and b.states == states and b.data == data for b in self.benchmarks):
            self.benchmarks.append(seen)

    # The verdict ------------------------------------------------------------------------

    def leaks(self) -> list[str]:
        """Every small group whose size the published figures determine, as readable lines."""
        first = Solver(self, None)
        self.solvers = [first]
        found = first.leaks(self.budget)
        lines = list(found)
        self.found = {t.name: (first, t) for t in first.linear}
        for hypothesis in ("excl-live", "incl-live"):
            if not self.benchmarks or not any(s.group for s in self.sources.values()):
                break
            solver = Solver(self, hypothesis)
            if not solver.fits():
                self.unfit.append(hypothesis)
                continue
            self.solvers.append(solver)
            lines += [
                f"{line} [benchmark read as {hypothesis}]" for line in solver.leaks(self.budget) if line not in found
            ]
            for t in solver.linear:
                self.found.setdefault(f"{t.name} [benchmark read as {hypothesis}]", (solver, t))
        undecided = [
            f"undecided (the integer program ran out of time): {t.name}" for s in self.solvers for t in s.undecided
        ]
        return lines + undecided + [f"anomaly: {a}" for a in self.anomalies]

    def explain(self, line: str) -> list[str]:
        """For a leak found by linear algebra: the published figures that add up to it."""
        if line not in self.found:
            return []
        solver, target = self.found[line]
        return solver.explain(target)

    def summary(self) -> str:
        """Counts for the record: looks, requests, targets and how each was settled."""
        parts = [f"{self.collections} full looks, {self.requests} requests"]
        if self.benchmarks:
            parts.append(f"{len(self.benchmarks)} benchmarks seen, readings that do not fit: {self.unfit or 'none'}")
        for solver in self.solvers:
            parts.append(
                f"[{solver.hypothesis or 'reports'}] {len(solver.equations)} equations, {solver.n_targets} small "
                f"groups: {len(solver.linear)} determined linearly, {len(solver.integer)} by the integer program, "
                f"{len(solver.undecided)} undecided "
                f"({solver.seconds_linear:.1f} s linear, {solver.seconds:.1f} s in all)"
                + (f", {solver.unplaced} percentages of an unknown base" if solver.unplaced else "")
            )
        return "; ".join(parts)


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _tolerance(percent: float) -> float:
    """Half a unit of the last digit shown: 0.5 for a whole number, 0.05 for one decimal."""
    return 0.5 if float(percent).is_integer() else 0.05


def report_figures(
    model: Model,
    report: dict[str, Any],
    figures: list[tuple[Conj, int]],
    percents: list[tuple[Conj, Conj, float, float]],
) -> None:
    """The counts (and lone percentages) of one report, as groups of people with their sizes."""
    filters = [(f.get("variable"), f.get("value")) for f in report.get("filters") or [] if isinstance(f, dict)]
    if any(key not in model.variables for key, _v in filters):
        return  # a population the model cannot describe
    base = model.conj(filters)
    if base is None:
        return

    def add(items: list[tuple[str, str]], entry: Mapping[str, Any] | None, population: list[tuple[str, str]]) -> None:
        if entry is None or any(key not in model.variables for key, _v in items):
            return
        conj = model.conj([*filters, *items])
        if conj is None:
            return
        count = _number(entry.get("count"))
        if count is not None:
            figures.append((conj, count))
            return
        percent = entry.get("percent")
        base_conj = model.conj([*filters, *population])
        if isinstance(percent, (int, float)) and not isinstance(percent, bool) and base_conj is not None:
            percents.append((conj, base_conj, float(percent), _tolerance(percent)))

    respondents = _number(report.get("respondents"))
    if respondents is not None:
        figures.append((base, respondents))
    breakdown = report.get("breakdown") or {}
    bkey = breakdown.get("variable") if isinstance(breakdown, dict) else None
    for column in breakdown.get("categories") or [] if bkey else []:
        add([(bkey, column.get("value"))], column, [])
    for variable in report.get("variables") or []:
        key = variable.get("variable")
        for item in variable.get("categories") or []:
            add([(key, item.get("value"))], item, [])
            for bvalue, cell in (item.get("by") or {}).items():
                if bkey:
                    add([(key, item.get("value")), (bkey, bvalue)], cell, [(bkey, bvalue)])


def csv_figures(model: Model, text: str, twin: dict[str, Any], figures: list[tuple[Conj, int]]) -> None:
    """The counts of a CSV export (today's layout; rows it cannot read are skipped)."""
    filters = [(f.get("variable"), f.get("value")) for f in twin.get("filters") or []]
    labels = {
        v.get("variable"): {c.get("label"): c.get("value") for c in v.get("categories") or []}
        for v in twin.get("variables") or []
    }
    breakdown = twin.get("breakdown") or {}
    bkey = breakdown.get("variable")
    columns = [(c.get("label"), c.get("value")) for c in breakdown.get("categories") or []] if bkey else []
    rows = list(csv.reader(io.StringIO(text)))
    header_checked = False
    for index, row in enumerate(rows):
        key = row[0].lstrip("'") if row else ""
        if key not in model.variables or key not in labels or len(row) < 4:
            continue
        if not header_checked and columns and index > 0:
            header = rows[index - 1]
            for position, (label, value) in enumerate(columns, start=5):
                cell = header[position] if position < len(header) else ""
                name, _sep, tail = cell.rpartition(" (")
                if name.lstrip("'") == label and _number(tail.rstrip(")")) is not None:
                    conj = model.conj([*filters, (bkey, value)])
                    if conj is not None:
                        figures.append((conj, _number(tail.rstrip(")"))))
            header_checked = True
        value = labels[key].get(row[2].lstrip("'"))
        if value is None:
            continue
        conj = model.conj([*filters, (key, value)])
        count = _number(row[3])
        if conj is not None and count is not None:
            figures.append((conj, count))
        for position, (_label, bvalue) in enumerate(columns, start=5):
            cell = _number(row[position]) if position < len(row) else None
            conj = model.conj([*filters, (key, value), (bkey, bvalue)])
            if conj is not None and cell is not None:
                figures.append((conj, cell))


# --- Solving ------------------------------------------------------------------------------


class ModelError(AssertionError):
    """The true answers do not satisfy what the attacker read: the attacker misreads the report."""


def _rref_mod(matrix: np.ndarray, p: int) -> tuple[np.ndarray, list[int], list[int]]:
    """Reduced row echelon form modulo p: (rows, pivot columns, original index of each pivot row)."""
    m = matrix % p
    rows = list(range(m.shape[0]))
    pivots: list[int] = []
    r = 0
    for c in range(m.shape[1]):
        if r == m.shape[0]:
            break
        nonzero = np.nonzero(m[r:, c])[0]
        if nonzero.size == 0:
            continue
        k = r + int(nonzero[0])
        if k != r:
            m[[r, k]] = m[[k, r]]
            rows[r], rows[k] = rows[k], rows[r]
        m[r] = (m[r] * pow(int(m[r, c]), p - 2, p)) % p
        column = m[:, c].copy()
        column[r] = 0
        others = np.nonzero(column)[0]
        if others.size:
            m[others] = (m[others] - np.outer(column[others], m[r]) % p) % p
        pivots.append(c)
        r += 1
    return m[:r], pivots, rows[:r]


def _in_row_space(basis: np.ndarray, pivots: list[int], targets: np.ndarray, p: int) -> np.ndarray:
    """For each target row: does it reduce to zero against the (reduced) basis modulo p?"""
    rest = targets % p
    for row, c in zip(basis, pivots, strict=True):
        factor = rest[:, c].copy()
        touched = np.nonzero(factor)[0]
        if touched.size:
            rest[touched] = (rest[touched] - np.outer(factor[touched], row) % p) % p
    return ~rest.any(axis=1)


@dataclass
class Target:
    name: str
    coefficients: dict[int, int]  # unknown -> coefficient (cumulative form)
    value: int


class Solver:
    """The attacker's knowledge as one system, for one reading of the benchmark (or none)."""

    def __init__(self, attacker: Attacker, hypothesis: str | None) -> None:
        self.attacker = attacker
        self.model = attacker.model
        self.hypothesis = hypothesis
        width = len(self.model.cells)
        self.width = width
        # Unknowns: for each source and release, the cumulative joint table; then the others' counts.
        self.slots: dict[tuple[str, int], int] = {}
        self.truth: list[int] = []
        self.order: dict[str, list[int]] = {}
        cells_true: dict[str, list[int]] = {
            label: [self.model.cell_of(a) for a in s.answers] for label, s in attacker.sources.items()
        }
        for label, source in attacker.sources.items():
            self.order[label] = sorted(source.releases)
            for n in self.order[label]:
                if n > len(cells_true[label]):
                    raise ModelError(f"{label}: {n} respondents published but only {len(cells_true[label])} answered")
                self.slots[(label, n)] = len(self.truth)
                table = np.bincount(np.array(cells_true[label][:n], dtype=int), minlength=width)
                self.truth.extend(int(v) for v in table)
        self.n_own = len(self.truth)
        self.others: dict[tuple[str, str, str], int] = {}
        self.equations: list[tuple[dict[int, int], int]] = []
        self.labels: list[str] = []  # what each equation is, for explanations
        self.unplaced = 0  # percentages whose base the attacker could not tell
        self.inequalities: list[tuple[dict[int, float], float]] = []  # coefficients . x <= bound
        self._reports()
        if hypothesis:
            self._benchmarks(hypothesis)

    # Building ---------------------------------------------------------------------------

    def _group(self, label: str, n: int, mask: np.ndarray) -> dict[int, int]:
        start = self.slots[(label, n)]
        return {start + int(i): 1 for i in np.nonzero(mask)[0]}

    def _value(self, coefficients: Mapping[int, float]) -> float:
        return sum(c * self.truth[u] for u, c in coefficients.items() if u < self.n_own)

    def _reports(self) -> None:
        for label, source in self.attacker.sources.items():
            for n, release in source.releases.items():
                for conj, count in release.counts.items():
                    coefficients = self._group(label, n, self.model.mask(conj))
                    if self._value(coefficients) != count:
                        raise ModelError(
                            f"{label}, {n} respondents: {describe(conj)} published as {count}, "
                            f"true {self._value(coefficients)}"
                        )
                    if coefficients:
                        self.equations.append((coefficients, count))
                        self.labels.append(f"{label}, n={n}: {describe(conj)} = {count}")
                for conj, base, percent, tolerance in release.percents:
                    self._percent(
                        self._group(label, n, self.model.mask(conj)),
                        self._group(label, n, self.model.mask(base)),
                        percent,
                        tolerance,
                        check=True,
                    )

    def _percent(
        self, part: dict[int, int], whole: dict[int, int], percent: float, tolerance: float, *, check: bool
    ) -> None:
        """(p - t) * whole <= 100 * part <= (p + t) * whole, as two inequalities."""
        upper: dict[int, float] = defaultdict(float)
        lower: dict[int, float] = defaultdict(float)
        for u, c in part.items():
            upper[u] += 100 * c
            lower[u] -= 100 * c
        for u, c in whole.items():
            upper[u] -= (percent + tolerance) * c
            lower[u] += (percent - tolerance) * c
        rows = (dict(upper), dict(lower))
        if check and any(self._value(row) > 1e-9 for row in rows):
            self.unplaced += 1  # a percentage of some other base than the attacker assumed: unusable
            return
        self.inequalities += [(row, 0.0) for row in rows]

    def _other(self, group: str, key: str, category: str) -> int:
        slot = (group, key, category)
        if slot not in self.others:
            self.others[slot] = self.n_own + len(self.others)
        return self.others[slot]

    def _benchmarks(self, hypothesis: str) -> None:
        for seen in self.attacker.benchmarks:
            data = seen.data
            group = json.dumps([data.get("basis"), data.get("group"), data.get("year")], default=str)
            included = [
                label
                for label, state in seen.states.items()
                if state is not None and (hypothesis == "incl-live" or label != seen.viewer)
            ]
            if any((label, seen.states[label]) not in self.slots for label in included):
                continue  # a state of ours it never saw in full: nothing usable
            for key, entry in (data.get("variables") or {}).items():
                if key not in self.model.variables or not isinstance(entry, dict):
                    continue
                whole: dict[int, int] = defaultdict(int)
                parts: list[tuple[dict[int, int], dict[str, Any]]] = []
                for item in entry.get("categories") or []:
                    category = item.get("value")
                    if category not in self.model.variables[key]:
                        continue
                    coefficients: dict[int, int] = defaultdict(int)
                    coefficients[self._other(group, key, category)] += 1
                    for label in included:
                        mask = self.model.mask(((key, category),))
                        for u, c in self._group(label, seen.states[label], mask).items():
                            coefficients[u] += c
                    for u, c in coefficients.items():
                        whole[u] += c
                    parts.append((dict(coefficients), item))
                for coefficients, item in parts:
                    count = _number(item.get("count"))
                    percent = item.get("percent")
                    if count is not None:
                        self.equations.append((coefficients, count))
                        self.labels.append(
                            f"benchmark seen by {seen.viewer} {seen.states}: {key}={item.get('value')} = {count}"
                        )
                    elif isinstance(percent, (int, float)) and not isinstance(percent, bool):
                        self._percent(coefficients, dict(whole), float(percent), _tolerance(percent), check=False)
                total = _number(entry.get("respondents"))
                if total is not None and parts:
                    self.equations.append((dict(whole), total))
                    self.labels.append(f"benchmark seen by {seen.viewer} {seen.states}: {key} respondents = {total}")

    # Checking the reading of the benchmark ----------------------------------------------------

    def fits(self) -> bool:
        """Do the true answers, with some counts for the other companies, satisfy this reading?"""
        if not self.others:
            return False
        from scipy.optimize import LinearConstraint, milp

        size = len(self.others)
        rows, low, high = [], [], []
        for coefficients, value in self.equations:
            known = self._value(coefficients)
            row = np.zeros(size)
            for u, c in coefficients.items():
                if u >= self.n_own:
                    row[u - self.n_own] += c
            if not row.any():
                if known != value:
                    return False
                continue
            rows.append(row)
            low.append(value - known)
            high.append(value - known)
        for coefficients, bound in self.inequalities:
            known = self._value(coefficients)
            row = np.zeros(size)
            for u, c in coefficients.items():
                if u >= self.n_own:
                    row[u - self.n_own] += c
            if not row.any():
                if known > bound + 1e-9:
                    return False
                continue
            rows.append(row)
            low.append(-np.inf)
            high.append(bound - known)
        if not rows:
            return True
        result = milp(
            np.zeros(size),
            integrality=np.ones(size),
            constraints=LinearConstraint(np.array(rows), low, high),
            options={"time_limit": 20},
        )
        return result.status == 0

    # Targets ---------------------------------------------------------------------------

    def targets(self) -> list[Target]:
        out: list[Target] = []
        several = len(self.attacker.sources) > 1
        margins = self.model.margins()
        for label, releases in self.order.items():
            prefix = f"{label}: " if several else ""
            previous: int | None = None
            for t, n in enumerate(releases, start=1):
                for conj, mask in margins:
                    now = self._group(label, n, mask)
                    value = int(self._value(now))
                    if 0 < value < K:
                        out.append(Target(f"{prefix}release {t} (n={n}): {describe(conj)} = {value}", now, value))
                    if previous is not None:
                        before = self._group(label, previous, mask)
                        step = dict(now)
                        for u, c in before.items():
                            step[u] = step.get(u, 0) - c
                        value = int(self._value(step))
                        if 0 < value < K:
                            name = f"{prefix}release {t - 1}→{t} (n {previous}→{n}): {describe(conj)} = {value}"
                            out.append(Target(name, step, value))
                previous = n
        return out

    # Deciding ----------------------------------------------------------------------------

    def _zeros(self) -> set[int]:
        """Unknowns a published zero fixes (counts are never negative, and only grow)."""
        zero: set[int] = set()
        for coefficients, value in self.equations:
            if value == 0 and all(c > 0 for c in coefficients.values()):
                zero |= set(coefficients)
        for label, releases in self.order.items():
            for later_index, n in enumerate(releases):
                start = self.slots[(label, n)]
                for offset in range(self.width):
                    if start + offset in zero:
                        for earlier in releases[:later_index]:
                            zero.add(self.slots[(label, earlier)] + offset)
        return zero

    def leaks(self, budget: float = 30.0) -> list[str]:
        """The small groups the figures determine: exactly (linear), then with integers (budget in s)."""
        started = time.monotonic()
        targets = self.targets()
        self.n_targets = len(targets)
        self.zero = self._zeros()
        equations = []
        self.labels_live = []
        for (coefficients, value), label in zip(self.equations, self.labels, strict=True):
            live = {u: c for u, c in coefficients.items() if u not in self.zero}
            if live:
                equations.append((live, value))
                self.labels_live.append(label)
        self.equations_live = equations
        determined, self.independent = self._linear(targets, equations)
        self.linear = [t for t, d in zip(targets, determined, strict=True) if d]
        self.open = [t for t, d in zip(targets, determined, strict=True) if not d]
        self.seconds_linear = time.monotonic() - started
        self.integer, self.undecided = self._integer(self.open, started + budget) if self.open else ([], [])
        self.seconds = time.monotonic() - started
        return [t.name for t in self.linear] + [f"{t.name} [integer]" for t in self.integer]

    def _linear(  # noqa: C901
        self, targets: list[Target], equations: list[tuple[dict[int, int], int]]
    ) -> tuple[np.ndarray, list[tuple[dict[int, int], int]]]:
        """Which targets lie in the row space of the equations, and a set of independent equations.

        The unknowns split into components that no equation joins; each is reduced modulo two
        primes, and a target is determined when its part on every component it touches is.
        """
        parent: dict[int, int] = {}

        def find(u: int) -> int:
            parent.setdefault(u, u)
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        for live, _value in equations:
            first = find(next(iter(live)))
            for u in live:
                parent[find(u)] = first
        by_component: dict[int, list[int]] = defaultdict(list)
        for index, (live, _value) in enumerate(equations):
            by_component[find(next(iter(live)))].append(index)
        reduced: dict[int, tuple[dict[int, int], list[tuple[np.ndarray, list[int]]]]] = {}
        independent: list[tuple[dict[int, int], int]] = []
        for root, indices in by_component.items():
            unknowns = sorted({u for i in indices for u in equations[i][0]})
            column = {u: j for j, u in enumerate(unknowns)}
            matrix = np.zeros((len(indices), len(unknowns)), dtype=np.int64)
            for r, i in enumerate(indices):
                for u, c in equations[i][0].items():
                    matrix[r, column[u]] = c
            matrix, keep = np.unique(matrix, axis=0, return_index=True)
            forms = []
            for p in PRIMES:
                basis, pivots, rows = _rref_mod(matrix, p)
                forms.append((basis, pivots))
                if p == PRIMES[0]:
                    independent += [equations[indices[int(keep[r])]] for r in rows]
            reduced[root] = (column, forms)
        determined = np.ones(len(targets), dtype=bool)
        parts: dict[int, list[tuple[int, dict[int, int]]]] = defaultdict(list)
        for index, target in enumerate(targets):
            pieces: dict[int, dict[int, int]] = defaultdict(dict)
            for u, c in target.coefficients.items():
                if u in self.zero or c == 0:
                    continue
                root = find(u)
                if root not in reduced:
                    determined[index] = False  # an unknown no equation mentions
                    break
                pieces[root][u] = c
            for root, piece in pieces.items():
                parts[root].append((index, piece))
        for root, items in parts.items():
            column, forms = reduced[root]
            matrix = np.zeros((len(items), len(column)), dtype=np.int64)
            for r, (_index, piece) in enumerate(items):
                for u, c in piece.items():
                    matrix[r, column[u]] = c
            inside = np.ones(len(items), dtype=bool)
            for p, (basis, pivots) in zip(PRIMES, forms, strict=True):
                inside &= _in_row_space(basis, pivots, matrix, p)
            for (index, _piece), ok in zip(items, inside, strict=True):
                if not ok:
                    determined[index] = False
        return determined, independent

    def _integer(self, targets: list[Target], deadline: float) -> tuple[list[Target], list[Target]]:  # noqa: C901
        """Targets the integer program pins down (min = max = the true value), and those left
        undecided when the time ran out or the solver gave up."""
        from scipy.optimize import LinearConstraint, milp
        from scipy.sparse import csr_array

        # Increments: x[label, t] = y[label, t] - y[label, t-1] >= 0; others' counts as they are.
        size = self.n_own + len(self.others)
        expand: dict[int, list[int]] = {}  # a cumulative unknown -> the increments that sum to it
        upper = np.full(size, np.inf)
        truth = np.zeros(size)
        for label, releases in self.order.items():
            previous = 0
            for t, n in enumerate(releases):
                start = self.slots[(label, n)]
                before = self.slots[(label, releases[t - 1])] if t else None
                for offset in range(self.width):
                    expand[start + offset] = [self.slots[(label, m)] + offset for m in releases[: t + 1]]
                    earlier = self.truth[before + offset] if before is not None else 0
                    truth[start + offset] = self.truth[start + offset] - earlier
                upper[start : start + self.width] = n - previous
                previous = n
        for u in self.others.values():
            expand[u] = [u]
        for u in self.zero:
            for v in expand[u]:
                upper[v] = 0

        def sparse(rows: list[Mapping[int, float]]) -> csr_array:
            data, row_index, col_index = [], [], []
            for r, coefficients in enumerate(rows):
                for u, c in coefficients.items():
                    for v in expand[u]:
                        data.append(c)
                        row_index.append(r)
                        col_index.append(v)
            return csr_array((data, (row_index, col_index)), shape=(len(rows), size))

        rows = [c for c, _v in self.independent] + [c for c, _b in self.inequalities]
        low = np.array([v for _c, v in self.independent] + [-np.inf] * len(self.inequalities), dtype=float)
        high = np.array([v for _c, v in self.independent] + [b for _c, b in self.inequalities], dtype=float)
        matrix = sparse(rows)
        if rows:  # a sanity check of the bookkeeping, on the rows without the others' unknown counts
            own = np.array([all(u < self.n_own for u in row) for row in rows])
            check = matrix @ truth
            if (own & ((check < low - 1e-6) | (check > high + 1e-6))).any():
                raise ModelError("the true answers do not satisfy the integer program")
        goals = sparse([t.coefficients for t in targets])
        values = np.array([t.value for t in targets], dtype=float)
        alive = np.ones(len(targets), dtype=bool)  # not shown to take another value yet
        proven = np.zeros(len(targets), dtype=bool)
        bounds = (np.zeros(size), upper)
        integrality = np.ones(size)
        base = [LinearConstraint(matrix, low, high)] if rows else []

        def solve(objective: np.ndarray, extra: list[Any]) -> tuple[int, np.ndarray | None]:
            left = max(1.0, deadline - time.monotonic())
            result = milp(
                objective,
                integrality=integrality,
                bounds=bounds,
                constraints=base + extra,
                options={"time_limit": min(30.0, left)},
            )
            return result.status, result.x

        def clear(solution: np.ndarray) -> None:
            alive[np.abs(goals @ np.round(solution) - values) > 0.5] = False

        rng = np.random.default_rng(0)
        for _round in range(8):
            if not alive.any() or time.monotonic() > deadline:
                break
            objective = np.zeros(size)
            objective[: self.n_own] = rng.integers(-3, 4, self.n_own)
            status, solution = solve(objective, [])
            if status == 0 and solution is not None:
                clear(solution)
        undecided = np.zeros(len(targets), dtype=bool)
        fresh = 0
        for r in range(len(targets)):
            if not alive[r] or proven[r]:
                continue
            if time.monotonic() > deadline:
                undecided[r] = True
                continue
            goal = goals[[r], :]
            outcome = "proven"
            for bound in (
                LinearConstraint(goal, -np.inf, values[r] - 1),
                LinearConstraint(goal, values[r] + 1, np.inf),
            ):
                status, solution = solve(np.zeros(size), [bound])
                if status == 0 and solution is not None:
                    clear(solution)
                    outcome = "cleared"
                    break
                if status != 2:  # neither a solution nor a proof that there is none
                    outcome = "undecided"
                    break
            if outcome == "undecided":
                undecided[r] = True
            elif outcome == "proven":
                proven[r] = True
                fresh += 1
                if fresh >= 20:
                    # What the integers proved is now an equation: the linear step may follow it further.
                    fresh = 0
                    self._follow(targets, proven, alive)
        return (
            [t for t, p in zip(targets, proven, strict=True) if p],
            [t for t, u, a in zip(targets, undecided, alive, strict=True) if u and a],
        )

    def _follow(self, targets: list[Target], proven: np.ndarray, alive: np.ndarray) -> None:
        """Mark as proven the targets that the equations and the proven targets determine linearly."""
        facts = [
            ({u: c for u, c in t.coefficients.items() if u not in self.zero and c}, t.value)
            for t, p in zip(targets, proven, strict=True)
            if p
        ]
        waiting = [r for r in range(len(targets)) if alive[r] and not proven[r]]
        determined, _rows = self._linear(
            [targets[r] for r in waiting], self.equations_live + [f for f in facts if f[0]]
        )
        for r, d in zip(waiting, determined, strict=True):
            if d:
                proven[r] = True

    def explain(self, target: Target) -> list[str]:
        """A sparse combination of published figures equal to a linearly determined target
        (the cells that published zeros empty left out), found as a least-L1 linear program."""
        from scipy.optimize import linprog
        from scipy.sparse import csr_array

        unknowns = sorted({u for live, _v in self.equations_live for u in live})
        column = {u: j for j, u in enumerate(unknowns)}
        goal = np.zeros(len(unknowns))
        for u, c in target.coefficients.items():
            if u not in self.zero and c:
                if u not in column:
                    return []
                goal[column[u]] = c
        data, rows, cols = [], [], []
        for e, (live, _value) in enumerate(self.equations_live):
            for u, c in live.items():
                data.append(c)
                rows.append(column[u])
                cols.append(e)
        n = len(self.equations_live)
        transposed = csr_array((data, (rows, cols)), shape=(len(unknowns), n))
        from scipy.sparse import hstack

        result = linprog(
            np.ones(2 * n), A_eq=hstack([transposed, -transposed]).tocsr(), b_eq=goal, bounds=(0, None), method="highs"
        )
        if result.status != 0:
            return []
        weights = result.x[:n] - result.x[n:]
        out = []
        for e in np.nonzero(np.abs(weights) > 1e-7)[0]:
            weight = Fraction(float(weights[e])).limit_denominator(1000)
            out.append(f"{'+' if weight > 0 else '−'}{abs(weight)} × [{self.labels_live[e]}]")
        return out
