"""The beneficiary's voucher wallet and the provider's redemption desk (/buoni/).

Views are thin: access through `calls/access.py` (404 for anyone who may not see the object),
money through `calls/services.py`, reads through `calls/selectors.py`. A refused operation is a
`VoucherError` shown beside its field and in the summary, with HTTP 400 and nothing changed.
Staff pages need the second factor like every staff page (RequireStaffMFAMiddleware).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.accounts.typing import signed_in_user
from sinergie.calls import access, selectors, services
from sinergie.calls.models import Call, EntryKind, Redemption, Voucher
from sinergie.calls.services import CANCEL_WINDOW, KEY_MISSING, KEY_REUSED_CODE, OverridableRefusal, VoucherError
from sinergie.calls.vouchers.forms import CancelForm, CodeForm, RedeemForm, StatementForm
from sinergie.lib.downloads import Figure, csv_response, xlsx_response
from sinergie.lib.errors import refuse_on_form
from sinergie.lib.money import spreadsheet_text
from sinergie.lib.pdf import pdf_response
from sinergie.lib.qr import qr_svg
from sinergie.organizations.models import Organization

PER_PAGE = 25

# Where a service's refusal is shown on the desk's forms (None: the summary only).
REDEEM_FIELDS = {
    "voucher_code": "code",
    "amount_cents": "amount",
    "service": "service",
    "service_date": "service_date",
    "idempotency_key": "idempotency_key",
    "override_reason": "override_reason",
}
CANCEL_FIELDS = {"reason": "reason"}


# The wallet ------------------------------------------------------------------------------------


@login_required
@require_safe
def wallet(request: HttpRequest) -> HttpResponse:
    """The signed-in person's vouchers: call, value, balance, validity and state."""
    vouchers = selectors.vouchers_for_beneficiary(signed_in_user(request))
    return render(request, "calls/vouchers/wallet.html", {"vouchers": vouchers, "today": services.rome_today()})


