"""The demo's companies: a profile for each fictitious company of the demo alliances (sector,
size, workforce, a site in its town) and one request to join an alliance waiting for staff.
No VAT number: a well-formed one could belong to a real company."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.companies import plans, services
from sinergie.companies.models import ConciliationPlan, JoinRequest
from sinergie.companies.plans import MeasureData
from sinergie.companies.services import ProfileData
from sinergie.organizations.models import Alliance, Membership, Organization, OrganizationKind, Role

# (name begins with, ATECO 2025 code, women, men): invented figures for invented companies.
PROFILES = [
    ("Officine Meccaniche", "25.53.00", 46, 184),
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
    plan_demo_load()
    assessments_demo_load(companies, admin)
    label_demo_load(admin)
    witness_demo_load()


PLAN_SLUG = "officine-meccaniche-martesana-srl-demo"
# (measure, target, owner, months from the start of the year, cost in cents, status, progress)
PLAN_MEASURES = [
    ("flexible_hours", "Ingresso tra le 7:30 e le 9:30 per tutti gli impiegati", "Ufficio del personale", 0, 0,
     "done", 100),
    ("camp_agreement", "20 posti ai centri estivi per i figli dei turnisti", "Direzione", 3, 800_000,
     "in_progress", 50),
    ("hour_bank", "Banca delle ore per il reparto produzione", "Ufficio del personale", 6, 150_000, "planned", 0),
]  # fmt: skip


def plan_demo_load(company_slug: str = PLAN_SLUG) -> None:
    """The demo referent's company has a plan with three measures at different stages."""
    from sinergie.organizations.models import Organization

    company = Organization.objects.filter(slug=company_slug).first()
    referent = Membership.objects.filter(organization=company, role=Role.COMPANY_REFERENT).first()
    if company is None or referent is None or ConciliationPlan.objects.filter(company=company).exists():
        return
    year = timezone.localdate().year
    plans.goals_save(
        company=company,
        goals="Piano fittizio della demo: meno assenze d'estate e orari compatibili con la scuola.",
        by=referent.user,
    )
    for code, target, owner, month, cost, status, progress in PLAN_MEASURES:
        start = datetime.date(year, month + 1, 1)
        data = MeasureData(code, target, owner, start, datetime.date(year, 12, 31), cost, "Rilevazione dei bisogni")
        measure = plans.measure_add(company=company, data=data, by=referent.user)
        if status != "planned":
            plans.progress_record(
                measure=measure,
                on=min(timezone.localdate(), start),
                status=status,
                progress=progress,
                note="",
                evidence="Comunicazione ai lavoratori (demo)" if status == "done" else "",
                by=referent.user,
            )


def assessments_demo_load(companies: Any, admin: Any) -> None:
    """Each demo company has done the self-assessment, with invented answers (fixed seed)."""
    import random

    from sinergie.companies import assessment
    from sinergie.companies.models import SelfAssessment

    rng = random.Random(2026)  # noqa: S311 - invented answers, not secrets
    for company in companies.order_by("slug"):
        answers = {q.code: rng.choice([0, 1, 1, 2, 2, 3]) for q in assessment.QUESTIONS}
        if SelfAssessment.objects.filter(company=company).exists():
            continue
        referent = Membership.objects.filter(organization=company, role=Role.COMPANY_REFERENT).first()
        by = referent.user if referent else admin
        if by is not None:
            assessment.assessment_submit(company=company, raw=answers, by=by)


MANIFESTO_TEXT = (
    "Testo fittizio della demo.\n\n"
    "Le organizzazioni che firmano questo Manifesto si impegnano a:\n"
    "1. ascoltare i bisogni di conciliazione di chi lavora, con rilevazioni anonime;\n"
    "2. adottare almeno una misura concreta all'anno (orari flessibili, banca delle ore, smart working, servizi);\n"
    "3. far conoscere a tutte e tutti le misure e i servizi del territorio;\n"
    "4. condividere le buone pratiche con le altre aziende dell'alleanza."
)


