"""Synthetic services for load tests: `sinergie generate --services N [--seed S]`.

Every service is fictitious (`is_demo=True`, "fittizio" in its description, providers named
"(fittizia)"); the places are Lombardy's real municipalities, chosen in proportion to their
population, with each site scattered around the municipality's point (wider for big cities).
Categories follow the conciliation taxonomy in plausible proportions, with ages, prices, weekly
hours and, for holiday and summer camps, availability during the school closures of 2026/27 as
the regional calendar computes them.

Deterministic and idempotent: service number i of seed S is drawn from its own random generator
seeded with (S, i) and keyed by the external id `synthetic-S-i`, so `--services N` makes sure the
first N services of the seed exist, adding only those missing (raising N adds the difference;
re-running changes nothing). Rows are written with bulk_create in batches, each batch in one
transaction together with its search index rows.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass
from typing import IO

from django.db import connection, transaction

from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    CostUnit,
    Location,
    ModerationState,
    Schedule,
    SearchStem,
    SearchTerm,
    Service,
    ServiceAtLocation,
    ServiceKind,
    TaxonomyTerm,
)
from sinergie.directory.search.query import ITALY_LAT, ITALY_LON
from sinergie.directory.search_index import reindex_services
from sinergie.directory.selectors import period_dates
from sinergie.organizations.models import Organization, OrganizationKind
from sinergie.territory.models import Municipality

LOMBARDY = "03"
BATCH = 2000
PROVIDERS_PER_PROVINCE = 60
EXTERNAL_PREFIX = "synthetic"
T = datetime.time


@dataclass(frozen=True)
class Kind:
    """One category as generated: weight in the mix, name prefixes, ages in months, hours, price."""

    code: str
    weight: int
    prefixes: tuple[str, ...]
    ages: tuple[int, int] | None
    hours: tuple[datetime.time, datetime.time]
    price_cents: int | None  # typical amount per `unit`; None: on request
    unit: str = CostUnit.WEEK
    closures: tuple[tuple[str, float], ...] = ()  # (period slug, probability)
    kind: str = ServiceKind.SERVICE
    opening: str = ""


KINDS: list[Kind] = [
    Kind("nursery", 12, ("Asilo nido", "Nido d'infanzia"), (3, 36), (T(7, 30), T(18)), 55000, CostUnit.MONTH,
         opening="Asilo nido per bambine e bambini da tre mesi a tre anni"),
    Kind("micro_nursery", 5, ("Micronido",), (3, 36), (T(8), T(16, 30)), 48000, CostUnit.MONTH,
         opening="Piccolo nido con pochi posti e un clima familiare"),
    Kind("spring_section", 3, ("Sezione primavera",), (24, 36), (T(8), T(16)), 35000, CostUnit.MONTH,
         opening="Sezione primavera per accompagnare i più piccoli verso la scuola dell'infanzia"),
    Kind("family_nursery", 3, ("Nido famiglia", "Tagesmutter"), (3, 36), (T(8), T(17)), 60000, CostUnit.MONTH,
         opening="Nido in casa con una educatrice formata"),
    Kind("play_centre", 3, ("Spazio gioco", "Centro prima infanzia"), (12, 36), (T(9), T(12)), 1500, CostUnit.DAY,
         opening="Spazio per giocare insieme, bambini e genitori"),
    Kind("pre_school", 8, ("Pre-scuola", "Accoglienza mattutina"), (36, 132), (T(7, 15), T(8, 30)), 2000,
         opening="Accoglienza prima dell'ingresso a scuola"),
    Kind("after_school", 8, ("Post-scuola", "Tempo prolungato"), (36, 132), (T(16, 30), T(18, 30)), 3000,
         opening="Custodia e gioco dopo l'uscita da scuola"),
    Kind("homework_support", 7, ("Doposcuola", "Spazio compiti"), (72, 168), (T(14, 30), T(17, 30)), 3500,
         opening="Aiuto nei compiti con educatori e volontari"),
    Kind("holiday_camp", 8, ("Centro vacanze", "Campus invernale", "Vacanze in città"), (36, 168), (T(8), T(17)),
         9000, closures=(("natale-2026", 0.85), ("carnevale-2027", 0.4), ("pasqua-2027", 0.6)),
         opening="Giornate di gioco e laboratori quando la scuola è chiusa"),
    Kind("summer_camp", 10, ("Centro estivo", "Campus estivo", "Grest"), (36, 168), (T(7, 45), T(17, 30)), 11000,
         closures=(("estate-2027", 1.0), ("settembre-2026", 0.3), ("settembre-2027", 0.5)),
         opening="Centro estivo con attività all'aperto, sport e gite"),
    Kind("babysitting", 5, ("Baby sitting", "Tata a domicilio"), (3, 144), (T(7), T(21)), 1200, CostUnit.HOUR,
         opening="Baby sitter qualificate a domicilio, anche con poco preavviso"),
    Kind("elderly_care", 4, ("Assistenza domiciliare", "Badanti e assistenti familiari"), None, (T(8), T(20)), 1800,
         CostUnit.HOUR, opening="Assistenza a casa per persone anziane"),
    Kind("elderly_day_centre", 2, ("Centro diurno anziani",), None, (T(8, 30), T(17)), 4000, CostUnit.DAY,
         opening="Centro diurno con animazione, pasti e assistenza"),
    Kind("disability_support", 2, ("Sostegno disabilità", "Servizio educativo"), None, (T(9), T(18)), None,
         opening="Sostegno educativo e assistenza per persone con disabilità"),
    Kind("respite_care", 1, ("Sollievo famiglie",), None, (T(9), T(18)), 2000, CostUnit.DAY,
         opening="Ore di sollievo per chi assiste un familiare"),
    Kind("laundry", 2, ("Lavanderia", "Stireria"), None, (T(8, 30), T(19)), 1200,
         opening="Lavaggio e stiratura con ritiro e consegna"),
    Kind("groceries", 2, ("Spesa a domicilio",), None, (T(9), T(19)), 500, CostUnit.ONCE,
         opening="Spesa consegnata a casa o in azienda"),
    Kind("errands", 1, ("Commissioni e pratiche",), None, (T(9), T(18)), 1500, CostUnit.ONCE,
         opening="Disbrigo di pratiche e commissioni per conto tuo"),
    Kind("meals", 2, ("Pasti pronti", "Cucina a domicilio"), None, (T(11), T(20)), 4500,
         opening="Pasti pronti da ritirare o consegnati a domicilio"),
    Kind("company_concierge", 1, ("Portineria aziendale",), None, (T(8), T(18)), 0,
         opening="Servizi salva tempo sul posto di lavoro"),
    Kind("transport", 2, ("Trasporto e accompagnamento", "Pedibus"), None, (T(7), T(19)), 300, CostUnit.ONCE,
         opening="Accompagnamento a scuola, alle visite e alle attività"),
    Kind("family_counselling", 2, ("Consultorio familiare", "Spazio famiglie"), None, (T(9), T(17)), 0,
         opening="Ascolto e consulenza per genitori e coppie"),
    Kind("municipal_desk", 1, ("Sportello famiglie",), None, (T(9), T(12, 30)), 0, kind=ServiceKind.INFO_POINT,
         opening="Sportello comunale con informazioni su servizi e contributi"),
    Kind("union_desk", 1, ("Sportello conciliazione",), None, (T(14), T(18)), 0, kind=ServiceKind.INFO_POINT,
         opening="Sportello sindacale su congedi, permessi e lavoro agile"),
    Kind("job_agency_desk", 1, ("Sportello lavoro e famiglia",), None, (T(9), T(13)), 0,
         kind=ServiceKind.INFO_POINT, opening="Orientamento al lavoro per chi cura la famiglia"),
    Kind("family_pit_stop", 1, ("Family Pit Stop",), None, (T(9), T(12, 30)), 0, kind=ServiceKind.INFO_POINT,
         opening="Angolo accogliente per allattare, cambiare e fare una pausa"),
]  # fmt: skip

LABELS = """Arcobaleno Girasole Aquilone Mongolfiera Trottola Coccinella Pollicino Gabbiano Delfino Scoiattolo
Pinocchio Primavera Quadrifoglio Melograno Tartaruga Faro Lanterna Veliero Castello Rondine Grillo Nuvole Sorriso
Girotondo Chiocciola Bussola Ciliegio Fiordaliso Glicine Papavero Margherita Gelsomino Mirtillo Lampone Fragola
Albicocca Nocciola Castagno Betulla Salice Quercia Tiglio Acero Olmo Libellula Farfalla Lucciola Ape Formica
Pettirosso Passerotto Cerbiatto Orsetto Koala Panda Balena Stella Cometa Luna Sole Pianeta Astronave Pirati
Folletti Gnomi Fate Draghi Cavalieri Esploratori Capitani Marinai Saltimbanchi Giocolieri Briganti Monelli""".split()  # noqa: SIM905 - a word list reads best as text
PLACES = [
    "del Parco",
    "della Piazza",
    "del Borgo",
    "dei Colli",
    "del Lago",
    "del Fiume",
    "della Cascina",
    "del Naviglio",
    "dell'Oratorio",
    "della Villa",
    "del Castello",
    "del Centro",
]
FEATURES = [
    "laboratori creativi",
    "giochi all'aperto",
    "merenda biologica",
    "mensa interna",
    "educatori qualificati",
    "attività sportive",
    "piscina",
    "gite settimanali",
    "musica e teatro",
    "inglese giocando",
    "orto didattico",
    "biblioteca per ragazzi",
    "giardino attrezzato",
    "ingresso anticipato",
    "uscita posticipata",
    "trasporto dalla scuola",
    "pasti senza glutine",
    "sostegno per DSA",
    "psicomotricità",
    "laboratori scientifici",
    "yoga per bambini",
    "ludoteca",
    "accesso in carrozzina",
    "consegna a domicilio",
    "ritiro e consegna",
    "prenotazione online",
    "personale bilingue",
    "cucina casalinga",
    "spazio allattamento",
    "parcheggio riservato",
]
LEGAL_FORMS = ["Cooperativa sociale", "Associazione", "Fondazione", "Impresa sociale", "APS", "Società cooperativa"]
STREETS = ["Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante", "Piazza della Repubblica", "Via Verdi",
           "Via Manzoni", "Via Cavour", "Corso Italia", "Via San Francesco", "Via Matteotti", "Via Gramsci",
           "Viale Europa", "Via Volta", "Via Marconi", "Via Leopardi"]  # fmt: skip
OTHER_LANGUAGES = ["ar", "es", "fr", "ro", "zh", "uk", "sq", "ur", "bn"]
FICTITIOUS_IT = "Servizio fittizio."
FICTITIOUS_EN = "Fictitious service"


@dataclass
class Summary:
    requested: int
    created: int
    existing: int
    seconds: float


class MissingTerritory(LookupError):
    pass


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def external_id(seed: int, number: int) -> str:
    return f"{EXTERNAL_PREFIX}-{seed}-{number:07d}"


class _Context:
    """What every service draws from: municipalities with weights, terms, periods, providers."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.municipalities = list(
            Municipality.objects.filter(region__istat_code=LOMBARDY, latitude__isnull=False)
            .select_related("province")
            .order_by("istat_code")
        )
        if not self.municipalities:
            raise MissingTerritory("no Lombardy municipality with a point: run `sinergie territory_load` first")
        total = 0
        self.cumulative = []
        for municipality in self.municipalities:
            total += max(municipality.population, 1)
            self.cumulative.append(total)
        self.capitals = {
            m.province_id: m for m in self.municipalities if m.is_provincial_capital
        }  # seats of the providers
        self.kinds_cumulative = list(itertools.accumulate(kind.weight for kind in KINDS))
        self.terms = {term.code: term.pk for term in TaxonomyTerm.objects.all()}
        self.periods = {
            slug: period_dates(slug)
            for kind in KINDS
            for slug, _probability in kind.closures
        }  # fmt: skip
        self.providers: dict[str, Organization] = {}

    def provider(self, municipality: Municipality, number: int) -> tuple[str, Organization]:
        """Provider `number` of the municipality's province: a pool reused by the whole run."""
        slug = f"{EXTERNAL_PREFIX}-{self.seed}-{municipality.province.istat_code}-{number}"
        if slug in self.providers:
            return slug, self.providers[slug]
        rng = random.Random(f"sinergie-generate:{self.seed}:provider:{slug}")  # noqa: S311 - test data
        seat = self.capitals.get(municipality.province_id, municipality)
        name = f"{rng.choice(LEGAL_FORMS)} {rng.choice(LABELS)} {seat.name} (fittizia)"
        self.providers[slug] = Organization(
            kind=OrganizationKind.PROVIDER, name=name[:200], slug=slug, municipality=seat, is_demo=True
        )
        return slug, self.providers[slug]


