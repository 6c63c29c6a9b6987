"""The wallet and the redemption desk through their views: money moves once, refusals change nothing."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sinergie.audit.models import AuditEvent
from sinergie.calls import services
from sinergie.calls.codes import code_display
from sinergie.calls.conftest import Money, make_call
from sinergie.calls.models import LedgerEntry, Redemption
from sinergie.calls.vouchers.forms import RedeemForm
from sinergie.directory.models import Service

pytestmark = pytest.mark.django_db


def desk_url(money: Money, provider: Any = None) -> str:
    return reverse("vouchers:desk", kwargs={"provider": (provider or money.provider).slug})


def confirm_data(money: Money, **overrides: Any) -> dict[str, Any]:
    data = {
        "step": "confirm",
        "code": money.voucher.code,
        "idempotency_key": "k-1",
        "amount": "50,00",
        "service": money.after_school.pk,
        "service_date": services.rome_today().isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def money_state(money: Money) -> tuple[int, int, int]:
    money.voucher.refresh_from_db()
    return money.voucher.balance_cents, Redemption.objects.count(), LedgerEntry.objects.count()


# Amount parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        (" € 12,50 ", 1250),
        ("1.234,56", 123456),
        ("1.234", 123400),
        ("0,01", 1),
        ("0", 0),  # the service answers a zero amount, in its own words
        ("99999999999", 9999999999900),
    ],
)
def test_it_reads_euros_as_typed_at_a_counter(typed: str, cents: int) -> None:
    assert RedeemForm.base_fields["amount"].clean(typed) == cents


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("abc", "invalid"),
        ("12,345", "decimals"),
        ("12.50", "grouping"),
        ("1,2,3", "invalid"),
        ("12.5.0", "grouping"),
        ("1e3", "invalid"),
        ("NaN", "invalid"),
        ("12,", "invalid"),
        (",5", "invalid"),
        ("€", "invalid"),
        ("-5", "negative"),
    ],
)
def test_it_refuses_amounts_that_are_not_euros(typed: str, code: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        RedeemForm.base_fields["amount"].clean(typed)
    assert raised.value.code == code


# The wallet ------------------------------------------------------------------------------------


def test_the_wallet_lists_the_beneficiarys_vouchers_only(money: Money, login: Any) -> None:
    mine = money.voucher
    theirs = money.issue(beneficiary=money.world.stranger)
    response = login(money.world.citizen).get(reverse("vouchers:wallet"))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.display_code in body and theirs.display_code not in body
    assert "Work-life vouchers 2026" in body  # the call's English title on the English page
    assert "€200.00" in body


def test_the_wallet_says_when_there_is_nothing(world: Any, login: Any) -> None:
    response = login(world.stranger).get(reverse("vouchers:wallet"))
    assert response.status_code == 200
    assert "You have no vouchers yet" in response.content.decode()


def test_the_voucher_page_shows_code_qr_and_movements(money: Money, login: Any) -> None:
    money.redeem(amount_cents=3_000, service=money.after_school)
    cancelled = money.redeem(amount_cents=1_000)
    services.redemption_cancel(redemption=cancelled, provider=money.provider, by=money.world.provider_staff, reason="x")
    response = login(money.world.citizen).get(reverse("vouchers:detail", args=[money.voucher.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert code_display(money.voucher.code) in body
    assert '<svg role="img"' in body and "<title>QR code of voucher" in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP forbids inline styles
    assert "€170.00" in body  # 200 - 30 (the cancelled 10 came back)
    movements = body.split('id="voucher-movements"', 1)[1]
    assert "Voucher issued" in movements and "Redemption cancelled" in movements
    assert "Provider A — Doposcuola" in movements and "-€30.00" in movements
    assert "Provider A" in body.split('id="voucher-providers"', 1)[1]


def test_the_voucher_page_shows_an_expiry(money: Money, login: Any) -> None:
    voucher = money.issue(valid_to=services.rome_today())
    services.vouchers_expire(today=services.rome_today() + datetime.timedelta(days=1))
    response = login(money.world.citizen).get(reverse("vouchers:detail", args=[voucher.pk]))
    assert response.status_code == 200
    assert "Voucher expired" in response.content.decode()


def test_the_wallet_in_italian(money: Money, login: Any) -> None:
    response = login(money.world.citizen).get("/buoni/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "I miei voucher" in body and "Voucher conciliazione 2026" in body and "€ 200,00" in body


# The desk: preview -----------------------------------------------------------------------------


def test_the_desk_asks_for_the_code(money: Money, login: Any) -> None:
    response = login(money.world.provider_staff).get(desk_url(money))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


@pytest.mark.parametrize("shape", [str.lower, code_display, lambda c: " ".join(code_display(c).split("-"))])
def test_the_preview_accepts_spaces_dashes_and_lower_case(money: Money, login: Any, shape: Any) -> None:
    response = login(money.world.provider_staff).post(
        desk_url(money), {"step": "preview", "code": shape(money.voucher.code)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    preview = body.split('id="voucher-preview"', 1)[1]
    assert "Work-life vouchers 2026" in preview and "€200.00" in preview
    assert (
        'name="idempotency_key" value="' in body and 'value=""' not in body.split('name="idempotency_key"', 1)[1][:10]
    )
    assert money_state(money)[1] == 0  # the preview redeems nothing


def test_each_preview_gets_a_fresh_key(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)

    def key() -> str:
        body = client.post(desk_url(money), {"step": "preview", "code": money.voucher.code}).content.decode()
        return body.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]

    first, second = key(), key()
    assert first and second and first != second


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "This field is required."),
        ("not a code", "This is not a valid voucher code"),
        ("K7QM-3XHT-9WC5", "This is not a valid voucher code"),
        ("x" * 500, "Ensure this value has at most 40 characters"),
    ],
)
def test_the_preview_refuses_bad_codes(money: Money, login: Any, code: str, message: str) -> None:
    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": code})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="form-errors"' in body and 'id="id_code_error"' in body


def test_the_preview_refuses_an_unknown_code(money: Money, login: Any) -> None:
    from sinergie.calls.codes import code_generate

    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": code_generate()})
    assert response.status_code == 400
    assert "No voucher has this code." in response.content.decode()


def test_the_preview_hides_vouchers_of_calls_the_provider_is_not_accredited_for(money: Money, login: Any) -> None:
    foreign = money.issue(call=money.other_call)
    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": foreign.code})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Your organization is not accredited for this voucher&#x27;s call." in body
    assert "Altro bando" not in body


def test_the_preview_refuses_a_cancelled_voucher(money: Money, login: Any) -> None:
    services.voucher_cancel(voucher=money.voucher, by=money.staff, reason="error")
    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": money.voucher.code})
    assert response.status_code == 400
    assert "This voucher has been cancelled." in response.content.decode()


def test_the_preview_refuses_a_voucher_not_yet_valid(money: Money, login: Any) -> None:
    later = money.issue(
        valid_from=services.rome_today() + datetime.timedelta(days=3),
        valid_to=services.rome_today() + datetime.timedelta(days=30),
    )
    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": later.code})
    assert response.status_code == 400
    assert "This voucher is not valid yet." in response.content.decode()


# The desk: redeeming ---------------------------------------------------------------------------


def test_a_provider_redeems_part_of_a_voucher(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)
    response = client.post(desk_url(money), confirm_data(money, amount="50,25"))
    redemption = Redemption.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("vouchers:redemption", args=[money.provider.slug, redemption.pk])
    assert redemption.amount_cents == 5_025 and redemption.service == money.after_school
    assert redemption.created_by == money.world.provider_staff
    assert money_state(money)[0] == 20_000 - 5_025
    assert AuditEvent.objects.filter(action="calls.redemption.create").count() == 1
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    body = receipt.content.decode()
    assert "Redemption registered: € 50,25" in body
    assert "€149.75" in body.split('id="redemption-balance"', 1)[1]


def test_the_same_form_sent_twice_redeems_once(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)
    first = client.post(desk_url(money), confirm_data(money))
    second = client.post(desk_url(money), confirm_data(money))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert money_state(money)[:2] == (15_000, 1)


def test_a_used_key_with_a_different_amount_is_refused_and_a_new_key_offered(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)
    client.post(desk_url(money), confirm_data(money))
    before = money_state(money)
    response = client.post(desk_url(money), confirm_data(money, amount="60"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "This request key was already used for a different redemption." in body
    assert 'name="idempotency_key" value="k-1"' not in body
    assert money_state(money) == before


def test_the_service_may_be_left_out_when_the_call_names_no_categories(money: Money, login: Any) -> None:
    # A fresh call naming no categories, Provider A accredited.
    call = make_call(money.world, title_it="Bando aperto")
    call.providers.add(money.provider)
    services.call_publish(call=call, by=money.staff)
    voucher = money.issue(call=call)
    response = login(money.world.provider_staff).post(
        desk_url(money), confirm_data(money, code=voucher.code, service="")
    )
    assert response.status_code == 302
    assert Redemption.objects.get().service is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "abc"}, "amount", "Enter an amount in euros"),
        ({"amount": "12,345"}, "amount", "Cents have at most two digits"),
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"amount": "250,00"}, "amount", "larger than the voucher&#x27;s balance (€ 200,00)"),
        ({"amount": "99999999999"}, "amount", "larger than the most allowed"),
        ({"amount": None}, "amount", "This field is required."),
        ({"service": ""}, "service", "Choose the service: this call pays only for some kinds of service."),
        ({"service": "999999"}, "service", "Select a valid choice."),
        ({"service": "00000000-0000-0000-0000-000000000000"}, "service", "Select a valid choice."),
        ({"service": "laundry"}, "service", "category is not eligible for this call"),
        ({"service": "foreign"}, "service", "Select a valid choice."),
        ({"service": "draft"}, "service", "Select a valid choice."),
        ({"service_date": "2026-13-45"}, "service_date", "Enter a valid date."),
        ({"service_date": "2001-01-01"}, "service_date", "must fall within the voucher&#x27;s validity"),
        ({"idempotency_key": None}, "idempotency_key", "The request has no key"),
        ({"idempotency_key": "k" * 65}, "idempotency_key", "at most 64 characters"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_changes_nothing(
    money: Money, login: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    draft = Service.objects.create(organization=money.provider, name_it="Bozza", state="draft")
    lookup = {"laundry": money.laundry.pk, "foreign": money.foreign_service.pk, "draft": draft.pk}
    if overrides.get("service") in lookup:
        overrides = {**overrides, "service": lookup[overrides["service"]]}
    before = money_state(money)
    events = AuditEvent.objects.count()
    response = login(money.world.provider_staff).post(desk_url(money), confirm_data(money, **overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="form-errors"' in body
    if field != "idempotency_key":  # hidden: named in the summary only
        assert f'id="id_{field}_error"' in body and message in body.split(f'id="id_{field}_error"', 1)[1]
    assert money_state(money) == before and AuditEvent.objects.count() == events


def test_a_tampered_code_at_confirmation_goes_back_to_the_first_step(money: Money, login: Any) -> None:
    foreign = money.issue(call=money.other_call)
    before = money_state(money)
    response = login(money.world.provider_staff).post(desk_url(money), confirm_data(money, code=foreign.code))
    assert response.status_code == 400
    assert "not accredited" in response.content.decode()
    assert money_state(money) == before


def test_a_voucher_cancelled_after_the_preview_is_refused(money: Money, login: Any) -> None:
    services.voucher_cancel(voucher=money.voucher, by=money.staff, reason="error")
    response = login(money.world.provider_staff).post(desk_url(money), confirm_data(money))
    assert response.status_code == 400
    assert "This voucher has been cancelled." in response.content.decode()
    assert Redemption.objects.count() == 0


def test_the_desk_in_italian_names_the_field(money: Money, login: Any) -> None:
    response = login(money.world.provider_staff).post(
        f"/buoni/sportello/{money.provider.slug}/", confirm_data(money, amount="250")
    )
    assert response.status_code == 400
    assert "saldo del voucher (€ 200,00)" in response.content.decode()


# Redemptions and cancelling --------------------------------------------------------------------


def test_the_list_shows_the_providers_own_redemptions(money: Money, login: Any) -> None:
    mine = money.redeem(amount_cents=1_234)
    other_voucher = money.issue(call=money.other_call)
    money.redeem(other_voucher, provider=money.other_provider, amount_cents=4_321, by=money.other_provider_staff)
    response = login(money.world.provider_staff).get(reverse("vouchers:redemptions", args=[money.provider.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "€12.34" in body and "€43.21" not in body
    assert reverse("vouchers:redemption", args=[money.provider.slug, mine.pk]) in body


def test_a_redemption_is_cancelled_with_a_reason(money: Money, login: Any) -> None:
    redemption = money.redeem(amount_cents=5_000)
    client = login(money.world.provider_staff)
    url = reverse("vouchers:redemption-cancel", args=[money.provider.slug, redemption.pk])
    response = client.post(url, {"reason": "Importo sbagliato"})
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.cancelled_at is not None and redemption.cancel_reason == "Importo sbagliato"
    event = AuditEvent.objects.get(action="calls.redemption.cancel")
    assert event.actor == money.world.provider_staff and event.note == "Importo sbagliato"
    assert money_state(money)[0] == 20_000
    page = client.get(response["Location"]).content.decode()
    assert "Redemption cancelled: the amount is back on the voucher." in page
    assert 'name="reason"' not in page  # no second cancel form


@pytest.mark.parametrize(("reason", "message"), [("", "This field is required."), ("   ", "This field is required.")])
def test_cancelling_without_a_reason_is_refused(money: Money, login: Any, reason: str, message: str) -> None:
    redemption = money.redeem()
    before = money_state(money)
    response = login(money.world.provider_staff).post(
        reverse("vouchers:redemption-cancel", args=[money.provider.slug, redemption.pk]), {"reason": reason}
    )
    assert response.status_code == 400
    assert message in response.content.decode() and 'id="id_reason_error"' in response.content.decode()
    assert money_state(money) == before


def test_cancelling_twice_or_too_late_is_refused(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)
    twice = money.redeem()
    url = reverse("vouchers:redemption-cancel", args=[money.provider.slug, twice.pk])
    client.post(url, {"reason": "errore"})
    response = client.post(url, {"reason": "errore"})
    assert response.status_code == 400
    assert "This redemption has already been cancelled." in response.content.decode()

    late = money.redeem()
    Redemption.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(hours=49))
    before = money_state(money)
    page = client.get(reverse("vouchers:redemption", args=[money.provider.slug, late.pk])).content.decode()
    assert 'name="reason"' not in page
    response = client.post(reverse("vouchers:redemption-cancel", args=[money.provider.slug, late.pk]), {"reason": "x"})
    assert response.status_code == 400
    assert "only within 48 hours" in response.content.decode()
    assert money_state(money) == before


def test_cancel_is_post_only(money: Money, login: Any) -> None:
    redemption = money.redeem()
    response = login(money.world.provider_staff).get(
        reverse("vouchers:redemption-cancel", args=[money.provider.slug, redemption.pk])
    )
    assert response.status_code == 405


# Statements ------------------------------------------------------------------------------------


def _month_query(when: datetime.date | None = None) -> dict[str, int]:
    when = when or services.rome_today()
    return {"month": when.month, "year": when.year}


def test_the_statement_page_shows_the_months_movements_and_total(money: Money, login: Any) -> None:
    money.redeem(amount_cents=5_000, service=money.after_school)
    cancelled = money.redeem(amount_cents=1_000)
    services.redemption_cancel(redemption=cancelled, provider=money.provider, by=money.world.provider_staff, reason="x")
    response = login(money.world.provider_staff).get(
        reverse("vouchers:statement", args=[money.provider.slug]), _month_query()
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Doposcuola" in body and "Redemption cancelled" in body
    assert "€50.00" in body.split('id="statement-total"', 1)[1]


def test_the_statement_defaults_to_this_month(money: Money, login: Any) -> None:
    money.redeem(amount_cents=700)
    response = login(money.world.provider_staff).get(reverse("vouchers:statement", args=[money.provider.slug]))
    assert response.status_code == 200
    assert "€7.00" in response.content.decode().split('id="statement-total"', 1)[1]


@pytest.mark.parametrize("query", [{"month": 13, "year": 2026}, {"month": "x", "year": 2026}, {"month": 1, "year": 1}])
def test_a_bad_month_is_a_clear_400(money: Money, login: Any, query: dict[str, Any]) -> None:
    client = login(money.world.provider_staff)
    for name in ("vouchers:statement", "vouchers:statement-csv", "vouchers:statement-xlsx"):
        response = client.get(reverse(name, args=[money.provider.slug]), query)
        assert response.status_code == 400, name


def test_the_csv_is_for_an_italian_excel(money: Money, login: Any) -> None:
    money.redeem(amount_cents=12_345, service=money.after_school)
    money.redeem(amount_cents=50)
    response = login(money.world.provider_staff).get(
        reverse("vouchers:statement-csv", args=[money.provider.slug]), _month_query()
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Registered at" and len(rows[0]) == 7
    assert rows[1][3] == money.voucher.display_code and rows[1][4] == "Doposcuola" and rows[1][6] == "123,45"
    assert rows[2][6] == "0,50"
    assert rows[-1][1] == "Total" and rows[-1][6] == "123,95"


def test_the_xlsx_has_numbers_and_dates(money: Money, login: Any) -> None:
    money.redeem(amount_cents=2_550, service=money.after_school)
    response = login(money.world.provider_staff).get(
        reverse("vouchers:statement-xlsx", args=[money.provider.slug]), _month_query()
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Provider A"
    assert rows[1][6] == "Amount (€)"
    assert isinstance(rows[2][0], datetime.datetime) and rows[2][5].date() == services.rome_today()
    assert float(rows[2][6]) == 25.5 and float(rows[-1][6]) == 25.5


def test_a_statement_of_an_empty_month(money: Money, login: Any) -> None:
    response = login(money.world.provider_staff).get(
        reverse("vouchers:statement", args=[money.provider.slug]), {"month": 1, "year": 2020}
    )
    assert response.status_code == 200
    assert "No movements in this month." in response.content.decode()


# Dashboard links -------------------------------------------------------------------------------


def test_the_dashboard_links_the_wallet_and_the_desk(money: Money, login: Any) -> None:
    citizen = login(money.world.citizen).get(reverse("web:dashboard")).content.decode()
    assert reverse("vouchers:wallet") in citizen and "sportello" not in citizen
    staff = login(money.world.provider_staff).get(reverse("web:dashboard")).content.decode()
    assert reverse("vouchers:desk", args=[money.provider.slug]) in staff


# Queries do not grow with the rows -------------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the site-wide caches (the demo banner's flag)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_use_a_fixed_number_of_queries(money: Money, login: Any) -> None:
    wallet, detail = reverse("vouchers:wallet"), reverse("vouchers:detail", args=[money.voucher.pk])
    redemptions = reverse("vouchers:redemptions", args=[money.provider.slug])
    statement = reverse("vouchers:statement", args=[money.provider.slug])
    money.redeem(amount_cents=100, service=money.after_school)
    before = {url: _queries(login(money.world.citizen), url) for url in (wallet, detail)}
    staff_before = {url: _queries(login(money.world.provider_staff), url) for url in (redemptions, statement)}
    for _ in range(4):
        money.issue()
        money.redeem(amount_cents=100, service=money.after_school)
    assert {url: _queries(login(money.world.citizen), url) for url in (wallet, detail)} == before
    assert {url: _queries(login(money.world.provider_staff), url) for url in (redemptions, statement)} == staff_before


def test_statement_files_never_carry_formulas(money: Money, login: Any) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(name_it='=HYPERLINK("http://x")')
    money.redeem(amount_cents=100, service=money.after_school)
    client = login(money.world.provider_staff)
    text = client.get(reverse("vouchers:statement-csv", args=[money.provider.slug]), _month_query()).content.decode()
    assert ";\"'=HYPERLINK" in text
    response = client.get(reverse("vouchers:statement-xlsx", args=[money.provider.slug]), _month_query())
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=5).value.startswith("'=") and sheet.cell(row=3, column=5).data_type == "s"


def test_other_methods_are_refused(money: Money, login: Any) -> None:
    client = login(money.world.provider_staff)
    for url in (desk_url(money), reverse("vouchers:wallet"), reverse("vouchers:statement", args=[money.provider.slug])):
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
