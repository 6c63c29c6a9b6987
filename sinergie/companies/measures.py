"""The catalogue of conciliation measures a company can adopt (SPEC C7; the seeds' lists), each in
the self-assessment area it belongs to. Codes are stable: plans and reports store them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Area:
    """The areas the catalogue's measures and the self-assessment's questions belong to."""

    TIME = "flexible_time"
    SMART = "smart_working"
    LEAVE = "leave_and_return"
    WELFARE = "welfare_services"
    CARE = "care_for_dependants"
    CULTURE = "culture"


AREAS: dict[str, Promise] = {
    Area.TIME: _("Flexible time"),
    Area.SMART: _("Smart working"),
    Area.LEAVE: _("Leave and return from maternity"),
    Area.WELFARE: _("Welfare services"),
    Area.CARE: _("Care for the elderly and disabled"),
    Area.CULTURE: _("Culture and communication"),
}


@dataclass(frozen=True)
class Measure:
    """One measure of the catalogue of conciliation measures."""

    code: str
    name: Promise
    area: str
    hint: Promise


CATALOGUE: tuple[Measure, ...] = (
    Measure("flexible_hours", _("Flexible entry and exit"), Area.TIME, _("A band of time to start and finish work.")),
    Measure("hour_bank", _("Hour bank"), Area.TIME, _("Extra hours saved and taken as time off when needed.")),
    Measure(
        "reversible_part_time",
        _("Reversible part-time"),
        Area.TIME,
        _("Part-time for a set period, with the right to return full time."),
    ),
    Measure("smart_working", _("Smart-working plan"), Area.SMART, _("Days of remote work agreed with each worker.")),
    Measure(
        "hourly_parental_leave",
        _("Hourly parental leave plans"),
        Area.LEAVE,
        _("Parental leave taken by the hour, planned with the worker."),
    ),
    Measure(
        "return_from_maternity",
        _("Return-from-maternity pathway"),
        Area.LEAVE,
        _("Contact during leave, training and a gradual return."),
    ),
    Measure(
        "company_welfare",
        _("Company welfare services"),
        Area.WELFARE,
        _("A welfare plan with services for families, in a platform or by agreement."),
    ),
    Measure(
        "intercompany_welfare",
        _("Inter-company welfare services"),
        Area.WELFARE,
        _("Services shared with other companies of the territory."),
    ),
    Measure(
        "nursery_agreement",
        _("Agreement with nurseries"),
        Area.WELFARE,
        _("Reserved or discounted places at nurseries near home or work."),
    ),
    Measure(
        "camp_agreement",
        _("Agreement with holiday camps"),
        Area.WELFARE,
        _("Places at holiday camps when schools are closed."),
    ),
    Measure(
        "time_saving",
        _("Time-saving services"),
        Area.WELFARE,
        _("Laundry, shopping, errands or paperwork done at the workplace."),
    ),
    Measure("vouchers", _("Vouchers for care services"), Area.WELFARE, _("Vouchers for childcare or elderly care.")),
    Measure(
        "caregiver_support",
        _("Support for caregivers"),
        Area.CARE,
        _("Leave, flexibility and information for workers caring for an elderly or disabled person."),
    ),
    Measure(
        "conciliation_communication",
        _("Communication and training on conciliation"),
        Area.CULTURE,
        _("Workers and managers know the measures and use them without fear."),
    ),
)

BY_CODE: dict[str, Measure] = {measure.code: measure for measure in CATALOGUE}


def measure_choices() -> list[tuple[str, Promise]]:
    """The catalogue as (code, name) choices."""
    return [(measure.code, measure.name) for measure in CATALOGUE]
