"""The words of a search: which indexed stems a typed word stands for, the condition that every
word be found, and the relevance score that orders by them (the stemming and the index itself
live in sinergie.directory.search_index)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Model, Q, Value, When
from django.db.models.expressions import RawSQL

from sinergie.directory.models import SearchTerm
from sinergie.directory.search.sql import table_name
from sinergie.directory.search_index import Match, Vocabulary, search_terms, vocabulary


def text_matches(terms: Sequence[str], words: Vocabulary | None = None) -> list[Match]:
    """For each typed stem, the ids of the indexed stems it stands for (as typed, and with a typo)."""
    if not terms:
        return []
    words = words or vocabulary()
    return [words.match(stem) for stem in terms]


def holds_stems(model: type[Model], ids: Sequence[int], *, in_name: bool = False) -> Q | RawSQL:
    """Rows of a search table (SearchEntry, SearchSite) whose service holds one of these stems
    (in a name, with `in_name`): on PostgreSQL the row's own array (`&&`, inline or on the
    entries' GIN index), on SQLite the SearchTerm index."""
    if not ids:
        return Q(service_id__in=[])
    if connection.vendor == "postgresql":
        column = f"{table_name(model)}.{connection.ops.quote_name('name_stems' if in_name else 'stems')}"
        return RawSQL(f"{column} && %s::integer[]", (list(ids),), output_field=BooleanField())  # noqa: S611 - names from the model
    terms = SearchTerm.objects.filter(stem_id__in=ids)
    if in_name:
        terms = terms.filter(in_name=True)
    return Q(service_id__in=terms.values("service_id"))


def text_search_condition(model: type[Model], matches: Sequence[Match]) -> Q:
    """Services holding, for every typed stem, one of the stems it stands for (one typo allowed)."""
    condition = Q()
    for match in matches:
        condition &= Q(holds_stems(model, match.all))
    return condition


def relevance_expression(model: type[Model], matches: Sequence[Match]) -> Any:
    """Higher for stems found as typed in the service's names than with a typo or only elsewhere.

    Per typed stem: 2 if a name holds it as typed, 1 if only with a typo, 0 if only a description
    or a category does (every result holds each stem somewhere).
    """
    score: Any = Value(0)
    for match in matches:
        # Without a typo the two lookups are the same: one, counted twice.
        lookups = [match.all] if match.exact == match.all else [match.all, match.exact]
        for ids in lookups:
            if ids:
                weight = 2 if len(lookups) == 1 else 1
                score = score + Case(When(holds_stems(model, ids, in_name=True), then=Value(weight)), default=Value(0))
    return score


def best_score_condition(model: type[Model], matches: Sequence[Match]) -> Q:
    """Services with the highest relevance_expression any service can have for these matches:
    each typed stem in a name as typed (or, when nothing holds it as typed, with a typo)."""
    condition = Q()
    for match in matches:
        condition &= Q(holds_stems(model, match.exact or match.all, in_name=True))
    return condition


def relevance(terms: Sequence[str], names: Iterable[str]) -> int:
    """The score relevance_expression gives, computed in Python over these names (for tests and tools)."""
    words = vocabulary()
    stems = {stem for name in names if name for stem in search_terms(name)}
    stem_ids = {words.ids[stem] for stem in stems if stem in words.ids}
    score = 0
    for match in (words.match(stem) for stem in terms):
        score += bool(stem_ids & set(match.all)) + bool(stem_ids & set(match.exact))
    return score
