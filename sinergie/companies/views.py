"""Company pages (/aziende/): the profile, the ATECO search, requests to join alliances."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.companies import access, ateco_codes, selectors, services
from sinergie.companies.forms import AtecoSearchForm, DecisionForm, JoinRequestForm, ProfileForm
from sinergie.companies.models import JoinState
from sinergie.lib.errors import refusal_text, refuse_on_form


@login_required
@require_safe
def my_companies(request: HttpRequest) -> HttpResponse:
    companies = list(access.companies_of_referent(request.user).order_by("name"))
    if len(companies) == 1:
        return redirect("companies:profile", slug=companies[0].slug)
    return render(request, "companies/my_companies.html", {"companies": companies})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_viewing(request.user, slug)
    can_edit = access.is_referent(request.user, company)
    current = selectors.profile_of_company(company)
    search = AtecoSearchForm(request.GET or None)
    results = ateco_codes.search(search.cleaned_data["q"]) if search.is_valid() else []
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_save(
                    organization=company, data=form.data_for_service(), by=request.user, request=request
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("The company profile is saved."))
                return redirect("companies:profile", slug=company.slug)
        status = 400
    else:
        initial = ProfileForm.initial_for(current, company.vat_number)
        picked = request.GET.get("ateco", "").strip()
        if picked and ateco_codes.activity(picked):
            initial["ateco_code"] = picked  # chosen from the search results below
        form = ProfileForm(initial=initial)
    activity = ateco_codes.activity(current.ateco_code) if current and current.ateco_code else None
    context = {
        "company": company,
        "profile": current,
        "activity": activity,
        "form": form,
        "can_edit": can_edit,
        "search": search,
        "results": results,
        "searched": search.is_valid() and bool(search.cleaned_data["q"]),
    }
    if request.headers.get("HX-Request") and request.GET.get("q") is not None:
        return render(request, "companies/_ateco_results.html", context)
    return render(request, "companies/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alliances(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_referent(request.user, slug)
    partners = selectors.alliances_of_company(company)
    requests = selectors.join_requests_of_company(company)
    open_to = selectors.alliances_open_to_company(company)
    form = JoinRequestForm(request.POST or None, alliances=open_to)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.join_request_create(
                    company=company,
                    alliance=form.cleaned_data["alliance"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("The request is sent: the alliance's staff will answer."))
                return redirect("companies:alliances", slug=company.slug)
        status = 400
    context = {"company": company, "partners": partners, "requests": requests, "form": form}
    return render(request, "companies/alliances.html", context, status=status)


@login_required
@require_POST
def join_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = access.company_for_referent(request.user, slug)
    join = access.join_request_for_referent(request.user, company, pk)
    try:
        services.join_request_withdraw(join=join, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("companies:alliances", slug=company.slug)


@login_required
@require_safe
def join_requests(request: HttpRequest) -> HttpResponse:
    """The requests to join the alliances the user works for: pending first, then the decided ones."""
    found = access.join_requests_for_staff(request.user)
    pending = [join for join in found if join.state == JoinState.PENDING]
    decided = [join for join in found if join.state != JoinState.PENDING][:50]
    return render(request, "companies/join_requests.html", {"pending": pending, "decided": decided})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join = access.join_request_for_staff(request.user, pk)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.join_request_decide(
                    join=join,
                    accept=form.cleaned_data["decision"] == "accept",
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("The decision is saved and the company can see it."))
                return redirect("companies:join-requests")
        status = 400
    context = {"join": join, "form": form, "profile": selectors.profile_of_company(join.company)}
    return render(request, "companies/join_decide.html", context, status=status)
