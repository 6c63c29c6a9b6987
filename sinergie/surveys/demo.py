"""The demo's needs surveys: invented answers by invented workers of invented companies.

- a closed workers' needs campaign of the demo referent's company with a few hundred responses;
- smaller campaigns of other manufacturing companies of the same size that closed last year, so
  the yearly benchmark of similar companies shows (two more fictitious companies are added);
- an open campaign with single-use links for the Martesana logistics company;
- a closed campaign of the Adda Martesana alliance with the families' questionnaire, the
  alliance-level report that observatory analysts read too.

Answers are drawn with a fixed seed, follow the template's skip logic and are checked by the
same parser as real answers; closed campaigns are then released as any closed campaign is
(`services.campaign_release`), the open one is still collecting. Responses are bulk-created: the
load takes well under a second per hundred responses.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.companies import services as company_services
from sinergie.companies.demo import assessments_demo_load
from sinergie.companies.models import CompanyProfile
from sinergie.companies.services import ProfileData
from sinergie.organizations.models import Alliance, AlliancePartner, Membership, Organization, OrganizationKind, Role
from sinergie.surveys import services
from sinergie.surveys.families_template import TEMPLATE_KEY as FAMILIES_KEY
from sinergie.surveys.models import Campaign, CampaignMode, Question, QuestionKind, Response, ResponseToken, Survey
from sinergie.surveys.needs_template import TEMPLATE_KEY
from sinergie.surveys.report import response_codes, survey_variables
from sinergie.territory.models import Municipality

SEED = 20260905
MAIN_SLUG = "officine-meccaniche-martesana-srl-demo"
MAIN_RESPONSES = 203
CLOSED_TITLE = "Rilevazione dei bisogni di conciliazione 2026 (demo, risposte fittizie)"
OPEN_TITLE = "Bisogni di conciliazione dei lavoratori 2026 (demo, in corso)"
OPEN_SLUG = "logistica-martesana-spa-demo"
OPEN_LINKS = 60
OPEN_RESPONSES = 8  # collecting: nothing is shown before the close
FAMILIES_TITLE = "Famiglie del territorio 2026 (demo, risposte fittizie)"
FAMILIES_ALLIANCE_SLUG = "adda-martesana"
FAMILIES_RESPONSES = 184
PEER_TITLE = "Rilevazione dei bisogni di conciliazione dell'anno scorso (demo, risposte fittizie)"
# Companies of the same size band (medium) and ATECO section (C) as the demo referent's company.
PEERS = [
    ("officine-meccaniche-sud-est-srl-demo", 41),
    ("officine-meccaniche-alto-milanese-srl-demo", 36),
    ("officine-meccaniche-milano-srl-demo", 52),
    ("tessitura-adda-spa-demo", 33),
    ("minuterie-metalliche-lambro-srl-demo", 27),
]
# (slug, name, town, alliance, ATECO 2025, women, men): invented companies, invented figures.
EXTRA_COMPANIES = [
    ("tessitura-adda-spa-demo", "Tessitura Adda S.p.A. (demo)", "Melzo", "adda-martesana", "13.20.00", 61, 38),
    (
        "minuterie-metalliche-lambro-srl-demo",
        "Minuterie Metalliche Lambro S.r.l. (demo)",
        "San Giuliano Milanese",
        "sud-est-milano",
        "25.62.00",
        12,
        49,
    ),
]
# Tilts that make the answers look like a manufacturing workforce's; other answers are uniform.
WEIGHTS: dict[str, dict[str, float]] = {
    "gender": {"f": 0.3, "m": 0.67, "other": 0.03},
    "children": {"yes": 0.55, "no": 0.45},
    "elderly_care": {"yes": 0.25, "no": 0.75},
    "disability_care": {"yes": 0.08, "no": 0.92},
    "contract": {"full": 0.85, "part": 0.15},
    "shifts": {"no": 0.45, "day": 0.35, "night": 0.12, "weekend": 0.08},
    "flex_now": {"yes": 0.3, "no": 0.7},
    "smart_possible": {"yes": 0.3, "no": 0.55, "dont_know": 0.15},
    "willing_to_pay": {"0": 0.35, "u50": 0.4, "50_150": 0.2, "150p": 0.05},
}
SUGGESTIONS = [
    "Un orario di ingresso più flessibile aiuterebbe molto chi ha figli piccoli.",
    "Sarebbe utile un accordo con i centri estivi della zona.",
    "Vorrei poter usare la banca delle ore anche a mezze giornate.",
    "Più informazioni sui permessi per chi assiste un familiare.",
]


def _pick(rng: random.Random, question: Question) -> Any:
    """A plausible answer to one question (valid for `services.parse_answer`)."""
    kind = question.kind
    values = [c["value"] for c in question.options.get("choices", [])]
    if kind == QuestionKind.SINGLE:
        weights = WEIGHTS.get(question.code)
        return rng.choices(values, weights=[weights.get(v, 0.01) for v in values])[0] if weights else rng.choice(values)
    if kind == QuestionKind.MULTIPLE:
        exclusive = [v for v in values if v == "none"]
        if exclusive and rng.random() < 0.15:
            return exclusive
        choices = [v for v in values if v not in exclusive]
        chosen = set(rng.sample(choices, rng.randint(1, min(3, len(choices)))))
        return [v for v in values if v in chosen]
    if kind == QuestionKind.SCALE:
        low, high = question.scale_values()[0], question.scale_values()[-1]
        return min(high, max(low, round(rng.triangular(low, high, (low + high) / 2 + 0.5))))
    if kind == QuestionKind.NUMBER:
        low, high = int(question.options.get("min", 0)), int(question.options.get("max", 1000))
        bands = question.number_bands()
        top = min(high, bands[-1] + (bands[-1] - bands[0]) // 2 + 1)
        return rng.randint(max(low, bands[0]), max(low, top))
    if kind == QuestionKind.MATRIX:
        weights = [0.5, 0.35, 0.15][: len(values)] + [0.1] * max(0, len(values) - 3)
        return {row["value"]: rng.choices(values, weights=weights)[0] for row in question.options["rows"]}
    return rng.choice(SUGGESTIONS)


def synthetic_answers(rng: random.Random, questions: list[Question]) -> dict[str, Any]:
    """One respondent: questions in order, skipping the hidden ones and some optional ones."""
    gates = {q.pk: q for q in questions}
    answers: dict[str, Any] = {}
    for question in questions:
        if not services.is_visible(question, answers, gates):
            continue
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT) and rng.random() > 0.12:
            continue
        if not question.required and rng.random() < 0.1:
            continue
        answers[question.code] = _pick(rng, question)
    return answers


def _fill(campaign: Campaign, rng: random.Random, count: int, *, closed_on: Any) -> None:
    """`count` completed responses and as many used links; a closed campaign is then released."""
    questions = list(campaign.survey.questions().select_related("section"))
    variables = survey_variables(questions)
    days = max(1, (closed_on - campaign.opens_at.date()).days)
    responses = []
    for _index in range(count):
        answers = synthetic_answers(rng, questions)
        responses.append(
            Response(
                campaign=campaign,
                answers=answers,
                codes=response_codes(variables, answers),
                completed=True,
                submitted_on=campaign.opens_at.date() + timedelta(days=rng.randrange(days)),
            )
        )
    rng.shuffle(responses)  # ids are random anyway; the order says nothing
    Response.objects.bulk_create(responses, batch_size=500)
    tokens = [
        ResponseToken(
            campaign=campaign, token_hash=services.keyed_hash(campaign.salt, f"demo-{rng.random()}"), used=True
        )
        for _ in range(count)
    ]
    ResponseToken.objects.bulk_create(tokens, batch_size=500)
    services.campaign_release(campaign)


def _extra_company(spec: tuple[Any, ...], by: Any) -> None:
    slug, name, town, alliance_slug, ateco, women, men = spec
    municipality = Municipality.objects.filter(name__iexact=town, region__istat_code="03").first()
    company, _created = Organization.objects.get_or_create(
        slug=slug,
        defaults={"kind": OrganizationKind.COMPANY, "name": name, "municipality": municipality, "is_demo": True},
    )
    alliance = Alliance.objects.filter(organization__slug=alliance_slug).first()
    if alliance:
        AlliancePartner.objects.get_or_create(alliance=alliance, organization=company, defaults={"role": "private"})
    if not CompanyProfile.objects.filter(organization=company).exists():
        sites = [municipality] if municipality else []
        data = ProfileData(ateco_code=ateco, workforce_women=women, workforce_men=men, sites=sites)
        company_services.profile_save(organization=company, data=data, by=by)


def _campaign(
    company: Organization, template: Survey, title: str, by: Any, *, days: tuple[int, int], target: int, now: Any = None
):
    now = now or timezone.now()
    return services.campaign_create(
        survey=template,
        organization=company,
        title=title,
        opens_at=now + timedelta(days=days[0]),
        closes_at=now + timedelta(days=days[1]),
        target_size=target,
        mode=CampaignMode.TOKENS,
        by=by,
    )


@transaction.atomic
def surveys_demo_load() -> None:
    """Create the demo campaigns once; a second run finds them by company and title."""
    template = Survey.objects.filter(is_template=True, template_key=TEMPLATE_KEY, copied_from__isnull=True).first()
    admin = User.objects.filter(is_superuser=True, email__endswith="@demo.sinergie.invalid").first()
    if template is None or admin is None:
        return  # the template's migration or the demo accounts are missing (partial loads in tests)
    for spec in EXTRA_COMPANIES:
        _extra_company(spec, admin)
    # Like every demo company, the two added here have done the self-assessment.
    assessments_demo_load(Organization.objects.filter(slug__in=[spec[0] for spec in EXTRA_COMPANIES]), admin)
    rng = random.Random(SEED)  # noqa: S311 - invented answers, reproducible on purpose
    # The peers' campaigns closed in December of last year (Rome): last year's benchmark shows.
    last_december = timezone.localtime().replace(
        year=timezone.localtime().year - 1, month=12, day=31, hour=12, minute=0, second=0, microsecond=0
    )
    for slug, count in [(MAIN_SLUG, MAIN_RESPONSES), *PEERS]:
        title, now = (CLOSED_TITLE, timezone.now()) if slug == MAIN_SLUG else (PEER_TITLE, last_december)
        company = Organization.objects.filter(slug=slug).first()
        if company is None or Campaign.objects.filter(organization=company, title=title).exists():
            continue
        referent = Membership.objects.filter(organization=company, role=Role.COMPANY_REFERENT).first()
        by = referent.user if referent else admin
        campaign = _campaign(company, template, title, by, days=(-60, -30), target=count + count // 8, now=now)
        _fill(campaign, rng, count, closed_on=(now - timedelta(days=30)).date())
    company = Organization.objects.filter(slug=OPEN_SLUG).first()
    if company is not None and not Campaign.objects.filter(organization=company, title=OPEN_TITLE).exists():
        campaign = _campaign(company, template, OPEN_TITLE, admin, days=(-5, 25), target=OPEN_LINKS)
        # The links themselves are not kept (as for real ones): the company generates its own.
        services.tokens_generate(campaign=campaign, count=OPEN_LINKS - OPEN_RESPONSES, by=admin)
        _fill(campaign, rng, OPEN_RESPONSES, closed_on=timezone.now().date())
    _families_campaign(rng, admin)


def _families_campaign(rng: random.Random, admin: Any) -> None:
    """The alliance's own campaign among the families of its territory, closed and released."""
    families = Survey.objects.filter(is_template=True, template_key=FAMILIES_KEY, copied_from__isnull=True).first()
    alliance = Organization.objects.filter(slug=FAMILIES_ALLIANCE_SLUG).first()
    if families is None or alliance is None:
        return
    if Campaign.objects.filter(organization=alliance, title=FAMILIES_TITLE).exists():
        return
    staff = Membership.objects.filter(organization=alliance, role=Role.ALLIANCE_STAFF).first()
    now = timezone.now()
    campaign = _campaign(
        alliance,
        families,
        FAMILIES_TITLE,
        staff.user if staff else admin,
        days=(-75, -45),
        target=FAMILIES_RESPONSES * 2,
        now=now,
    )
    _fill(campaign, rng, FAMILIES_RESPONSES, closed_on=(now - timedelta(days=45)).date())
