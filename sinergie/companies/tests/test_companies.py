"""Company profiles and requests to join an alliance: validation, access for every role, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.companies import ateco_codes, services
from sinergie.companies.models import CompanyProfile, JoinRequest, JoinState, SizeBand
from sinergie.companies.services import ProfileData
from sinergie.conftest import World
from sinergie.organizations.models import AlliancePartner
from sinergie.territory.models import Municipality

pytestmark = pytest.mark.django_db

GOOD_VAT = "00743110157"  # a well-formed number (check digit right), of no company of the demo


def _post(**changes):
    data = {
        "vat_number": GOOD_VAT,
        "ateco_code": "62.10.00",
        "size_band": "",
        "workforce_women": "12",
        "workforce_men": "9",
        "workforce_other": "0",
        "sites": "",
    }
    data.update(changes)
    return data


# --- ATECO ------------------------------------------------------------------------------------


def test_ateco_codes_are_looked_up_with_their_section():
    assert ateco_codes.activity("62.10.00").title == "Attività di programmazione informatica"
    assert ateco_codes.section_of("62.10.00") == "K"
    assert ateco_codes.section_of("88.91.00") == "R"  # health and social work in ATECO 2025
    assert ateco_codes.activity("99.99.99") is None and ateco_codes.activity("") is None
    assert ateco_codes.activity("x" * 500) is None


def test_the_search_finds_by_words_in_the_title_first_and_by_digits():
    assert ateco_codes.search("ristoranti")[0].code.startswith("56.11")
    assert ateco_codes.search("6210")[0].code == "62.10.00"
    assert ateco_codes.search("a") == [] and ateco_codes.search("") == []
    assert all(item.level in ateco_codes.COMPANY_LEVELS for item in ateco_codes.search("istruzione"))


def test_the_search_finds_by_the_words_people_use_in_singular_or_plural():
    """ "asilo" finds day care for children (88.91), whose ISTAT notes name "asili nido"; words
    match by stem; what a code's notes exclude does not find it (issue 13, point 18)."""
    assert ateco_codes.search("asilo")[0].code == "88.91.00"
    assert ateco_codes.search("asili nido")[0].code == "88.91.00"
    assert ateco_codes.search("parrucchiere")[0].code.startswith("96.21")
    assert ateco_codes.search("pizzeria")[0].code.startswith("56.11")
    assert ateco_codes.search("Ristorante")[0].code.startswith("56.11")
    assert ateco_codes.search("62.1")[0].code.startswith("62.1")
    assert ateco_codes.search("zzzz qqqq") == [] and ateco_codes.search("la di") == []


# --- Profile service --------------------------------------------------------------------------


def test_a_profile_is_saved_with_section_and_size_worked_out_and_audited(world: World):
    sites = list(Municipality.objects.all()[:2])
    data = ProfileData(GOOD_VAT, "62.10.00", "", 30, 15, 1, sites)
    profile = services.profile_save(organization=world.company, data=data, by=world.referent)
    assert (profile.ateco_section, profile.size_band, profile.headcount) == ("K", SizeBand.SMALL, 46)
    world.company.refresh_from_db()
    assert world.company.vat_number == GOOD_VAT
    assert set(profile.sites.all()) == set(sites)
    event = AuditEvent.objects.get(action="companies.profile_save")
    assert event.after["ateco_code"] == "62.10.00"
    # Saving the same again changes nothing and writes no new record.
    services.profile_save(organization=world.company, data=data, by=world.referent)
    assert AuditEvent.objects.filter(action="companies.profile_save").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "12345678901"}, "vat_number"),
        ({"vat_number": "IT0074311015"}, "vat_number"),
        ({"ateco_code": "99.99.99"}, "ateco_code"),
        ({"ateco_code": "K"}, "ateco_code"),
        ({"workforce_women": -1}, "workforce_women"),
        ({"workforce_men": 10**9}, "workforce_men"),
        ({"size_band": "huge"}, "size_band"),
        ({"size_band": SizeBand.LARGE}, "size_band"),  # 21 people are not a large company
    ],
)
def test_bad_profile_data_names_the_field_and_changes_nothing(world: World, changes, field):
    base = {"vat_number": GOOD_VAT, "ateco_code": "62.10.00", "workforce_women": 12, "workforce_men": 9}
    data = ProfileData(**{**base, **changes})
    with pytest.raises(ValidationError) as error:
        services.profile_save(organization=world.company, data=data, by=world.referent)
    assert field in error.value.message_dict
    assert not CompanyProfile.objects.exists() and not AuditEvent.objects.exists()
    world.company.refresh_from_db()
    assert world.company.vat_number == ""


