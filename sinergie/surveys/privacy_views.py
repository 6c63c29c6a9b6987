"""The public page that tells respondents, in plain words, how their answers are protected."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    # No login and no campaign: the same text for every questionnaire, so the page can be
    # read before answering and reveals nothing about who opened which link.
    return render(request, "surveys/privacy.html")
