"""Loading a page of search results: the page's services with everything their cards show
(categories, costs, closure cover, hours, sites with their locations and municipalities) in one
query, each relation read back as a JSON array and turned into model instances."""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, ForeignKey, Model, QuerySet
from django.db.models.base import ModelState

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.directory.search.sql import table_name
from sinergie.territory.models import Municipality

# A column a page reads: its field, its key in the JSON object, its SQL, and how its JSON value
# becomes the field's Python value.
Column = tuple[Field[Any, Any], str, str, Callable[[Any], Any]]
M = TypeVar("M", bound=Model)


def _attach(instance: Model, name: str, model: type[M], items: Sequence[M]) -> None:
    """Make `instance.<name>.all()` answer `items` without a query, as prefetch_related would."""
    cached: QuerySet[M] = QuerySet(model=model)
    cached._result_cache = list(items)
    cached._prefetch_done = True  # type: ignore[attr-defined]  # a private flag django-stubs leaves out
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached


def _json_object(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL building a JSON object {key: expression}, on either database."""
    inner = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
    return f"json_build_object({inner})" if connection.vendor == "postgresql" else f"json_object({inner})"


def _json_array(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL aggregating rows into a JSON array of objects {key: expression}, on either database."""
    aggregate = "json_agg" if connection.vendor == "postgresql" else "json_group_array"
    return f"{aggregate}({_json_object(pairs)})"


def _utc(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)  # SQLite keeps UTC without an offset


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _identity(value: Any) -> Any:
    return value


def _converter(field_: Field[Any, Any]) -> Callable[[Any], Any]:
    """How a JSON value of this field becomes its Python value (what the ORM would give)."""
    target = field_.target_field if isinstance(field_, ForeignKey) else field_
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return _uuid
    if kind == "DateField":
        return datetime.date.fromisoformat
    if kind == "TimeField":
        return datetime.time.fromisoformat
    if kind == "DateTimeField":
        return _utc
    if kind == "BooleanField":
        return bool  # SQLite's JSON says 0 and 1
    if kind == "FloatField":
        return float
    if kind in ("JSONField", "CharField", "TextField", "SlugField", "URLField", "EmailField") or "Integer" in kind:
        return _identity
    return target.to_python


def _columns(model: type[Model], alias: str, prefix: str = "", only: Sequence[str] | None = None) -> list[Column]:
    fields = [f for f in model._meta.concrete_fields if only is None or f.attname in only]
    columns: list[Column] = []
    for f in fields:
        assert f.column is not None  # a concrete field has one
        sql = f"{alias}.{connection.ops.quote_name(f.column)}"
        if f.get_internal_type() == "JSONField" and connection.vendor == "sqlite":
            sql = f"json({sql})"  # stored as text: embed it as JSON, not as a string
        columns.append((f, f"{prefix}{f.attname}", sql, _converter(f)))
    return columns


def _instance(model: type[M], columns: Sequence[Column], item: Mapping[str, Any]) -> M:
    """A model instance from a JSON object, as if loaded by the ORM (fields not read are deferred).

    Built without Model.__init__ (its per-field descriptors and signals cost more than the page's
    queries; no receiver of pre_init or post_init exists here): the values go straight into the
    instance's __dict__, as from_db would leave them.
    """
    instance = model.__new__(model)
    values = instance.__dict__
    for field_, key, _sql, convert in columns:
        raw = item[key]
        values[field_.attname] = None if raw is None else convert(raw)
    state = instance._state = ModelState()
    state.adding, state.db = False, connection.alias
    return instance


@functools.lru_cache(maxsize=64)
def _page_statement(count: int, vendor: str = "") -> tuple[str, dict[str, list[Column]]]:
    """One statement loading everything a page of `count` services shows, as JSON arrays (cached per
    page size and database: the text only depends on them)."""
    through = Service.categories.through
    sal, loc, mun = ServiceAtLocation, Location, Municipality
    columns = {
        "service": _columns(Service, "s"),
        "categories": _columns(TaxonomyTerm, "t"),
        "costs": _columns(CostOption, "c"),
        "closures": _columns(ClosureAvailability, "c"),
        "sites": _columns(sal, "a", "a_")
        + _columns(loc, "l", "l_")
        + _columns(
            mun, "m", "m_", only=["id", "istat_code", "name", "province_id", "region_id", "latitude", "longitude"]
        ),
        "schedules": _columns(Schedule, "h"),
        "exceptions": _columns(ScheduleException, "e"),
    }
    for prefix in ("a_", "l_", "m_"):
        columns[f"sites:{prefix}"] = [c for c in columns["sites"] if c[1].startswith(prefix)]

    def array(name: str) -> str:
        return _json_array([(key, sql) for _field, key, sql, _convert in columns[name]])

    q = connection.ops.quote_name
    # The service's own hours and its sites' hours, as two indexed lookups (an OR would scan).
    owned = (
        f"(SELECT h1.* FROM {table_name(Schedule)} h1 WHERE h1.{q('service_id')} = s.{q('id')}"  # noqa: S608 - model names only
        f" UNION ALL SELECT h2.* FROM {table_name(Schedule)} h2 JOIN {table_name(sal)} a2"
        f" ON h2.{q('service_at_location_id')} = a2.{q('id')} WHERE a2.{q('service_id')} = s.{q('id')})"
    )
    marks = ", ".join(["%s"] * count)
    sql = f"""
        SELECT s.{q("id")},
            {_json_object([(key, sql) for _field, key, sql, _convert in columns["service"]])},
            (SELECT {array("categories")} FROM {table_name(through)} x JOIN {table_name(TaxonomyTerm)} t
                ON t.{q("id")} = x.{q("taxonomyterm_id")} WHERE x.{q("service_id")} = s.{q("id")}),
            (SELECT {array("costs")} FROM {table_name(CostOption)} c WHERE c.{q("service_id")} = s.{q("id")}),
            (SELECT {array("closures")} FROM {table_name(ClosureAvailability)} c
                WHERE c.{q("service_id")} = s.{q("id")}),
            (SELECT {array("sites")} FROM {table_name(sal)} a
                JOIN {table_name(loc)} l ON l.{q("id")} = a.{q("location_id")}
                JOIN {table_name(mun)} m ON m.{q("id")} = l.{q("municipality_id")}
                WHERE a.{q("service_id")} = s.{q("id")}),
            (SELECT {array("schedules")} FROM {owned} h),
            (SELECT {array("exceptions")} FROM {table_name(ScheduleException)} e
                JOIN {owned} h ON h.{q("id")} = e.{q("schedule_id")})
        FROM {table_name(Service)} s WHERE s.{q("id")} IN ({marks})"""  # noqa: S608 - names from the models, values as parameters
    return sql, columns


def page_services(pks: Sequence[uuid.UUID]) -> dict[uuid.UUID, Service]:
    """The page's services with categories, costs, closure cover, hours and sites attached, in one
    query: each relation comes back as a JSON array per service (json_agg on PostgreSQL,
    json_group_array on SQLite) and becomes model instances, as prefetch_related would give
    them, without its queryset per object and relation or its query per relation.
    """
    services: dict[uuid.UUID, Service] = {}
    if not pks:
        return services
    sql, columns = _page_statement(len(pks), connection.vendor)
    id_field = Service._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [id_field.get_db_prep_value(pk, connection) for pk in pks])
        rows = cursor.fetchall()

    def items(value: Any) -> Any:
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else value

    for _raw_pk, service_json, *arrays in rows:
        service = _instance(Service, columns["service"], items(service_json))
        services[service.pk] = service
        categories, costs, closures, sites_json, schedules_json, exceptions_json = (items(a) for a in arrays)
        terms = sorted(
            (_instance(TaxonomyTerm, columns["categories"], item) for item in categories),
            key=lambda term: (term.position, term.code),
        )
        cost_options = sorted(
            (_instance(CostOption, columns["costs"], item) for item in costs),
            key=lambda cost: (cost.amount_cents is None, cost.amount_cents or 0, str(cost.pk)),
        )
        closure_cover = sorted(
            (_instance(ClosureAvailability, columns["closures"], item) for item in closures),
            key=lambda closure: (closure.start, closure.end),
        )
        exceptions: dict[uuid.UUID, list[ScheduleException]] = {}
        for item in exceptions_json:
            exception = _instance(ScheduleException, columns["exceptions"], item)
            exceptions.setdefault(exception.schedule_id, []).append(exception)
        by_owner: dict[uuid.UUID | None, list[Schedule]] = {}
        for item in schedules_json:
            schedule = _instance(Schedule, columns["schedules"], item)
            _attach(schedule, "exceptions", ScheduleException, exceptions.get(schedule.pk, []))
            by_owner.setdefault(schedule.service_id or schedule.service_at_location_id, []).append(schedule)
        sites: list[ServiceAtLocation] = []
        for item in sites_json:
            site = _instance(ServiceAtLocation, columns["sites:a_"], item)
            location = _instance(Location, columns["sites:l_"], item)
            location.municipality = _instance(Municipality, columns["sites:m_"], item)
            site.location = location
            _attach(site, "schedules", Schedule, by_owner.get(site.pk, []))
            sites.append(site)
        sites.sort(key=lambda site: (site.location.name, str(site.pk)))
        _attach(service, "categories", TaxonomyTerm, terms)
        _attach(service, "costs", CostOption, cost_options)
        _attach(service, "closure_availability", ClosureAvailability, closure_cover)
        _attach(service, "sites", ServiceAtLocation, sites)
        _attach(service, "schedules", Schedule, by_owner.get(service.pk, []))
    return services
