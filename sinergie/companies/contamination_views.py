"""Witness companies, good practices, pairings and inter-company agreements (/aziende/...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.companies import access, contamination, selectors
from sinergie.companies.forms import (
    AgreementForm,
    JoinAgreementForm,
    MeetingForm,
    OutcomeForm,
    PairingAskForm,
    PracticeForm,
    ProposeForm,
)
from sinergie.companies.measures import BY_CODE
from sinergie.companies.models import PairingState
from sinergie.lib.errors import refusal_text, refuse_on_form


def _number(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else 0


@require_safe
def practices(request: HttpRequest) -> HttpResponse:
    """Public: the good practices of witness companies."""
    rows = [{"practice": p, "measure": BY_CODE.get(p.measure)} for p in selectors.practices_published()]
    return render(request, "companies/practices.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_home(request: HttpRequest) -> HttpResponse:
    alliances = access.witness_desk_alliances(request.user)
    if request.method == "POST":
        alliance, company = access.witness_desk_target(
            request.user, _number(request.POST.get("alliance")), _number(request.POST.get("company"))
        )
        try:
            if request.POST.get("action") == "unmark":
                witness = selectors.witness_of(company, alliance)
                if witness is None:
                    raise Http404
                contamination.witness_unmark(witness=witness, by=request.user, request=request)
            else:
                contamination.witness_mark(alliance=alliance, company=company, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("Saved."))
        return redirect("companies:witness-staff")
    sections = selectors.witness_desk_sections(alliances)
    return render(request, "companies/witness_staff.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_pairing(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_referent(request.user, slug)
    alliances = selectors.alliances_of_company(company)
    is_witness = selectors.is_witness(company)
    ask = PairingAskForm(request.POST if "wish" in request.POST else None, alliances=alliances)
    practice = PracticeForm(request.POST if "problem" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "wish" in request.POST and ask.is_valid():
                contamination.pairing_ask(
                    alliance=ask.cleaned_data["alliance"],
                    company=company,
                    wish=ask.cleaned_data["wish"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("The request is sent: the alliance will propose a witness company."))
                return redirect("companies:pairing-company", slug=company.slug)
            if "problem" in request.POST and practice.is_valid():
                data = practice.cleaned_data
                contamination.practice_publish(
                    company=company,
                    data=contamination.PracticeData(
                        data["title"],
                        data["problem"],
                        data["measure"],
                        data["description"],
                        data["result"],
                        data.get("cost") or 0,
                    ),
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("The practice is published."))
                return redirect("companies:pairing-company", slug=company.slug)
        except ValidationError as error:
            refuse_on_form(ask if "wish" in request.POST else practice, error)
        status = 400
    context = {
        "company": company,
        "ask": ask,
        "practice_form": practice if is_witness else None,
        "mine": selectors.pairings_asked_by(company),
        "accompanied": selectors.pairings_witnessed_by(company),
        "practices": selectors.practices_of_company(company),
    }
    return render(request, "companies/pairing_company.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pairing(request: HttpRequest, pk: int) -> HttpResponse:
    found, roles = access.pairing_roles(request.user, pk)
    action = request.POST.get("action", "")
    witnesses = selectors.witnesses_for_pairing(found)
    propose = ProposeForm(request.POST if action == "propose" else None, witnesses=witnesses)
    meeting = MeetingForm(request.POST if action == "meeting" else None)
    outcome = OutcomeForm(request.POST if action == "complete" else None)
    status = 200
    if request.method == "POST":
        if not access.may_act_on_pairing(roles, action):
            return HttpResponse(status=403)
        try:
            if action == "propose" and propose.is_valid():
                contamination.pairing_propose(
                    pairing=found,
                    witness=propose.cleaned_data["witness"],
                    why=propose.cleaned_data["why"],
                    by=request.user,
                    request=request,
                )
                return redirect("companies:pairing", pk=found.pk)
            if action in ("accept", "decline"):
                contamination.pairing_answer(pairing=found, accept=action == "accept", by=request.user, request=request)
                return redirect("companies:pairing", pk=found.pk)
            if action == "meeting" and meeting.is_valid():
                contamination.meeting_record(
                    pairing=found, on=meeting.cleaned_data["on"], notes=meeting.cleaned_data["notes"], by=request.user
                )
                return redirect("companies:pairing", pk=found.pk)
            if action == "complete" and outcome.is_valid():
                contamination.pairing_complete(
                    pairing=found, outcome=outcome.cleaned_data["outcome"], by=request.user, request=request
                )
                return redirect("companies:pairing", pk=found.pk)
        except ValidationError as error:
            target = {"propose": propose, "meeting": meeting, "complete": outcome}.get(action)
            if target is None:
                messages.error(request, refusal_text(error))
                return redirect("companies:pairing", pk=found.pk)
            refuse_on_form(target, error)
        status = 400
    context = {
        "pairing": found,
        "roles": roles,
        "candidates": contamination.pair_candidates(found) if access.may_act_on_pairing(roles, "propose") else [],
        "propose": propose,
        "meeting_form": meeting,
        "outcome_form": outcome,
        "meetings": selectors.pairing_meetings(found),
        "can_complete": found.state == PairingState.ACTIVE and access.may_act_on_pairing(roles, "complete"),
    }
    return render(request, "companies/pairing.html", context, status=status)


@require_safe
def agreements(request: HttpRequest) -> HttpResponse:
    """Public: the inter-company agreements, with places left."""
    rows = [{"agreement": a, "left": a.capacity - contamination.places_taken(a)} for a in selectors.agreements_listed()]
    staff = access.staff_alliances(request.user).select_related("organization")
    return render(request, "companies/agreements.html", {"rows": rows, "staff_alliances": staff})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_new(request: HttpRequest, alliance: str) -> HttpResponse:
    found = access.alliance_for_staff(request.user, alliance)
    providers = selectors.providers_of_alliance(found)
    form = AgreementForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = contamination.agreement_create(
                alliance=found,
                data=contamination.AgreementData(
                    data["title"],
                    data["kind"],
                    data["description"],
                    data["capacity"],
                    data["starts_on"],
                    data["ends_on"],
                    data["provider"],
                ),
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            messages.success(request, _("The agreement is created: partner companies can now take places."))
            return redirect("companies:agreement", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "companies/agreement_new.html", {"alliance": found, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.agreement_get(pk)
    companies = access.companies_joining_agreement(request.user, found)
    form = JoinAgreementForm(request.POST or None, companies=companies)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        if form.is_valid():
            try:
                contamination.agreement_join(
                    agreement=found,
                    company=form.cleaned_data["company"],
                    places=form.cleaned_data["places"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("Your company is in the agreement."))
                return redirect("companies:agreement", pk=found.pk)
        status = 400
    context = {
        "agreement": found,
        "members": selectors.agreement_members(found),
        "left": found.capacity - contamination.places_taken(found),
        "form": form if companies.exists() else None,
    }
    return render(request, "companies/agreement.html", context, status=status)
