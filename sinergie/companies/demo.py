"""The demo's companies: a profile for each fictitious company of the demo alliances (sector,
size, workforce, a site in its town) and one request to join an alliance waiting for staff.
No VAT number: a well-formed one could belong to a real company."""

from __future__ import annotations

from django.db import transaction

from sinergie.accounts.models import User
from sinergie.companies import services
from sinergie.companies.models import JoinRequest
from sinergie.companies.services import ProfileData
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role

# (name begins with, ATECO 2025 code, women, men): invented figures for invented companies.
PROFILES = [
    ("Officine Meccaniche", "25.53.00", 14, 71),
    ("Logistica", "52.10.10", 96, 168),
    ("Studio Grafico", "74.12.01", 5, 2),
]
ASKING_SLUG = "studio-grafico-sud-est-demo"
ASKED_ALLIANCE_SLUG = "adda-martesana"


@transaction.atomic
def companies_demo_load() -> None:
    admin = User.objects.filter(is_superuser=True, email__endswith="@demo.sinergie.invalid").first()
    companies = Organization.objects.filter(kind=OrganizationKind.COMPANY, is_demo=True)
    for company in companies:
        spec = next((p for p in PROFILES if company.name.startswith(p[0])), None)
        if spec is None or hasattr(company, "company_profile"):
            continue
        referent = Membership.objects.filter(organization=company, role=Role.COMPANY_REFERENT).first()
        by = referent.user if referent else admin
        if by is None:
            return  # the accounts are not there (tests that load parts of the demo)
        _prefix, code, women, men = spec
        sites = [company.municipality] if company.municipality_id else []
        data = ProfileData(ateco_code=code, workforce_women=women, workforce_men=men, sites=sites)
        services.profile_save(organization=company, data=data, by=by)
    asking = Organization.objects.filter(slug=ASKING_SLUG).first()
    alliance = Alliance.objects.filter(organization__slug=ASKED_ALLIANCE_SLUG).first()
    if asking and alliance and admin and not JoinRequest.objects.filter(company=asking, alliance=alliance).exists():
        services.join_request_create(
            company=asking,
            alliance=alliance,
            message="Richiesta fittizia della demo: abbiamo una seconda sede a Melzo.",
            by=admin,
        )
