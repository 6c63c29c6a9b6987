"""`sinergie bench ranking --applications N`: rank and allocate N evaluated applications.

A fresh call (marked fictitious) gets N sent applications of fictitious applicants with
answers (ISEE, children) and evaluations (one in twenty not admissible), written in bulk; then
`ranking_compute` is timed with two tie-breakers and a partial last grant. A second version is
computed and compared: the same applications must give the same order and grants. `anomalies`
counts a budget exceeded, positions not 1..n, or a different second ranking; it must be 0.
Each run adds its own call, users and applications: run it on a scratch database.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.calls import services
from sinergie.calls.evaluation.ranking import ranking_compute
from sinergie.calls.models import Application, ApplicationState, Call, CallKind, Evaluation, RankingRow
from sinergie.organizations.models import Alliance, Organization, OrganizationKind

BATCH = 5000
TIE_BREAKERS = [("isee_cents", "asc"), ("children", "desc")]


def _setup(run: str, applications: int) -> tuple[Call, User]:
    rng = random.Random(run)  # noqa: S311 - fictitious data, not secrets
    alliance_org = Organization.objects.create(
        kind=OrganizationKind.ALLIANCE, name=f"Bench alliance {run}", slug=f"bench-ranking-{run}", is_demo=True
    )
    staff = User.objects.create(email=f"bench-ranking-{run}@example.invalid")
    now = timezone.now()
    call = Call.objects.create(
        alliance=Alliance.objects.create(organization=alliance_org),
        kind=CallKind.WORKER_VOUCHERS,
        title_it=f"Bando di prova {run} (fittizio)",
        budget_cents=applications * 10_000,  # about a third of the applications are funded
        amount_per_beneficiary_cents=30_000,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=30),
    )
    call = services.call_publish(call=call, by=staff)
    unusable = make_password(None)
    for start in range(0, applications, BATCH):
        count = min(BATCH, applications - start)
        users = User.objects.bulk_create(
            User(email=f"bench-{run}-{start + n}@example.invalid", password=unusable) for n in range(count)
        )
        sent = Application.objects.bulk_create(
            Application(
                call=call,
                applicant=user,
                state=ApplicationState.SUBMITTED,
                answers={"isee_cents": rng.randrange(0, 4_000_000, 100), "children": rng.randint(0, 4)},
                protocol_year=now.year,
                protocol_sequence=start + n + 1,
                submitted_at=call.opens_at + datetime.timedelta(seconds=rng.randrange(30 * 86_400)),
            )
            for n, user in enumerate(users)
        )
        Evaluation.objects.bulk_create(
            Evaluation(
                application=application,
                ranking_keys=application.answers,
                admissible=rng.random() > 0.05,
                automatic_points=rng.choice(range(0, 10_000, 50)),
                manual_points=rng.choice([0, 0, 0, 250, 500]),
            )
            for application in sent
        )
    return call, staff


def bench_ranking(applications: int = 100_000) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    call, staff = _setup(run, applications)
    setup_s = time.perf_counter() - started

    started = time.perf_counter()
    first = ranking_compute(call=call, by=staff, tie_breakers=TIE_BREAKERS, allow_partial=True)
    rank_s = time.perf_counter() - started
    second = ranking_compute(call=call, by=staff, tie_breakers=TIE_BREAKERS, allow_partial=True, reason="bench check")

    def rows_of(ranking: Any) -> list[tuple[int, Any, int]]:
        ordered = RankingRow.objects.filter(ranking=ranking).order_by("position")
        return list(ordered.values_list("position", "application_id", "granted_cents"))

    rows, again = rows_of(first), rows_of(second)
    granted = sum(row[2] for row in rows)
    anomalies = (
        int(granted > call.budget_cents)
        + int([row[0] for row in rows] != list(range(1, len(rows) + 1)))
        + int(rows != again)
    )
    return {
        "applications": applications,
        "ranked": len(rows),
        "admitted": sum(1 for row in rows if row[2]),
        "granted_cents": granted,
        "budget_cents": call.budget_cents,
        "rank_allocate_s": round(rank_s, 3),
        "rows_per_s": round(len(rows) / rank_s) if rank_s else None,
        "setup_s": round(setup_s, 1),
        "anomalies": anomalies,
    }