def label_demo_load(admin: Any) -> None:
    """The Martesana alliance's label and Manifesto; the demo referent's company is labelled."""
    from sinergie.companies import label
    from sinergie.companies.models import LabelAward, LabelScheme, Manifesto

    alliance = Alliance.objects.filter(organization__slug=ASKED_ALLIANCE_SLUG).first()
    company = Organization.objects.filter(slug=PLAN_SLUG).first()
    staff = Membership.objects.filter(organization__slug=ASKED_ALLIANCE_SLUG, role=Role.ALLIANCE_STAFF).first()
    referent = Membership.objects.filter(organization=company, role=Role.COMPANY_REFERENT).first()
    if alliance is None or company is None or staff is None or referent is None:
        return
    scheme, _created = LabelScheme.objects.get_or_create(
        alliance=alliance,
        defaults={
            "name": "Azienda amica della famiglia (demo)",
            "criteria_it": "Criteri fittizi della demo: un piano con almeno 3 misure, l'autovalutazione, "
            "una rilevazione dei bisogni negli ultimi 24 mesi.",
            "criteria_en": "Fictitious criteria of the demo: a plan with at least 3 measures, the self-assessment, "
            "a needs survey in the last 24 months.",
        },
    )
    if not LabelAward.objects.filter(scheme=scheme, company=company).exists():
        award = label.label_request(
            scheme=scheme,
            company=company,
            declaration="Dichiarazione fittizia della demo: piano di conciliazione in corso con tre misure.",
            evidence="Accordo sindacale sugli orari flessibili (documento fittizio).",
            by=referent.user,
        )
        label.label_decide(award=award, accept=True, note="Verificato sui documenti (demo).", by=staff.user)
    manifesto, created = Manifesto.objects.get_or_create(
        alliance=alliance,
        defaults={
            "title_it": "Manifesto per la conciliazione della Martesana (demo)",
            "title_en": "Martesana work-life balance Manifesto (demo)",
            "text_it": MANIFESTO_TEXT,
            "published": True,
        },
    )
    if created:
        label.manifesto_sign(
            manifesto=manifesto, organization=company, commitment="Orari flessibili per tutti", by=referent.user
        )


def witness_demo_load() -> None:
    """A witness company with a practice, a small company paired with it, a shared agreement."""
    from sinergie.companies import contamination
    from sinergie.companies.models import Agreement, GoodPractice, Pairing, WitnessCompany

    alliance = Alliance.objects.filter(organization__slug=ASKED_ALLIANCE_SLUG).first()
    witness = Organization.objects.filter(slug="logistica-martesana-spa-demo").first()
    small = Organization.objects.filter(slug="studio-grafico-martesana-demo").first()
    labelled = Organization.objects.filter(slug=PLAN_SLUG).first()
    provider = Organization.objects.filter(slug="centro-estivo-arcobaleno-martesana-demo").first()
    staff = Membership.objects.filter(organization__slug=ASKED_ALLIANCE_SLUG, role=Role.ALLIANCE_STAFF).first()
    if None in (alliance, witness, small, labelled, staff):
        return
    # Once told, the story is the users': after they unmark the witness or decline the pairing, a
    # second run must neither fail on what is left nor tell it again.
    told = (
        WitnessCompany.objects.filter(company=witness).exists()
        or GoodPractice.objects.filter(company=witness).exists()
        or Pairing.objects.filter(company=small).exists()
    )
    if told:
        return
    by = staff.user
    contamination.witness_mark(alliance=alliance, company=witness, by=by)
    contamination.practice_publish(
        company=witness,
        data=contamination.PracticeData(
            title="Turni decisi con chi ha figli piccoli (demo)",
            problem="I turni del magazzino cambiavano ogni settimana e i genitori non riuscivano a organizzarsi.",
            measure="flexible_hours",
            description="Turni pubblicati con quattro settimane di anticipo e scambi tra colleghi su una bacheca.",
            result="Assenze impreviste dimezzate in un anno (dato fittizio).",
            cost_cents=0,
        ),
        by=by,
    )
    pairing = contamination.pairing_ask(
        alliance=alliance, company=small, wish="Come organizzare lo smart working in uno studio piccolo.", by=by
    )
    contamination.pairing_propose(pairing=pairing, witness=witness, why="Esperienza nei turni (demo)", by=by)
    if not Agreement.objects.filter(alliance=alliance).exists():
        year = timezone.localdate().year + 1
        agreement = contamination.agreement_create(
            alliance=alliance,
            data=contamination.AgreementData(
                title="Posti estivi condivisi (demo)",
                kind="holiday_camp",
                description="Accordo fittizio: posti riservati al centro estivo per i figli dei dipendenti.",
                capacity=40,
                starts_on=datetime.date(year, 6, 15),
                ends_on=datetime.date(year, 9, 4),
                provider=provider,
            ),
            by=by,
        )
        contamination.agreement_join(agreement=agreement, company=witness, places=20, by=by)
        contamination.agreement_join(agreement=agreement, company=labelled, places=12, by=by)
