"""Issue 4's "Done when", in Chromium on the demo: staff publish a call; a citizen checks
eligibility, applies with a document and gets a receipt; staff and an evaluator score; the ranking
is published without names; the citizen sees a voucher; a provider redeems part of it; the
statement shows it; the call report adds up. Everyone logs in through the real forms (staff with
their second factor), and every page on the way is checked with axe."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.utils import translation

from sinergie.calls.models import Application, ApplicationState, Call, CallState, Evaluation, Redemption, Voucher
from sinergie.calls.reports.selectors import call_report
from sinergie.calls.rules import euro_text
from sinergie.calls.selectors import ledger_check
from sinergie.demo.load import DEMO_PASSWORD
from sinergie.directory.models import Taxonomy, TaxonomyTerm
from sinergie.directory.taxonomy import taxonomy_sync
from sinergie.web.tests.browser_support import assert_accessible, new_context, totp_code

from .test_design_browser import _tick

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "demo.sinergie.invalid"
TITLE = "Voucher doposcuola 2027 (demo)"
PROVIDER = "cooperativa-sociale-il-girotondo-martesana-demo"
MELZO = "015142"
CODICE_FISCALE = "RSSMRA85T10A562S"  # well formed, of no real person that we know of
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 375, "height": 800}


def eur(cents: int) -> str:
    """Money as the Italian pages show it."""
    with translation.override("it"):
        return euro_text(cents)


def _log_in(page: Page, base: str, email: str, *, second_factor: bool = True) -> None:
    page.goto(f"{base}/account/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    if second_factor:
        secret = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP).data["secret"]
        code = totp_code(secret)
        form = page.locator("form:has(input[name='code'])")
        form.locator("input[name='code']").fill(code)
        with page.expect_navigation(url=f"{base}/area-personale/"):
            form.locator("button[type='submit']:not([form])").click()


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


@pytest.fixture
def demo(settings: Any) -> None:
    # A transactional test empties every table afterwards, the taxonomy of the data migration too.
    taxonomy_sync(Taxonomy, TaxonomyTerm)
    settings.DEBUG = True  # the demo refuses to load in production
    call_command("demo", "--no-serve", stdout=StringIO())


def test_from_a_published_call_to_a_reimbursed_provider(chromium: Browser, live_server: Any, demo: None) -> None:
    base = live_server.url
    call = Call.objects.get(title_it=TITLE)
    assert call.state == CallState.DRAFT

    # 1. Staff check the draft and publish it.
    staff = new_context(chromium).new_page()
    _log_in(staff, base, f"alleanza@{DOMAIN}")
    staff.goto(f"{base}/bandi/gestione/{call.pk}/")
    assert staff.locator("#validation-ok").is_visible()
    assert_accessible(staff)
    _submit(staff, "form[action$='/pubblica/'] button[type='submit']")
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED

    # 2. The citizen, on a phone, checks whether she can apply: yes, rule by rule.
    citizen = new_context(chromium, viewport=PHONE).new_page()
    _log_in(citizen, base, f"cittadina@{DOMAIN}", second_factor=False)
    citizen.goto(f"{base}/bandi/{call.pk}/")
    assert_accessible(citizen)
    _submit(citizen, f"a[href$='/bandi/{call.pk}/posso-partecipare/']")
    citizen.locator("select[name='lives_in']").select_option(MELZO)
    citizen.locator("input[name='children_ages']").fill("7, 10")
    citizen.locator("input[name='isee']").fill("12.500")
    citizen.locator("select[name='employment_status']").select_option("employee")
    _submit(citizen, "button[name='verifica']")
    assert "Sì" in citizen.locator("#outcome").inner_text()
    assert_accessible(citizen)

    # 3. She applies with her two documents and gets a receipt with a protocol number.
    citizen.goto(f"{base}/bandi/{call.pk}/")
    _submit(citizen, "#apply-button")
    citizen.locator("input[name='codice_fiscale']").fill(CODICE_FISCALE)
    citizen.locator("select[name='lives_in']").select_option(MELZO)
    citizen.locator("input[name='children_ages']").fill("7, 10")
    citizen.locator("input[name='isee']").fill("12.500")
    citizen.locator("select[name='employment_status']").select_option("employee")
    citizen.locator("label[for='id_single_parent']").click()
    for index, name in enumerate(("isee.pdf", "identita.pdf")):
        citizen.locator(f"input[name='document_{index}']").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        )
    assert_accessible(citizen)
    _submit(citizen, "button[name='continua']")
    assert "/riepilogo/" in citizen.url, citizen.locator("#form-errors").all_inner_texts()
    citizen.locator("label[for='id_declaration']").click()
    _submit(citizen, "main form button[type='submit']")
    assert "/ricevuta/" in citizen.url
    application = Application.objects.get(call=call, applicant__email=f"cittadina@{DOMAIN}")
    assert application.state == ApplicationState.SUBMITTED and application.documents.count() == 2
    assert application.protocol in citizen.locator("main").inner_text()
    assert_accessible(citizen)

    # 4. At the deadline staff close the call, check admissibility and assign the evaluator.
    staff.goto(f"{base}/bandi/gestione/{call.pk}/")
    _submit(staff, "form[action$='/chiudi/'] button[type='submit']")
    staff.goto(f"{base}/bandi/gestione/{call.pk}/domande/")
    _submit(staff, "#evaluate")
    assert Evaluation.objects.get(application=application).admissible is True
    _submit(staff, f"a:text-is('{application.protocol}')")
    staff.locator("#id_asg-evaluator").select_option(label="Davide Simulato")
    _submit(staff, "form:has(input[value='assegna']) button[type='submit']")
    assert "Davide Simulato" in staff.locator("#assignments").inner_text()
    assert_accessible(staff)

    # 5. The evaluator declares no conflict of interest and adds points.
    evaluator = new_context(chromium).new_page()
    _log_in(evaluator, base, f"valutatore@{DOMAIN}")
    evaluator.goto(f"{base}/bandi/valutazioni/")
    _submit(evaluator, f"a:text-is('{application.protocol}')")
    evaluator.select_option("#id_dec-has_conflict", "no")
    _submit(evaluator, "#declare")
    evaluator.fill("#id_pts-manual_points", "3")
    evaluator.fill("#id_pts-note", "Due figli, genitore solo: documenti in ordine.")
    _submit(evaluator, "#save-points")
    assert Evaluation.objects.get(application=application).manual_points == 300
    assert_accessible(evaluator)
    evaluator.context.close()

    # 6. Staff compute the ranking, publish it and issue the vouchers.
    staff.goto(f"{base}/bandi/gestione/{call.pk}/graduatoria/")
    _submit(staff, "#compute-ranking")
    _tick(staff, "id_pub-confirm")
    _submit(staff, "#publish-ranking")
    _submit(staff, "form[action$='/graduatoria/buoni/'] button[type='submit']")
    voucher = Voucher.objects.get(call=call, beneficiary=application.applicant)
    assert_accessible(staff)

    # 7. Anyone reads the ranking: protocol numbers, no names.
    visitor = new_context(chromium).new_page()
    visitor.goto(f"{base}/domande/graduatoria/{call.pk}/")
    text = visitor.locator("main").inner_text()
    assert application.protocol in text
    for personal in ("Giulia", "Fittizia", DOMAIN, CODICE_FISCALE):
        assert personal not in text
    assert_accessible(visitor)
    visitor.context.close()

    # 8. The citizen finds the voucher in her wallet.
    citizen.goto(f"{base}/buoni/")
    assert TITLE in citizen.locator("main").inner_text()
    _submit(citizen, f"a[href$='/buoni/{voucher.pk}/']")
    assert voucher.display_code in citizen.locator("main").inner_text()
    assert_accessible(citizen)
    citizen.context.close()

    # 9. The provider redeems part of it at the desk; the statement shows it.
    provider = new_context(chromium).new_page()
    _log_in(provider, base, f"ente.erogatore@{DOMAIN}")
    provider.goto(f"{base}/buoni/sportello/{PROVIDER}/")
    provider.locator("input[name='code']").fill(voucher.display_code)
    _submit(provider, "main form button[type='submit']")
    assert eur(voucher.value_cents) in provider.locator("#voucher-preview").inner_text()
    provider.locator("input[name='amount']").fill("80")
    provider.locator("select[name='service']").select_option(index=1)
    _submit(provider, "main form button[type='submit']")
    assert "/riscatti/" in provider.url
    assert Redemption.objects.get(voucher=voucher).amount_cents == 8_000
    assert_accessible(provider)
    provider.goto(f"{base}/buoni/sportello/{PROVIDER}/rendiconto/")
    assert eur(8_000) in provider.locator("main").inner_text()
    assert_accessible(provider)
    provider.context.close()

    # 10. The call's report adds up: from the ledger, what was spent and what is still on vouchers.
    staff.goto(f"{base}/rendiconti/{call.pk}/")
    report = call_report(call)
    assert report.totals["spent"] == 8_000
    assert report.totals["unspent_on_vouchers"] == voucher.value_cents - 8_000
    assert report.totals["available"] + report.totals["committed"] == call.budget_cents
    page = staff.locator("main").inner_text()
    assert eur(8_000) in page and eur(voucher.value_cents - 8_000) in page
    assert ledger_check() == []
    assert_accessible(staff)
    staff.context.close()
