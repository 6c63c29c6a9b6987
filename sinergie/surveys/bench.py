"""`sinergie bench surveys --responses N`: the report engine over a campaign of N responses.

A fresh company (marked demo) runs a campaign on a copy of the workers' needs template with seven
more questions (40 in all); N released responses with random answers (skip logic applied) are
written in bulk and the closed campaign is released; then each run builds a full report — every
variable — over a mix of no breakdown and breakdowns, cold (the engine cache emptied, so the
answers are loaded from the database: the p50/p95 figures) and then warm (the engine kept in the
process: `warm_report_p50_ms`). `audit_p95_ms`: the joint audit of the release — every one-way
and every two-way table the campaign can ever publish (`Engine.catalogue`), on a fresh engine —
and `published_share_*`: the share of non-zero figures of those tables that are published.
Each run of the benchmark adds its own data: run it on a scratch database.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from sinergie.organizations.models import Organization, OrganizationKind
from sinergie.surveys import report, services
from sinergie.surveys.models import Question, QuestionKind, Response, Section, Survey
from sinergie.surveys.needs_template import TEMPLATE_KEY
from sinergie.surveys.report import build_report, engine_for

MIX: list[str | None] = [
    None,
    "gender",
    "age_band",
    "children",
    "contract",
    "shifts",
    "measures_wanted.smart",
    "stress",
]
AUDIT_RUNS = 3


def _random_answer(question: Question, rng: random.Random) -> Any:
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        return rng.choice(question.options["choices"])["value"]
    if kind == QuestionKind.MULTIPLE:
        values = [c["value"] for c in question.options["choices"]]
        return sorted(rng.sample(values, rng.randint(1, min(3, len(values)))), key=values.index)
    if kind == QuestionKind.SCALE:
        return rng.randint(question.options["min"], question.options["max"])
    if kind == QuestionKind.NUMBER:
        return rng.randint(question.options.get("min", 0), min(question.options.get("max", 1000), 90))
    if kind == QuestionKind.MATRIX:
        return {row["value"]: rng.choice(question.options["choices"])["value"] for row in question.options["rows"]}
    return rng.choice(["", "più flessibilità", "un nido vicino", "centri estivi"]) or None


def _setup(run: str, responses: int, seed: int) -> Any:
    company = Organization.objects.create(
        kind=OrganizationKind.COMPANY, name=f"Bench company {run}", slug=f"bench-company-{run}", is_demo=True
    )
    template = Survey.objects.get(template_key=TEMPLATE_KEY, is_template=True, copied_from__isnull=True)
    now = timezone.now()
    campaign = services.campaign_create(
        survey=template,
        organization=company,
        title=f"Bench {run}",
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=30),
        target_size=responses,
        mode="open",
        by=None,
    )
    extra = Section.objects.create(survey=campaign.survey, order=99, title_it="Altro", title_en="More")
    for index in range(40 - campaign.survey.questions().count()):
        Question.objects.create(
            section=extra,
            order=index,
            code=f"extra{index}",
            kind=QuestionKind.SINGLE,
            text_it=f"Domanda {index}",
            options={"choices": [{"value": v, "it": v} for v in ("a", "b", "c", "d")]},
        )
    questions = list(campaign.survey.questions().select_related("section"))
    gates = {q.pk: q for q in questions}
    variables = report.survey_variables(questions)
    rng = random.Random(seed)  # noqa: S311 (synthetic answers, not secrets)
    rows = []
    for _ in range(responses):
        answers = {q.code: value for q in questions if (value := _random_answer(q, rng)) is not None}
        answers = services.prune_hidden(questions, answers, gates)
        rows.append(
            Response(
                campaign=campaign,
                answers=answers,
                codes=report.response_codes(variables, answers),
                completed=True,
                released=True,
                submitted_on=now.date(),
            )
        )
    Response.objects.bulk_create(rows, batch_size=1000)
    campaign.closes_at = now - timedelta(seconds=1)
    campaign.save(update_fields=["closes_at"])
    return services.campaign_release(campaign), len(questions)


def published_share(engine: report.Engine) -> tuple[float, float]:
    """Of the non-zero figures of every one-way and every two-way table, the share published."""
    shown = total = shown2 = total2 = 0
    keys = list(engine.variables)
    for key in keys:
        values, hidden = engine.oneway(key)
        total += sum(1 for v in values if v)
        shown += sum(1 for i, v in enumerate(values) if v and i not in hidden)
    for a, first in enumerate(keys):
        for second in keys[a + 1 :]:
            if not engine.crossable(first, second):
                continue
            cells, hidden2 = engine.table(first, second)
            for i, row in enumerate(cells):
                for j, v in enumerate(row):
                    total2 += bool(v)
                    shown2 += bool(v) and (i, j) not in hidden2
    return round(shown / max(total, 1), 3), round(shown2 / max(total2, 1), 3)


def bench_surveys(responses: int = 10_000, runs: int = 24, seed: int = 1) -> dict[str, Any]:
    """p50 and p95 in ms of full reports (answers loaded from the database) over a mix of breakdowns."""
    run = uuid.uuid4().hex[:10]
    campaign, question_count = _setup(run, responses, seed)
    timings, warm, audits = [], [], []
    for index in range(runs):
        breakdown = MIX[index % len(MIX)]
        report._ENGINES.clear()  # cold: every report loads the answers from the database
        started = time.perf_counter()
        build_report(campaign, breakdown=breakdown, engine=engine_for(campaign), free_text=True)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()  # warm: the same figures from the engine kept in the process
        build_report(campaign, breakdown=breakdown, engine=engine_for(campaign), free_text=True)
        warm.append((time.perf_counter() - started) * 1000)
    tables = 0
    for _index in range(AUDIT_RUNS):
        report._ENGINES.clear()
        started = time.perf_counter()
        engine = engine_for(campaign)
        tables = engine.catalogue()
        audits.append((time.perf_counter() - started) * 1000)
    oneway_share, twoway_share = published_share(engine)
    timings.sort()
    audits.sort()
    return {
        "benchmark": "surveys",
        "database": connection.vendor,
        "responses": responses,
        "questions": question_count,
        "runs": runs,
        "report_p50_ms": round(statistics.median(timings), 1),
        "report_p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "warm_report_p50_ms": round(statistics.median(warm), 1),
        "audit_tables": tables,
        "audit_p95_ms": round(audits[-1], 1),
        "published_share_oneway": oneway_share,
        "published_share_twoway": twoway_share,
    }