@dataclass
class _Rows:
    providers: dict[str, Organization]
    locations: list[Location]
    services: list[Service]
    categories: list[object]
    sites: list[ServiceAtLocation]
    schedules: list[Schedule]
    costs: list[CostOption]
    closures: list[ClosureAvailability]


def _draw(context: _Context, number: int, rows: _Rows) -> None:
    """Append service `number` of the seed, its site, hours, costs and closure availability to `rows`."""
    rng = random.Random(f"sinergie-generate:{context.seed}:{number}")  # noqa: S311 - reproducible test data
    municipality = rng.choices(context.municipalities, cum_weights=context.cumulative)[0]
    kind = rng.choices(KINDS, cum_weights=context.kinds_cumulative)[0]
    slug, provider = context.provider(municipality, rng.randrange(PROVIDERS_PER_PROVINCE))
    provider = rows.providers.setdefault(slug, provider)

    # Big cities spread over more ground than villages.
    spread = 0.008 + 0.05 * math.sqrt(min(1.0, municipality.population / 1_400_000))
    latitude = min(max(municipality.latitude + rng.gauss(0, spread / 2), ITALY_LAT[0]), ITALY_LAT[1])
    longitude = min(max(municipality.longitude + rng.gauss(0, spread / 1.4), ITALY_LON[0]), ITALY_LON[1])
    location = Location(
        id=_uuid(rng),
        organization=provider,
        external_id=external_id(context.seed, number),
        name=f"Sede di {municipality.name}",
        address_1=f"{rng.choice(STREETS)} {rng.randint(1, 150)}",
        municipality=municipality,
        latitude=round(latitude, 6),
        longitude=round(longitude, 6),
    )
    label = rng.choice(LABELS)
    prefix = rng.choice(kind.prefixes)
    place = municipality.name if rng.random() < 0.5 else rng.choice(PLACES)
    name = f"{prefix} {label} {place}"
    features = rng.sample(FEATURES, 3)
    ages = None
    if kind.ages:
        low = max(0, kind.ages[0] + rng.choice([-12, 0, 0, 0, 12]))
        high = max(low + 6, kind.ages[1] + rng.choice([-24, -12, 0, 0, 12]))
        ages = (low, high)
    state = rng.choices(
        [ModerationState.PUBLISHED, ModerationState.SUBMITTED, ModerationState.DRAFT], cum_weights=[94, 97, 100]
    )[0]
    languages = ["it"]
    if rng.random() < 0.3:
        languages.append("en")
    if rng.random() < 0.1:
        languages.append(rng.choice(OTHER_LANGUAGES))
    service = Service(
        id=_uuid(rng),
        organization=provider,
        external_id=external_id(context.seed, number),
        kind=kind.kind,
        state=state,
        name_it=name[:200],
        name_en=f"{label} {prefix} ({municipality.name})"[:200] if rng.random() < 0.3 else "",
        description_it=(
            f"{kind.opening} a {municipality.name}: {features[0]}, {features[1]} e {features[2]}. {FICTITIOUS_IT}"
        ),
        description_en=f"{FICTITIOUS_EN} in {municipality.name}.",
        minimum_age_months=ages[0] if ages else None,
        maximum_age_months=ages[1] if ages else None,
        capacity=rng.choice([8, 12, 20, 25, 30, 40, 60, 80]) if ages else None,
        languages=languages,
        accepts_vouchers=kind.kind == ServiceKind.SERVICE and rng.random() < 0.35,
        email=f"info@{slug}.example",
        is_demo=True,
    )
    rows.locations.append(location)
    rows.services.append(service)
    rows.categories.append(Service.categories.through(service_id=service.id, taxonomyterm_id=context.terms[kind.code]))
    site = ServiceAtLocation(id=_uuid(rng), service=service, location=location)
    rows.sites.append(site)

    if kind.price_cents is not None and rng.random() < 0.9:
        amount = 0 if kind.price_cents == 0 or rng.random() < 0.08 else kind.price_cents * rng.randint(70, 140) // 100
        rows.costs.append(
            CostOption(
                id=_uuid(rng),
                service=service,
                option_it="Gratuito" if amount == 0 else "Tariffa",
                option_en="Free" if amount == 0 else "Fee",
                amount_cents=amount,
                unit=kind.unit,
            )
        )
    for slug_, probability in kind.closures:
        if rng.random() < probability:
            period = context.periods[slug_]
            length = (period.end - period.start).days
            start = period.start + datetime.timedelta(days=rng.randint(0, min(3, length)))
            end = period.end if length < 21 else start + datetime.timedelta(days=rng.randint(14, length))
            rows.closures.append(
                ClosureAvailability(service=service, period=period.kind, start=start, end=min(end, period.end))
            )
    if not kind.closures or rng.random() < 0.5:
        opens, closes = kind.hours
        days = "MO,TU,WE,TH,FR" if rng.random() < 0.8 else rng.choice(["MO,WE,FR", "TU,TH", "MO,TU,WE,TH,FR,SA"])
        owner = {"service": service} if rng.random() < 0.7 else {"service_at_location": site}
        rows.schedules.append(Schedule(id=_uuid(rng), byday=days, opens_at=opens, closes_at=closes, **owner))


