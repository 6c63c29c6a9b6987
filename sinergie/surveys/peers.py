"""The benchmark of similar companies: a company's answers beside the anonymous aggregate of
other companies' campaigns made from the same platform template.

Rules (docs/architecture.md, "Needs surveys"):
- peers are other companies (never the campaign's own) with the same size band, or, when fewer
  than `MIN_COMPANIES` of those contribute, the same ATECO section;
- a company contributes when its campaigns from the same template have at least K released
  responses, so no company's own figures are small;
- a variable is compared only when at least `MIN_COMPANIES` companies contribute to it, and its
  figures are suppressed like a report's one-way table (no cell under K, complementary cells);
- nothing names a company: the result holds counts, percentages and how many companies.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language

from sinergie.companies.models import CompanyProfile
from sinergie.organizations.models import OrganizationKind
from sinergie.surveys import suppression
from sinergie.surveys.models import Campaign, Response, Survey
from sinergie.surveys.report import K, engine_for

MIN_COMPANIES = 5
TEMPLATE_DEPTH = 5
MISSING = object()


def template_key_of(survey: Survey) -> str:
    """The key of the platform template the survey was copied from (through copies), or ""."""
    current: Survey | None = survey
    for _step in range(TEMPLATE_DEPTH):
        if current is None:
            return ""
        if current.template_key:
            return current.template_key
        current = current.copied_from
    return ""


def _from_template(key: str) -> Q:
    query = Q(survey__template_key=key)
    path = "survey"
    for _step in range(TEMPLATE_DEPTH - 1):
        path += "__copied_from"
        query |= Q(**{f"{path}__template_key": key})
    return query


def _released_by_campaign(key: str, companies: set[int]) -> dict[int, tuple[int, int]]:
    """{campaign id: (company id, released responses)} of the companies' campaigns from the template."""
    campaigns = Campaign.objects.filter(_from_template(key), organization_id__in=companies)
    rows = (
        Response.objects.filter(completed=True, released=True, campaign__in=campaigns)
        .values("campaign_id", "campaign__organization_id")
        .annotate(n=Count("id"))
    )
    return {r["campaign_id"]: (r["campaign__organization_id"], r["n"]) for r in rows}


def _contributing(released: dict[int, tuple[int, int]]) -> dict[int, list[int]]:
    """{company: its campaigns} for the companies with at least K released responses in all."""
    totals: dict[int, int] = defaultdict(int)
    campaigns: dict[int, list[int]] = defaultdict(list)
    for campaign_id, (company, count) in released.items():
        totals[company] += count
        campaigns[company].append(campaign_id)
    return {company: sorted(ids) for company, ids in campaigns.items() if totals[company] >= K}


def peer_benchmark(campaign: Campaign) -> dict[str, Any] | None:
    """The benchmark for a company's campaign, or None when there is none to show.

    {"basis": "size_band" | "ateco_section", "companies": n, "respondents": n,
     "variables": {key: {"companies": n, "respondents": n, "categories": [{"value", "count", "percent"}]}}}
    with None for a suppressed figure.
    """
    if campaign.organization.kind != OrganizationKind.COMPANY:
        return None
    key = template_key_of(campaign.survey)
    profile = CompanyProfile.objects.filter(organization_id=campaign.organization_id).first()
    if not key or profile is None:
        return None
    for basis in ("size_band", "ateco_section"):
        value = getattr(profile, basis)
        if not value:
            continue
        companies = set(
            CompanyProfile.objects.filter(**{basis: value}, organization__kind=OrganizationKind.COMPANY)
            .exclude(organization_id=campaign.organization_id)
            .values_list("organization_id", flat=True)
        )
        contributing = _contributing(_released_by_campaign(key, companies))
        if len(contributing) >= MIN_COMPANIES:
            return _aggregate(campaign, basis, contributing)
    return None


def _aggregate(campaign: Campaign, basis: str, contributing: dict[int, list[int]]) -> dict[str, Any] | None:
    signature = sorted((company, ids) for company, ids in contributing.items())
    peers = list(
        Campaign.objects.select_related("survey")
        .filter(pk__in=[i for _c, ids in signature for i in ids])
        .order_by("pk")
    )
    released = Response.objects.filter(completed=True, released=True, campaign__in=peers).count()
    # Salts are random per campaign: the key changes with any other campaign, even one reusing an id.
    state = (campaign.pk, campaign.salt, basis, tuple(signature), tuple(p.salt for p in peers), released)
    cache_key = f"surveys:peers:{hashlib.sha256(repr(state).encode()).hexdigest()}:{get_language()}"
    found = cache.get(cache_key, MISSING)
    if found is not MISSING:
        return found
    by_pk = {p.pk: p for p in peers}
    own = engine_for(campaign).variables
    counts: dict[str, list[int]] = {}
    companies_by_variable: dict[str, set[int]] = defaultdict(set)
    for company, ids in signature:
        for campaign_id in ids:
            engine = engine_for(by_pk[campaign_id])
            if engine.n == 0:
                continue
            for vkey, variable in own.items():
                other = engine.variables.get(vkey)
                if other is None or [v for v, _l in other.categories] != [v for v, _l in variable.categories]:
                    continue
                values = engine.counts(vkey, frozenset())
                total = counts.setdefault(vkey, [0] * len(values))
                counts[vkey] = [a + b for a, b in zip(total, values, strict=True)]
                companies_by_variable[vkey].add(company)
    variables: dict[str, Any] = {}
    for vkey, values in counts.items():
        if len(companies_by_variable[vkey]) < MIN_COMPANIES:
            continue
        population = sum(values)
        hidden = suppression.suppress_line(values, k=K)
        variables[vkey] = {
            "companies": len(companies_by_variable[vkey]),
            "respondents": population,
            "categories": [
                {
                    "value": value,
                    "count": None if i in hidden else values[i],
                    "percent": None if i in hidden or not population else round(100 * values[i] / population, 1),
                }
                for i, (value, _label) in enumerate(own[vkey].categories)
            ],
        }
    result = None
    if variables:
        result = {
            "basis": basis,
            "companies": len(contributing),
            "respondents": released,
            "variables": variables,
        }
    cache.set(cache_key, result, timeout=3600)
    return result
