"""Someone the pre-check turns down is pointed to what else may help (issue 13, point 9): other open
calls their answers do not rule out, and the nearest information points."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sinergie.calls import design, services
from sinergie.calls.conftest import make_call
from sinergie.calls.models import CallKind
from sinergie.calls.precheck_help import rules_may_hold
from sinergie.conftest import UserFactory, add_member
from sinergie.directory.models import Location, Service, ServiceAtLocation
from sinergie.organizations.models import Role

from .design_world import Designer, designer_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

# Lives in Melzo, in the call's territory, but the ISEE is above its ceiling of 30,000 euro.
TURNED_DOWN = {"lives_in": "015142", "works_in": "", "children_ages": "4", "isee": "35.000", "verifica": "1"}


def _open(designer: Designer, alliance, staff, **changes):
    past = timezone.now() - datetime.timedelta(days=1)
    call = design.call_create(alliance=alliance, data=designer.data(opens_at=past, **changes), by=staff)
    return services.call_publish(call=call, by=staff)


def _info_point(designer: Designer, name: str, municipality, *, state: str = "published") -> Service:
    provider = designer.world.provider
    location = Location.objects.create(
        organization=provider,
        name=f"Sede {name}",
        address_1="Via Roma 1",
        municipality=municipality,
        latitude=municipality.latitude + 0.001,
        longitude=municipality.longitude + 0.001,
    )
    service = Service.objects.create(
        organization=provider, name_it=name, name_en=f"{name} (en)", kind="info_point", state=state, phone="02 1234"
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


@pytest.fixture(name="places")
def places_fixture(designer: Designer):
    for municipality, point in (
        (designer.melzo, (45.4998, 9.4226)),
        (designer.gorgonzola, (45.5339, 9.4058)),
        (designer.milano, (45.4642, 9.19)),
    ):
        municipality.latitude, municipality.longitude = point
        municipality.save()
    staff_b = UserFactory(email="staff-b@example.org")
    add_member(staff_b, designer.world.other_alliance_org, Role.ALLIANCE_STAFF)
    this = _open(designer, designer.world.alliance, designer.staff)  # Melzo and Gorgonzola, ISEE ≤ 30,000
    milano = _open(  # they may work in Milano: their answers do not rule it out
        designer,
        designer.world.other_alliance,
        staff_b,
        title_it="Voucher Milano",
        eligibility=[{"kind": "territory"}, {"kind": "children_age", "min_age": 0, "max_age": 14}],
    )
    low_isee = _open(
        designer,
        designer.world.other_alliance,
        staff_b,
        title_it="Voucher ISEE basso",
        eligibility=[{"kind": "territory"}, {"kind": "isee_ceiling", "ceiling_cents": 1_000_000}],
    )
    company = make_call(designer.world, kind=CallKind.COMPANY_INCENTIVES, title_it="Incentivi aziende")
    services.call_publish(call=company, by=designer.staff)
    desk_milano = _info_point(designer, "Sportello Milano", designer.milano)
    desk_melzo = _info_point(designer, "Sportello Melzo", designer.melzo)
    draft = _info_point(designer, "Sportello in bozza", designer.milano, state="draft")
    return this, milano, low_isee, company, desk_milano, desk_melzo, draft


def test_a_person_turned_down_sees_other_open_calls_and_the_nearest_info_point(client, places) -> None:
    this, milano, low_isee, company, *_desks = places
    response = client.get(f"/en/bandi/{this.pk}/posso-partecipare/", TURNED_DOWN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not as things stand" in page and 'id="precheck-help"' in page
    other_calls = page.split('id="other-calls"')[1].split("</ul>")[0]
    assert f"/en/bandi/{milano.pk}/" in other_calls and f"/en/bandi/{milano.pk}/posso-partecipare/" in other_calls
    assert f"/bandi/{low_isee.pk}/" not in other_calls  # their ISEE is above its ceiling
    assert f"/bandi/{company.pk}/" not in other_calls  # for companies
    assert f"/bandi/{this.pk}/" not in other_calls
    points = page.split('id="nearest-info-points"')[1].split("</ul>")[0]
    assert "Sportello Melzo (en)" in points and "Melzo" in points and 'href="tel:02 1234"' in points
    assert points.index("Sportello Melzo") < points.index("Sportello Milano")  # nearest first
    assert "Sportello in bozza" not in page
    assert "/en/punti-informativi/?municipality=015142" in page and "Information points near Melzo" in page


def test_without_a_known_municipality_the_info_points_are_those_of_the_calls_alliance(client, places) -> None:
    this, *_rest = places
    answers = {**TURNED_DOWN, "lives_in": "other", "works_in": "other"}
    page = client.get(f"/en/bandi/{this.pk}/posso-partecipare/", answers).content.decode()
    points = page.split('id="nearest-info-points"')[1].split("</ul>")[0]
    assert points.index("Sportello Melzo") < points.index("Sportello Milano")
    assert "Information points near Gorgonzola" in page  # the alliance's first member municipality


def test_nothing_else_is_suggested_to_someone_who_can_apply(client, places) -> None:
    this, *_rest = places
    answers = {**TURNED_DOWN, "isee": "15.000"}
    page = client.get(f"/en/bandi/{this.pk}/posso-partecipare/", answers).content.decode()
    assert "Yes: you meet every rule" in page and 'id="precheck-help"' not in page


def test_when_no_other_call_fits_the_page_says_so_in_italian_too(client, places) -> None:
    this, *_rest = places
    answers = {**TURNED_DOWN, "children_ages": "17"}  # no call admits a 17-year-old only
    page = client.get(f"/bandi/{this.pk}/posso-partecipare/", answers).content.decode()
    assert 'id="no-other-calls"' in page and 'id="other-calls"' not in page
    assert 'id="nearest-info-points"' in page


def test_an_answer_not_given_or_another_place_never_rules_a_call_out() -> None:
    territory = {"kind": "territory", "municipalities": [["015146", "Milano"]]}
    isee = {"kind": "isee_ceiling", "ceiling_cents": 1_000_000}
    caregiver = {"kind": "caregiver"}
    assert rules_may_hold([territory, isee, caregiver], {})
    assert rules_may_hold([territory], {"lives_in": "other", "works_in": "015142"})
    assert rules_may_hold([territory], {"lives_in": "015142"})  # where they work is not known
    assert not rules_may_hold([territory], {"lives_in": "015142", "works_in": "015108"})
    assert not rules_may_hold([isee], {"isee_cents": 2_000_000})
    assert rules_may_hold([isee], {"isee_cents": 900_000})
    assert not rules_may_hold([caregiver], {"caregiver": False})
    assert rules_may_hold([{"kind": "not_beneficiary"}], {"already_beneficiary": True})