@login_required
@require_safe
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One voucher of the beneficiary: the code large and as a QR, its movements, where to spend it."""
    voucher = access.get_voucher_for_beneficiary(request.user, pk)
    movements = selectors.voucher_movements(voucher).select_related("redemption__service")
    language = translation.get_language()
    return render(
        request,
        "calls/vouchers/voucher_detail.html",
        {
            "voucher": voucher,
            "call_title": voucher.call.title(language),
            "qr": qr_svg(
                voucher.display_code,
                title=_("QR code of voucher %(code)s") % {"code": voucher.display_code},
                css_class="voucher-qr",
            ),
            "movements": movements,
            "providers": voucher.call.providers.order_by("name"),
        },
    )


# The desk --------------------------------------------------------------------------------------


@login_required
@require_safe
def desk_home(request: HttpRequest) -> HttpResponse:
    """The desk of the provider the person works for (a choice when they work for several)."""
    providers = access.providers_for_desk(request.user)
    if not providers:
        raise Http404
    if len(providers) == 1:
        return redirect("vouchers:desk", provider=providers[0].slug)
    return render(request, "calls/vouchers/desk_home.html", {"providers": providers})


def _redeem_form(
    provider: Organization, voucher: Voucher, data: Any = None, initial: dict[str, Any] | None = None
) -> RedeemForm:
    return RedeemForm(
        data,
        initial=initial,
        provider=provider,
        service_required=selectors.call_names_categories(voucher.call),
    )


def _render_code_step(request: HttpRequest, provider: Organization, form: CodeForm, status: int = 200) -> HttpResponse:
    return render(request, "calls/vouchers/desk.html", {"provider": provider, "form": form}, status=status)


def _render_confirm_step(
    request: HttpRequest,
    provider: Organization,
    voucher: Voucher,
    form: RedeemForm,
    key: str,
    status: int = 200,
    *,
    refused_by_data: bool = False,
    repeat: Redemption | None = None,
) -> HttpResponse:
    """Step two. `refused_by_data`: the service refused on what the directory says of the service
    (those allowed then see the override field); `repeat`: the same amount was just redeemed."""
    may_override = access.may_override_redemption_checks(request.user, provider, voucher.call)
    overriding = bool(form.is_bound and (form.data.get("override_reason") or form.errors.get("override_reason")))
    return render(
        request,
        "calls/vouchers/desk_confirm.html",
        {
            "provider": provider,
            "voucher": voucher,
            "call_title": voucher.call.title(translation.get_language()),
            "form": form,
            "key": key,
            "show_override": (refused_by_data and may_override) or overriding,
            "ask_a_manager": refused_by_data and not may_override,
            "repeat": repeat,
            "just_made": selectors.redemptions_just_made(provider, voucher).select_related("service"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def desk(request: HttpRequest, provider: str) -> HttpResponse:
    """Redeem a voucher in two steps: the code (and a preview of the voucher), then amount, service and date.

    The preview's form carries a fresh idempotency key: sending the same form twice redeems once.
    """
    organization = access.get_provider_for_desk(request.user, provider)
    if request.method in ("GET", "HEAD"):
        return _render_code_step(request, organization, CodeForm())
    if request.POST.get("step") == "confirm":
        return _confirm(request, organization)

    code_form = CodeForm(request.POST)
    if not code_form.is_valid():
        return _render_code_step(request, organization, code_form, status=400)
    try:
        voucher = selectors.voucher_for_desk(organization, code_form.cleaned_data["code"])
    except VoucherError as error:
        refuse_on_form(code_form, error, REDEEM_FIELDS)
        return _render_code_step(request, organization, code_form, status=400)
    key = uuid.uuid4().hex
    form = _redeem_form(organization, voucher, initial={"service_date": services.rome_today()})
    return _render_confirm_step(request, organization, voucher, form, key)


def _confirm(request: HttpRequest, provider: Organization) -> HttpResponse:
    try:
        voucher = selectors.voucher_for_desk(provider, request.POST.get("code", ""))
    except VoucherError as error:
        # The voucher changed since the preview (expired, cancelled) or the code was tampered with.
        code_form = CodeForm({"code": request.POST.get("code", "")[:40]})
        code_form.is_valid()
        if "code" not in code_form.errors:
            refuse_on_form(code_form, error, REDEEM_FIELDS)
        return _render_code_step(request, provider, code_form, status=400)

    form = _redeem_form(provider, voucher, data=request.POST)
    form.fields["idempotency_key"].error_messages["required"] = KEY_MISSING
    key = request.POST.get("idempotency_key", "")[:64]
    if not form.is_valid():
        return _render_confirm_step(request, provider, voucher, form, key, status=400)
    data = form.cleaned_data
    if not data["repeat_confirmed"]:
        # A network failure after the commit, then the code typed again, would charge twice:
        # the same amount on the same voucher a few minutes apart is asked about first.
        repeat = selectors.redemption_repeated(provider, voucher, data["amount"], key=data["idempotency_key"])
        if repeat is not None:
            return _render_confirm_step(request, provider, voucher, form, key, status=409, repeat=repeat)
    try:
        redemption = services.voucher_redeem(
            voucher_code=data["code"],
            provider=provider,
            amount_cents=data["amount"],
            service_date=data["service_date"],
            idempotency_key=data["idempotency_key"],
            service=data["service"],
            override_reason=data["override_reason"],
            by=request.user,
            request=request,
        )
    except VoucherError as error:
        refuse_on_form(form, error, REDEEM_FIELDS)
        if error.code == KEY_REUSED_CODE:
            # A different request under a used key: a fresh key lets the corrected form through.
            key = uuid.uuid4().hex
        voucher.refresh_from_db()
        return _render_confirm_step(
            request,
            provider,
            voucher,
            form,
            key,
            status=400,
            refused_by_data=isinstance(error, OverridableRefusal),
        )
    messages.success(
        request,
        _("Redemption registered: %(amount)s from voucher %(code)s.")
        % {"amount": services.euro(redemption.amount_cents), "code": voucher.display_code},
    )
    return redirect("vouchers:redemption", provider=provider.slug, pk=redemption.pk)


def _cancellable(redemption: Redemption) -> bool:
    return redemption.cancelled_at is None and timezone.now() - redemption.created_at <= CANCEL_WINDOW


@login_required
@require_safe
def redemption_list(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's redemptions, newest first, with a way to cancel the recent ones."""
    organization = access.get_provider_for_desk(request.user, provider)
    page = Paginator(selectors.redemptions_for_provider(organization), PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"redemption": redemption, "cancellable": _cancellable(redemption)} for redemption in page]
    return render(
        request, "calls/vouchers/redemption_list.html", {"provider": organization, "page": page, "rows": rows}
    )


