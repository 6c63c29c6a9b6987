"""The database-specific pieces of a search: quoted table names, lists of ids as one array
parameter, and the PostgreSQL planner settings a search runs under (nothing on SQLite)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL


def table_name(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def among(model: type[Model], pks: Sequence[Any]) -> Q | RawSQL:
    """Rows of a search table whose service is one of these: on PostgreSQL one array parameter (a
    thousand separate ones cost the driver more to send than the database to read)."""
    if connection.vendor != "postgresql":
        return Q(service_id__in=pks)
    column = f"{table_name(model)}.{connection.ops.quote_name('service_id')}"
    return RawSQL(f"{column} = ANY(%s)", (list(pks),), output_field=BooleanField())  # noqa: S611 - names from the model


@contextmanager
def planner(settings: Mapping[str, str]) -> Iterator[None]:
    """On PostgreSQL, these planner settings for the statements inside (nothing on SQLite).

    SET LOCAL inside a (sub)transaction: an error rolls the settings back with it, so they never
    outlive the search on this connection.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items()))
        yield
        # Inside a caller's transaction SET LOCAL would last until its end: put the defaults back.
        cursor.execute("; ".join(f"RESET {name}" for name in settings))


# A search is a few small statements: parallel workers cost more to start than they save. And it
# reads its rows from an index: a sequential scan "until LIMIT rows match" is the planner's bet
# on matches being spread evenly, lost when filters go together (a camp category and an age)
# or exclude each other, then it reads every row; an index bounds the work by the matches.
INDEXED = {"max_parallel_workers_per_gather": "0", "enable_seqscan": "off"}


def hashed_joins() -> AbstractContextManager[None]:
    """Plan the filters as hashed semi-joins (no nested loop or merge join), from indexes (INDEXED).

    With a LIMIT the planner bets on probing each row (by name, or in any order) until enough
    match, which reads them all when few do; hashing the filters' small side (dates, opening
    hours) and streaming the rows costs about the same when many match and stays bounded when
    none do. An index walk by name still stops at the page: a hash join keeps the order of its
    streamed side.
    """
    return planner({"enable_nestloop": "off", "enable_mergejoin": "off", **INDEXED})
