"""A call's ranking: admissible applications ordered by points, then by the call's tie-breakers,
then by when they were sent; the budget allocated down the list; published by protocol number.

`rank_order` and `allocate` are pure and deterministic (the same applications always give the
same ranking); `ranking_compute` reads the evaluated applications and writes a new version of
the ranking, `ranking_publish` makes a version public. Corrections after an appeal are a new
version with its reason; earlier versions stay.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.calls.models import Application, ApplicationState, Call, Ranking, RankingRow
from sinergie.lib.errors import FieldError

ASCENDING, DESCENDING = "asc", "desc"
POINTS_SCALE = 100  # evaluations keep hundredths of a point; bands and rules speak in whole points
ANSWER_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
BATCH = 5000

RANKING_NOT_LATEST = _("Only the latest version of a ranking can be published.")
RANKING_PUBLISHED = _("This version is already published.")
REASON_NEEDED = _("Say why the ranking is computed again (for example, the appeal it answers).")
BAD_BAND = _("An amount band is a minimum score of at least 0 and an amount above 0.")
BAD_TIE_BREAKER = _("A tie-breaker is an answer's name and asc or desc.")


class RankingError(FieldError):
    """A refused step of a ranking."""


@dataclass(frozen=True)
class Candidate:
    application_id: Any
    points: int  # hundredths of a point
    ties: tuple[Any, ...]  # the tie-breakers' values, oriented so that smaller comes first
    submitted_at: datetime.datetime
    sequence: Any  # (protocol year, protocol sequence): unique within the call, the last word


def tie_values(answers: dict[str, Any], tie_breakers: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    """The tie-breakers' values from an application's answers, oriented for an ascending sort."""
    found = answers if isinstance(answers, dict) else {}
    return oriented([found.get(key) for key, _direction in tie_breakers], tie_breakers)


def oriented(values: Sequence[Any], tie_breakers: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    """Answers' values turned into sort keys: numbers (and booleans) by their direction, anything
    else — a missing answer, a text — after every number, whatever the direction."""
    keys: list[Any] = []
    for value, (_key, direction) in zip(values, tie_breakers, strict=True):
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int | float):
            keys.append((1, 0))
        else:
            keys.append((0, -value if direction == DESCENDING else value))
    return tuple(keys)


def rank_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Points first (more first), then the tie-breakers in order, then the earlier sending, then
    the protocol sequence: a total order, so the same applications always rank the same."""
    return sorted(candidates, key=lambda c: (-c.points, c.ties, c.submitted_at, c.sequence))


def amount_for(points: int, amount_cents: int, bands: Sequence[Sequence[int]] = ()) -> int:
    """What one candidate may be granted: the amount of the highest band whose minimum score (in
    whole points) the candidate's points (hundredths) reach; the call's amount below every band."""
    best = max(((score, cents) for score, cents in bands if points >= score * POINTS_SCALE), default=None)
    return amount_cents if best is None else best[1]


def allocate(
    ordered: Sequence[Candidate],
    budget_cents: int,
    amount_cents: int,
    *,
    allow_partial: bool = False,
    bands: Sequence[Sequence[int]] = (),
) -> list[int]:
    """What each ranked candidate is granted, down the list until the budget runs out: in full
    while the budget covers it; the first one it does not cover gets what is left when the call
    allows a partial grant, and nobody after is funded. Never more than the budget."""
    left = budget_cents
    grants = []
    for candidate in ordered:
        wanted = amount_for(candidate.points, amount_cents, bands)
        grant = wanted if wanted <= left else (left if allow_partial else 0)
        grants.append(grant)
        left = left - grant if grant == wanted else 0  # stop at the first one not funded in full
    return grants


def _check_tie_breakers(tie_breakers: Sequence[tuple[str, str]]) -> None:
    for item in tie_breakers:
        if (
            not isinstance(item, tuple | list)
            or len(item) != 2
            or not isinstance(item[0], str)
            or not ANSWER_KEY.fullmatch(item[0])
            or item[1] not in (ASCENDING, DESCENDING)
        ):
            raise RankingError("tie_breakers", BAD_TIE_BREAKER, code="bad_tie_breaker")