def _write(rows: _Rows) -> None:
    existing = dict(
        Organization.objects.filter(slug__in=list(rows.providers)).values_list("slug", "pk")
    )  # providers are reused across batches and runs
    new = [org for slug, org in rows.providers.items() if slug not in existing]
    Organization.objects.bulk_create(new)
    existing.update({org.slug: org.pk for org in new})
    for slug, org in rows.providers.items():
        org.pk = existing[slug]
        org._state.adding = False
    for objects in (rows.locations, rows.services):
        for obj in objects:
            obj.organization_id = obj.organization.pk
    Location.objects.bulk_create(rows.locations, batch_size=1000)
    Service.objects.bulk_create(rows.services, batch_size=1000)
    Service.categories.through.objects.bulk_create(rows.categories, batch_size=1000)
    ServiceAtLocation.objects.bulk_create(rows.sites, batch_size=1000)
    Schedule.objects.bulk_create(rows.schedules, batch_size=1000)
    CostOption.objects.bulk_create(rows.costs, batch_size=1000)
    ClosureAvailability.objects.bulk_create(rows.closures, batch_size=1000)
    reindex_services([service.pk for service in rows.services], new=True)


def generate_services(count: int, seed: int = 1, *, stderr: IO[str] | None = None, batch: int = BATCH) -> Summary:
    """Make sure services 0..count-1 of `seed` exist; add the missing ones. See the module's docstring."""
    if count < 0:
        raise ValueError("The number of services cannot be negative.")
    started = time.monotonic()
    stderr = stderr or sys.stderr
    prefix = f"{EXTERNAL_PREFIX}-{seed}-"
    have = set(
        Service.objects.filter(is_demo=True, external_id__startswith=prefix).values_list("external_id", flat=True)
    )
    missing = [number for number in range(count) if external_id(seed, number) not in have]
    if not missing:
        return Summary(count, 0, count, time.monotonic() - started)
    context = _Context(seed)
    done = 0
    for start in range(0, len(missing), batch):
        rows = _Rows({}, [], [], [], [], [], [], [])
        for number in missing[start : start + batch]:
            _draw(context, number, rows)
        with transaction.atomic():
            _write(rows)
        done += len(rows.services)
        elapsed = time.monotonic() - started
        stderr.write(f"generate: {done}/{len(missing)} services added ({done / max(elapsed, 1e-6):.0f}/s)\n")
        stderr.flush()
    analyze_directory()
    return Summary(count, len(missing), count - len(missing), time.monotonic() - started)


def analyze_directory() -> None:
    """Refresh the planner's statistics of the directory's tables after a bulk load.

    Without them SQLite (which never gathers them by itself) starts a search near a point from
    every published service instead of the locations in the box: ten times slower at 100,000.
    """
    models = [Service, Service.categories.through, Location, ServiceAtLocation, Schedule, CostOption,
              ClosureAvailability, SearchStem, SearchTerm]  # fmt: skip
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def synthetic_count(seed: int = 1) -> int:
    return Service.objects.filter(is_demo=True, external_id__startswith=f"{EXTERNAL_PREFIX}-{seed}-").count()
