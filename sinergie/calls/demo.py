"""Fictitious calls for the demo: an open call of worker vouchers, a closed one whose vouchers are
in use, and a call of incentives for companies (one fictitious company's application with its
plan, grant agreement, report and payment), all of the Adda Martesana alliance.

Every title says "(demo)", every beneficiary is a demo account (`@demo.sinergie.invalid`), and
the money moves through the real services (publication, issue, redemption), so the ledger of
the demo balances like any other. Dates are relative to the day of loading, so the open call is
open whenever the demo is loaded. Idempotent: a call found by its title is left as it is.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.calls import services
from sinergie.calls.applications.services import (
    application_save,
    application_start,
    application_submit,
    document_attach,
    required_documents,
)
from sinergie.calls.design import CallData, call_create
from sinergie.calls.evaluation.ranking import ranking_publish
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design, vouchers_issue_from_ranking
from sinergie.calls.grants import services as company_incentives
from sinergie.calls.models import Call, CallKind
from sinergie.directory.models import ModerationState, Schedule, Service, ServiceAtLocation, TaxonomyTerm
from sinergie.organizations.models import Alliance, Membership, Organization, Role

# A one-page blank PDF: what the fictitious applicants attach for each required document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ALLIANCE_SLUG = "adda-martesana"
PROVIDER_SLUG = "cooperativa-sociale-il-girotondo-martesana-demo"
DOMAIN = "demo.sinergie.invalid"
CITIZEN = f"cittadina@{DOMAIN}"
STAFF = f"alleanza@{DOMAIN}"
CAMP_CATEGORIES = ["holiday_camps", "after_school", "school_time", "babysitting"]
# What the closed call's applicants declared (the demo citizen first): all meet its rules.
DEMO_ANSWERS: list[dict[str, Any]] = [
    {"lives_in": lives_in, "children_ages": ages, "isee_cents": isee, "employment_status": "employee",
     "already_beneficiary": False, "gender": gender, "single_parent": single}
    for lives_in, ages, isee, gender, single in [
        ("Melzo", [7, 10], 1_250_000, "f", False),
        ("Cernusco sul Naviglio", [4], 820_000, "m", True),
        ("Melzo", [2, 6, 9], 1_900_000, "f", False),
        ("Gorgonzola", [12], 2_600_000, "f", True),
        ("Cernusco sul Naviglio", [8], 3_400_000, "m", False),
    ]
]  # fmt: skip
# Fictitious beneficiaries of the closed call, besides the demo citizen.
BENEFICIARIES = [("Davide", "Immaginario"), ("Elena", "Inventata"), ("Franco", "Ipotetico"), ("Irene", "Simulata")]


def _user(email: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
    if created:
        user.set_unusable_password()  # people of the story, not accounts to log in with
        user.save(update_fields=["password"])
    return user


COMPANY_SLUG = "logistica-martesana-spa-demo"
COMPANY_VAT = "02543210013"  # fictitious, with a valid check digit
COMPANY_REFERENT = f"referente.logistica@{DOMAIN}"


def _company_story(call: Call, staff: User, now: datetime.datetime) -> None:
    """A fictitious company applies with a plan, is granted, reports with a document and is paid."""
    company = Organization.objects.filter(slug=COMPANY_SLUG).first()
    if company is None:
        return
    referent = _user(COMPANY_REFERENT, "Roberta", "Immaginaria")
    Membership.objects.get_or_create(user=referent, organization=company, role=Role.COMPANY_REFERENT)
    today = services.rome_today(now)

    def day(offset: int) -> str:
        return (today + datetime.timedelta(days=offset)).isoformat()

    plan = {
        "vat_number": company.vat_number or COMPANY_VAT,
        "employees": 85,
        "measures": [
            {"code": "flexible_hours", "other": "", "cost_cents": 150_000, "start": day(-2), "end": day(180),
             "workers": 60},
            {"code": "smart_working", "other": "", "cost_cents": 280_000, "start": day(-2), "end": day(365),
             "workers": 35},
            {"code": "agreements", "other": "", "cost_cents": 120_000, "start": day(-1), "end": day(90),
             "workers": 20},
        ],
        "requested_cents": 450_000,
        "timeline": "Orari flessibili e smart working da subito; convenzione con il centro estivo per l'estate.",
    }  # fmt: skip
    application = company_incentives.incentive_apply(call=call, organization=company, by=referent)
    application = company_incentives.incentive_plan_save(application=application, plan=plan, by=referent)
    application = company_incentives.incentive_submit(application=application, by=referent)
    evaluations_compute(call=call, by=staff)  # no eligibility rules: admissible
    grant = company_incentives.grant_create(
        application=application,
        amount_cents=450_000,
        signed_at=today,
        conditions="Relazione finale con le fatture entro 12 mesi dalla firma.",
        by=staff,
    )
    company_incentives.grant_document_attach(
        grant=grant, name="Accordo di smart working (demo)", filename="accordo.pdf", content=DEMO_PDF, by=referent
    )
    done = {
        "flexible_hours": "Fascia di ingresso 7:30–9:30 per tutto il personale d'ufficio.",
        "smart_working": "Due giorni a settimana per 35 persone, con accordi individuali firmati.",
    }
    report = {code: {"done": text, "start": today, "end": today} for code, text in done.items()}
    grant = company_incentives.grant_report_send(grant=grant, report=report, by=referent)
    grant = company_incentives.grant_review(grant=grant, approve=True, note="", by=staff)
    grant = company_incentives.grant_payment_request(grant=grant, by=referent)
    grant = company_incentives.grant_payment_approve(grant=grant, by=staff)
    company_incentives.grant_pay(grant=grant, paid_on=today, reference="DEMO-TRN-0001", by=staff)


# A one-page blank PDF: the demo's attached document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# The rules of the demo's worker-voucher calls, as staff would enter them in the call designer.
WORKER_RULES: dict[str, Any] = {
    "eligibility": [
        {"kind": "territory"},
        {"kind": "children_age", "min_age": 0, "max_age": 14},
        {"kind": "isee_ceiling", "ceiling_cents": 4_000_000},
        {"kind": "employment", "statuses": ["employee", "fixed_term", "self_employed", "atypical"]},
        {"kind": "not_beneficiary"},
    ],
    "documents": [
        {
            "name_it": "Attestazione ISEE in corso di validità",
            "name_en": "Current ISEE certificate",
            "mandatory": True,
            "types": ["pdf"],
        },
        {
            "name_it": "Documento d'identità",
            "name_en": "Identity document",
            "mandatory": True,
            "types": ["pdf", "image"],
        },
    ],
    "criteria": [
        {"kind": "isee_band", "weight": 40, "bands": [[1_000_000, 100], [2_000_000, 60], [4_000_000, 20]]},
        {"kind": "children", "weight": 10, "max_children": 3},
        {"kind": "single_parent", "weight": 15},
        {"kind": "shift_work", "weight": 5},
    ],
    "tie_breakers": ["lower_isee", "more_children"],
}


def _call(alliance: Alliance, title_it: str, staff: User, **fields: Any) -> tuple[Call, bool]:
    """The demo call of this title, made through the call designer when it is not there yet."""
    existing = Call.objects.filter(alliance=alliance, title_it=title_it).first()
    if existing is not None:
        return existing, False
    data = CallData(title_it=title_it, **fields)
    return call_create(alliance=alliance, data=data, by=staff), True


def _desk_service(provider: Organization) -> Service | None:
    """The demo provider's service that takes the calls' vouchers and runs every day (babysitting at
    home), so the desk can redeem on any day the demo is shown; its summer camp does not accept
    vouchers and is there to show the desk's refusal."""
    term = TaxonomyTerm.objects.filter(code="babysitting").first()
    if term is None:
        return None
    service, created = Service.objects.get_or_create(
        organization=provider,
        external_id="demo-buoni-babysitting",
        defaults={
            "state": ModerationState.PUBLISHED,
            "name_it": "Baby sitting a domicilio Il Girotondo",
            "name_en": "Il Girotondo home babysitting",
            "description_it": "Servizio dimostrativo (fittizio) che accetta i voucher dell'alleanza.",
            "description_en": "Demonstration service (fictitious) that accepts the alliance's vouchers.",
            "minimum_age_months": 3,
            "maximum_age_months": 144,
            "accepts_vouchers": True,
            "is_demo": True,
        },
    )
    if created:
        service.categories.set([term])
        Schedule.objects.create(
            service=service, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=datetime.time(7), closes_at=datetime.time(21)
        )
        location = provider.locations.order_by("pk").first()
        if location is not None:
            ServiceAtLocation.objects.create(service=service, location=location)
    return service


