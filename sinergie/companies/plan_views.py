"""The company's conciliation plan (/aziende/<slug>/piano/): measures, progress, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.companies import access, plans, selectors
from sinergie.companies.forms import GoalsForm, MeasureForm, ProgressForm
from sinergie.companies.measures import BY_CODE
from sinergie.companies.models import ConciliationPlan
from sinergie.lib.errors import refuse_on_form
from sinergie.lib.pdf import pdf_response


def _rows(plan: ConciliationPlan | None) -> list[dict]:
    if plan is None:
        return []
    return [{"item": m, "entry": BY_CODE.get(m.measure)} for m in plan.measures.all()]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_viewing(request.user, slug)
    can_edit = access.is_referent(request.user, company)
    current = selectors.plan_of_company(company)
    suggested = request.GET.get("measure", "")
    form = MeasureForm(initial={"measure": suggested} if suggested in BY_CODE else None)
    goals = GoalsForm(initial={"goals": current.goals if current else ""})
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if "goals" in request.POST:
            goals = GoalsForm(request.POST)
            if goals.is_valid():
                plans.goals_save(company=company, goals=goals.cleaned_data["goals"], by=request.user, request=request)
                messages.success(request, _("The goals are saved."))
                return redirect("companies:plan", slug=company.slug)
        else:
            form = MeasureForm(request.POST)
            if form.is_valid():
                try:
                    plans.measure_add(company=company, data=form.data_for_service(), by=request.user, request=request)
                except ValidationError as error:
                    refuse_on_form(form, error)
                else:
                    messages.success(request, _("The measure is in the plan."))
                    return redirect("companies:plan", slug=company.slug)
        status = 400
    context = {
        "company": company,
        "plan": current,
        "rows": _rows(current),
        "summary": plans.plan_summary(current),
        "form": form,
        "goals_form": goals,
        "can_edit": can_edit,
    }
    return render(request, "companies/plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = access.company_for_viewing(request.user, slug)
    can_edit = access.is_referent(request.user, company)
    item = access.measure_of_company(company, pk)
    initial = {
        "measure": item.measure,
        "target": item.target,
        "owner": item.owner,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "cost": item.cost_cents or None,  # the field shows cents as typed
        "need": item.need,
    }
    form = MeasureForm(initial=initial)
    progress = ProgressForm(initial={"on": timezone.localdate(), "status": item.status, "progress": item.progress})
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if "progress" in request.POST:
            progress = ProgressForm(request.POST)
            if progress.is_valid():
                data = progress.cleaned_data
                try:
                    plans.progress_record(
                        measure=item,
                        on=data["on"],
                        status=data["status"],
                        progress=data["progress"],
                        note=data["note"],
                        evidence=data["evidence"],
                        by=request.user,
                        request=request,
                    )
                except ValidationError as error:
                    refuse_on_form(progress, error)
                else:
                    messages.success(request, _("The progress is recorded."))
                    return redirect("companies:measure", slug=company.slug, pk=item.pk)
        else:
            form = MeasureForm(request.POST)
            if form.is_valid():
                try:
                    plans.measure_change(measure=item, data=form.data_for_service(), by=request.user, request=request)
                except ValidationError as error:
                    refuse_on_form(form, error)
                else:
                    messages.success(request, _("The measure is saved."))
                    return redirect("companies:measure", slug=company.slug, pk=item.pk)
        status = 400
    context = {
        "company": company,
        "item": item,
        "entry": BY_CODE.get(item.measure),
        "updates": selectors.measure_updates(item),
        "form": form,
        "progress_form": progress,
        "can_edit": can_edit,
    }
    return render(request, "companies/measure.html", context, status=status)


@login_required
@require_safe
def plan_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_viewing(request.user, slug)
    current = selectors.plan_of_company(company)
    context = {
        "company": company,
        "plan": current,
        "rows": _rows(current),
        "summary": plans.plan_summary(current),
        "generated_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    return pdf_response("companies/plan_pdf.html", context, f"piano-conciliazione-{company.slug}", request)
