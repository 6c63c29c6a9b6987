"""The fictitious demo dataset: alliances of the ATS Città Metropolitana di Milano.

Municipalities are real (ISTAT); every organization and person here is invented and
flagged `is_demo`, and the site says so on every page while demo data is loaded.
Loading is idempotent: re-running finds what exists by slug or e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.utils.text import slugify

from sinergie.accounts.models import User
from sinergie.calls.demo import calls_demo_load
from sinergie.companies.demo import companies_demo_load
from sinergie.directory.demo import directory_demo_load
from sinergie.organizations.models import (
    Alliance,
    AlliancePartner,
    Membership,
    Organization,
    OrganizationKind,
    PartnerRole,
    Role,
)
from sinergie.surveys.demo import surveys_demo_load
from sinergie.territory.models import District, Municipality

DEMO_PASSWORD = "Sinergie-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.sinergie.invalid"

# Member municipalities by social district, as listed in the alliances' public documents
# (illustrative: staff can edit them).
ALLIANCES: list[dict[str, Any]] = [
    {
        "slug": "adda-martesana",
        "name": "Alleanza locale di conciliazione Adda Martesana",
        "lead": ("comune-cernusco-sul-naviglio", "Comune di Cernusco sul Naviglio", "Cernusco sul Naviglio"),
        "districts": {
            "Ambito Adda Martesana": [
                "Basiano",
                "Bellinzago Lombardo",
                "Bussero",
                "Cambiago",
                "Carugate",
                "Cassano d'Adda",
                "Cassina de' Pecchi",
                "Cernusco sul Naviglio",
                "Gessate",
                "Gorgonzola",
                "Grezzago",
                "Inzago",
                "Liscate",
                "Masate",
                "Melzo",
                "Pessano con Bornago",
                "Pioltello",
                "Pozzo d'Adda",
                "Pozzuolo Martesana",
                "Rodano",
                "Segrate",
                "Settala",
                "Trezzano Rosa",
                "Trezzo sull'Adda",
                "Truccazzano",
                "Vaprio d'Adda",
                "Vignate",
                "Vimodrone",
            ],
        },
        "town": "Melzo",
    },
    {
        "slug": "sud-est-milano",
        "name": "Alleanza locale di conciliazione Sud Est Milano",
        "lead": ("servizi-sociali-sud-est", "Azienda Servizi alla Persona Sud Est (demo)", "San Donato Milanese"),
        "districts": {
            "Ambito Sud Est Milano": [
                "San Donato Milanese",
                "San Giuliano Milanese",
                "Melegnano",
                "Carpiano",
                "Cerro al Lambro",
                "Colturano",
                "Dresano",
                "San Zenone al Lambro",
                "Vizzolo Predabissi",
                "Mediglia",
                "Peschiera Borromeo",
                "Paullo",
                "Tribiano",
                "Pantigliate",
                "Pieve Emanuele",
                "Basiglio",
                "Locate di Triulzi",
                "Opera",
                "Rozzano",
            ],
        },
        "town": "San Giuliano Milanese",
    },
    {
        "slug": "castanese-magentino-legnanese",
        "name": "Alleanza locale di conciliazione Castanese, Magentino e Legnanese",
        "lead": ("ufficio-di-piano-legnanese", "Ufficio di Piano del Legnanese (demo)", "Legnano"),
        "districts": {
            "Ambito del Castanese": [
                "Arconate",
                "Bernate Ticino",
                "Buscate",
                "Castano Primo",
                "Cuggiono",
                "Inveruno",
                "Magnago",
                "Nosate",
                "Robecchetto con Induno",
                "Turbigo",
                "Vanzaghello",
            ],
            "Ambito del Magentino": [
                "Arluno",
                "Bareggio",
                "Boffalora sopra Ticino",
                "Casorezzo",
                "Corbetta",
                "Magenta",
                "Marcallo con Casone",
                "Mesero",
                "Ossona",
                "Robecco sul Naviglio",
                "Santo Stefano Ticino",
                "Sedriano",
                "Vittuone",
            ],
            "Ambito del Legnanese": [
                "Busto Garolfo",
                "Canegrate",
                "Cerro Maggiore",
                "Dairago",
                "Legnano",
                "Nerviano",
                "Parabiago",
                "Rescaldina",
                "San Giorgio su Legnano",
                "San Vittore Olona",
                "Villa Cortese",
            ],
        },
        "town": "Magenta",
    },
    {
        "slug": "milano",
        "name": "Alleanza locale di conciliazione di Milano",
        "lead": ("comune-di-milano", "Comune di Milano", "Milano"),
        "districts": {"Ambito di Milano": ["Milano"]},
        "town": "Milano",
    },
]

# Partners invented for each alliance: (kind, partner role, name pattern).
PARTNER_PATTERNS: list[tuple[str, str, str]] = [
    (OrganizationKind.PUBLIC_BODY, PartnerRole.PUBLIC, "Agenzia per il lavoro {area} (demo)"),
    (OrganizationKind.ASSOCIATION, PartnerRole.PRIVATE, "Sindacato Lavoro e Famiglia {area} (demo)"),
    (OrganizationKind.PROVIDER, PartnerRole.PRIVATE, "Cooperativa sociale Il Girotondo {area} (demo)"),
    (OrganizationKind.PROVIDER, PartnerRole.PRIVATE, "Centro estivo Arcobaleno {area} (demo)"),
    (OrganizationKind.INFO_POINT_HOST, PartnerRole.PUBLIC, "Family Pit Stop Biblioteca di {town} (demo)"),
    (OrganizationKind.COMPANY, PartnerRole.PRIVATE, "Officine Meccaniche {area} S.r.l. (demo)"),
    (OrganizationKind.COMPANY, PartnerRole.PRIVATE, "Logistica {area} S.p.A. (demo)"),
    (OrganizationKind.COMPANY, PartnerRole.PRIVATE, "Studio Grafico {area} (demo)"),
]

AREA_NAMES = {
    "adda-martesana": "Martesana",
    "sud-est-milano": "Sud Est",
    "castanese-magentino-legnanese": "Alto Milanese",
    "milano": "Milano",
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role_label: str
    organization_slug: str | None = None
    role: str | None = None
    is_manager: bool = False
    is_admin: bool = False


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(f"cittadina@{DEMO_EMAIL_DOMAIN}", "Giulia", "Fittizia", "citizen"),
    DemoAccount(
        f"referente.azienda@{DEMO_EMAIL_DOMAIN}",
        "Marco",
        "Esempio",
        "company referent",
        "officine-meccaniche-martesana-srl-demo",
        Role.COMPANY_REFERENT,
        True,
    ),
    DemoAccount(
        f"ente.erogatore@{DEMO_EMAIL_DOMAIN}",
        "Sara",
        "Prova",
        "provider staff",
        "cooperativa-sociale-il-girotondo-martesana-demo",
        Role.PROVIDER_STAFF,
        True,
    ),
    DemoAccount(
        f"sportello@{DEMO_EMAIL_DOMAIN}",
        "Luca",
        "Modello",
        "info point operator",
        "family-pit-stop-biblioteca-di-melzo-demo",
        Role.INFO_POINT_OPERATOR,
        True,
    ),
    DemoAccount(
        f"operatore.percorsi@{DEMO_EMAIL_DOMAIN}",
        "Anna",
        "Campione",
        "case operator",
        "agenzia-per-il-lavoro-martesana-demo",
        Role.CASE_OPERATOR,
        True,
    ),
    DemoAccount(
        f"alleanza@{DEMO_EMAIL_DOMAIN}",
        "Paola",
        "Dimostrativa",
        "alliance staff",
        "adda-martesana",
        Role.ALLIANCE_STAFF,
        True,
    ),
    DemoAccount(
        f"valutatore@{DEMO_EMAIL_DOMAIN}",
        "Davide",
        "Simulato",
        "evaluator",
        "adda-martesana",
        Role.EVALUATOR,
    ),
    DemoAccount(
        f"analista@{DEMO_EMAIL_DOMAIN}",
        "Chiara",
        "Inventata",
        "analyst",
        "osservatorio-conciliazione-demo",
        Role.ANALYST,
        True,
    ),
    DemoAccount(f"admin@{DEMO_EMAIL_DOMAIN}", "Elena", "Amministratrice", "platform admin", is_admin=True),
]


@dataclass
class DemoCredentials:
    account: DemoAccount
    totp_secret: str | None = None
    recovery_codes: list[str] = field(default_factory=list)


class MissingTerritory(Exception):
    pass


def _municipality(name: str) -> Municipality:
    # Names are unique within Lombardy, the region of the demo alliances.
    try:
        return Municipality.objects.get(name__iexact=name, region__istat_code="03")
    except Municipality.DoesNotExist:
        raise MissingTerritory(f"Municipality {name!r} is not loaded: run territory_load first.") from None


def _organization(
    slug: str, *, kind: str, name: str, town: str, description: str = "", description_en: str = ""
) -> Organization:
    organization, _ = Organization.objects.update_or_create(
        slug=slug,
        defaults={
            "kind": kind,
            "name": name,
            "municipality": _municipality(town),
            "description_it": description,
            "description_en": description_en,
            "is_demo": True,
        },
    )
    return organization


def _alliance(spec: dict[str, Any]) -> Alliance:
    area = AREA_NAMES[spec["slug"]]
    organization = _organization(
        spec["slug"],
        kind=OrganizationKind.ALLIANCE,
        name=spec["name"],
        town=spec["lead"][2],
        description=(
            "Alleanza dimostrativa: enti, persone e numeri sono fittizi. Riunisce comuni, agenzie per il lavoro, "
            "sindacati, cooperative e imprese per aiutare chi lavora e si prende cura della famiglia."
        ),
        description_en=(
            "Demonstration alliance: organizations, people and figures are fictitious. It brings together "
            "municipalities, job agencies, unions, cooperatives and companies to help people who work and care "
            "for their family."
        ),
    )
    alliance, _ = Alliance.objects.get_or_create(
        organization=organization, defaults={"health_agency": "ATS della Città Metropolitana di Milano"}
    )
    members: list[Municipality] = []
    districts: list[District] = []
    for district_name, names in spec["districts"].items():
        district, _ = District.objects.get_or_create(code=slugify(district_name), defaults={"name": district_name})
        towns = [_municipality(name) for name in names]
        district.municipalities.set(towns)
        districts.append(district)
        members.extend(towns)
    alliance.districts.set(districts)
    alliance.municipalities.set(members)

    lead_slug, lead_name, lead_town = spec["lead"]
    lead = _organization(lead_slug, kind=OrganizationKind.PUBLIC_BODY, name=lead_name, town=lead_town)
    AlliancePartner.objects.update_or_create(alliance=alliance, organization=lead, defaults={"role": PartnerRole.LEAD})
    for kind, role, pattern in PARTNER_PATTERNS:
        name = pattern.format(area=area, town=spec["town"])
        partner = _organization(slugify(name), kind=kind, name=name, town=spec["town"])
        AlliancePartner.objects.update_or_create(alliance=alliance, organization=partner, defaults={"role": role})
    return alliance


def _account(spec: DemoAccount) -> DemoCredentials:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            email=spec.email,
            password=DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.is_admin,
            is_superuser=spec.is_admin,
        )
    EmailAddress.objects.update_or_create(user=user, email=spec.email, defaults={"verified": True, "primary": True})
    if spec.organization_slug and spec.role:
        organization = Organization.objects.get(slug=spec.organization_slug)
        Membership.objects.update_or_create(
            user=user, organization=organization, role=spec.role, defaults={"is_manager": spec.is_manager}
        )
    credentials = DemoCredentials(account=spec)
    if spec.organization_slug or spec.is_admin:
        # Staff must use a second factor: the demo enrols it so a newcomer can log in
        # with a printed recovery code, or add the secret to an authenticator app.
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            totp = TOTP.activate(user, generate_totp_secret()).instance
        credentials.totp_secret = totp.data["secret"]
        codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
        wrapper = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
        unused = wrapper.get_unused_codes()
        if len(unused) < 3:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
            unused = RecoveryCodes.activate(user).get_unused_codes()
        credentials.recovery_codes = unused
    return credentials


@transaction.atomic
def demo_load() -> list[DemoCredentials]:
    """Create or refresh the demo alliances, organizations and one account per role."""
    for spec in ALLIANCES:
        _alliance(spec)
    _organization(
        "osservatorio-conciliazione-demo",
        kind=OrganizationKind.OBSERVATORY,
        name="Osservatorio conciliazione ATS Milano (demo)",
        town="Milano",
    )
    directory_demo_load()
    credentials = [_account(spec) for spec in DEMO_ACCOUNTS]
    calls_demo_load()  # after the accounts: its beneficiaries and staff are demo people
    companies_demo_load()
    surveys_demo_load()  # after the companies: its campaigns belong to their profiles
    return credentials