@transaction.atomic
def calls_demo_load() -> None:
    alliance = Alliance.objects.filter(organization__slug=ALLIANCE_SLUG).first()
    provider = Organization.objects.filter(slug=PROVIDER_SLUG).first()
    staff = User.objects.filter(email=STAFF).first()
    citizen = User.objects.filter(email=CITIZEN).first()
    if alliance is None or provider is None or staff is None or citizen is None:
        return  # the rest of the demo is not there (tests that load parts of it)
    now = timezone.now()
    today = services.rome_today(now)
    categories = list(TaxonomyTerm.objects.filter(code__in=CAMP_CATEGORIES))
    codes = dict(alliance.municipalities.values_list("name", "istat_code"))  # the applicants' towns
    desk_service = _desk_service(provider)

    open_call, created = _call(
        alliance,
        "Voucher conciliazione famiglie 2027 (demo)",
        staff,
        providers=[provider],
        categories=categories,
        **WORKER_RULES,
        title_en="Work-life vouchers for families 2027 (demo)",
        kind=CallKind.WORKER_VOUCHERS,
        text_it=(
            "Bando fittizio della demo. Voucher da 300 euro per lavoratrici e lavoratori residenti nei comuni "
            "dell'alleanza, da spendere presso gli enti accreditati per centri estivi, pre e post scuola e "
            "babysitting."
        ),
        text_en=(
            "A fictitious call of the demo. Vouchers of 300 euro for workers living in the alliance's "
            "municipalities, to spend at accredited providers on holiday camps, before- and after-school care "
            "and babysitting."
        ),
        budget_cents=6_000_000,
        amount_per_beneficiary_cents=30_000,
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=60),
    )
    if created:
        open_call = services.call_publish(call=open_call, by=staff)
        # The demo citizen has a draft to resume.
        draft = application_start(call=open_call, applicant=citizen, by=citizen)
        application_save(application=draft, answers={"children_ages": [7, 10], "lives_in": "015142"}, by=citizen)

    closed_call, created = _call(
        alliance,
        "Voucher centri estivi 2026 (demo)",
        staff,
        providers=[provider],
        categories=categories,
        **WORKER_RULES,
        title_en="Holiday camp vouchers 2026 (demo)",
        kind=CallKind.WORKER_VOUCHERS,
        text_it="Bando fittizio della demo, chiuso: i voucher assegnati sono in uso.",
        text_en="A fictitious call of the demo, closed: the vouchers it gave are in use.",
        budget_cents=2_000_000,
        amount_per_beneficiary_cents=40_000,
        opens_at=now - datetime.timedelta(days=120),
        closes_at=now - datetime.timedelta(days=60),
    )
    if created:
        # It took applications while it was open (their dates are those of that time), then closed.
        closed_call = services.call_publish(call=closed_call, by=staff)
        people = [citizen] + [
            _user(f"{first.lower()}.{last.lower()}@{DOMAIN}", first, last) for first, last in BENEFICIARIES
        ]
        for number, person in enumerate(people):
            then = closed_call.opens_at + datetime.timedelta(days=10 + number)
            application = application_start(call=closed_call, applicant=person, by=person, now=then)
            answers = {**DEMO_ANSWERS[number], "lives_in": codes.get(DEMO_ANSWERS[number]["lives_in"], "")}
            application_save(application=application, answers=answers, by=person, now=then)
            for document in required_documents(closed_call):
                document_attach(
                    application=application,
                    name=document["name_it"],
                    filename="documento-demo.pdf",
                    content=DEMO_PDF,
                    by=person,
                    now=then,
                )
            application_submit(application=application, by=person, now=then)
        services.call_close(call=closed_call, by=staff)
        closed_call.refresh_from_db()
        # Evaluated by the call's rules, ranked, the ranking published, the vouchers issued.
        evaluations_compute(call=closed_call, by=staff)
        ranking = ranking_publish(ranking=ranking_for_design(call=closed_call, by=staff), by=staff)
        vouchers = vouchers_issue_from_ranking(ranking=ranking, by=staff)
        provider_staff = Membership.objects.filter(organization=provider, role=Role.PROVIDER_STAFF).first()
        for number, voucher in enumerate(vouchers):
            if provider_staff is not None and number % 2 == 0:  # half of them already spent a part
                services.voucher_redeem(
                    voucher_code=voucher.code,
                    provider=provider,
                    amount_cents=15_000,
                    service_date=today,
                    idempotency_key=f"demo-{voucher.pk}",
                    by=provider_staff.user,
                    service=desk_service,
                )

    # A draft ready for staff to check and publish (the first step of the demo's walk-through).
    _call(
        alliance,
        "Voucher doposcuola 2027 (demo)",
        staff,
        providers=[provider],
        categories=categories,
        **WORKER_RULES,
        title_en="After-school vouchers 2027 (demo)",
        kind=CallKind.WORKER_VOUCHERS,
        text_it=(
            "Bando fittizio della demo, in bozza. Voucher da 250 euro per il doposcuola e il pre e post scuola "
            "dei figli fino a 14 anni, per chi vive nei comuni dell'alleanza."
        ),
        text_en=(
            "A fictitious call of the demo, a draft. Vouchers of 250 euro for after-school and before- and "
            "after-school care of children up to 14, for people living in the alliance's municipalities."
        ),
        budget_cents=1_500_000,
        amount_per_beneficiary_cents=25_000,
        opens_at=now - datetime.timedelta(hours=1),  # open as soon as staff publish it
        closes_at=now + datetime.timedelta(days=30),
    )

    incentives, created = _call(
        alliance,
        "Incentivi alle aziende per la conciliazione 2027 (demo)",
        staff,
        title_en="Incentives for companies' work-life measures 2027 (demo)",
        kind=CallKind.COMPANY_INCENTIVES,
        text_it=(
            "Bando fittizio della demo. Contributi fino a 5.000 euro alle aziende che adottano orari flessibili, "
            "banca delle ore, smart working o accordi con servizi per le famiglie."
        ),
        text_en=(
            "A fictitious call of the demo. Grants of up to 5,000 euro to companies that adopt flexible hours, "
            "an hour bank, smart working or agreements with services for families."
        ),
        budget_cents=5_000_000,
        amount_per_beneficiary_cents=500_000,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=90),
    )
    if created:
        incentives = services.call_publish(call=incentives, by=staff)
        _company_story(incentives, staff, now)
