"""Witness companies, good practices, pairings and inter-company agreements."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.companies import assessment, contamination, services
from sinergie.companies.contamination import AgreementData, PracticeData
from sinergie.companies.models import (
    Agreement,
    AgreementMember,
    GoodPractice,
    Pairing,
    PairingMeeting,
    PairingState,
    WitnessCompany,
)
from sinergie.companies.services import ProfileData
from sinergie.conftest import OrganizationFactory, World
from sinergie.organizations.models import AlliancePartner

pytestmark = pytest.mark.django_db


@pytest.fixture
def witness(world: World):
    """A second partner company of alliance A, marked as witness."""
    company = OrganizationFactory(kind="company", name="Testimone S.p.A.", slug="testimone")
    AlliancePartner.objects.create(alliance=world.alliance, organization=company, role="private")
    contamination.witness_mark(alliance=world.alliance, company=company, by=world.alliance_staff)
    return company


def _practice(**changes) -> PracticeData:
    values = {
        "title": "Centro estivo aziendale",
        "problem": "Dieci settimane senza scuola",
        "measure": "camp_agreement",
        "description": "Convenzione con la cooperativa",
        "result": "30 famiglie coperte",
        "cost_cents": 500_000,
    }
    values.update(changes)
    return PracticeData(**values)


def test_only_witness_companies_publish_practices_and_the_public_sees_them(world: World, witness, client):
    contamination.practice_publish(company=witness, data=_practice(), by=world.admin)
    with pytest.raises(ValidationError) as error:
        contamination.practice_publish(company=world.company, data=_practice(), by=world.referent)
    assert "company" in error.value.message_dict
    page = client.get(reverse("companies:practices")).content.decode()
    assert "Centro estivo aziendale" in page and "Testimone S.p.A." in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"title": " "}, "title"), ({"measure": "magic"}, "measure"), ({"cost_cents": -1}, "cost_cents")],
)
def test_bad_practices_are_refused_by_field(world: World, witness, changes, field):
    with pytest.raises(ValidationError) as error:
        contamination.practice_publish(company=witness, data=_practice(**changes), by=world.admin)
    assert field in error.value.message_dict and not GoodPractice.objects.exists()


def test_marking_needs_a_partner_company_and_happens_once(world: World, witness):
    with pytest.raises(ValidationError):
        contamination.witness_mark(alliance=world.alliance, company=world.other_company, by=world.alliance_staff)
    with pytest.raises(ValidationError):
        contamination.witness_mark(alliance=world.alliance, company=witness, by=world.alliance_staff)
    assert WitnessCompany.objects.count() == 1


def test_candidates_rank_by_sector_size_and_needs(world: World, witness):
    other = OrganizationFactory(kind="company", name="Altro testimone", slug="altro")
    AlliancePartner.objects.create(alliance=world.alliance, organization=other, role="private")
    contamination.witness_mark(alliance=world.alliance, company=other, by=world.alliance_staff)
    small = ProfileData(ateco_code="62.10.00", workforce_women=5, workforce_men=3)
    services.profile_save(organization=world.company, data=small, by=world.referent)
    services.profile_save(
        organization=witness, data=ProfileData(ateco_code="62.10.00", workforce_women=30), by=world.admin
    )
    services.profile_save(
        organization=other, data=ProfileData(ateco_code="25.53.00", workforce_men=400), by=world.admin
    )
    none = {q.code: 0 for q in assessment.QUESTIONS}
    full = {q.code: 3 for q in assessment.QUESTIONS}
    assessment.assessment_submit(company=world.company, raw=none, by=world.referent)
    assessment.assessment_submit(company=witness, raw=full, by=world.admin)
    pairing = contamination.pairing_ask(alliance=world.alliance, company=world.company, wish="Orari", by=world.referent)
    ranked = contamination.pair_candidates(pairing)
    assert [c.witness for c in ranked] == [witness, other]
    assert ranked[0].score == 3 + 1 + 6  # same section, one band up, six weak areas it is strong in


def test_a_pairing_goes_from_request_to_outcome(world: World, witness, login):
    referent = login(world.referent)
    url = reverse("companies:pairing-company", args=[world.company.slug])
    assert referent.post(url, {"alliance": world.alliance.pk, "wish": "Smart working"}).status_code == 302
    pairing = Pairing.objects.get()
    again = referent.post(url, {"alliance": world.alliance.pk, "wish": "Ancora"})
    assert again.status_code == 400 and Pairing.objects.count() == 1

    staff = login(world.alliance_staff)
    detail = reverse("companies:pairing", args=[pairing.pk])
    assert "Testimone S.p.A." in staff.get(detail).content.decode()
    assert staff.post(detail, {"action": "propose", "witness": witness.pk, "why": "stesso settore"}).status_code == 302
    # Only the company answers a proposal.
    assert staff.post(detail, {"action": "accept"}).status_code == 403
    referent = login(world.referent)
    assert referent.post(detail, {"action": "accept"}).status_code == 302
    today = timezone.localdate().isoformat()
    assert referent.post(detail, {"action": "meeting", "on": today, "notes": "Visita in azienda"}).status_code == 302
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = referent.post(detail, {"action": "meeting", "on": future, "notes": "Dopo"})
    assert bad.status_code == 400 and PairingMeeting.objects.count() == 1
    assert referent.post(detail, {"action": "complete", "outcome": ""}).status_code == 400
    assert referent.post(detail, {"action": "complete", "outcome": "Piano avviato"}).status_code == 302
    pairing.refresh_from_db()
    assert pairing.state == PairingState.COMPLETED and pairing.outcome == "Piano avviato"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"companies.pairing_ask", "companies.pairing_propose", "companies.pairing_answer"} <= actions


def test_a_declined_proposal_lets_staff_propose_again(world: World, witness):
    pairing = contamination.pairing_ask(alliance=world.alliance, company=world.company, wish="x", by=world.referent)
    contamination.pairing_propose(pairing=pairing, witness=witness, why="", by=world.alliance_staff)
    contamination.pairing_answer(pairing=pairing, accept=False, by=world.referent)
    pairing.refresh_from_db()
    assert pairing.state == PairingState.ASKED and pairing.witness is None
    with pytest.raises(ValidationError):
        contamination.pairing_propose(pairing=pairing, witness=world.company, why="", by=world.alliance_staff)
    with pytest.raises(ValidationError):
        contamination.meeting_record(pairing=pairing, on=timezone.localdate(), notes="x", by=world.referent)


PAIRING_ACCESS = {
    "referent": 200,
    "alliance_staff": 200,
    "admin": 200,
    "other_referent": 404,
    "evaluator": 404,
    "provider_staff": 404,
    "citizen": 404,
}


@pytest.mark.parametrize(("persona", "status"), PAIRING_ACCESS.items())
def test_who_sees_a_pairing(world: World, witness, login, persona, status):
    pairing = contamination.pairing_ask(alliance=world.alliance, company=world.company, wish="x", by=world.referent)
    client = login(getattr(world, persona))
    assert client.get(reverse("companies:pairing", args=[pairing.pk])).status_code == status
    assert client.get(reverse("companies:pairing", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["referent", "other_referent", "evaluator", "citizen", "provider_staff"])
def test_only_staff_open_the_witness_page(world: World, login, persona):
    assert login(getattr(world, persona)).get(reverse("companies:witness-staff")).status_code == 404


def _agreement(world: World, **changes) -> Agreement:
    values = {
        "title": "Posti estivi condivisi",
        "kind": "holiday_camp",
        "description": "Centro estivo per i figli dei dipendenti",
        "capacity": 10,
        "starts_on": datetime.date(2027, 6, 15),
        "ends_on": datetime.date(2027, 9, 5),
    }
    values.update(changes)
    return contamination.agreement_create(
        alliance=world.alliance, data=AgreementData(**values), by=world.alliance_staff
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**9}, "capacity"),
        ({"ends_on": datetime.date(2027, 1, 1)}, "ends_on"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_agreements_are_refused_by_field(world: World, changes, field):
    with pytest.raises(ValidationError) as error:
        _agreement(world, **changes)
    assert field in error.value.message_dict and not Agreement.objects.exists()


def test_companies_take_places_never_beyond_the_capacity(world: World, witness, login):
    agreement = _agreement(world)
    contamination.agreement_join(agreement=agreement, company=witness, places=7, by=world.admin)
    with pytest.raises(ValidationError) as error:
        contamination.agreement_join(agreement=agreement, company=world.company, places=4, by=world.referent)
    assert "places" in error.value.message_dict
    with pytest.raises(ValidationError):
        contamination.agreement_join(
            agreement=agreement, company=world.other_company, places=1, by=world.other_referent
        )
    referent = login(world.referent)
    url = reverse("companies:agreement", args=[agreement.pk])
    assert referent.post(url, {"company": world.company.pk, "places": "3"}).status_code == 302
    assert contamination.places_taken(agreement) == 10
    assert AgreementMember.objects.count() == 2
    public = login(world.citizen).get(reverse("companies:agreements")).content.decode()
    assert "0 / 10" in public


def test_only_staff_create_agreements(world: World, login):
    url = reverse("companies:agreement-new", args=[world.alliance_org.slug])
    assert login(world.referent).get(url).status_code == 404
    staff = login(world.alliance_staff)
    bad = staff.post(url, {"title": "A", "kind": "nursery", "description": "d", "capacity": "-1"})
    assert bad.status_code == 400 and "capacity" in bad.context["form"].errors
    data = {
        "title": "Nido condiviso",
        "kind": "nursery",
        "description": "Nido interaziendale",
        "capacity": "12",
        "starts_on": "2027-09-01",
        "ends_on": "2028-07-31",
    }
    assert staff.post(url, data).status_code == 302
    assert Agreement.objects.get().capacity == 12


def test_staff_mark_and_unmark_a_witness_from_the_page(world: World, login):
    staff = login(world.alliance_staff)
    url = reverse("companies:witness-staff")
    form = {"alliance": world.alliance.pk, "company": world.company.pk}
    assert staff.post(url, {**form, "action": "mark"}).status_code == 302
    assert WitnessCompany.objects.filter(company=world.company).exists()
    assert staff.post(url, {**form, "action": "unmark"}).status_code == 302
    assert not WitnessCompany.objects.exists()
    # Another alliance's company, or a forged id, changes nothing.
    assert staff.post(url, {"alliance": world.other_alliance.pk, "company": world.company.pk}).status_code == 404
    assert staff.post(url, {"alliance": world.alliance.pk, "company": "x"}).status_code == 404
