"""The organisational self-assessment (/aziende/<slug>/autovalutazione/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergie.companies import access, assessment, selectors
from sinergie.companies.measures import AREAS


def _sections(values: dict, errors: dict) -> list[dict]:
    return [
        {
            "area": area,
            "label": label,
            "questions": [
                {
                    "question": q,
                    "value": str(values.get(q.code, "")),
                    "error": errors.get(q.code, ""),
                }
                for q in assessment.QUESTIONS
                if q.area == area
            ],
        }
        for area, label in AREAS.items()
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment(request: HttpRequest, slug: str) -> HttpResponse:
    company = access.company_for_viewing(request.user, slug)
    can_edit = access.is_referent(request.user, company)
    current = assessment.latest(company)
    errors: dict[str, str] = {}
    values: dict = dict(current.answers) if current else {}
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        values = {q.code: request.POST.get(q.code, "") for q in assessment.QUESTIONS}
        try:
            assessment.assessment_submit(company=company, raw=values, by=request.user, request=request)
        except assessment.AssessmentError as error:
            errors = error.errors
        else:
            messages.success(request, _("The self-assessment is saved: here are your scores."))
            return redirect("companies:assessment", slug=company.slug)
    answering = bool(errors) or (can_edit and (current is None or request.GET.get("nuova") == "1"))
    planned = selectors.planned_measure_codes(company)
    context = {
        "company": company,
        "can_edit": can_edit,
        "answering": answering,
        "sections": _sections(values, errors),
        "levels": assessment.LEVELS,
        "errors": [(code, assessment.BY_CODE[code].text, message) for code, message in errors.items()],
        "current": current,
        "scores": [(label, current.scores.get(area, 0), area) for area, label in AREAS.items()] if current else [],
        "peers": assessment.peers(company) if current else None,
        "recommendations": [
            (AREAS[area], measures) for area, measures in assessment.recommendations(current.scores, planned)
        ]
        if current
        else [],
        "history": selectors.self_assessments_of_company(company),
        "peers_minimum": assessment.PEERS_MINIMUM,
    }
    return render(request, "companies/assessment.html", context, status=400 if errors else 200)