def _checked_bands(bands: Sequence[Sequence[int]]) -> list[list[int]]:
    checked = []
    for band in bands:
        if (
            not isinstance(band, tuple | list)
            or len(band) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in band)
            or band[0] < 0
            or band[1] <= 0
        ):
            raise RankingError("amount_bands", BAD_BAND, code="bad_band")
        checked.append([band[0], band[1]])
    return checked


def candidates_for(call: Call, tie_breakers: Sequence[tuple[str, str]]) -> list[Candidate]:
    """The call's sent applications found admissible, as candidates: with rank_order and
    allocate, the reference the ranking statement is tested against."""
    rows = (
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED, evaluation__admissible=True)
        .annotate(points=F("evaluation__automatic_points") + F("evaluation__manual_points"))
        .values_list("pk", "points", "submitted_at", "protocol_year", "protocol_sequence", "evaluation__ranking_keys")
    )
    candidates = []
    for pk, points, submitted_at, year, sequence, answers in rows:
        if submitted_at is None:  # sending an application stamps it: a sent one without is a broken row
            raise ValueError(f"Sent application {pk} has no submitted_at.")
        candidates.append(Candidate(pk, points, tie_values(answers, tie_breakers), submitted_at, (year, sequence)))
    return candidates


def _tie_sql(key: str, direction: str, params: list[Any]) -> list[str]:
    """ORDER BY terms for one tie-breaker, as `oriented` orders it: numbers and booleans first
    (by the direction), anything else after."""
    if connection.vendor == "postgresql":
        value = "e.ranking_keys -> %s"
        kind = f"jsonb_typeof({value})"
        number = (
            f"CASE {kind} WHEN 'number' THEN ({value})::text::numeric"
            f" WHEN 'boolean' THEN CASE WHEN ({value})::text = 'true' THEN 1 ELSE 0 END END"
        )
        flag = f"CASE WHEN {kind} IN ('number', 'boolean') THEN 0 ELSE 1 END"
        params.extend([key] * 4)  # once in the flag, three times in the number
    else:
        path = f'$."{key}"'
        kind = "json_type(e.ranking_keys, %s)"
        numeric = "IN ('integer', 'real', 'true', 'false')"
        number = f"CASE WHEN {kind} {numeric} THEN json_extract(e.ranking_keys, %s) END"  # true and false: 1, 0
        flag = f"CASE WHEN {kind} {numeric} THEN 0 ELSE 1 END"
        params.extend([path] * 3)  # once in the flag, twice in the number
    return [flag, f"{number} {'DESC' if direction == DESCENDING else 'ASC'}"]


def _amount_sql(amount_cents: int, bands: Sequence[Sequence[int]], params: list[Any]) -> str:
    """`amount_for` as SQL over the row's `points`."""
    if not bands:
        params.append(amount_cents)
        return "%s"
    terms = []
    for score, cents in sorted(bands, key=tuple, reverse=True):  # the highest band reached wins
        terms.append("WHEN points >= %s THEN %s")
        params.extend([score * POINTS_SCALE, cents])
    params.append(amount_cents)
    return f"CASE {' '.join(terms)} ELSE %s END"


