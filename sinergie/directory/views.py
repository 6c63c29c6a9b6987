"""The public page of a service, and its dates as an iCalendar file.

The page is written for a parent deciding whether a service fits: ages, costs and hours
are turned into sentences here, so the template only lays them out.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sinergie.directory.access import get_service_for_user
from sinergie.directory.ics import service_ics
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    CostUnit,
    Location,
    ModerationState,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Weekday,
)
from sinergie.directory.opening import intervals_text, next_openings, open_status, open_status_text
from sinergie.lib.downloads import CALENDAR_TYPE, file_response
from sinergie.lib.money import format_euro

WEEKDAY_ORDER = list(Weekday.values)  # MO … SU, as iCalendar writes them
# Categories whose services schema.org calls ChildCare; everything else is a plain Service.
CHILD_CARE_CATEGORIES = frozenset(
    {"early_childhood", "nursery", "micro_nursery", "spring_section", "family_nursery", "play_centre"}
)
# How many of the days a service runs next its page lists (the .ics file has them all).
NEXT_DATES = 5
# UN/CEFACT codes that schema.org's UnitPriceSpecification expects.
UNIT_CODES = {CostUnit.HOUR: "HUR", CostUnit.DAY: "DAY", CostUnit.WEEK: "WEE", CostUnit.MONTH: "MON"}
# What json_script escapes, so that the data cannot close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _page_queryset(today: datetime.date) -> QuerySet[Service]:
    """Everything the page shows, in a fixed number of queries."""
    upcoming = Prefetch("exceptions", queryset=ScheduleException.objects.filter(end__gte=today).order_by("start"))
    schedules = Schedule.objects.prefetch_related(upcoming).order_by("valid_from", "opens_at")
    sites = ServiceAtLocation.objects.select_related("location__municipality__province").prefetch_related(
        Prefetch("schedules", queryset=schedules)
    )
    return Service.objects.select_related("organization").prefetch_related(
        "categories",
        "costs",
        # All of it for the days it runs (open now, next dates); the table shows the coming ranges.
        "closure_availability",
        Prefetch("schedules", queryset=schedules),
        Prefetch("sites", queryset=sites.order_by("location__name")),
        Prefetch(
            "closure_availability",
            queryset=ClosureAvailability.objects.filter(end__gte=today).order_by("start"),
            to_attr="upcoming_dates",
        ),
    )


def _calendar_queryset() -> QuerySet[Service]:
    schedules = Schedule.objects.prefetch_related("exceptions").order_by("valid_from", "opens_at")
    sites = ServiceAtLocation.objects.select_related("location__municipality").prefetch_related(
        Prefetch("schedules", queryset=schedules)
    )
    return Service.objects.select_related("organization").prefetch_related(
        Prefetch("schedules", queryset=schedules),
        Prefetch("sites", queryset=sites.order_by("location__name")),
        Prefetch("closure_availability", queryset=ClosureAvailability.objects.order_by("start")),
    )


# --- Words for a parent ---------------------------------------------------------------------


def _localized(obj: Any, field: str, language: str) -> str:
    """The English text when the page is in English and there is one; the Italian otherwise."""
    if language == "en":
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_it")
    return getattr(obj, f"{field}_it")


def _age(months: int) -> str:
    """Months under three years (a nursery counts months), years from then on."""
    if months < 36 and months % 12:
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    years, rest = divmod(months, 12)
    in_years = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if not rest:
        return in_years
    in_months = ngettext("%(count)d month", "%(count)d months", rest) % {"count": rest}
    return _("%(years)s and %(months)s") % {"years": in_years, "months": in_months}


def age_range_text(minimum: int | None, maximum: int | None) -> str:
    """'from 3 months to 3 years', 'from 3 to 11 years', 'up to 3 years', 'from 6 years', or ''."""
    if minimum is not None and maximum is not None and minimum > 0:
        if minimum % 12 == 0 and maximum % 12 == 0 and minimum >= 36:
            years = maximum // 12
            return ngettext("from %(minimum)d to %(maximum)d year", "from %(minimum)d to %(maximum)d years", years) % {
                "minimum": minimum // 12,
                "maximum": years,
            }
        return _("from %(minimum)s to %(maximum)s") % {"minimum": _age(minimum), "maximum": _age(maximum)}
    if maximum is not None:
        return _("up to %(maximum)s") % {"maximum": _age(maximum)}
    if minimum:
        return _("from %(minimum)s") % {"minimum": _age(minimum)}
    return ""


def euro(cents: int) -> str:
    """'1.295,00' in Italian, '1,295.00' in English: the sentences around it put the '€'."""
    return format_euro(cents, symbol=False)


def cost_text(cost: CostOption) -> str:
    """'€ 95,00 alla settimana', 'Gratuito', 'Prezzo su richiesta'."""
    if cost.amount_cents is None:
        return _("Price on request")
    if cost.amount_cents == 0:
        return _("Free")
    amount = euro(cost.amount_cents)
    per_unit = {
        CostUnit.HOUR: _("€ %(amount)s per hour"),
        CostUnit.DAY: _("€ %(amount)s per day"),
        CostUnit.WEEK: _("€ %(amount)s per week"),
        CostUnit.MONTH: _("€ %(amount)s per month"),
        CostUnit.ONCE: _("€ %(amount)s one-off"),
    }
    return per_unit.get(cost.unit, _("€ %(amount)s")) % {"amount": amount}


def _weekday(code: str) -> str:
    return {
        "MO": pgettext("weekday in a sentence", "Monday"),
        "TU": pgettext("weekday in a sentence", "Tuesday"),
        "WE": pgettext("weekday in a sentence", "Wednesday"),
        "TH": pgettext("weekday in a sentence", "Thursday"),
        "FR": pgettext("weekday in a sentence", "Friday"),
        "SA": pgettext("weekday in a sentence", "Saturday"),
        "SU": pgettext("weekday in a sentence", "Sunday"),
    }[code]


def _weekday_range(first: str, last: str) -> str:
    # Italian articles differ by day ("dal lunedì", "alla domenica"): each end is its own string.
    start = {
        "MO": pgettext("start of a range of weekdays", "from Monday"),
        "TU": pgettext("start of a range of weekdays", "from Tuesday"),
        "WE": pgettext("start of a range of weekdays", "from Wednesday"),
        "TH": pgettext("start of a range of weekdays", "from Thursday"),
        "FR": pgettext("start of a range of weekdays", "from Friday"),
        "SA": pgettext("start of a range of weekdays", "from Saturday"),
        "SU": pgettext("start of a range of weekdays", "from Sunday"),
    }[first]
    end = {
        "MO": pgettext("end of a range of weekdays", "to Monday"),
        "TU": pgettext("end of a range of weekdays", "to Tuesday"),
        "WE": pgettext("end of a range of weekdays", "to Wednesday"),
        "TH": pgettext("end of a range of weekdays", "to Thursday"),
        "FR": pgettext("end of a range of weekdays", "to Friday"),
        "SA": pgettext("end of a range of weekdays", "to Saturday"),
        "SU": pgettext("end of a range of weekdays", "to Sunday"),
    }[last]
    return f"{start} {end}"


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def weekdays_text(byday: str) -> str:
    """'from Monday to Friday', 'Monday, Wednesday and Friday', 'every day'."""
    days = sorted(
        {d.strip().upper() for d in byday.split(",") if d.strip().upper() in WEEKDAY_ORDER}, key=WEEKDAY_ORDER.index
    )
    if len(days) == 7:
        return _("every day")
    if not days:
        return ""
    indexes = [WEEKDAY_ORDER.index(d) for d in days]
    runs: list[list[str]] = []
    for day, index in zip(days, indexes, strict=True):
        if runs and WEEKDAY_ORDER.index(runs[-1][-1]) == index - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) == 1 and len(runs[0]) >= 3:
        return _weekday_range(runs[0][0], runs[0][-1])
    return _join([_weekday(day) for day in days])


def _clock(value: datetime.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


@dataclass(frozen=True)
class OpeningHours:
    text: str
    validity: str
    note: str
    exceptions: list[str]


def long_date(value: datetime.date, language: str) -> str:
    """'martedì 1 settembre 2026': Italian writes weekdays and months in lower case."""
    text = date_format(value, "l j F Y")
    return text.lower() if language == "it" else text


def _short_date(value: datetime.date, language: str) -> str:
    text = date_format(value, "j F Y")
    return text.lower() if language == "it" else text


def exception_text(exception: ScheduleException, language: str) -> str:
    """'Closed on Tuesday 8 December 2026', 'Thursday 24 December 2026: 8:00–12:00', with the note."""
    start, end = long_date(exception.start, language), long_date(exception.end, language)
    same_day = exception.start == exception.end
    if exception.closed or exception.opens_at is None or exception.closes_at is None:
        text = (
            _("Closed on %(day)s") % {"day": start}
            if same_day
            else _("Closed from %(start)s to %(end)s") % {"start": start, "end": end}
        )
    else:
        hours = {"opens": _clock(exception.opens_at), "closes": _clock(exception.closes_at)}
        text = (
            _("%(day)s: %(opens)s–%(closes)s") % {"day": start, **hours}
            if same_day
            else _("From %(start)s to %(end)s: %(opens)s–%(closes)s") % {"start": start, "end": end, **hours}
        )
        text = text[:1].upper() + text[1:]
    return f"{text} — {exception.note}" if exception.note else text


def opening_hours(schedule: Schedule, language: str) -> OpeningHours:
    """'From Monday to Friday, 8:00–17:00', with its validity, note and coming exceptions apart."""
    text = _("%(days)s, %(opens)s–%(closes)s") % {
        "days": weekdays_text(schedule.byday),
        "opens": _clock(schedule.opens_at),
        "closes": _clock(schedule.closes_at),
    }
    text = text[:1].upper() + text[1:]
    validity = ""
    if schedule.valid_from and schedule.valid_to:
        validity = _("from %(start)s to %(end)s") % {
            "start": _short_date(schedule.valid_from, language),
            "end": _short_date(schedule.valid_to, language),
        }
    elif schedule.valid_from:
        validity = _("from %(start)s") % {"start": _short_date(schedule.valid_from, language)}
    elif schedule.valid_to:
        validity = _("until %(end)s") % {"end": _short_date(schedule.valid_to, language)}
    return OpeningHours(
        text=text,
        validity=validity,
        note=_localized(schedule, "description", language),
        exceptions=[exception_text(exception, language) for exception in schedule.exceptions.all()],
    )


def language_names(codes: list[str], language: str) -> list[str]:
    """The languages' names in the page's language; Italian writes them in lower case."""
    names = []
    for code in codes:
        try:
            name = str(get_language_info(code)["name_translated"])
        except KeyError:
            name = code.upper()
        names.append(name.lower() if language == "it" else name)
    return names


def full_address(location: Location) -> str:
    place = f"{location.postal_code} {location.municipality.name}".strip()
    province = location.municipality.province.abbreviation if location.municipality.province_id else ""
    return f"{location.address_1}, {place}" + (f" ({province})" if province else "")


# --- schema.org -----------------------------------------------------------------------------


def _offer(cost: CostOption, language: str) -> dict[str, Any]:
    offer: dict[str, Any] = {"@type": "Offer", "name": _localized(cost, "option", language)}
    if cost.amount_cents is None:
        return offer
    price = f"{Decimal(cost.amount_cents) / 100:.2f}"
    offer.update(price=price, priceCurrency="EUR")
    if cost.unit in UNIT_CODES and cost.amount_cents:
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": price,
            "priceCurrency": "EUR",
            "unitCode": UNIT_CODES[CostUnit(cost.unit)],
        }
    return offer


def _place(location: Location) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": location.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.address_1,
            "postalCode": location.postal_code,
            "addressLocality": location.municipality.name,
            "addressRegion": location.municipality.province.abbreviation,
            "addressCountry": "IT",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": location.latitude, "longitude": location.longitude},
    }


def structured_data(service: Service, request: HttpRequest, language: str) -> dict[str, Any]:
    """schema.org: ChildCare (a local business) for early-childhood services, Service otherwise.

    A ChildCare has its own address and geo and names the provider as parent organization;
    a Service names its provider and reaches its places through a service channel.
    """
    provider = {
        "@type": "Organization",
        "name": service.organization.name,
        "url": request.build_absolute_uri(reverse("organizations:detail", args=[service.organization.slug])),
    }
    url = request.build_absolute_uri(reverse("directory:service-detail", args=[service.pk]))
    places = [_place(site.location) for site in service.sites.all()]
    offers = [_offer(cost, language) for cost in service.costs.all()]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": url,
        "url": url,
        "name": service.name(language),
        "description": _localized(service, "description", language),
    }
    if service.url:
        data["sameAs"] = service.url
    if service.phone:
        data["telephone"] = service.phone
    if service.email:
        data["email"] = service.email
    if {term.code for term in service.categories.all()} & CHILD_CARE_CATEGORIES:
        data["@type"] = "ChildCare"
        data["parentOrganization"] = provider
        if places:
            data["address"] = places[0]["address"]
            data["geo"] = places[0]["geo"]
        if offers:
            data["makesOffer"] = offers
    else:
        data["@type"] = "Service"
        data["provider"] = provider
        if places:
            data["availableChannel"] = {"@type": "ServiceChannel", "serviceLocation": places}
        if offers:
            data["offers"] = offers
    return data


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON escaped like Django's json_script, for a <script type="application/ld+json"> block."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308


# --- Views ----------------------------------------------------------------------------------


@require_safe
def service_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    now = timezone.localtime()
    today = now.date()
    service = get_service_for_user(request.user, pk, queryset=_page_queryset(today))
    language = get_language() or "it"
    status = open_status(service, now)
    sites = [
        {
            "location": site.location,
            "address": full_address(site.location),
            "accessibility": _localized(site.location, "accessibility", language),
            "note": site.description,
            "hours": [opening_hours(schedule, language) for schedule in site.schedules.all()],
        }
        for site in service.sites.all()
    ]
    context = {
        "service": service,
        "name": service.name(language),
        "is_published": service.state == ModerationState.PUBLISHED,
        "is_running": service.status == ServiceStatus.ACTIVE,
        "categories": [term.name(language) for term in service.categories.all()],
        "ages": age_range_text(service.minimum_age_months, service.maximum_age_months),
        "languages": language_names(service.languages or [], language),
        "description": _localized(service, "description", language),
        "eligibility": _localized(service, "eligibility_description", language),
        "application": _localized(service, "application_process", language),
        "fees": _localized(service, "fees_description", language),
        "costs": [{"option": _localized(c, "option", language), "price": cost_text(c)} for c in service.costs.all()],
        "hours": [opening_hours(schedule, language) for schedule in service.schedules.all()],
        "dates": [
            {
                "period": dates.get_period_display(),
                "start": long_date(dates.start, language),
                "end": long_date(dates.end, language),
                "note": dates.note,
            }
            for dates in service.upcoming_dates
        ],
        "sites": sites,
        "next_dates": [
            {"day": long_date(day, language), "hours": intervals_text(intervals)}
            for day, intervals in next_openings(service, today, NEXT_DATES)
        ],
        "has_calendar": bool(service.closure_availability.all())
        or any(service.schedules.all())
        or any(site["hours"] for site in sites),
        "json_ld": json_ld(structured_data(service, request, language)),
        "open_status": open_status_text(status, now, language) if status else "",
        "is_open": bool(status and status.is_open),
        # HSDS `phones`: the service's own number, else its provider's.
        "contact_phone": service.phone or service.organization.phone,
    }
    return render(request, "directory/service_detail.html", context)


@require_safe
def service_calendar(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = get_service_for_user(request.user, pk, preview=False, queryset=_calendar_queryset())
    language = get_language() or "it"
    body = service_ics(
        service,
        language=language,
        today=timezone.localdate(),
        url=request.build_absolute_uri(reverse("directory:service-detail", args=[service.pk])),
    )
    filename = slugify(service.name(language)) or "servizio"
    return file_response(body, f"{filename}.ics", CALENDAR_TYPE)
