"""The filters of a search as conditions on the rows of a search table (SearchEntry or
SearchSite): every filter but the place, which results adds (a radius, or a municipality)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from sinergie.directory.models import ClosureAvailability, SearchEntry, SearchSite
from sinergie.directory.search.query import ServiceSearch, search_ages
from sinergie.directory.search.sql import table_name
from sinergie.directory.search.text import holds_stems, text_search_condition
from sinergie.directory.search_index import Match, Vocabulary
from sinergie.directory.selectors import Period, open_at_condition, runs_on_condition

# The rows of a search table: one per published service, or one per site of one.
Row = TypeVar("Row", SearchEntry, SearchSite)


def _age_condition(age_years: int) -> Q:
    # A child of 7 is 84 to 95 months old: any overlap with the service's range will do.
    low, high = age_years * 12, age_years * 12 + 11
    return (Q(minimum_age_months__isnull=True) | Q(minimum_age_months__lte=high)) & (
        Q(maximum_age_months__isnull=True) | Q(maximum_age_months__gte=low)
    )


def filtered(
    model: type[Row], filters: ServiceSearch, period: Period | None, matches: Sequence[Match], words: Vocabulary
) -> QuerySet[Row]:
    """The rows of a search table (SearchEntry or SearchSite) matching every filter but the place.

    Most filters are columns of the row; categories and spoken languages are stems (see
    holds_stems); dates and periods look at closure availability and opening hours.
    """
    rows = model.objects.all()
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    ages = search_ages(filters)
    if ages:  # a service for any of the children
        if connection.vendor == "postgresql":  # the same rule as stems (see search_index.age_years)
            stems = [stem for age in ages if (stem := words.age(age))]
            rows = rows.filter(holds_stems(model, stems))
        else:
            condition = Q()
            for age in ages:
                condition |= _age_condition(age)
            rows = rows.filter(condition)
    if filters.category:
        stem = words.category(filters.category)
        rows = rows.filter(holds_stems(model, [stem] if stem else []))
    if filters.voucher:
        rows = rows.filter(accepts_vouchers=True)
    if filters.free:
        rows = rows.filter(free=True)
    if filters.max_price_cents is not None:
        rows = rows.filter(lowest_price_cents__lte=filters.max_price_cents)
    if filters.date:
        rows = rows.filter(runs_on_condition(filters.date, "service_id"))
    if period is not None:
        rows = rows.filter(_covers(model, period, words))
    if filters.open_now:
        rows = rows.filter(open_at_condition(filters.open_now, "service_id"))
    if filters.spoken_language:
        stem = words.language(filters.spoken_language)
        rows = rows.filter(holds_stems(model, [stem] if stem else []))
    if matches:
        rows = rows.filter(text_search_condition(model, matches))
    return rows


def _covers(model: type[Row], period: Period, words: Vocabulary) -> Q | RawSQL:
    """Rows whose service runs on some day of the period: on PostgreSQL the row's `month:` stems
    (the index's candidates), then its own ranges (`&&` on a datemultirange); on SQLite its
    ClosureAvailability."""
    if connection.vendor == "postgresql":
        column = f"{table_name(model)}.{connection.ops.quote_name('closures')}"
        exact = RawSQL(  # noqa: S611 - names from the model
            f"{column} && daterange(%s, %s, '[]')", (period.start, period.end), output_field=BooleanField()
        )
        return Q(holds_stems(model, words.months(period.start, period.end))) & Q(exact)
    overlapping = ClosureAvailability.objects.filter(start__lte=period.end, end__gte=period.start)
    return Q(service_id__in=overlapping.values("service_id"))
