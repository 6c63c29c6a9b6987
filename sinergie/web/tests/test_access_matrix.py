"""Every view that names an object, asked by every persona (issue 12, point 2).

The test walks the URLconf. A URL whose pattern takes an argument (an id, a slug, a code) must be
declared in the `ACCESS` dict of the urls module that names it (the ninja APIs in
`sinergie/urls.py`), with the personas allowed (`sinergie/lib/access_rules.py` says who they
are): a view without a declaration fails here, so a new view cannot be added without saying who
may see it. Each declared URL is then requested with GET, with the arguments of one world built
once for the module, as every persona: an allowed persona gets the page (200, or a redirect that
is not to the login page), anyone else 403, 404, or the login page when anonymous. A view that
answers only POST (405 to GET) is not read by GET at all: its declaration still says who may
post, which the views' own tests check.

Out of scope: Django's admin (`/admin/`), which has its own permission model (staff flags and
model permissions, behind the second factor), and allauth's token links (e-mail confirmation,
password reset), whose argument is a secret key rather than an object.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sinergie.calls import services
from sinergie.calls.applications.services import (
    application_save,
    application_start,
    application_submit,
    document_attach,
)
from sinergie.calls.evaluation import review
from sinergie.calls.evaluation.ranking import ranking_publish
from sinergie.calls.evaluation.services import evaluations_compute, ranking_for_design
from sinergie.calls.models import GrantDocument
from sinergie.calls.tests.design_world import Designer
from sinergie.calls.tests.incentive_world import Incentives
from sinergie.calls.tests.review_world import GOOD, send, submit
from sinergie.catalogue.models import ImportBatch
from sinergie.companies.models import (
    Agreement,
    ConciliationPlan,
    JoinRequest,
    LabelAward,
    LabelScheme,
    Manifesto,
    Pairing,
    PlanMeasure,
)
from sinergie.conftest import OrganizationFactory, UserFactory, World, add_member, enrol_totp
from sinergie.directory.models import Location, RevisionState, ServiceAtLocation, ServiceRevision
from sinergie.directory.revisions import service_payload
from sinergie.directory.tests.moderation_world import published_service
from sinergie.lib.access_rules import PERSONAS
from sinergie.organizations.models import AlliancePartner, Role
from sinergie.planner.models import Plan
from sinergie.schoolcalendar.models import LocalClosure
from sinergie.surveys.services import tokens_generate
from sinergie.surveys.tests.helpers import make_campaign, make_survey

pytestmark = pytest.mark.django_db

OUT_OF_SCOPE_PREFIXES = ("admin/",)
OUT_OF_SCOPE_NAMES = {"account_confirm_email", "account_reset_password_from_key"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, as reverse() takes it
    pattern: str
    declared: frozenset[str] | None
    declared_in: str


def _declarations(urlconf: Any) -> tuple[dict[str, frozenset[str]], str]:
    """The ACCESS dict of a urls module (given by name or as the module); none for a list of patterns."""
    module = importlib.import_module(urlconf) if isinstance(urlconf, str) else urlconf
    if isinstance(module, ModuleType):
        return getattr(module, "ACCESS", {}), module.__name__
    return {}, ""


def routes() -> list[Route]:
    """Every named URL pattern that takes an argument, with its declaration (None when missing)."""
    root = get_resolver()
    root_declared, root_module = _declarations(root.urlconf_name)
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, declared: dict[str, frozenset[str]], where: str):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner, inner_where = _declarations(entry.urlconf_name)
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), space, inner or declared, inner_where or where)
            elif isinstance(entry, URLPattern) and entry.name:
                pattern = prefix + str(entry.pattern)
                if not (entry.pattern.regex.groups or entry.pattern.converters):
                    continue
                if pattern.startswith(OUT_OF_SCOPE_PREFIXES) or entry.name in OUT_OF_SCOPE_NAMES:
                    continue
                full = namespace + entry.name
                rule = declared.get(entry.name, root_declared.get(full))
                found.append(Route(full, pattern, rule, where if entry.name in declared else root_module))

    walk(root, "", "", root_declared, root_module)
    return found


ROUTES = routes()


def test_every_view_that_names_an_object_declares_who_may_see_it() -> None:
    missing = [f"{r.name} ({r.pattern})" for r in ROUTES if r.declared is None]
    assert not missing, "Declare in the urls module's ACCESS who may see: " + ", ".join(missing)


# --- The world -----------------------------------------------------------------------------------


class Matrix:
    """Alliance A oversees Company A and Provider A (its partners) and runs the calls; the
    `other_*` personas belong to Alliance B, Company B and Provider B. Every object the URLs name
    belongs to A's side."""

    def __init__(self) -> None:
        world = self.world = World()
        self.designer = Designer(world)  # the territory, and Provider A as Alliance A's partner
        self.melzo = self.designer.melzo
        staff = world.alliance_staff

        def person(email: str, organization: Any, role: str) -> Any:
            user = UserFactory(email=email)
            add_member(user, organization, role)
            enrol_totp(user)
            return user

        other_provider = OrganizationFactory(kind="provider", name="Provider B", slug="provider-b")
        AlliancePartner.objects.create(alliance=world.other_alliance, organization=other_provider, role="private")
        self.people: dict[str, Any] = {
            "anonymous": None,
            "citizen": world.citizen,
            "other_citizen": world.stranger,
            "operator": person("operator@example.org", world.alliance_org, Role.INFO_POINT_OPERATOR),
            "provider": world.provider_staff,
            "other_provider": person("provider-b@example.org", other_provider, Role.PROVIDER_STAFF),
            "referent": world.referent,
            "other_referent": world.other_referent,
            "alliance_staff": staff,
            "other_alliance_staff": person("staff-b@example.org", world.other_alliance_org, Role.ALLIANCE_STAFF),
            "evaluator": world.evaluator,
            "analyst": world.analyst,
            "admin": world.admin,
        }
        assert set(self.people) == set(PERSONAS)

        # A worker-voucher call of Alliance A, Provider A accredited; the citizen's sent application
        # with a document, assigned to the evaluator (declared free of conflicts); a voucher and a
        # redemption at Provider A.
        now = timezone.now()
        call = self.designer.create(
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=10), budget_cents=90_000
        )
        call.providers.add(world.provider)
        self.call = services.call_publish(call=call, by=staff)
        self.application = application_start(call=self.call, applicant=world.citizen, by=world.citizen)
        application_save(application=self.application, answers=GOOD, by=world.citizen)
        self.document = document_attach(
            application=self.application,
            name="Attestazione ISEE",
            filename="isee.pdf",
            content=PDF,
            by=world.citizen,
        )
        self.application = application_submit(application=self.application, by=world.citizen)
        assignment = review.evaluator_assign(application=self.application, evaluator=world.evaluator, by=staff)
        review.conflict_declare(assignment=assignment, has_conflict=False, statement="", by=world.evaluator)
        self.voucher = services.voucher_issue(call=self.call, beneficiary=world.citizen, by=staff)
        self.redemption = services.voucher_redeem(
            voucher_code=self.voucher.code,
            provider=world.provider,
            amount_cents=1_000,
            service_date=services.rome_today(),
            idempotency_key="matrix-1",
            by=world.provider_staff,
        )

        # A second call of Alliance A whose ranking is published (its public ranking, the staff's export).
        ranked = self.designer.create(
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=10), budget_cents=90_000
        )
        self.ranked_call = services.call_publish(call=ranked, by=staff)
        submit(send(self.ranked_call, "ranked@example.org", GOOD))
        evaluations_compute(call=self.ranked_call, by=staff)
        ranking_publish(ranking=ranking_for_design(call=self.ranked_call, by=staff), by=staff)

        # Company A's incentive application and grant, with a document.
        incentives = Incentives(world)
        self.company_call = incentives.call
        self.company_application = incentives.application
        self.grant = incentives.grant()
        self.grant_document = GrantDocument.objects.create(
            grant=self.grant,
            name="Relazione",
            filename="relazione.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            content=PDF,
            uploaded_by=world.referent,
        )

        # Provider A's published service with a revision waiting for moderation; an import batch.
        location = Location.objects.create(
            organization=world.provider,
            name="Sede",
            address_1="Via Roma 1",
            municipality=self.melzo,
            latitude=45.4996,
            longitude=9.4232,
        )
        self.service = published_service(world.provider, location, "Centro estivo Girasole")
        self.service_at_location = ServiceAtLocation.objects.get(service=self.service)
        self.revision = ServiceRevision.objects.create(
            service=self.service,
            author=world.provider_staff,
            payload={**service_payload(self.service), "name_it": "Centro estivo Girasole 2"},
            state=RevisionState.SUBMITTED,
            submitted_at=now,
        )
        self.batch = ImportBatch.objects.create(
            organization=world.provider, created_by=staff, filename="servizi.csv", content=b"", sha256="0" * 64
        )

        # The citizen's saved plan; a local school closure in Melzo (an Alliance A municipality).
        self.plan = Plan.objects.create(
            owner=world.citizen, name="Famiglia", parameters={"comune": "015142", "anno": 2026, "eta1": 7}
        )
        self.closure = LocalClosure.objects.create(
            municipality=self.melzo,
            school_year=2026,
            start=datetime.date(2026, 11, 2),
            end=datetime.date(2026, 11, 2),
            reason_it="Ponte",
            levels=["primary"],
        )

        # Company A: its plan with a measure, a label request, a pairing; Alliance A's manifesto,
        # an agreement, and a pending request to join from a third company.
        plan = ConciliationPlan.objects.create(company=world.company)
        self.measure = PlanMeasure.objects.create(
            plan=plan,
            measure="smart_working",
            target="Tutti",
            owner="HR",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
        scheme = LabelScheme.objects.create(alliance=world.alliance)
        self.award = LabelAward.objects.create(
            scheme=scheme, company=world.company, declaration="Dichiaro", evidence="Prove", submitted_by=world.referent
        )
        Manifesto.objects.create(alliance=world.alliance, title_it="Manifesto", text_it="Testo", published=True)
        self.pairing = Pairing.objects.create(
            company=world.company, alliance=world.alliance, wish="Imparare", asked_by=world.referent
        )
        self.agreement = Agreement.objects.create(
            alliance=world.alliance,
            title="Posti estivi",
            kind="holiday_camp",
            description="Posti condivisi",
            capacity=10,
            starts_on=datetime.date(2026, 6, 1),
            ends_on=datetime.date(2026, 9, 1),
            created_by=staff,
        )
        joiner = OrganizationFactory(kind="company", name="Company C", slug="company-c")
        self.join_request = JoinRequest.objects.create(
            company=joiner, alliance=world.alliance, requested_by=UserFactory(email="c@example.org")
        )

        # Company A's campaign (with a token) and a survey of its own, not in a campaign.
        self.campaign = make_campaign(world.company)
        self.token = tokens_generate(campaign=self.campaign, count=1, by=world.referent)[0]
        self.open_campaign = make_campaign(world.company, mode="open")  # its poster
        self.survey = make_survey(world.company)
        self.section = self.survey.sections.first()
        self.question = self.section.questions.first()


# URL name → the arguments it is asked with. A URL declared but missing here fails the test.
ARGUMENTS: dict[str, Callable[[Matrix], dict[str, Any]]] = {
    # organizations
    "organizations:detail": lambda m: {"slug": m.world.company.slug},
    "organizations:edit": lambda m: {"slug": m.world.company.slug},
    "organizations:members": lambda m: {"slug": m.world.company.slug},
    "organizations:membership-remove": lambda m: {
        "slug": m.world.company.slug,
        "pk": m.world.colleague.memberships.get().pk,
    },
    "organizations:alliance-detail": lambda m: {"slug": m.world.alliance_org.slug},
    "organizations:alliance-municipalities": lambda m: {"slug": m.world.alliance_org.slug},
    # school calendar
    "schoolcalendar:detail": lambda m: {"istat_code": m.melzo.istat_code},
    "schoolcalendar:ics": lambda m: {"istat_code": m.melzo.istat_code},
    "schoolcalendar:manage": lambda m: {"istat_code": m.melzo.istat_code},
    "schoolcalendar:closure-remove": lambda m: {"istat_code": m.melzo.istat_code, "pk": m.closure.pk},
    # directory
    "directory:service-detail": lambda m: {"pk": m.service.pk},
    "directory:service-ics": lambda m: {"pk": m.service.pk},
    "directory-manage:review": lambda m: {"pk": m.revision.pk},
    "directory-manage:edit": lambda m: {"pk": m.service.pk},
    "directory-manage:preview": lambda m: {"pk": m.service.pk},
    "directory-manage:submit": lambda m: {"pk": m.service.pk},
    "directory-manage:withdraw": lambda m: {"pk": m.service.pk},
    "directory-manage:discard": lambda m: {"pk": m.service.pk},
    "directory-manage:archive": lambda m: {"pk": m.service.pk},
    "directory-manage:history": lambda m: {"pk": m.service.pk},
    # planner
    "planner:open": lambda m: {"pk": m.plan.pk},
    "planner:rename": lambda m: {"pk": m.plan.pk},
    "planner:delete": lambda m: {"pk": m.plan.pk},
    # catalogue
    "catalogue:import-preview": lambda m: {"batch_id": m.batch.pk},
    "catalogue:import-confirm": lambda m: {"batch_id": m.batch.pk},
    "catalogue:import-progress": lambda m: {"batch_id": m.batch.pk},
    # applications
    "applications:edit": lambda m: {"pk": m.application.pk},
    "applications:review": lambda m: {"pk": m.application.pk},
    "applications:withdraw": lambda m: {"pk": m.application.pk},
    "applications:receipt-pdf": lambda m: {"pk": m.application.pk},
    "applications:receipt": lambda m: {"pk": m.application.pk},
    "applications:document-remove": lambda m: {"pk": m.document.pk},
    "applications:document": lambda m: {"pk": m.document.pk},
    "applications:ranking": lambda m: {"call_id": m.ranked_call.pk},
    # vouchers
    "vouchers:detail": lambda m: {"pk": m.voucher.pk},
    "vouchers:desk": lambda m: {"provider": m.world.provider.slug},
    "vouchers:redemptions": lambda m: {"provider": m.world.provider.slug},
    "vouchers:redemption": lambda m: {"provider": m.world.provider.slug, "pk": m.redemption.pk},
    "vouchers:redemption-cancel": lambda m: {"provider": m.world.provider.slug, "pk": m.redemption.pk},
    "vouchers:statement": lambda m: {"provider": m.world.provider.slug},
    "vouchers:statement-csv": lambda m: {"provider": m.world.provider.slug},
    "vouchers:statement-xlsx": lambda m: {"provider": m.world.provider.slug},
    "vouchers:statement-pdf": lambda m: {"provider": m.world.provider.slug},
    # calls
    "calls:detail": lambda m: {"call_id": m.call.pk},
    "calls:precheck": lambda m: {"call_id": m.call.pk},
    "calls:apply": lambda m: {"call_id": m.call.pk},
    "calls:apply-assisted": lambda m: {"call_id": m.call.pk},
    "calls:manage-detail": lambda m: {"call_id": m.call.pk},
    "calls:edit": lambda m: {"call_id": m.call.pk},
    "calls:publish": lambda m: {"call_id": m.call.pk},
    "calls:close": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-applications": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-compute": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-assign-evenly": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-application": lambda m: {"call_id": m.call.pk, "pk": m.application.pk},
    "calls:evaluation-ranking": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-ranking-compute": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-ranking-publish": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-vouchers": lambda m: {"call_id": m.call.pk},
    "calls:evaluation-ranking-export": lambda m: {"call_id": m.ranked_call.pk},
    "calls:evaluator-application": lambda m: {"pk": m.application.pk},
    "calls:evaluator-document": lambda m: {"pk": m.document.pk},
    "reports:report": lambda m: {"call_id": m.call.pk},
    # companies
    "companies:pairing": lambda m: {"pk": m.pairing.pk},
    "companies:agreement-new": lambda m: {"alliance": m.world.alliance_org.slug},
    "companies:agreement": lambda m: {"pk": m.agreement.pk},
    "companies:staff-label": lambda m: {"pk": m.award.pk},
    "companies:scheme-edit": lambda m: {"alliance": m.world.alliance_org.slug},
    "companies:manifesto": lambda m: {"alliance": m.world.alliance_org.slug},
    "companies:manifesto-edit": lambda m: {"alliance": m.world.alliance_org.slug},
    "companies:join-decide": lambda m: {"pk": m.join_request.pk},
    "companies:profile": lambda m: {"slug": m.world.company.slug},
    "companies:alliances": lambda m: {"slug": m.world.company.slug},
    "companies:join-withdraw": lambda m: {"slug": m.world.company.slug, "pk": m.join_request.pk},
    "companies:assessment": lambda m: {"slug": m.world.company.slug},
    "companies:label": lambda m: {"slug": m.world.company.slug},
    "companies:pairing-company": lambda m: {"slug": m.world.company.slug},
    "companies:plan": lambda m: {"slug": m.world.company.slug},
    "companies:plan-pdf": lambda m: {"slug": m.world.company.slug},
    "companies:measure": lambda m: {"slug": m.world.company.slug, "pk": m.measure.pk},
    # incentives
    "incentives:apply": lambda m: {"call_id": m.company_call.pk},
    "incentives:plan": lambda m: {"pk": m.company_application.pk},
    "incentives:withdraw": lambda m: {"pk": m.company_application.pk},
    "incentives:manage": lambda m: {"call_id": m.company_call.pk},
    "incentives:grant-new": lambda m: {"pk": m.company_application.pk},
    "incentives:grant": lambda m: {"pk": m.grant.pk},
    "incentives:grant-report": lambda m: {"pk": m.grant.pk},
    "incentives:grant-document": lambda m: {"pk": m.grant.pk},
    "incentives:grant-review": lambda m: {"pk": m.grant.pk},
    "incentives:grant-payment": lambda m: {"pk": m.grant.pk},
    "incentives:grant-revoke": lambda m: {"pk": m.grant.pk},
    "incentives:grant-document-file": lambda m: {"pk": m.grant_document.pk},
    # surveys
    "surveys:campaign-report": lambda m: {"campaign_id": m.campaign.pk},
    "surveys:campaign-report-export": lambda m: {"campaign_id": m.campaign.pk, "fmt": "csv"},
    "surveys:campaign-links": lambda m: {"campaign_id": m.campaign.pk},
    "surveys:campaign-close": lambda m: {"campaign_id": m.campaign.pk},
    "surveys:campaign-poster": lambda m: {"campaign_id": m.open_campaign.pk},
    "surveys:builder-survey": lambda m: {"survey_id": m.survey.pk},
    "surveys:builder-copy": lambda m: {"survey_id": m.survey.pk},
    "surveys:builder-preview": lambda m: {"survey_id": m.survey.pk},
    "surveys:builder-section-add": lambda m: {"survey_id": m.survey.pk},
    "surveys:builder-section": lambda m: {"survey_id": m.survey.pk, "section_id": m.section.pk},
    "surveys:builder-section-move": lambda m: {"survey_id": m.survey.pk, "section_id": m.section.pk},
    "surveys:builder-section-delete": lambda m: {"survey_id": m.survey.pk, "section_id": m.section.pk},
    "surveys:builder-question-add": lambda m: {"survey_id": m.survey.pk, "section_id": m.section.pk},
    "surveys:builder-question": lambda m: {"survey_id": m.survey.pk, "question_id": m.question.pk},
    "surveys:builder-question-move": lambda m: {"survey_id": m.survey.pk, "question_id": m.question.pk},
    "surveys:builder-question-delete": lambda m: {"survey_id": m.survey.pk, "question_id": m.question.pk},
    "surveys:respond": lambda m: {"code": m.token},
    # APIs
    "api-v1:municipality_detail": lambda m: {"istat_code": m.melzo.istat_code},
    "api-v1:school_year": lambda m: {"istat_code": m.melzo.istat_code},
    "api-v1:campaign_report": lambda m: {"campaign_id": m.campaign.pk},
    "hsds:service_detail": lambda m: {"id": m.service.pk},
    "hsds:service_at_location_detail": lambda m: {"id": m.service_at_location.pk},
    "hsds:organization_detail": lambda m: {"id": str(m.world.provider.pk)},
    "hsds:taxonomy_detail": lambda m: {"id": m.service.categories.get().taxonomy_id},
    "hsds:taxonomy_term_detail": lambda m: {"id": m.service.categories.get().pk},
}


# Query strings some URLs need to answer at all.
QUERIES = {"api-v1:school_year": "?year=2026"}


@pytest.fixture(scope="module", name="matrix")
def matrix_fixture(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Matrix]:
    """The world, built once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = Matrix()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module", name="clients")
def clients_fixture(matrix: Matrix, django_db_blocker: Any) -> dict[str, Client]:
    signed_in: dict[str, Client] = {}
    with django_db_blocker.unblock():
        for name, user in matrix.people.items():
            browser = Client()
            if user is not None:
                browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            signed_in[name] = browser
    return signed_in


def _answer(response: Any) -> str:
    """ "allowed", "denied", or "no GET" (a POST-only view)."""
    status = response.status_code
    location = response.get("Location", "")
    if status == 405:
        return "no GET"
    if status in (403, 404) or (status == 302 and "/account/login/" in location):
        return "denied"
    if status == 200 or status in (301, 302, 303):
        return "allowed"
    return f"status {status}"


DECLARED = [r for r in ROUTES if r.declared is not None]


@pytest.mark.parametrize("route", DECLARED, ids=[r.name for r in DECLARED])
def test_every_persona_gets_what_the_view_declares(route: Route, matrix: Matrix, clients: dict[str, Client]) -> None:
    assert route.name in ARGUMENTS, f"Give {route.name} its arguments in ARGUMENTS (this test)"
    url = reverse(route.name, kwargs=ARGUMENTS[route.name](matrix)) + QUERIES.get(route.name, "")
    wrong = []
    for persona in PERSONAS:
        answer = _answer(clients[persona].get(url))
        if answer == "no GET":
            continue
        expected = "allowed" if persona in route.declared else "denied"
        if answer != expected:
            wrong.append(f"{persona}: {answer}, declared {expected}")
    assert not wrong, f"{url}: " + "; ".join(wrong)
