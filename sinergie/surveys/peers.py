"""The benchmark of similar companies: a yearly, frozen figure shared by every company of a group.

Rules (docs/architecture.md, "Needs surveys"):
- a group is the companies of one size band, or of one ATECO section when the size band has
  fewer than `MIN_COMPANIES` contributing companies; a company contributes to year Y when its
  campaigns made from the template that closed in Y (Rome time) have at least K released answers;
- the figures of (template, year, basis, group) are computed once, after the year is over, and
  stored (`PeerSnapshot`): every company of the group, its own campaign included, sees the same
  figures, and they never change — so benchmark(A) − benchmark(B) is zero and no later snapshot
  can be subtracted from an earlier one;
- a variable is compared only when `MIN_COMPANIES` companies contribute to it; counts are
  suppressed like a one-way table (no cell under K, complementary cells) and then only
  percentages rounded to the nearest `PERCENT_STEP` are published, with the number of
  respondents rounded down to a multiple of ten: no exact count leaves the snapshot;
- nothing names a company.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sinergie.companies.models import CompanyProfile
from sinergie.organizations.models import OrganizationKind
from sinergie.surveys import services, suppression
from sinergie.surveys.models import Campaign, PeerSnapshot, Survey
from sinergie.surveys.report import K, engine_for

MIN_COMPANIES = 5
TEMPLATE_DEPTH = 5
PERCENT_STEP = 5
BASES = ("size_band", "ateco_section")


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


def _rome_year(moment: Any) -> int:
    return timezone.localtime(moment).year


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of `year` and of the next, in Rome."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _year_campaigns(key: str, year: int) -> list[Campaign]:
    """The companies' campaigns from the template that closed in `year` (Rome), each released."""
    start, end = _year_bounds(year)
    campaigns = (
        Campaign.objects.filter(
            _from_template(key),
            organization__kind=OrganizationKind.COMPANY,
            closes_at__gte=start,
            closes_at__lt=min(end, timezone.now()),
        )
        .select_related("survey", "organization")
        .order_by("pk")
    )
    return [services.campaign_release(c) for c in campaigns]


def _round(percent: float) -> int:
    return int(PERCENT_STEP * round(percent / PERCENT_STEP))


def _compute(key: str, year: int, basis: str, group: str) -> dict[str, Any] | None:
    """The group's figures for the year, or None when fewer than MIN_COMPANIES contribute."""
    members = set(
        CompanyProfile.objects.filter(**{basis: group}, organization__kind=OrganizationKind.COMPANY).values_list(
            "organization_id", flat=True
        )
    )
    engines_by_company: dict[int, list[Any]] = defaultdict(list)
    for campaign in _year_campaigns(key, year):
        if campaign.organization_id in members:
            engine = engine_for(campaign)
            if engine.n:
                engines_by_company[campaign.organization_id].append(engine)
    contributing = {c: e for c, e in engines_by_company.items() if sum(engine.n for engine in e) >= K}
    if len(contributing) < MIN_COMPANIES:
        return None
    counts: dict[str, list[int]] = {}
    categories: dict[str, list[str]] = {}
    companies_by_variable: dict[str, set[int]] = defaultdict(set)
    for company, engines in sorted(contributing.items()):
        for engine in engines:
            for vkey, variable in engine.variables.items():
                values = [v for v, _label in variable.categories]
                if categories.setdefault(vkey, values) != values:
                    continue  # a copy that changed this question's answers: not comparable
                row = engine.counts(vkey)
                total = counts.setdefault(vkey, [0] * len(row))
                counts[vkey] = [a + b for a, b in zip(total, row, strict=True)]
                companies_by_variable[vkey].add(company)
    variables: dict[str, Any] = {}
    for vkey, values in counts.items():
        if len(companies_by_variable[vkey]) < MIN_COMPANIES:
            continue
        population = sum(values)
        hidden = suppression.suppress_line(values, k=K)
        variables[vkey] = {
            "companies": len(companies_by_variable[vkey]),
            "categories": [
                {"value": value, "percent": None if i in hidden else _round(100 * values[i] / population)}
                for i, value in enumerate(categories[vkey])
            ],
        }
    if not variables:
        return None
    respondents = sum(engine.n for engines in contributing.values() for engine in engines)
    return {
        "basis": basis,
        "group": group,
        "year": year,
        "companies": len(contributing),
        "respondents": respondents - respondents % 10,
        "percent_step": PERCENT_STEP,
        "variables": variables,
    }


def snapshot(key: str, year: int, basis: str, group: str) -> dict[str, Any] | None:
    """The stored figures of a group and year, computing them the first time (after the year)."""
    if year >= _rome_year(timezone.now()):
        return None  # the year is not over: its campaigns are not all closed
    stored = PeerSnapshot.objects.filter(template_key=key, year=year, basis=basis, group=group).first()
    if stored is None:
        data = _compute(key, year, basis, group)
        try:
            with transaction.atomic():
                stored = PeerSnapshot.objects.create(template_key=key, year=year, basis=basis, group=group, data=data)
        except IntegrityError:  # computed at the same moment by another request: keep the first
            stored = PeerSnapshot.objects.get(template_key=key, year=year, basis=basis, group=group)
    return stored.data


def peer_benchmark(campaign: Campaign) -> dict[str, Any] | None:
    """The benchmark shown beside a company's campaign, or None when there is none to show.

    The latest complete year whose group (size band first, else ATECO section) has figures:
    {"basis", "group", "year", "companies", "respondents" (rounded down to 10), "percent_step",
     "variables": {key: {"companies": n, "categories": [{"value", "percent"}]}}}, None for a
    suppressed percentage. The same dictionary for every company of the group.
    """
    if campaign.organization.kind != OrganizationKind.COMPANY:
        return None
    key = template_key_of(campaign.survey)
    profile = CompanyProfile.objects.filter(organization_id=campaign.organization_id).first()
    if not key or profile is None:
        return None
    last_year = _rome_year(timezone.now()) - 1
    closings = Campaign.objects.filter(_from_template(key), closes_at__lt=_year_bounds(last_year)[1])
    years = [moment.year for moment in closings.datetimes("closes_at", "year", order="DESC")]
    for year in years:
        for basis in BASES:
            group = getattr(profile, basis)
            if group:
                data = snapshot(key, year, basis, group)
                if data is not None:
                    return data
    return None
