"""Read queries of the companies app: what the pages show, with the joins they need.

Who may see them is decided before, in `companies/access.py`; these take the objects it returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from sinergie.companies.models import (
    Agreement,
    AgreementMember,
    CompanyProfile,
    ConciliationPlan,
    GoodPractice,
    JoinRequest,
    LabelAward,
    LabelScheme,
    Manifesto,
    ManifestoSignature,
    MeasureUpdate,
    Pairing,
    PairingMeeting,
    PlanMeasure,
    SelfAssessment,
    WitnessCompany,
)
from sinergie.organizations.models import Alliance, Organization, OrganizationKind

# --- Profile and alliances ---------------------------------------------------------------------


def profile_of_company(company: Organization) -> CompanyProfile | None:
    """The company's profile with its sites, None before the first save."""
    return CompanyProfile.objects.filter(organization=company).prefetch_related("sites").first()


def alliances_of_company(company: Organization) -> QuerySet[Alliance]:
    """The alliances the company is a partner of."""
    return Alliance.objects.filter(alliancepartner__organization=company).select_related("organization")


def alliances_open_to_company(company: Organization) -> QuerySet[Alliance]:
    """The alliances the company may ask to join (those it is not a partner of), by name."""
    partners = alliances_of_company(company)
    return (
        Alliance.objects.exclude(pk__in=partners.values("pk"))
        .select_related("organization")
        .order_by("organization__name")
    )


def join_requests_of_company(company: Organization) -> QuerySet[JoinRequest]:
    """The company's requests to join alliances, in every state."""
    return JoinRequest.objects.filter(company=company).select_related("alliance__organization")


# --- Self-assessment and plan ------------------------------------------------------------------


def plan_of_company(company: Organization) -> ConciliationPlan | None:
    """The company's conciliation plan, None before its first measure or goals."""
    return ConciliationPlan.objects.filter(company=company).first()


def planned_measure_codes(company: Organization) -> set[str]:
    """The catalogue codes of the measures already in the company's plan."""
    return set(PlanMeasure.objects.filter(plan__company=company).values_list("measure", flat=True))


def measure_updates(measure: PlanMeasure) -> QuerySet[MeasureUpdate]:
    """The progress recorded on a measure, with who recorded it."""
    return measure.updates.select_related("recorded_by")


def self_assessments_of_company(company: Organization, *, limit: int = 10) -> QuerySet[SelfAssessment]:
    """The company's latest self-assessments (the model's order), at most `limit`."""
    return company.self_assessments.all()[:limit]


# --- Label and Manifesto -----------------------------------------------------------------------


def label_schemes_of_company(company: Organization) -> QuerySet[LabelScheme]:
    """The label schemes of the alliances the company is a partner of."""
    return LabelScheme.objects.filter(alliance__alliancepartner__organization=company).select_related(
        "alliance__organization"
    )


def label_awards_of_company(company: Organization) -> QuerySet[LabelAward]:
    """Every label request of the company, in every state, with its scheme."""
    return LabelAward.objects.filter(company=company).select_related("scheme")


def label_scheme_of_alliance(alliance: Alliance) -> LabelScheme:
    """The alliance's label scheme, or a new unsaved one when it has none yet."""
    return LabelScheme.objects.filter(alliance=alliance).first() or LabelScheme(alliance=alliance)


def manifesto_of_alliance(alliance: Alliance) -> Manifesto:
    """The alliance's Manifesto, or a new unsaved one when it has none yet."""
    return Manifesto.objects.filter(alliance=alliance).first() or Manifesto(alliance=alliance)


def manifesto_signatures(manifesto: Manifesto) -> QuerySet[ManifestoSignature]:
    """Who signed the Manifesto, with the organizations."""
    return manifesto.signatures.select_related("organization")


def organizations_among(organizations: Iterable[Organization]) -> QuerySet[Organization]:
    """The given organizations as a queryset (for a form's choices)."""
    return Organization.objects.filter(pk__in=[organization.pk for organization in organizations])


# --- Witness companies, pairings, practices, agreements ----------------------------------------


def practices_published() -> list[GoodPractice]:
    """The published good practices of witness companies (at most 200)."""
    found = GoodPractice.objects.filter(published=True, company__witness__isnull=False).select_related("company")
    return list(found[:200])


def practices_of_company(company: Organization) -> QuerySet[GoodPractice]:
    """The good practices the company wrote, published or not."""
    return GoodPractice.objects.filter(company=company)


def is_witness(company: Organization) -> bool:
    """Whether any alliance marked the company as a witness."""
    return WitnessCompany.objects.filter(company=company).exists()


def witness_of(company: Organization, alliance: Alliance) -> WitnessCompany | None:
    """The alliance's mark of the company as a witness, None when it has none."""
    return WitnessCompany.objects.filter(company=company, alliance=alliance).first()


def witness_desk_sections(alliances: Iterable[Alliance]) -> list[dict[str, Any]]:
    """For each alliance: its partner companies (each with whether it is a witness), its latest
    pairings and agreements (at most 100 each)."""
    sections = []
    for alliance in alliances:
        companies = Organization.objects.filter(kind=OrganizationKind.COMPANY, alliancepartner__alliance=alliance)
        witnesses = set(WitnessCompany.objects.filter(alliance=alliance).values_list("company_id", flat=True))
        sections.append(
            {
                "alliance": alliance,
                "companies": [(c, c.pk in witnesses) for c in companies.order_by("name")],
                "pairings": Pairing.objects.filter(alliance=alliance).select_related("company", "witness")[:100],
                "agreements": Agreement.objects.filter(alliance=alliance)[:100],
            }
        )
    return sections


def pairings_asked_by(company: Organization) -> QuerySet[Pairing]:
    """The pairings the company asked for, with the witness and the alliance."""
    return Pairing.objects.filter(company=company).select_related("witness", "alliance__organization")


def pairings_witnessed_by(company: Organization) -> QuerySet[Pairing]:
    """The pairings where the company is (or was proposed as) the witness."""
    return Pairing.objects.filter(witness=company).select_related("company")


def witnesses_for_pairing(pairing: Pairing) -> QuerySet[Organization]:
    """The witness companies of the pairing's alliance, but the company that asked."""
    return Organization.objects.filter(witness__alliance=pairing.alliance).exclude(pk=pairing.company_id)


def pairing_meetings(pairing: Pairing) -> QuerySet[PairingMeeting]:
    """The meetings recorded for the pairing."""
    return pairing.meetings.all()


def agreements_listed() -> QuerySet[Agreement]:
    """The public list of inter-company agreements: the latest starting first, at most 200."""
    return Agreement.objects.select_related("alliance__organization", "provider").order_by("-starts_on")[:200]


def agreement_members(agreement: Agreement) -> QuerySet[AgreementMember]:
    """The companies in the agreement."""
    return agreement.members.select_related("company")


def providers_of_alliance(alliance: Alliance) -> QuerySet[Organization]:
    """The providers that are partners of the alliance (who may offer an agreement's places)."""
    return Organization.objects.filter(kind=OrganizationKind.PROVIDER, alliancepartner__alliance=alliance)