def test_only_a_company_has_a_profile(world: World):
    with pytest.raises(ValidationError):
        services.profile_save(organization=world.provider, data=ProfileData(), by=world.admin)


# --- Profile pages ----------------------------------------------------------------------------


def test_the_referent_edits_the_profile_from_the_page(world: World, login):
    client = login(world.referent)
    url = reverse("companies:profile", args=[world.company.slug])
    response = client.post(url, _post(sites="Melzo") if Municipality.objects.filter(name="Melzo").exists() else _post())
    assert response.status_code == 302
    profile = CompanyProfile.objects.get(organization=world.company)
    assert profile.ateco_code == "62.10.00" and profile.size_band == SizeBand.SMALL
    page = client.get(url)
    assert "Attività di programmazione informatica" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "123"}, "vat_number"),
        ({"ateco_code": "00.00"}, "ateco_code"),
        ({"workforce_women": "dodici"}, "workforce_women"),
        ({"workforce_men": "-3"}, "workforce_men"),
        ({"sites": "Atlantide"}, "sites"),
        ({"sites": ",".join(["Atlantide"] * 61)}, "sites"),
    ],
)
def test_bad_input_on_the_page_names_the_field_and_saves_nothing(world: World, login, changes, field):
    response = login(world.referent).post(reverse("companies:profile", args=[world.company.slug]), _post(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert str(response.context["form"].fields[field].label) in response.content.decode()
    assert not CompanyProfile.objects.exists()


def test_the_ateco_search_works_without_javascript_and_as_a_fragment(world: World, login):
    client = login(world.referent)
    url = reverse("companies:profile", args=[world.company.slug])
    page = client.get(url, {"q": "programmazione informatica"}).content.decode()
    assert "?ateco=62.10.00" in page and "<h1>" in page
    fragment = client.get(url, {"q": "programmazione"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="ateco-results"') and "<h1>" not in fragment
    chosen = client.get(url, {"ateco": "62.10.00"})
    assert chosen.context["form"].initial["ateco_code"] == "62.10.00"
    ignored = client.get(url, {"ateco": "<script>"})
    assert ignored.context["form"].initial.get("ateco_code", "") == ""


VIEW, EDIT, NONE = "view", "edit", "none"
PROFILE_ACCESS = {
    "referent": EDIT,
    "colleague": EDIT,
    "other_referent": NONE,
    "alliance_staff": VIEW,  # the company is a partner of their alliance
    "evaluator": NONE,
    "provider_staff": NONE,
    "analyst": NONE,
    "citizen": NONE,
    "stranger": NONE,
    "admin": EDIT,
}


@pytest.mark.parametrize(("persona", "expected"), PROFILE_ACCESS.items())
def test_who_sees_and_edits_a_company_profile(world: World, login, persona, expected):
    client = login(getattr(world, persona))
    url = reverse("companies:profile", args=[world.company.slug])
    page = client.get(url)
    assert page.status_code == (404 if expected == NONE else 200)
    response = client.post(url, _post())
    assert response.status_code == {NONE: 404, VIEW: 403, EDIT: 302}[expected]
    assert CompanyProfile.objects.exists() == (expected == EDIT)
    alliances = client.get(reverse("companies:alliances", args=[world.company.slug]))
    assert alliances.status_code == (200 if expected == EDIT else 404)


def test_anonymous_visitors_are_sent_to_log_in(world: World, client):
    response = client.get(reverse("companies:profile", args=[world.company.slug]))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_a_provider_or_unknown_slug_is_not_a_company(world: World, login):
    client = login(world.admin)
    assert client.get(reverse("companies:profile", args=[world.provider.slug])).status_code == 404
    assert client.get(reverse("companies:profile", args=["nessuna"])).status_code == 404


# --- Joining an alliance ----------------------------------------------------------------------


def test_a_company_asks_to_join_and_the_alliance_accepts(world: World, login):
    referent = login(world.other_referent)
    url = reverse("companies:alliances", args=[world.other_company.slug])
    response = referent.post(url, {"alliance": world.alliance.pk, "message": "Vorremmo aderire."})
    assert response.status_code == 302
    join = JoinRequest.objects.get()
    assert join.state == JoinState.PENDING
    # A second request while the first waits is refused on the field.
    again = referent.post(url, {"alliance": world.alliance.pk})
    assert again.status_code == 400 and "alliance" in again.context["form"].errors
    assert JoinRequest.objects.count() == 1

    staff = login(world.alliance_staff)
    listing = staff.get(reverse("companies:join-requests")).content.decode()
    assert world.other_company.name in listing
    # The staff who will decide may read the asking company's profile.
    assert staff.get(reverse("companies:profile", args=[world.other_company.slug])).status_code == 200
    decided = staff.post(reverse("companies:join-decide", args=[join.pk]), {"decision": "accept", "note": ""})
    assert decided.status_code == 302
    join.refresh_from_db()
    assert join.state == JoinState.ACCEPTED and join.decided_by == world.alliance_staff
    assert AlliancePartner.objects.filter(alliance=world.alliance, organization=world.other_company).exists()
    assert AuditEvent.objects.filter(action="companies.join_decide").count() == 1
    # Deciding twice changes nothing.
    twice = staff.post(reverse("companies:join-decide", args=[join.pk]), {"decision": "refuse", "note": "no"})
    assert twice.status_code == 400
    join.refresh_from_db()
    assert join.state == JoinState.ACCEPTED


def test_refusing_needs_a_reason_that_the_company_reads(world: World, login):
    join = services.join_request_create(
        company=world.other_company, alliance=world.alliance, message="", by=world.other_referent
    )
    staff = login(world.alliance_staff)
    url = reverse("companies:join-decide", args=[join.pk])
    response = staff.post(url, {"decision": "refuse", "note": "  "})
    assert response.status_code == 400 and "note" in response.context["form"].errors
    join.refresh_from_db()
    assert join.state == JoinState.PENDING
    staff.post(url, {"decision": "refuse", "note": "Sede fuori dal territorio dell'alleanza."})
    page = login(world.other_referent).get(reverse("companies:alliances", args=[world.other_company.slug]))
    assert "Sede fuori dal territorio" in page.content.decode()
    assert not AlliancePartner.objects.filter(alliance=world.alliance, organization=world.other_company).exists()


@pytest.mark.parametrize("end", ["refused", "withdrawn"])
def test_the_staff_lose_the_company_when_its_request_ends_without_a_partnership(world: World, login, end):
    """Issue 12, point 2: a refused or withdrawn request kept the profile, the self-assessment and
    the plan open to the alliance's staff."""
    join = services.join_request_create(
        company=world.other_company, alliance=world.alliance, message="", by=world.other_referent
    )
    staff = login(world.alliance_staff)
    slug = world.other_company.slug
    pages = [
        reverse("companies:profile", args=[slug]),
        reverse("companies:assessment", args=[slug]),
        reverse("companies:plan", args=[slug]),
    ]
    assert [staff.get(url).status_code for url in pages] == [200, 200, 200]  # while it waits
    if end == "refused":
        services.join_request_decide(join=join, accept=False, note="Fuori territorio.", by=world.alliance_staff)
    else:
        services.join_request_withdraw(join=join, by=world.other_referent)
    assert [staff.get(url).status_code for url in pages] == [404, 404, 404]
    decide_page = staff.get(reverse("companies:join-decide", args=[join.pk])).content.decode()
    assert reverse("companies:profile", args=[slug]) not in decide_page  # no link to a closed door


def test_already_a_partner_cannot_ask_again(world: World):
    with pytest.raises(ValidationError):
        services.join_request_create(company=world.company, alliance=world.alliance, message="", by=world.referent)
    assert not JoinRequest.objects.exists()


def test_a_pending_request_can_be_withdrawn_once(world: World, login):
    join = services.join_request_create(
        company=world.other_company, alliance=world.alliance, message="", by=world.other_referent
    )
    client = login(world.other_referent)
    url = reverse("companies:join-withdraw", args=[world.other_company.slug, join.pk])
    assert client.post(url).status_code == 302
    join.refresh_from_db()
    assert join.state == JoinState.WITHDRAWN
    # Another company's referent cannot touch it.
    assert login(world.referent).post(url).status_code == 404


@pytest.mark.parametrize("persona", ["referent", "other_referent", "evaluator", "provider_staff", "citizen", "analyst"])
def test_only_the_alliances_staff_decide_a_request(world: World, login, persona):
    join = services.join_request_create(
        company=world.other_company, alliance=world.alliance, message="", by=world.other_referent
    )
    client = login(getattr(world, persona))
    assert client.get(reverse("companies:join-decide", args=[join.pk])).status_code == 404
    assert client.post(reverse("companies:join-decide", args=[join.pk]), {"decision": "accept"}).status_code == 404
    assert client.get(reverse("companies:join-decide", args=[999999])).status_code == 404
    join.refresh_from_db()
    assert join.state == JoinState.PENDING


def test_staff_of_another_alliance_do_not_see_the_request(world: World, login):
    join = services.join_request_create(
        company=world.other_company, alliance=world.alliance, message="", by=world.other_referent
    )
    other_staff = World._staff(world, "staff-b@example.org", world.other_alliance_org, "alliance_staff")
    client = login(other_staff)
    assert client.get(reverse("companies:join-decide", args=[join.pk])).status_code == 404
    assert world.other_company.name not in client.get(reverse("companies:join-requests")).content.decode()
