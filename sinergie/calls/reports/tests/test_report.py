"""The call report: every amount from the ledger, equal to the books; breakdowns; who may read it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sinergie.calls import services
from sinergie.calls.applications.services import application_save, application_start, application_submit
from sinergie.calls.conftest import Money
from sinergie.calls.models import Voucher
from sinergie.calls.reports.selectors import call_report
from sinergie.calls.selectors import ledger_balances
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.organizations.models import Role
from sinergie.territory.models import Municipality, Province, Region


def _apply_and_fund(money: Money, person, answers: dict) -> Voucher:
    application = application_start(call=money.call, applicant=person, by=person)
    application_save(application=application, answers=answers, by=person)
    application_submit(application=application, by=person)
    return money.issue(beneficiary=person)


@pytest.fixture
def story(money: Money) -> Money:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    Municipality.objects.create(
        istat_code="015142", name="Melzo", search_name="melzo", cadastral_code="F119", province=province, region=region
    )
    # The Money fixture already gave the citizen a voucher without an application.
    melzo = "015142"
    a = _apply_and_fund(
        money, UserFactory(email="a@example.org"), {"lives_in": melzo, "gender": "f", "children_ages": [9, 4]}
    )
    b = _apply_and_fund(
        money, UserFactory(email="b@example.org"), {"lives_in": melzo, "gender": "m", "children_ages": [12]}
    )
    money.redeem(voucher=a, amount_cents=5_000, service=money.after_school)
    kept = money.redeem(voucher=b, amount_cents=2_500)
    cancelled = money.redeem(voucher=b, amount_cents=1_000)
    services.redemption_cancel(
        redemption=cancelled, provider=money.provider, by=money.world.provider_staff, reason="errore"
    )
    money.kept = kept
    return money


def test_the_report_adds_up_with_the_books(story):
    report = call_report(story.call)
    balances = ledger_balances(story.call)
    totals = report.totals
    assert totals["budget"] == totals["available"] + totals["committed"]
    assert totals["available"] == balances["available"]
    story.call.refresh_from_db()
    assert totals["available"] == story.call.available_cents  # the cached balance
    assert totals["spent"] == 7_500  # 5,000 + 2,500; the cancelled 1,000 is not spent
    balances_cached = Voucher.objects.filter(call=story.call).values_list("balance_cents", flat=True)
    assert totals["unspent_on_vouchers"] == sum(balances_cached)
    assert totals["issued"] == 3 * story.call.amount_per_beneficiary_cents
    providers = {line.label: (line.count, line.cents) for line in report.providers}
    assert providers == {"Provider A": (2, 7_500)}
    categories = {line.label: (line.count, line.cents) for line in report.categories}
    assert sum(cents for _count, cents in categories.values()) == 7_500
    assert {line.label: line.count for line in report.municipalities} == {"Melzo": 2}
    assert {line.label: line.count for line in report.genders} == {"women": 1, "men": 1}
    assert {line.label: line.count for line in report.ages} == {"3–5": 1, "11–14": 1}
    applications = {line.label: line.count for line in report.applications}
    assert applications["Sent"] == 2


def test_staff_of_the_alliance_read_it_as_a_page_csv_and_excel(story, client, login):
    login(story.world.alliance_staff)
    url = f"/rendiconti/{story.call.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Provider A" in page.text and "€ 75,00" in page.text
    csv_text = client.get(url + "?formato=csv").content.decode("utf-8-sig")
    assert "Provider A;2;75,00" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(url + "?formato=xlsx").content))
    assert "providers" in workbook.sheetnames
    rows = list(workbook["providers"].iter_rows(values_only=True))
    assert ("Provider A", 2, 75.0) in rows
    italian = client.get(url)
    english = client.get("/en" + url)
    assert "Rendiconto" in italian.text and "Report" in english.text


def test_nobody_else_reads_it(story, client, login):
    other_staff = UserFactory(email="staff-b@example.org")
    add_member(other_staff, story.world.other_alliance_org, Role.ALLIANCE_STAFF)
    enrol_totp(other_staff)
    url = f"/rendiconti/{story.call.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    for user in (story.world.citizen, story.world.stranger, story.world.provider_staff, story.world.evaluator,
                 story.world.referent, other_staff, story.world.admin):  # fmt: skip
        client.logout()
        login(user)
        assert client.get(url).status_code == 404, user.email
        assert client.get(url + "?formato=csv").status_code == 404
    login(story.world.alliance_staff)
    assert client.get("/rendiconti/999999/").status_code == 404
