"""The call pages: every role on every view (GET and POST, guessed ids), the designer's forms, frozen rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.calls import design
from sinergie.calls.models import Call, CallState
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role

from .design_world import Designer, designer_fixture, form_post  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "stranger", "referent", "provider_staff", "evaluator", "analyst", "alliance_staff", "admin"]
DESIGNERS = {"alliance_staff", "admin"}


def _other_staff(designer: Designer) -> Any:
    user = UserFactory(email="staff-b@example.org")
    add_member(user, designer.world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(user)
    return user


def _user(designer: Designer, role: str) -> Any:
    return _other_staff(designer) if role == "other_staff" else getattr(designer.world, role)


def _manage_urls(call: Call) -> list[tuple[str, str]]:
    return [
        ("get", reverse("calls:manage-list")),
        ("get", reverse("calls:create")),
        ("get", reverse("calls:manage-detail", args=[call.pk])),
        ("get", reverse("calls:edit", args=[call.pk])),
        ("post", reverse("calls:edit", args=[call.pk])),
        ("post", reverse("calls:publish", args=[call.pk])),
        ("post", reverse("calls:close", args=[call.pk])),
    ]


def test_anonymous_visitors_are_sent_to_log_in_for_every_designer_page(client, designer: Designer) -> None:
    call = designer.create()
    for method, url in _manage_urls(call):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"], url
    assert client.post(reverse("calls:create"), form_post()).status_code == 302
    assert Call.objects.count() == 1


@pytest.mark.parametrize("role", [*ROLES, "other_staff"])
def test_only_the_alliances_staff_and_admins_design_its_calls(login, designer: Designer, role: str) -> None:
    call = designer.create()
    client = login(_user(designer, role))
    detail = reverse("calls:manage-detail", args=[call.pk])
    edit = reverse("calls:edit", args=[call.pk])
    if role in DESIGNERS:
        assert client.get(reverse("calls:manage-list")).status_code == 200
        assert client.get(reverse("calls:create")).status_code == 200
        assert client.get(detail).status_code == 200
        assert client.get(edit).status_code == 200
        return
    list_status = 200 if role == "other_staff" else 404  # staff of another alliance design their own calls
    assert client.get(reverse("calls:manage-list")).status_code == list_status
    assert client.get(reverse("calls:create")).status_code == list_status
    assert client.get(detail).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_post(title_it="Rubato")).status_code == 404
    assert client.post(reverse("calls:publish", args=[call.pk])).status_code == 404
    assert client.post(reverse("calls:close", args=[call.pk])).status_code == 404
    call.refresh_from_db()
    assert call.title_it == "Voucher estate 2027" and call.state == CallState.DRAFT
    assert not AuditEvent.objects.exclude(action="calls.call.create").filter(object_type="calls.call").exists()


def test_another_alliances_staff_cannot_create_a_call_for_this_alliance(login, designer: Designer) -> None:
    client = login(_other_staff(designer))
    response = client.post(reverse("calls:create"), form_post(alliance=str(designer.world.alliance.pk)))
    # Staff of one alliance have nothing to choose: a tampered alliance is ignored.
    assert response.status_code == 302
    assert Call.objects.get().alliance == designer.world.other_alliance


def test_an_admin_chooses_the_alliance_and_a_forged_one_is_refused(login, designer: Designer) -> None:
    client = login(designer.world.admin)
    assert client.post(reverse("calls:create"), form_post(alliance="")).status_code == 400
    response = client.post(reverse("calls:create"), form_post(alliance="999999"))
    assert response.status_code == 400 and "alliance" in response.context["form"].errors
    assert not Call.objects.exists()
    response = client.post(reverse("calls:create"), form_post(alliance=str(designer.world.alliance.pk)))
    assert response.status_code == 302
    assert Call.objects.get().alliance == designer.world.alliance


@pytest.mark.parametrize("call_id", ["999999", "0", "99999999999999999999999", "-1"])
def test_guessed_ids_are_404(login, designer: Designer, call_id: str) -> None:
    client = login(designer.staff)
    for url in (f"/bandi/gestione/{call_id}/", f"/bandi/gestione/{call_id}/modifica/", f"/bandi/{call_id}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/bandi/gestione/{call_id}/pubblica/").status_code == 404


def test_publish_and_close_refuse_get(login, designer: Designer) -> None:
    call = designer.create()
    client = login(designer.staff)
    assert client.get(reverse("calls:publish", args=[call.pk])).status_code == 405
    assert client.get(reverse("calls:close", args=[call.pk])).status_code == 405


@pytest.mark.parametrize("role", [None, *ROLES])
def test_published_calls_are_public_and_drafts_are_not(client, login, designer: Designer, role: str | None) -> None:
    draft = designer.create(title_it="Bozza segreta", title_en="Secret draft")
    published = designer.create()
    design.call_publish_checked(call=published, by=designer.staff)
    if role:
        client = login(getattr(designer.world, role))
    listing = client.get(reverse("calls:list"))
    assert listing.status_code == 200
    assert "Summer vouchers 2027" in listing.content.decode() and "Secret draft" not in listing.content.decode()
    assert client.get(reverse("calls:detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("calls:detail", args=[draft.pk])).status_code == 404


def test_staff_create_a_call_from_the_form(login, designer: Designer) -> None:
    client = login(designer.staff)
    response = client.post(reverse("calls:create"), form_post(providers=[str(designer.world.provider.pk)]))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    call = Call.objects.get()
    assert response["Location"] == reverse("calls:manage-detail", args=[call.pk])
    assert call.budget_cents == 1_000_000 and call.amount_per_beneficiary_cents == 40_000
    assert call.alliance == designer.world.alliance
    assert call.opens_at.astimezone(design.services.ROME).strftime("%H:%M") == "09:00"  # typed in Rome's time
    rules = call.design.eligibility
    assert [r["kind"] for r in rules] == ["territory", "children_age", "isee_ceiling", "not_beneficiary"]
    assert rules[2]["ceiling_cents"] == 3_000_000
    assert call.design.criteria[0] == {"kind": "isee_band", "weight": 40, "bands": [[1_000_000, 100], [2_000_000, 50]]}
    assert call.design.documents == [
        {"name_it": "Attestazione ISEE", "name_en": "ISEE statement", "mandatory": True, "types": ["pdf"]}
    ]
    assert call.design.tie_breakers == ["lower_isee"]
    page = client.get(response["Location"])
    assert "validation-ok" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget": "-100"}, "budget"),
        ({"budget": "100000000000"}, "budget"),
        ({"budget": "dieci euro"}, "budget"),
        ({"budget": "1.000.00"}, "budget"),
        ({"budget": "12,345"}, "budget"),  # three decimals: refused, never read as 12.345 euros
        ({"budget": "12.345"}, None),  # a thousands separator, accepted
        ({"amount": "0"}, "amount"),
        ({"amount": "", "amount_bands": ""}, "amount"),
        ({"amount": "1e5"}, "amount"),
        ({"closes_at": "2020-01-01T00:00"}, "closes_at"),
        ({"opens_at": "31/02/2027 10:00"}, "opens_at"),
        ({"opens_at": "2027-03-28T02:30"}, "opens_at"),  # does not exist in Rome: clocks jump from 2:00 to 3:00
        ({"min_age": "15", "max_age": "3"}, "max_age"),
        ({"min_age": ""}, "min_age"),
        ({"max_age": "99"}, "max_age"),
        ({"isee_ceiling": "-1"}, "isee_ceiling"),
        ({"weight_single_parent": "molto"}, "weight_single_parent"),
        ({"weight_single_parent": "3.5"}, "weight_single_parent"),
        ({"weight_children": "500"}, "weight_children"),
        ({"isee_bands": "diecimila"}, "isee_bands"),
        ({"isee_bands": "20000; 100\n10000; 50"}, "isee_bands"),
        ({"isee_bands": "10000; 150"}, "isee_bands"),
        ({"amount_bands": "10; 400\n10; 500"}, "amount_bands"),
        ({"amount_bands": "10; -400"}, "amount_bands"),
        ({"amount": "", "amount_bands": "10; 400"}, "amount"),
        ({"tie_breaker_1": "lower_isee", "tie_breaker_2": "lower_isee"}, "tie_breaker_2"),
        ({"tie_breaker_1": "by_astrology"}, "tie_breaker_1"),
        ({"kind": "lottery"}, "kind"),
        ({"employment_statuses": ["astronaut"]}, "employment_statuses"),
        ({"providers": ["999999"]}, "providers"),
        ({"title_it": ""}, "title_it"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    login, designer: Designer, changes: dict, field: str | None
) -> None:
    response = login(designer.staff).post(reverse("calls:create"), form_post(**changes))
    if field is None:
        assert response.status_code == 302
        assert Call.objects.get().budget_cents == 1_234_500
        return
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    label = str(response.context["form"].fields[field].label)
    assert f'href="#id_{field}' in response.content.decode() or label in response.content.decode()
    assert not Call.objects.exists() and not AuditEvent.objects.exists()


def test_times_are_read_in_romes_zone_across_the_daylight_saving_change(login, designer: Designer) -> None:
    post = form_post(opens_at="2027-03-27T09:00", closes_at="2027-03-29T09:00")
    assert login(designer.staff).post(reverse("calls:create"), post).status_code == 302
    call = Call.objects.get()
    utc = datetime.UTC
    assert call.opens_at == datetime.datetime(2027, 3, 27, 8, 0, tzinfo=utc)  # CET, UTC+1
    assert call.closes_at == datetime.datetime(2027, 3, 29, 7, 0, tzinfo=utc)  # CEST, UTC+2


def test_a_document_without_a_file_type_is_refused(login, designer: Designer) -> None:
    response = login(designer.staff).post(reverse("calls:create"), form_post(**{"documents-0-types": []}))
    assert response.status_code == 400
    assert "types" in response.context["formset"].forms[0].errors
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"documents-TOTAL_FORMS": "lots"},
        {"documents-TOTAL_FORMS": "100000"},
        {"documents-TOTAL_FORMS": None, "documents-INITIAL_FORMS": None},
        {"providers": ["abc"]},
        {"categories": ["not-a-uuid"]},
        {"alliance": "abc"},
        {"min_age": "99999999999999999999999"},
        {"isee_bands": "99999999999999999999999; 100"},
        {"amount_bands": "9999999999999; 400"},
        {"documents-0-types": ["exe"]},
        {"employment_statuses": "employee\x00"},
    ],
)
def test_tampered_posts_are_a_clear_400_and_save_nothing(login, designer: Designer, changes: dict) -> None:
    response = login(designer.world.admin).post(
        reverse("calls:create"), form_post(**{"alliance": str(designer.world.alliance.pk), **changes})
    )
    assert response.status_code == 400
    assert not Call.objects.exists()


def test_with_bands_above_zero_the_amount_is_for_scores_below_them(login, designer: Designer) -> None:
    response = login(designer.staff).post(
        reverse("calls:create"), form_post(amount="150", amount_bands="10; 400\n20; 600")
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.amount_per_beneficiary_cents == 15_000 and call.design.amount_bands == [[10, 40_000], [20, 60_000]]
    page = login(designer.staff).get(reverse("calls:edit", args=[call.pk]))
    assert page.context["form"].initial["amount"] == "150"


def test_editing_keeps_the_values_and_saves_changes(login, designer: Designer) -> None:
    call = designer.create(amount_bands=[[0, 20_000], [50, 40_000]])
    client = login(designer.staff)
    page = client.get(reverse("calls:edit", args=[call.pk]))
    form = page.context["form"]
    assert form.initial["amount_bands"] == "0; 200\n50; 400" and form.initial["amount"] == ""
    assert form.initial["isee_bands"] == "10.000; 100\n20.000; 50"
    response = client.post(
        reverse("calls:edit", args=[call.pk]), form_post(title_it="Nuovo titolo", amount_bands="0; 300")
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_it == "Nuovo titolo" and call.design.amount_bands == [[0, 30_000]]
    assert call.amount_per_beneficiary_cents == 30_000
    assert AuditEvent.objects.filter(action="calls.call.update", object_id=str(call.pk)).count() == 1


def test_the_check_lists_each_problem_with_its_field_and_a_link_to_it(login, designer: Designer) -> None:
    call = designer.create(eligibility=[], budget_cents=30_000)
    page = login(designer.staff).get(reverse("calls:manage-detail", args=[call.pk])).content.decode()
    edit = reverse("calls:edit", args=[call.pk])
    assert f'<a href="{edit}#id_rule_territory">Lives or works in the alliance&#x27;s municipalities</a>: Give' in page
    assert f'<a href="{edit}#id_budget">Budget (euros)</a>: The budget does not cover' in page
    assert "validation-ok" not in page


def test_publish_with_problems_lists_them_and_publishes_nothing(login, designer: Designer) -> None:
    call = designer.create(eligibility=[])
    client = login(designer.staff)
    response = client.post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Give at least one eligibility rule" in response.content.decode()
    call.refresh_from_db()
    assert call.state == CallState.DRAFT


def test_after_publication_the_editing_pages_refuse(login, designer: Designer) -> None:
    call = designer.create()
    client = login(designer.staff)
    assert client.post(reverse("calls:publish", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    response = client.get(reverse("calls:edit", args=[call.pk]), follow=True)
    assert "its rules are frozen" in response.content.decode()
    client.post(reverse("calls:edit", args=[call.pk]), form_post(title_it="Cambiato"))
    call.refresh_from_db()
    assert call.title_it == "Voucher estate 2027"
    # publishing twice is refused with a message, closing works once
    response = client.post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "Only a draft call can be published." in response.content.decode()
    assert client.post(reverse("calls:close", args=[call.pk])).status_code == 302
    response = client.post(reverse("calls:close", args=[call.pk]), follow=True)
    assert "Only a published call can be closed." in response.content.decode()
    call.refresh_from_db()
    assert call.state == CallState.CLOSED


def test_the_public_page_explains_the_call_in_both_languages(client, designer: Designer) -> None:
    call = designer.create()
    design.call_publish_checked(call=call, by=designer.staff)
    english = client.get(f"/en/bandi/{call.pk}/").content.decode()
    assert "Summer vouchers 2027" in english
    assert "You have at least one child aged between 3 and 14 years." in english
    assert "ISEE statement" in english and "€10,000.00" in english
    italian = client.get(f"/bandi/{call.pk}/").content.decode()
    assert "Voucher estate 2027" in italian and "Attestazione ISEE" in italian


def test_the_public_list_costs_the_same_queries_for_one_call_or_many(client, designer: Designer) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish(count: int) -> None:
        for index in range(count):
            call = designer.create(title_it=f"Bando {index}")
            design.call_publish_checked(call=call, by=designer.staff)

    publish(1)
    client.get(reverse("calls:list"))  # the first request warms per-process caches (content types, ...)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("calls:list")).status_code == 200
    publish(4)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("calls:list")).status_code == 200
    assert len(five) == len(one)


def test_a_call_made_without_the_designer_still_has_its_pages(client, login, designer: Designer) -> None:
    from sinergie.calls.conftest import make_call
    from sinergie.calls.services import call_publish

    call = make_call(designer.world, publish=False)
    page = login(designer.staff).get(reverse("calls:manage-detail", args=[call.pk])).content.decode()
    assert "Give at least one eligibility rule" in page
    call_publish(call=call, by=designer.staff)
    client.logout()
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "This call sets no eligibility rule: anyone can apply." in page and "No document is required." in page
