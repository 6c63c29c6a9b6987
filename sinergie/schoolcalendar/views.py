from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.audit.services import audit_events_for
from sinergie.lib.downloads import CALENDAR_TYPE, file_response
from sinergie.lib.errors import refuse_on_form
from sinergie.lib.lookups import get_or_404
from sinergie.lib.school_calendar import Level, default_rite
from sinergie.schoolcalendar import services
from sinergie.schoolcalendar.access import can_manage_calendar, get_municipality_for_user
from sinergie.schoolcalendar.forms import CalendarSettingsForm, LocalClosureForm, SchoolYearForm
from sinergie.schoolcalendar.ics import school_year_ics
from sinergie.schoolcalendar.models import LevelChoice, LocalClosure
from sinergie.schoolcalendar.selectors import (
    current_school_year,
    effective_rite,
    municipality_calendar,
    patron_known,
    school_year_for,
)


def _year_form(request: HttpRequest) -> SchoolYearForm:
    """The form bound to the query, with today's school year and primary school as defaults."""
    data = {"anno": current_school_year(), "livello": Level.PRIMARIA.value}
    data.update({key: request.GET[key] for key in ("anno", "livello") if key in request.GET})
    return SchoolYearForm(data)


@require_safe
def school_year_detail(request: HttpRequest, istat_code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, istat_code)
    form = _year_form(request)
    calendar = level_label = None
    closures = []
    if form.is_valid():
        calendar = school_year_for(municipality, form.cleaned_data["anno"], form.cleaned_data["livello"])
        level_label = LevelChoice(calendar.level).label
        language = get_language() or "it"
        closures = [
            {"name": p.name(language), "start": p.start, "end": p.end, "source": p.source, "kind": p.kind}
            for p in calendar.closures
        ]
    context = {
        "municipality": municipality,
        "form": form,
        "calendar": calendar,
        "level_label": level_label,
        "closures": closures,
        "rite": effective_rite(municipality),
        "patron_known": patron_known(municipality),
        "can_manage": can_manage_calendar(request.user, municipality),
    }
    return render(request, "schoolcalendar/school_year.html", context)


@require_safe
def school_year_feed(request: HttpRequest, istat_code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, istat_code)
    form = _year_form(request)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    calendar = school_year_for(municipality, form.cleaned_data["anno"], form.cleaned_data["livello"])
    title = _("School calendar %(year)s · %(municipality)s") % {
        "year": calendar.label,
        "municipality": municipality.name,
    }
    body = school_year_ics(calendar, istat_code=municipality.istat_code, title=title, language=get_language() or "it")
    filename = f"calendario-{municipality.istat_code}-{calendar.year}.ics"
    return file_response(body, filename, CALENDAR_TYPE, inline=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_manage(request: HttpRequest, istat_code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, istat_code, manage=True)
    settings = municipality_calendar(municipality)
    closure_form = LocalClosureForm(request.POST if "add_closure" in request.POST else None)
    settings_form = CalendarSettingsForm(
        request.POST if "save_settings" in request.POST else None, instance=settings, prefix="settings"
    )
    if "add_closure" in request.POST and closure_form.is_valid():
        try:
            services.local_closure_add(
                actor=request.user, municipality=municipality, request=request, **closure_form.cleaned_data
            )
        except ValidationError as error:
            refuse_on_form(closure_form, error)
        else:
            messages.success(request, _("The closure has been added."))
            return redirect("schoolcalendar:manage", istat_code=municipality.istat_code)
    if "save_settings" in request.POST and settings_form.is_valid():
        try:
            services.municipality_calendar_update(
                actor=request.user, municipality=municipality, data=settings_form.cleaned_data, request=request
            )
        except ValidationError as error:
            refuse_on_form(settings_form, error)
        else:
            messages.success(request, _("The calendar settings have been saved."))
            return redirect("schoolcalendar:manage", istat_code=municipality.istat_code)
    context = {
        "municipality": municipality,
        "closure_form": closure_form,
        "settings_form": settings_form,
        "closures": LocalClosure.objects.filter(municipality=municipality).order_by("-start")[:50],
        "events": audit_events_for(municipality).filter(action__startswith="schoolcalendar.")[:20],
        "default_rite": default_rite(municipality.province.abbreviation),
    }
    return render(request, "schoolcalendar/manage.html", context)


@login_required
@require_POST
def closure_remove(request: HttpRequest, istat_code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, istat_code, manage=True)
    closure = get_or_404(LocalClosure.objects.all(), pk=pk, municipality=municipality)
    services.local_closure_remove(actor=request.user, closure=closure, request=request)
    messages.success(request, _("The closure has been removed."))
    return redirect("schoolcalendar:manage", istat_code=municipality.istat_code)
