from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sinergie.directory.views import cost_text
from sinergie.lib.downloads import CALENDAR_TYPE, file_response
from sinergie.planner import services
from sinergie.planner.access import get_plan_for_user
from sinergie.planner.forms import CARE_CHOICES, PlanForm, PlanNameForm
from sinergie.planner.gaps import Child
from sinergie.planner.ics import plan_ics
from sinergie.planner.models import Plan
from sinergie.planner.selectors import covering_services, municipality_choices, plan_compute


def _plan_form(data: Any) -> PlanForm | None:
    """The form bound to the query when it asks for a plan (it names a municipality), else None."""
    if "comune" not in data:
        return None
    return PlanForm(data)


def _today() -> datetime.date:
    """Today in Rome; a function so that tests can fix the date."""
    return timezone.localdate()


def child_label(child: Child) -> str:
    """ "Child 1 (7 years, primary school)"."""
    care = dict(CARE_CHOICES)[child.care.value]
    if child.age_years is None:
        return _("Child %(number)d (%(care)s)") % {"number": child.number, "care": care}
    years = ngettext("%(age)d year", "%(age)d years", child.age_years) % {"age": child.age_years}
    return _("Child %(number)d (%(age)s, %(care)s)") % {"number": child.number, "age": years, "care": care}


def _children_text(numbers: list[int], labels: dict[int, str]) -> str:
    return "; ".join(labels[number] for number in numbers)


def search_link(municipality: Any, children: list[Child], radius_km: Any) -> str:
    """The families' search for these children around the municipality: every age the planner
    knows (a child entered by school level only has none), the planner's distance."""
    params: list[tuple[str, Any]] = [
        ("municipality", f"{municipality.name} ({municipality.province.abbreviation})"),
        *(("age", age) for age in sorted({c.age_years for c in children if c.age_years is not None})),
    ]
    if radius_km:
        params.append(("radius_km", radius_km))
    return f"{reverse('directory:search')}?{urlencode(params)}"


def _result(form: PlanForm) -> dict[str, Any]:
    data = form.cleaned_data
    municipality = form.municipality
    assert municipality is not None  # a valid form resolved it
    today = _today()
    plan = plan_compute(
        municipality=municipality, year=data["anno"], children=data["children"], carers=data["carers"], today=today
    )
    covers = covering_services(
        municipality=municipality, plan=plan, children=data["children"], radius_km=data["raggio"]
    )
    labels = {child.number: child_label(child) for child in data["children"]}
    language = get_language() or "it"
    cards = []
    for cover in covers:
        for item in cover.services:
            costs = list(item.service.costs.all())
            priced = [cost for cost in costs if cost.amount_cents is not None] or costs
            item.price_text = cost_text(priced[0]) if priced else ""
            item.children_text = ", ".join(str(number) for number in item.children)
            item.name = item.service.name(language)
        cards.append(
            {
                "cover": cover,
                "period": cover.period,
                "name": cover.period.name(language),
                "children_text": _children_text(cover.period.children, labels),
            }
        )
    past = [
        {"period": period, "name": period.name(language), "children_text": _children_text(period.children, labels)}
        for period in plan.past
    ]
    return {
        "plan": plan,
        "covers": covers,
        "cards": cards,
        "past": past,
        "municipality": municipality,
        "children_labels": list(labels.values()),
        "labels": labels,
        "radius": data["raggio"],
        "search_url": search_link(municipality, data["children"], data["raggio"]),
    }


def _query(params: dict[str, Any]) -> str:
    return urlencode(params, doseq=True)


@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    form = _plan_form(request.GET.copy())
    context: dict[str, Any] = {
        "form": form or PlanForm(),
        "municipalities": municipality_choices(),
        "print_view": False,
    }
    if form is not None and form.is_valid():
        context.update(_result(form))
        # The print view only for a plan: with errors the form must stay to correct them.
        context["print_view"] = request.GET.get("stampa") == "1"
        query = _query(form.parameters())
        context["query"] = query
        context["hidden_params"] = [
            (name, value)
            for name, values in form.parameters().items()
            for value in (values if isinstance(values, list) else [values])
        ]
        context["share_url"] = request.build_absolute_uri(f"{reverse('planner:plan')}?{query}")
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
        context["name_form"] = PlanNameForm(
            initial={"name": _("%(municipality)s, %(year)s") % {
                "municipality": form.municipality.name, "year": context["plan"].label,
            }}
        )  # fmt: skip
        # The text box shows the municipality's name even when the link gave its ISTAT code.
        form.data["comune"] = f"{form.municipality.name} ({form.municipality.province.abbreviation})"
    return render(request, "planner/plan.html", context)


@require_safe
def plan_calendar(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(e)}"
            for name, e in form.errors.items()
        )
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    result = _result(form)
    language = get_language() or "it"
    title = _("Who looks after the children? %(municipality)s %(year)s") % {
        "municipality": result["municipality"].name,
        "year": result["plan"].label,
    }
    body = plan_ics(
        result["covers"],
        key=_query(form.parameters()),
        title=title,
        language=language,
        child_labels=result["labels"],
        service_url=lambda service: request.build_absolute_uri(reverse("directory:service-detail", args=[service.pk])),
    )
    filename = f"pianificatore-{result['municipality'].istat_code}-{result['plan'].year}.ics"
    return file_response(body, filename, CALENDAR_TYPE)


@login_required
@require_POST
def plan_save(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    name_form = PlanNameForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The plan is not valid: open it again from the planner."))
    if not name_form.is_valid():
        messages.error(request, _("Give the plan a name of at most 100 characters."))
        return redirect(f"{reverse('planner:plan')}?{_query(form.parameters())}")
    services.plan_save(
        owner=request.user, name=name_form.cleaned_data["name"], parameters=form.parameters(), request=request
    )
    messages.success(request, _("The plan has been saved."))
    return redirect("planner:mine")


@login_required
@require_safe
def my_plans(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.filter(owner=request.user)
    rows = [(saved, PlanNameForm(initial={"name": saved.name}, prefix=f"plan{saved.pk}")) for saved in plans]
    return render(request, "planner/my_plans.html", {"rows": rows})


@login_required
@require_safe
def plan_open(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_plan_for_user(request.user, pk)
    return redirect(f"{reverse('planner:plan')}?{_query(saved.parameters)}")


@login_required
@require_POST
def plan_rename(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_plan_for_user(request.user, pk)
    form = PlanNameForm(request.POST, prefix=f"plan{saved.pk}")
    if form.is_valid():
        try:
            services.plan_rename(actor=request.user, plan=saved, name=form.cleaned_data["name"], request=request)
        except ValidationError:
            messages.error(request, _("Give the plan a name of at most 100 characters."))
        else:
            messages.success(request, _("The plan has been renamed."))
    else:
        messages.error(request, _("Give the plan a name of at most 100 characters."))
    return redirect("planner:mine")


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_plan_for_user(request.user, pk)
    services.plan_delete(actor=request.user, plan=saved, request=request)
    messages.success(request, _("The plan has been deleted."))
    return redirect("planner:mine")