def _render_redemption(
    request: HttpRequest, provider: Organization, redemption: Redemption, form: CancelForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "calls/vouchers/redemption_detail.html",
        {
            "provider": provider,
            "redemption": redemption,
            "voucher": redemption.voucher,
            "call_title": Call.objects.get(pk=redemption.voucher.call_id).title(translation.get_language()),
            "cancellable": _cancellable(redemption),
            "form": form,
        },
        status=status,
    )


@login_required
@require_safe
def redemption_detail(request: HttpRequest, provider: str, pk: Any) -> HttpResponse:
    """One redemption of the provider (the receipt after redeeming), with the cancel form while allowed."""
    organization = access.get_provider_for_desk(request.user, provider)
    redemption = access.get_redemption_for_provider_user(request.user, organization, pk)
    return _render_redemption(request, organization, redemption, CancelForm())


@login_required
@require_POST
def redemption_cancel(request: HttpRequest, provider: str, pk: Any) -> HttpResponse:
    """Cancel a redemption within the window, with a reason; the money goes back to the voucher."""
    organization = access.get_provider_for_desk(request.user, provider)
    redemption = access.get_redemption_for_provider_user(request.user, organization, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_redemption(request, organization, redemption, form, status=400)
    try:
        services.redemption_cancel(
            redemption=redemption,
            provider=organization,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except VoucherError as error:
        refuse_on_form(form, error, CANCEL_FIELDS)
        redemption.refresh_from_db()
        return _render_redemption(request, organization, redemption, form, status=400)
    messages.success(request, _("Redemption cancelled: the amount is back on the voucher."))
    return redirect("vouchers:redemption", provider=organization.slug, pk=redemption.pk)


# Statements ------------------------------------------------------------------------------------


def _statement_rows(statement: selectors.Statement) -> list[dict[str, Any]]:
    """The statement's rows with what a page or a spreadsheet shows: the call's title, the kind in words."""
    language = translation.get_language()
    titles = {call.pk: call.title(language) for call in Call.objects.filter(pk__in={r.call_id for r in statement.rows})}
    kinds = dict(EntryKind.choices)
    return [
        {
            "when": timezone.localtime(row.when),
            "kind": str(kinds.get(row.kind, row.kind)),
            "call": titles.get(row.call_id, ""),
            "voucher_code": row.voucher_code,
            "service": row.service_name,
            "service_date": row.service_date,
            "amount_cents": row.amount_cents,
        }
        for row in statement.rows
    ]


def _statement_for(request: HttpRequest, provider: str) -> tuple[Organization, StatementForm, Any]:
    organization = access.get_provider_for_desk(request.user, provider)
    form = StatementForm.for_today(request.GET, services.rome_today())
    if not form.is_valid():
        return organization, form, None
    try:
        statement = selectors.provider_statement(organization, form.cleaned_data["year"], form.cleaned_data["month"])
    except VoucherError as error:  # pragma: no cover - the form checks the same bounds first
        refuse_on_form(form, error)
        return organization, form, None
    return organization, form, statement


@login_required
@require_safe
def statement(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's monthly statement (what the alliance owes it), with CSV and XLSX downloads."""
    organization, form, result = _statement_for(request, provider)
    context: dict[str, Any] = {"provider": organization, "form": form, "statement": result}
    if result is not None:
        context["rows"] = _statement_rows(result)
        context["query"] = f"month={result.month}&year={result.year}"
    return render(request, "calls/vouchers/statement.html", context, status=200 if result is not None else 400)


def _statement_table(statement: selectors.Statement) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Registered at"),
        _("Movement"),
        _("Call"),
        _("Voucher"),
        _("Service"),
        _("Date of the service"),
        _("Amount (€)"),
    ]
    # Text a provider or staff typed never becomes a spreadsheet formula: `lib.downloads` guards it.
    rows = [
        [
            row["when"],
            row["kind"],
            row["call"],
            row["voucher_code"],
            row["service"],
            row["service_date"],
            Decimal(row["amount_cents"]) / 100,
        ]
        for row in _statement_rows(statement)
    ]
    return header, rows


def _filename(statement: selectors.Statement, extension: str) -> str:
    return f"rendiconto-{statement.provider.slug}-{statement.year}-{statement.month:02d}.{extension}"


def _bad_statement_request(form: StatementForm) -> HttpResponse:
    text = " ".join(
        f"{form.fields[name].label}: {' '.join(str(error) for error in errors)}" for name, errors in form.errors.items()
    )
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _cents_it(cents: int) -> Figure:
    """Cents for an Italian spreadsheet cell: comma for decimals, no grouping (Excel reads it as a number)."""
    return Figure(spreadsheet_text(cents))


@login_required
@require_safe
def statement_csv(request: HttpRequest, provider: str) -> HttpResponse:
    """The statement as CSV for an Italian Excel: `;` between cells, UTF-8 with BOM, decimal comma."""
    _organization, form, result = _statement_for(request, provider)
    if result is None:
        return _bad_statement_request(form)
    header, rows = _statement_table(result)
    lines: list[list[Any]] = [header]
    for when, kind, call, code, service, service_date, _amount in rows:
        lines.append(
            [
                when.strftime("%d/%m/%Y %H:%M"),
                kind,
                call,
                code,
                service,
                service_date.strftime("%d/%m/%Y") if service_date else "",
                _cents_it(int(_amount * 100)),
            ]
        )
    lines.append(["", _("Total"), "", "", "", "", _cents_it(result.total_cents)])
    return csv_response(lines, _filename(result, "csv"), delimiter=";")


@login_required
@require_safe
def statement_pdf(request: HttpRequest, provider: str) -> HttpResponse:
    """The statement as a PDF document to file or send (same access and month as the page)."""
    organization, form, result = _statement_for(request, provider)
    if result is None:
        return _bad_statement_request(form)
    context = {
        "provider": organization,
        "statement": result,
        "rows": _statement_rows(result),
        "month_start": datetime.date(result.year, result.month, 1),
        "generated_at": date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
    }
    return pdf_response("calls/pdf/statement.html", context, _filename(result, "pdf"), request)


@login_required
@require_safe
def statement_xlsx(request: HttpRequest, provider: str) -> HttpResponse:
    """The statement as an XLSX workbook (dates as dates, amounts as numbers in euros)."""
    from openpyxl import Workbook

    _organization, form, result = _statement_for(request, provider)
    if result is None:
        return _bad_statement_request(form)
    header, rows = _statement_table(result)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{result.year}-{result.month:02d}"
    sheet.append([result.provider.name, date_format(datetime.date(result.year, result.month, 1), "F Y")])
    sheet.append(header)
    for when, kind, call, code, service, service_date, amount in rows:
        sheet.append([when.replace(tzinfo=None), kind, call, code, service, service_date, amount])
    sheet.append(["", _("Total"), "", "", "", "", Decimal(result.total_cents) / 100])
    for row in sheet.iter_rows(min_row=3, max_col=7):
        row[0].number_format = "DD/MM/YYYY HH:MM"
        row[5].number_format = "DD/MM/YYYY"
        row[6].number_format = "#,##0.00"
    return xlsx_response(workbook, _filename(result, "xlsx"))
