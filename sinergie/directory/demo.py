"""Fictitious services for the demo alliances: providers, sites, hours, prices, closure cover.

Deterministic (a seeded random generator) and idempotent (services are keyed by the
provider's identifier). Places are real municipalities; providers and services are invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.text import slugify

from sinergie.directory.generate import EXTERNAL_PREFIX as SYNTHETIC_PREFIX
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    SearchEntry,
    SearchSite,
    Service,
    ServiceAtLocation,
    ServiceKind,
    TaxonomyTerm,
)
from sinergie.directory.search_index import deferred_reindex
from sinergie.organizations.models import Alliance, AlliancePartner, Organization, OrganizationKind, PartnerRole
from sinergie.territory.models import Municipality

SEED = 2026
WEEKDAYS = "MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Template:
    """One kind of demo service: category, name pattern, ages in months, hours, weekly price."""

    category: str
    name_it: str
    name_en: str
    min_age: int | None
    max_age: int | None
    opens: datetime.time
    closes: datetime.time
    price_cents: int | None
    closures: tuple[tuple[str, datetime.date, datetime.date], ...] = ()
    kind: str = ServiceKind.SERVICE


D = datetime.date
T = datetime.time
# School closure periods of 2026/27 in Lombardy (DGR IX/3318/2012, derived) that camps cover.
CHRISTMAS_2026 = ("christmas", D(2026, 12, 23), D(2027, 1, 5))
CARNIVAL_2027 = ("carnival", D(2027, 2, 8), D(2027, 2, 13))
EASTER_2027 = ("easter", D(2027, 3, 25), D(2027, 3, 30))
SUMMER_2027 = ("summer", D(2027, 6, 9), D(2027, 9, 3))
SEPTEMBER_2026 = ("september", D(2026, 8, 31), D(2026, 9, 11))

TEMPLATES: list[Template] = [
    Template("nursery", "Asilo nido {name}", "{name} nursery", 3, 36, T(7, 30), T(18), 12500),
    Template("micro_nursery", "Micronido {name}", "{name} small nursery", 3, 36, T(8), T(16, 30), 11000),
    Template("pre_school", "Pre-scuola {name}", "{name} before-school care", 36, 132, T(7, 15), T(8, 30), 1500),
    Template("after_school", "Post-scuola {name}", "{name} after-school care", 36, 132, T(16, 30), T(18, 30), 2500),
    Template("homework_support", "Doposcuola {name}", "{name} homework club", 72, 168, T(14, 30), T(17, 30), 3000),
    Template(
        "holiday_camp",
        "Centro vacanze di Natale {name}",
        "{name} Christmas holiday camp",
        36,
        168,
        T(8),
        T(17),
        9000,
        (CHRISTMAS_2026,),
    ),
    Template(
        "holiday_camp",
        "Campus Carnevale e Pasqua {name}",
        "{name} carnival and Easter campus",
        48,
        144,
        T(8),
        T(16),
        8000,
        (CARNIVAL_2027, EASTER_2027),
    ),
    Template(
        "summer_camp",
        "Centro estivo {name}",
        "{name} summer camp",
        36,
        168,
        T(7, 45),
        T(17, 30),
        9500,
        (SEPTEMBER_2026, SUMMER_2027),
    ),
    Template("babysitting", "Baby sitting a domicilio {name}", "{name} home babysitting", 3, 144, T(7), T(21), None),
    Template(
        "elderly_care",
        "Assistenza domiciliare anziani {name}",
        "{name} home elderly care",
        None,
        None,
        T(8),
        T(20),
        None,
    ),
    Template(
        "laundry", "Lavanderia e stireria {name}", "{name} laundry and ironing", None, None, T(8, 30), T(19), 1200
    ),
    Template("meals", "Pasti pronti {name}", "{name} ready meals", None, None, T(11), T(20), 4500),
    Template(
        "family_pit_stop",
        "Family Pit Stop {name}",
        "{name} Family Pit Stop",
        None,
        None,
        T(9),
        T(12, 30),
        0,
        kind=ServiceKind.INFO_POINT,
    ),
]

PROVIDER_NAMES = [
    "Girotondo",
    "Arcobaleno",
    "Aquilone",
    "Mongolfiera",
    "Trottola",
    "Coccinella",
    "Girasole",
    "Pollicino",
]
STREETS = [
    "Via Roma",
    "Via Garibaldi",
    "Via Mazzini",
    "Via Dante",
    "Piazza della Repubblica",
    "Via Verdi",
    "Via Manzoni",
]


def _location(rng: random.Random, provider: Organization, municipality, index: int) -> Location:
    # Within a few hundred metres of the municipality's representative point.
    latitude = round(municipality.latitude + rng.uniform(-0.004, 0.004), 5)
    longitude = round(municipality.longitude + rng.uniform(-0.005, 0.005), 5)
    location, _ = Location.objects.update_or_create(
        organization=provider,
        external_id=f"sede-{municipality.istat_code}-{index}",
        defaults={
            "name": f"Sede di {municipality.name}",
            "address_1": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "municipality": municipality,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    return location


def _service(
    rng: random.Random, provider: Organization, location: Location, template: Template, term: TaxonomyTerm, label: str
) -> Service:
    external_id = slugify(f"{TEMPLATES.index(template)}-{template.category}-{location.municipality.istat_code}")
    service, _ = Service.objects.update_or_create(
        organization=provider,
        external_id=external_id,
        defaults={
            "kind": template.kind,
            "state": "published",
            "name_it": template.name_it.format(name=label),
            "name_en": template.name_en.format(name=label),
            "description_it": f"Servizio dimostrativo (fittizio) a {location.municipality.name}.",
            "description_en": f"Demonstration service (fictitious) in {location.municipality.name}.",
            "minimum_age_months": template.min_age,
            "maximum_age_months": template.max_age,
            "capacity": rng.choice([12, 20, 25, 30, 40, 60]) if template.min_age is not None else None,
            "languages": ["it", "en"] if rng.random() < 0.4 else ["it"],
            "accepts_vouchers": template.kind == ServiceKind.SERVICE and rng.random() < 0.6,
            "email": f"info@{slugify(provider.name.removesuffix(' (demo)'))}.example",
            "is_demo": True,
        },
    )
    service.categories.set([term])
    ServiceAtLocation.objects.get_or_create(service=service, location=location)
    service.schedules.all().delete()
    Schedule.objects.create(service=service, byday=WEEKDAYS, opens_at=template.opens, closes_at=template.closes)
    service.costs.all().delete()
    if template.price_cents is not None:
        CostOption.objects.create(
            service=service,
            option_it="Tariffa settimanale" if template.price_cents else "Gratuito",
            option_en="Weekly fee" if template.price_cents else "Free",
            amount_cents=template.price_cents + rng.choice([-1000, -500, 0, 500, 1000]) if template.price_cents else 0,
            unit="week",
        )
    service.closure_availability.all().delete()
    for period, start, end in template.closures:
        ClosureAvailability.objects.create(service=service, period=period, start=start, end=end)
    return service


@transaction.atomic
def directory_demo_load() -> int:
    """Create two fictitious providers per alliance area and services in the member municipalities."""
    count = _services_load()
    moderation_demo_load()
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the first searches (and tests) plan over the rows just loaded.
        with connection.cursor() as cursor:
            for model in (
                Service,
                Location,
                ServiceAtLocation,
                ClosureAvailability,
                SearchEntry,
                SearchSite,
                Municipality,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return count


# The demo's provider staff account works for this provider (see demo/load.py).
MODERATION_DEMO_PROVIDER = "cooperativa-sociale-il-girotondo-martesana-demo"


def moderation_demo_load() -> None:
    """The moderation workflow to look at: one published service with a change waiting, one draft.

    Idempotent: the services are keyed by the provider's identifier and get their revisions once.
    """
    from sinergie.directory.editing import payload_apply
    from sinergie.directory.models import ModerationState, RevisionState, ServiceRevision
    from sinergie.directory.revisions import service_payload
    from sinergie.organizations.models import Membership, Role

    provider = Organization.objects.filter(slug=MODERATION_DEMO_PROVIDER, municipality__isnull=False).first()
    if provider is None or provider.municipality.latitude is None:
        return
    staff = Membership.objects.filter(organization=provider, role=Role.PROVIDER_STAFF).select_related("user").first()
    author = staff.user if staff else None
    location, _ = Location.objects.get_or_create(
        organization=provider,
        external_id="sede-moderazione",
        defaults={
            "name": f"Sede di {provider.municipality.name}",
            "address_1": "Via Dante 12",
            "municipality": provider.municipality,
            "latitude": provider.municipality.latitude,
            "longitude": provider.municipality.longitude,
        },
    )
    camp_term = TaxonomyTerm.objects.filter(code="holiday_camp").first()
    after_school_term = TaxonomyTerm.objects.filter(code="after_school").first()
    published, created = Service.objects.get_or_create(
        organization=provider,
        external_id="demo-moderazione-pubblicato",
        defaults={
            "state": ModerationState.PUBLISHED,
            "name_it": "Centro estivo Il Girotondo",
            "name_en": "Il Girotondo summer camp",
            "description_it": "Servizio dimostrativo (fittizio): un cambiamento attende la moderazione.",
            "description_en": "Demonstration service (fictitious): a change is waiting for moderation.",
            "minimum_age_months": 72,
            "maximum_age_months": 144,
            "is_demo": True,
        },
    )
    if created:
        if camp_term:
            published.categories.set([camp_term])
        ServiceAtLocation.objects.create(service=published, location=location)
        Schedule.objects.create(
            service=published, byday=WEEKDAYS, opens_at=datetime.time(8), closes_at=datetime.time(17)
        )
        CostOption.objects.create(service=published, option_it="Settimana", option_en="Week", amount_cents=9000)
        ClosureAvailability.objects.create(
            service=published, period=SUMMER_2027[0], start=SUMMER_2027[1], end=SUMMER_2027[2]
        )
    if not published.revisions.exists():
        proposal = service_payload(published)
        proposal["name_it"] = "Centro estivo Il Girotondo – estate 2027"
        proposal["costs"] = [{**cost, "amount_cents": 9500} for cost in proposal["costs"]]
        ServiceRevision.objects.create(
            service=published,
            author=author,
            payload=proposal,
            state=RevisionState.SUBMITTED,
            submitted_at=published.updated_at,
        )

    draft, created = Service.objects.get_or_create(
        organization=provider,
        external_id="demo-moderazione-bozza",
        defaults={"state": ModerationState.DRAFT, "name_it": "Doposcuola Il Girotondo", "is_demo": True},
    )
    if not draft.revisions.exists():
        payload = service_payload(draft)
        payload.update(
            name_en="Il Girotondo after-school club",
            description_it="Servizio dimostrativo (fittizio) ancora in bozza.",
            minimum_age_months=72,
            maximum_age_months=132,
            categories=[after_school_term.code] if after_school_term else [],
            sites=[{"location": str(location.pk), "description": ""}],
            schedules=[
                {
                    "byday": WEEKDAYS,
                    "opens_at": "16:30",
                    "closes_at": "18:30",
                    "valid_from": None,
                    "valid_to": None,
                    "description_it": "",
                    "description_en": "",
                    "exceptions": [],
                }
            ],
        )
        payload_apply(draft, payload)
        ServiceRevision.objects.create(service=draft, author=author, payload=payload)


def _services_load() -> int:
    # The demo's own services: not the moderation example, nor `generate`'s synthetic ones.
    generated = (
        Service.objects.filter(is_demo=True)
        .exclude(external_id__startswith="demo-moderazione")
        .exclude(external_id__startswith=f"{SYNTHETIC_PREFIX}-")
    )
    if generated.exists():
        # Deterministic data: what a previous run created is what this run would create.
        return generated.count()
    # The search index is written once at the end, not at every save of every service.
    with deferred_reindex():
        return _load_services()


def _load_services() -> int:
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    count = 0
    for alliance in Alliance.objects.select_related("organization").order_by("organization__slug"):
        municipalities = list(alliance.municipalities.filter(latitude__isnull=False).order_by("istat_code"))
        if not municipalities:
            continue
        for number, municipality in enumerate(municipalities):
            label = PROVIDER_NAMES[number % len(PROVIDER_NAMES)]
            provider_name = f"Cooperativa {label} {municipality.name} (demo)"
            provider, _ = Organization.objects.update_or_create(
                slug=slugify(provider_name)[:80],
                defaults={
                    "kind": OrganizationKind.PROVIDER,
                    "name": provider_name,
                    "municipality": municipality,
                    "is_demo": True,
                },
            )
            AlliancePartner.objects.get_or_create(
                alliance=alliance, organization=provider, defaults={"role": PartnerRole.PRIVATE}
            )
            location = _location(rng, provider, municipality, 1)
            # Every municipality gets a camp for each closure period and a few everyday services.
            chosen = [t for t in TEMPLATES if t.closures] + rng.sample([t for t in TEMPLATES if not t.closures], 4)
            for template in chosen:
                _service(rng, provider, location, template, terms[template.category], label)
                count += 1
    return count