def _insert_ranked(
    ranking: Ranking,
    call: Call,
    tie_breakers: Sequence[tuple[str, str]],
    allow_partial: bool,
    bands: Sequence[Sequence[int]] = (),
) -> None:
    """Rank and allocate in one statement: the database sorts the admissible applications as
    rank_order does, sums the amounts down the list as allocate does, and writes the rows.
    Tests check it against the Python functions."""
    table = connection.ops.quote_name(RankingRow._meta.db_table)
    order_params: list[Any] = []
    ties = [term for key, direction in tie_breakers for term in _tie_sql(key, direction, order_params)]
    order = ", ".join(
        [
            "e.automatic_points + e.manual_points DESC",
            *ties,
            "a.submitted_at ASC",
            "a.protocol_year ASC",
            "a.protocol_sequence ASC",
        ]
    )
    amount_params: list[Any] = []
    amount = _amount_sql(call.amount_per_beneficiary_cents, bands, amount_params)
    budget = call.budget_cents
    # `reached`: the amounts wanted from the top of the list down to this row, this one included.
    # Amounts are positive, so once it passes the budget it stays past it: allocation stops there.
    if allow_partial:
        grant = "GREATEST(0, LEAST(amount, %s - (reached - amount)))"
    else:
        grant = "CASE WHEN reached <= %s THEN amount ELSE 0 END"
    if connection.vendor != "postgresql":
        grant = grant.replace("GREATEST", "MAX").replace("LEAST", "MIN")
    sql = f"""
        INSERT INTO {table} (ranking_id, application_id, position, points, admitted, granted_cents)
        SELECT %s, id, position, points, {grant} > 0, {grant}
        FROM (
            SELECT id, position, points, amount,
                   SUM(amount) OVER (ORDER BY position ROWS UNBOUNDED PRECEDING) AS reached
            FROM (
                SELECT id, position, points, {amount} AS amount
                FROM (
                    SELECT a.id, e.automatic_points + e.manual_points AS points,
                           ROW_NUMBER() OVER (ORDER BY {order}) AS position
                    FROM calls_application a JOIN calls_evaluation e ON e.application_id = a.id
                    WHERE a.call_id = %s AND a.state = %s AND e.admissible
                ) ranked
            ) priced
        ) allotted"""  # noqa: S608 - names from the code, every value bound
    params = [
        ranking.pk,
        budget,
        budget,
        *amount_params,
        *order_params,
        call.pk,
        ApplicationState.SUBMITTED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def ranking_compute(
    *,
    call: Call,
    by: Any,
    tie_breakers: Sequence[tuple[str, str]] = (),
    allow_partial: bool = False,
    amount_bands: Sequence[Sequence[int]] = (),
    reason: str = "",
    request: HttpRequest | None = None,
) -> Ranking:
    """A new version of the call's ranking over its budget. A version after the first needs a reason.
    `amount_bands` ([minimum whole points, cents], ...) grant by score instead of one amount."""
    _check_tie_breakers(tie_breakers)
    bands = _checked_bands(amount_bands)
    call = Call.objects.select_for_update(no_key=True).get(pk=call.pk)  # one computation at a time
    last = Ranking.objects.filter(call=call).aggregate(last=Max("version"))["last"] or 0
    reason = (reason or "").strip()
    if last and not reason:
        raise RankingError("reason", REASON_NEEDED, code="reason_needed")
    ranking = Ranking.objects.create(
        call=call, version=last + 1, reason=reason, budget_cents=call.budget_cents, computed_by=by
    )
    _insert_ranked(ranking, call, tie_breakers, allow_partial, bands)
    figures = ranking.rows.aggregate(
        ranked=Count("pk"), admitted=Count("pk", filter=Q(admitted=True)), granted=Sum("granted_cents")
    )
    audit_record(
        actor=by,
        action="calls.ranking_compute",
        obj=ranking,
        after={
            "call": call.pk,
            "version": ranking.version,
            "ranked": figures["ranked"],
            "admitted": figures["admitted"],
            "granted_cents": figures["granted"] or 0,
            "tie_breakers": [list(item) for item in tie_breakers],
            "allow_partial": allow_partial,
            "amount_bands": bands,
        },
        note=reason,
        request=request,
    )
    return ranking


@transaction.atomic
def ranking_publish(*, ranking: Ranking, by: Any, request: HttpRequest | None = None) -> Ranking:
    """Make the latest version public (by protocol number only)."""
    ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
    if ranking.published_at is not None:
        raise RankingError("ranking", RANKING_PUBLISHED, code="ranking_published")
    if Ranking.objects.filter(call_id=ranking.call_id, version__gt=ranking.version).exists():
        raise RankingError("ranking", RANKING_NOT_LATEST, code="ranking_not_latest")
    ranking.published_at = timezone.now()
    ranking.save(update_fields=["published_at"])
    audit_record(
        actor=by,
        action="calls.ranking_publish",
        obj=ranking,
        after={"version": ranking.version, "published_at": ranking.published_at},
        request=request,
    )
    return ranking


def published_ranking(call: Call) -> Ranking | None:
    return Ranking.objects.filter(call=call, published_at__isnull=False).order_by("-version").first()
