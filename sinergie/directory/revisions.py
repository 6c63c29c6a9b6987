"""The content of a service as a revision holds it (the payload), and what changed between two.

A payload is a plain JSON dict with every editable part of a service:

- its own fields (`SCALAR_FIELDS`): names, descriptions, kind, contacts, ages in months, ...
- `categories`: taxonomy term codes (stable across databases, unlike ids);
- `costs`, `schedules` (weekly hours with their dated exceptions), `closures`
  (availability during school closures): lists of dicts, dates and times in ISO format;
- `sites`: `{"location": "<uuid>", "description": ""}` for one of the provider's locations,
  or `{"new_location": {...}, "description": ""}` for a place created on approval.

`service_payload()` reads the live rows into one; `editing.payload_apply()` writes one back.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sinergie.directory.models import (
    OPEN_REVISION_STATES,
    ClosurePeriodKind,
    CostOption,
    CostUnit,
    Location,
    ModerationState,
    RevisionState,
    Service,
    ServiceKind,
    ServiceRevision,
    ServiceStatus,
    TaxonomyTerm,
)
from sinergie.territory.models import Municipality

# The service's texts and contacts: edited as they are by the back-office form.
TEXT_FIELDS = (
    "kind",
    "status",
    "name_it",
    "name_en",
    "description_it",
    "description_en",
    "eligibility_description_it",
    "eligibility_description_en",
    "application_process_it",
    "application_process_en",
    "fees_description_it",
    "fees_description_en",
    "url",
    "email",
    "phone",
)
SCALAR_FIELDS = (
    *TEXT_FIELDS,
    "minimum_age_months",
    "maximum_age_months",
    "capacity",
    "languages",
    "accepts_vouchers",
)
LIST_FIELDS = ("categories", "costs", "schedules", "closures", "sites")
NEW_LOCATION_FIELDS = (
    "name",
    "address_1",
    "postal_code",
    "municipality",
    "latitude",
    "longitude",
    "accessibility_it",
    "accessibility_en",
)


def _iso(value: datetime.date | datetime.time | None) -> str | None:
    return (
        value.isoformat(timespec="minutes")
        if isinstance(value, datetime.time)
        else (value.isoformat() if value else None)
    )


def empty_payload() -> dict[str, Any]:
    payload: dict[str, Any] = dict.fromkeys(SCALAR_FIELDS, "")
    payload.update(
        kind=ServiceKind.SERVICE.value,
        status=ServiceStatus.ACTIVE.value,
        minimum_age_months=None,
        maximum_age_months=None,
        capacity=None,
        languages=[],
        accepts_vouchers=False,
    )
    payload.update({name: [] for name in LIST_FIELDS})
    return payload


def service_payload(service: Service) -> dict[str, Any]:
    """The live content of `service`, in the shape a revision holds."""
    payload: dict[str, Any] = {name: getattr(service, name) for name in SCALAR_FIELDS}
    payload["languages"] = list(service.languages or [])
    payload["categories"] = sorted(service.categories.values_list("code", flat=True))
    payload["costs"] = [
        {
            "option_it": cost.option_it,
            "option_en": cost.option_en,
            "amount_cents": cost.amount_cents,
            "unit": cost.unit,
            "valid_from": _iso(cost.valid_from),
            "valid_to": _iso(cost.valid_to),
        }
        for cost in service.costs.order_by("amount_cents", "option_it")
    ]
    payload["schedules"] = [
        {
            "byday": schedule.byday,
            "opens_at": _iso(schedule.opens_at),
            "closes_at": _iso(schedule.closes_at),
            "valid_from": _iso(schedule.valid_from),
            "valid_to": _iso(schedule.valid_to),
            "description_it": schedule.description_it,
            "description_en": schedule.description_en,
            "exceptions": [
                {
                    "start": _iso(exception.start),
                    "end": _iso(exception.end),
                    "closed": exception.closed,
                    "opens_at": _iso(exception.opens_at),
                    "closes_at": _iso(exception.closes_at),
                    "note": exception.note,
                }
                for exception in schedule.exceptions.order_by("start")
            ],
        }
        for schedule in service.schedules.prefetch_related("exceptions").order_by("opens_at", "byday")
    ]
    payload["closures"] = [
        {"period": closure.period, "start": _iso(closure.start), "end": _iso(closure.end), "note": closure.note}
        for closure in service.closure_availability.order_by("start", "end")
    ]
    payload["sites"] = [
        {"location": str(site.location_id), "description": site.description}
        for site in service.sites.order_by("location__name")
    ]
    return payload


def base_payload(service: Service) -> dict[str, Any]:
    """What a revision is compared against: the live content once published, nothing before."""
    if service.state in (ModerationState.PUBLISHED, ModerationState.ARCHIVED):
        return service_payload(service)
    return empty_payload()


# --- Reading a payload aloud ----------------------------------------------------------------


def _labels() -> dict[str, str]:
    fields = {name: str(Service._meta.get_field(name).verbose_name) for name in SCALAR_FIELDS}
    fields.update(
        categories=str(Service._meta.get_field("categories").verbose_name),
        costs=_("Costs"),
        schedules=_("Opening hours"),
        closures=_("Availability during school closures"),
        sites=_("Locations"),
    )
    return fields


def _cost_line(cost: dict[str, Any]) -> str:
    from sinergie.directory.views import cost_text

    price = cost_text(CostOption(amount_cents=cost.get("amount_cents"), unit=cost.get("unit") or CostUnit.WEEK))
    return f"{cost.get('option_it', '')}: {price}"


def _schedule_line(schedule: dict[str, Any]) -> str:
    from sinergie.directory.views import weekdays_text

    days = weekdays_text(schedule.get("byday", ""))
    return f"{days}, {schedule.get('opens_at', '')}–{schedule.get('closes_at', '')}"


def _closure_line(closure: dict[str, Any]) -> str:
    try:
        period = ClosurePeriodKind(closure.get("period")).label
    except ValueError:
        period = closure.get("period", "")
    text = f"{period}: {closure.get('start')} – {closure.get('end')}"
    return f"{text} ({closure['note']})" if closure.get("note") else text


def _site_lines(sites: list[dict[str, Any]]) -> list[str]:
    ids = [site["location"] for site in sites if site.get("location")]
    locations = {str(loc.pk): loc for loc in Location.objects.filter(pk__in=ids).select_related("municipality")}
    codes = [site["new_location"].get("municipality") for site in sites if site.get("new_location")]
    municipalities = dict(Municipality.objects.filter(istat_code__in=codes).values_list("istat_code", "name"))
    lines = []
    for site in sites:
        if site.get("location"):
            location = locations.get(site["location"])
            line = f"{location.name} – {location.address_1}, {location.municipality.name}" if location else "?"
        else:
            new = site.get("new_location") or {}
            place = municipalities.get(new.get("municipality"), new.get("municipality", ""))
            line = _("%(name)s – %(address)s, %(place)s (new location)") % {
                "name": new.get("name", ""),
                "address": new.get("address_1", ""),
                "place": place,
            }
        if site.get("description"):
            line += f" ({site['description']})"
        lines.append(line)
    return lines


def _scalar_text(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "kind":
        return str(ServiceKind(value).label) if value in ServiceKind.values else str(value)
    if name == "status":
        return str(ServiceStatus(value).label) if value in ServiceStatus.values else str(value)
    if name == "accepts_vouchers":
        return _("yes") if value else _("no")
    if name == "languages":
        return ", ".join(value)
    return str(value)


def readable(payload: dict[str, Any]) -> dict[str, list[str]]:
    """Each part of a payload as lines a moderator can read ('Costs' → ['Weekly fee: € 95,00 per week'])."""
    terms = {term.code: term.name_it for term in TaxonomyTerm.objects.filter(code__in=payload.get("categories", []))}
    lines: dict[str, list[str]] = {name: [_scalar_text(name, payload.get(name))] for name in SCALAR_FIELDS}
    lines["categories"] = [terms.get(code, code) for code in payload.get("categories", [])]
    lines["costs"] = [_cost_line(cost) for cost in payload.get("costs", [])]
    lines["schedules"] = [_schedule_line(schedule) for schedule in payload.get("schedules", [])]
    lines["closures"] = [_closure_line(closure) for closure in payload.get("closures", [])]
    lines["sites"] = _site_lines(payload.get("sites", []))
    return lines


def _canonical(value: Any) -> Any:
    """Lists of rows compare as sets: the public page orders them itself (by price, date, hour)."""
    if isinstance(value, list):
        return sorted(json.dumps(item, sort_keys=True) for item in value)
    if value == "":
        return None
    return value


def payload_equal(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return all(_canonical(first.get(name)) == _canonical(second.get(name)) for name in (*SCALAR_FIELDS, *LIST_FIELDS))


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: list[str]
    after: list[str]


def payload_diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The parts that differ, field by field, in the order of the form."""
    labels = _labels()
    before_lines, after_lines = readable(before), readable(after)
    changes = []
    for name in (*SCALAR_FIELDS, *LIST_FIELDS):
        if _canonical(before.get(name)) != _canonical(after.get(name)):
            changes.append(Change(name, labels[name], before_lines[name], after_lines[name]))
    return changes


def open_revision(service: Service) -> ServiceRevision | None:
    return service.revisions.filter(state__in=OPEN_REVISION_STATES).select_related("author").first()


def payload_to_edit(service: Service) -> tuple[dict[str, Any], ServiceRevision | None]:
    """What the edit form starts from: the open revision, else a just-rejected one, else the live data.

    After a rejection the provider fixes its own proposal instead of typing it again.
    """
    revision = open_revision(service)
    if revision is not None:
        return revision.payload, revision
    latest = service.revisions.order_by("-created_at").first()
    if latest is not None and latest.state == RevisionState.REJECTED:
        return latest.payload, latest
    return service_payload(service), None
