"""The family-friendly label (company, staff, public register) and the Manifesto pages."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.companies import access, label, selectors
from sinergie.companies.forms import (
    LabelDecisionForm,
    LabelRequestForm,
    ManifestoForm,
    RevokeForm,
    SchemeForm,
    SignForm,
)
from sinergie.companies.models import LabelState
from sinergie.lib.errors import refuse_on_form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_label(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_referent(request.user, slug)
    schemes = selectors.label_schemes_of_company(company)
    opens_on = {scheme.pk: label.request_opens_on(scheme, company) for scheme in schemes}
    requestable = schemes.filter(pk__in=[pk for pk, day in opens_on.items() if day is None])
    form = LabelRequestForm(request.POST or None, schemes=requestable)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                label.label_request(
                    scheme=form.cleaned_data["scheme"],
                    company=company,
                    declaration=form.cleaned_data["declaration"],
                    evidence=form.cleaned_data["evidence"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("The request is sent: the alliance's staff will verify it."))
                return redirect("companies:label", slug=company.slug)
        status = 400
    english = get_language() == "en"
    rows = [
        {
            "scheme": scheme,
            "criteria": (scheme.criteria_en if english and scheme.criteria_en else scheme.criteria_it),
            "checks": label.criteria_check(scheme, company),
            "current": label.current_label(scheme, company),
            "waiting": opens_on[scheme.pk] == datetime.date.max,
            "renewal_from": opens_on[scheme.pk] if opens_on[scheme.pk] != datetime.date.max else None,
        }
        for scheme in schemes
    ]
    history = selectors.label_awards_of_company(company)
    context = {
        "company": company,
        "rows": rows,
        "form": form if requestable.exists() else None,
        "history": history,
    }
    return render(request, "companies/label.html", context, status=status)


@login_required
@require_safe
def staff_labels(request: HttpRequest) -> HttpResponse:
    alliances = access.label_desk_alliances(request.user)
    awards = access.label_awards_for_staff(request.user)
    context = {
        "waiting": awards.filter(state=LabelState.SUBMITTED),
        "decided": awards.exclude(state=LabelState.SUBMITTED)[:100],
        "alliances": alliances,
    }
    return render(request, "companies/staff_labels.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_label(request: HttpRequest, pk: int) -> HttpResponse:
    award = access.label_award_for_staff(request.user, pk)
    form = LabelDecisionForm(request.POST if "decision" in request.POST else None)
    revoke = RevokeForm(request.POST if "reason" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "reason" in request.POST and revoke.is_valid():
                label.label_revoke(award=award, reason=revoke.cleaned_data["reason"], by=request.user, request=request)
                messages.success(request, _("The label is revoked."))
                return redirect("companies:staff-label", pk=award.pk)
            if "decision" in request.POST and form.is_valid():
                label.label_decide(
                    award=award,
                    accept=form.cleaned_data["decision"] == "accept",
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("The decision is saved and the company can see it."))
                return redirect("companies:staff-label", pk=award.pk)
        except ValidationError as error:
            refuse_on_form(revoke if "reason" in request.POST else form, error)
        status = 400
    context = {
        "award": award,
        "checks": label.criteria_check(award.scheme, award.company),
        "form": form,
        "revoke": revoke,
    }
    return render(request, "companies/staff_label.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scheme_edit(request: HttpRequest, alliance: str) -> HttpResponse:
    found = access.alliance_for_staff(request.user, alliance)
    scheme = selectors.label_scheme_of_alliance(found)
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        before = {} if scheme.pk is None else {f: getattr(scheme, f) for f in form.fields}
        saved = form.save()
        from sinergie.audit.services import audit_record

        after = {f: getattr(saved, f) for f in form.fields}
        audit_record(
            actor=request.user, action="companies.label_scheme", obj=saved, before=before, after=after, request=request
        )
        messages.success(request, _("The label's rules are saved."))
        return redirect("companies:staff-labels")
    status = 400 if request.method == "POST" else 200
    return render(request, "companies/scheme_edit.html", {"alliance": found, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manifesto_edit(request: HttpRequest, alliance: str) -> HttpResponse:
    found = access.alliance_for_staff(request.user, alliance)
    manifesto = selectors.manifesto_of_alliance(found)
    form = ManifestoForm(request.POST or None, instance=manifesto)
    if request.method == "POST" and form.is_valid():
        from sinergie.audit.services import audit_record

        saved = form.save()
        audit_record(
            actor=request.user, action="companies.manifesto_save", obj=saved, after={"published": saved.published}
        )
        messages.success(request, _("The Manifesto is saved."))
        return redirect("companies:manifesto", alliance=found.organization.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "companies/manifesto_edit.html", {"alliance": found, "form": form}, status=status)


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    return render(request, "companies/register.html", {"awards": label.public_register()})


@require_http_methods(["GET", "HEAD", "POST"])
def manifesto(request: HttpRequest, alliance: str) -> HttpResponse:
    text, staff = access.manifesto_for_reader(request.user, alliance)
    found = text.alliance
    signers = label.organizations_that_can_sign(request.user, text) if text.published else []
    form = SignForm(request.POST or None, organizations=selectors.organizations_among(signers))
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{request.build_absolute_uri('/account/login/')}?next={request.path}")
        if form.is_valid():
            try:
                label.manifesto_sign(
                    manifesto=text,
                    organization=form.cleaned_data["organization"],
                    commitment=form.cleaned_data["commitment"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                refuse_on_form(form, error)
            else:
                messages.success(request, _("Thank you: your organization has signed the Manifesto."))
                return redirect("companies:manifesto", alliance=found.organization.slug)
        status = 400
    english = get_language() == "en"
    context = {
        "alliance": found,
        "manifesto": text,
        "title": text.title_en if english and text.title_en else text.title_it,
        "text": text.text_en if english and text.text_en else text.text_it,
        "signatures": selectors.manifesto_signatures(text),
        "form": form if signers else None,
        "staff": staff,
        "today": timezone.localdate(),
    }
    return render(request, "companies/manifesto.html", context, status=status)
