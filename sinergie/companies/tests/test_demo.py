"""The demo's companies have profiles, and one asks to join an alliance."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sinergie.companies.models import (
    Agreement,
    CompanyProfile,
    ConciliationPlan,
    GoodPractice,
    JoinRequest,
    JoinState,
    LabelAward,
    ManifestoSignature,
    Pairing,
    PlanMeasure,
    SelfAssessment,
    SizeBand,
    WitnessCompany,
)
from sinergie.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_the_demo_companies_have_profiles_and_one_asks_to_join(settings):
    settings.DEBUG = True  # the demo runs on development machines only
    call_command("demo", "--no-serve", stdout=StringIO())
    companies = Organization.objects.filter(kind="company", is_demo=True)
    assert CompanyProfile.objects.count() == companies.count() > 0
    bands = set(CompanyProfile.objects.values_list("size_band", flat=True))
    assert {SizeBand.MICRO, SizeBand.MEDIUM, SizeBand.LARGE} <= bands
    assert not companies.exclude(vat_number="").exists()  # no VAT number that could be a real one
    join = JoinRequest.objects.get()
    assert join.state == JoinState.PENDING and join.alliance.organization.slug == "adda-martesana"
    plan = ConciliationPlan.objects.get()
    assert plan.measures.count() == 3 and plan.measures.filter(status="done").exists()
    assert SelfAssessment.objects.count() == companies.count()
    assert LabelAward.objects.get().state == "verified"
    assert ManifestoSignature.objects.count() == 1
    assert WitnessCompany.objects.count() == 1 and GoodPractice.objects.count() == 1
    assert Pairing.objects.get().state == "proposed"
    assert Agreement.objects.get().members.count() == 2
    call_command("demo", "--no-serve", stdout=StringIO())  # twice: nothing more
    assert JoinRequest.objects.count() == 1 and PlanMeasure.objects.count() == 3
    assert SelfAssessment.objects.count() == companies.count()


def test_the_demo_runs_again_whatever_its_users_did(settings):
    """Alliance staff unmark the witness company and the small company declines its pairing; the
    company withdraws its request to join. Running the demo again still succeeds, and puts back
    nothing the users took away on purpose (no second witness, pairing or request)."""
    from sinergie.companies import contamination, services

    settings.DEBUG = True
    call_command("demo", "--no-serve", stdout=StringIO())
    witness = WitnessCompany.objects.get()
    staff = witness.marked_by
    contamination.witness_unmark(witness=witness, by=staff)
    pairing = Pairing.objects.get()
    contamination.pairing_answer(pairing=pairing, accept=False, by=staff)
    join = JoinRequest.objects.get()
    services.join_request_withdraw(join=join, by=staff)

    call_command("demo", "--no-serve", stdout=StringIO())

    assert not WitnessCompany.objects.exists()
    assert Pairing.objects.count() == 1 and GoodPractice.objects.count() == 1
    assert JoinRequest.objects.count() == 1
