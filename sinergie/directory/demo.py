"""Fictitious services for the demo alliances: providers, sites, hours, prices, closure cover.

Deterministic (a seeded random generator) and idempotent (services are keyed by the
provider's identifier). Places are real municipalities; providers and services are invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceKind,
    TaxonomyTerm,
)
from sinergie.directory.search_index import deferred_reindex
from sinergie.organizations.models import Alliance, AlliancePartner, Organization, OrganizationKind, PartnerRole

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
    if Service.objects.filter(is_demo=True).exists():
        # Deterministic data: what a previous run created is what this run would create.
        return Service.objects.filter(is_demo=True).count()
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
