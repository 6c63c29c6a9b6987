"""The desk refuses what the call does not pay for (issue 13, point 10).

A redemption names a service of the provider that accepts the alliance's vouchers, is of a
category the call covers, and runs on the date of the service. Each refusal names its field and
writes nothing; the provider's managers and the call's alliance staff may register one that the
service's own data refuses, with a reason kept in the audit event.
"""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from sinergie.audit.models import AuditEvent
from sinergie.calls import services
from sinergie.calls.conftest import Money
from sinergie.calls.models import LedgerEntry, Redemption, Voucher
from sinergie.calls.services import (
    OVERRIDE_NOT_ALLOWED,
    SERVICE_CLOSED_ON_DATE,
    SERVICE_NO_VOUCHERS,
    SERVICE_NOT_ELIGIBLE,
    SERVICE_REQUIRED,
    OverridableRefusal,
    VoucherError,
)
from sinergie.conftest import UserFactory, add_member, enrol_totp
from sinergie.directory.models import ClosureAvailability, Schedule, ScheduleException, Service
from sinergie.organizations.models import Role

pytestmark = pytest.mark.django_db


def books() -> tuple[int, int, list[int], int]:
    return (
        Redemption.objects.count(),
        LedgerEntry.objects.count(),
        list(Voucher.objects.order_by("pk").values_list("balance_cents", flat=True)),
        AuditEvent.objects.filter(action="calls.redemption.create").count(),
    )


def next_weekday(weekday: int) -> datetime.date:
    """The first day from today (Rome) that falls on `weekday` (0 = Monday): within the voucher's validity."""
    today = services.rome_today()
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


def weekdays_only(service: Service) -> Service:
    Schedule.objects.create(
        service=service, byday="MO,TU,WE,TH,FR", opens_at=datetime.time(8), closes_at=datetime.time(17)
    )
    return service


def plain_staff(money: Money) -> Any:
    """Provider A's staff member who does not manage its members."""
    user = UserFactory(email="desk-clerk@example.org")
    add_member(user, money.provider, Role.PROVIDER_STAFF)
    enrol_totp(user)
    return user


def refused(money: Money, **kwargs: Any) -> VoucherError:
    before = books()
    with pytest.raises(VoucherError) as caught:
        money.redeem(**kwargs)
    assert books() == before, "a refused redemption wrote something"
    return caught.value


# The service -----------------------------------------------------------------------------------


def test_a_service_that_does_not_accept_vouchers_is_refused(money: Money) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    error = refused(money, by=plain_staff(money))
    assert isinstance(error, OverridableRefusal)
    assert error.field == "service"
    assert error.messages == [str(SERVICE_NO_VOUCHERS)]


def test_a_redemption_names_its_service_when_the_call_names_categories(money: Money) -> None:
    error = refused(money, service=None)
    assert error.field == "service"
    assert error.messages == [str(SERVICE_REQUIRED)]


def test_a_service_of_a_category_the_call_does_not_cover_is_refused_even_with_a_reason(money: Money) -> None:
    Service.objects.filter(pk=money.laundry.pk).update(accepts_vouchers=True)
    error = refused(money, service=money.laundry, override_reason="The family needed it")
    assert not isinstance(error, OverridableRefusal)
    assert error.field == "service"
    assert error.messages == [str(SERVICE_NOT_ELIGIBLE)]


def test_a_day_the_service_does_not_run_is_refused(money: Money) -> None:
    weekdays_only(money.after_school)
    saturday = next_weekday(5)
    error = refused(money, service_date=saturday, by=plain_staff(money))
    assert isinstance(error, OverridableRefusal)
    assert error.field == "service_date"
    assert error.messages == [str(SERVICE_CLOSED_ON_DATE) % {"date": date_format(saturday, "DATE_FORMAT")}]
    assert money.redeem(service_date=next_weekday(1)).service_date == next_weekday(1)


def test_a_day_closed_by_an_exception_is_refused(money: Money) -> None:
    tuesday = next_weekday(1)
    schedule = weekdays_only(money.after_school).schedules.get()
    ScheduleException.objects.create(schedule=schedule, start=tuesday, end=tuesday, closed=True)
    assert refused(money, service_date=tuesday, by=plain_staff(money)).field == "service_date"


def test_a_service_running_only_in_school_closures_is_refused_outside_them(money: Money) -> None:
    today = services.rome_today()
    ClosureAvailability.objects.create(
        service=money.after_school,
        period="other",
        start=today + datetime.timedelta(days=20),
        end=today + datetime.timedelta(days=30),
    )
    assert refused(money, service_date=today, by=plain_staff(money)).field == "service_date"
    assert money.redeem(service_date=today + datetime.timedelta(days=25)).pk


def test_a_service_that_publishes_no_hours_is_not_refused_for_the_day(money: Money) -> None:
    assert not money.after_school.schedules.exists()
    assert money.redeem(service_date=next_weekday(6)).pk


def test_plain_staff_cannot_override(money: Money) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    error = refused(money, by=plain_staff(money), override_reason="The directory is out of date")
    assert error.field == "override_reason"
    assert error.messages == [str(OVERRIDE_NOT_ALLOWED)]


def test_a_manager_overrides_with_a_reason_and_the_audit_event_keeps_it(money: Money) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    weekdays_only(money.after_school)
    manager = money.world.provider_staff  # the world's provider staff manages Provider A's members
    redemption = money.redeem(by=manager, service_date=next_weekday(6), override_reason="  Opened on Sunday  ")
    event = AuditEvent.objects.get(action="calls.redemption.create", object_id=str(redemption.pk))
    assert event.after["overridden_checks"] == ["accepts_vouchers", "operating_day"]
    assert event.after["override_reason"] == "Opened on Sunday"
    assert event.note == "Opened on Sunday"


def test_the_calls_alliance_staff_may_override(money: Money) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    redemption = money.redeem(by=money.staff, override_reason="Agreed with the provider")
    assert redemption.service_id == money.after_school.pk


def test_a_reason_is_not_recorded_when_nothing_was_overridden(money: Money) -> None:
    redemption = money.redeem(override_reason="Just in case")
    event = AuditEvent.objects.get(action="calls.redemption.create", object_id=str(redemption.pk))
    assert "override_reason" not in event.after and event.note == ""


def test_an_override_reason_too_long_is_refused(money: Money) -> None:
    error = refused(money, override_reason="x" * (services.MAX_REASON_LENGTH + 1))
    assert error.field == "override_reason"


# The desk --------------------------------------------------------------------------------------


def desk_url(money: Money) -> str:
    return reverse("vouchers:desk", kwargs={"provider": money.provider.slug})


def confirm(money: Money, **overrides: Any) -> dict[str, Any]:
    data = {
        "step": "confirm",
        "code": money.voucher.code,
        "idempotency_key": "desk-1",
        "amount": "50,00",
        "service": money.after_school.pk,
        "service_date": services.rome_today().isoformat(),
    }
    data.update(overrides)
    return data


def field_error(body: str, field: str) -> str:
    marker = f'id="id_{field}_error"'
    assert marker in body, f"no error on {field}"
    return body.split(marker, 1)[1].split("</div>", 1)[0]


def test_the_desk_shows_each_refusal_on_its_field_and_writes_nothing(money: Money, login: Any) -> None:
    http = login(plain_staff(money))
    weekdays_only(money.after_school)
    Service.objects.filter(pk=money.laundry.pk).update(accepts_vouchers=True)
    cases = [
        ({"service": money.laundry.pk}, "service", SERVICE_NOT_ELIGIBLE, {}),
        ({"service_date": next_weekday(6).isoformat()}, "service_date", SERVICE_CLOSED_ON_DATE, None),
    ]
    before = books()
    for overrides, field, message, params in cases:
        response = http.post(desk_url(money), confirm(money, **overrides))
        assert response.status_code == 400
        text = str(message) % (params if params is not None else {"date": date_format(next_weekday(6), "DATE_FORMAT")})
        assert html.escape(text) in field_error(response.content.decode(), field)
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    response = http.post(desk_url(money), confirm(money))
    body = response.content.decode()
    assert response.status_code == 400
    assert html.escape(str(SERVICE_NO_VOUCHERS)) in field_error(body, "service")
    # A clerk is told who can vouch for it, and is not offered the override.
    assert 'id="ask-a-manager"' in body and 'name="override_reason"' not in body
    assert books() == before


def test_the_service_list_says_which_services_do_not_accept_vouchers(money: Money, login: Any) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    response = login(money.world.provider_staff).post(desk_url(money), {"step": "preview", "code": money.voucher.code})
    assert "Doposcuola (does not accept vouchers)" in response.content.decode()


def test_a_manager_at_the_desk_registers_a_refused_redemption_with_a_reason(money: Money, login: Any) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    http = login(money.world.provider_staff)
    response = http.post(desk_url(money), confirm(money))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'name="override_reason"' in body and 'id="ask-a-manager"' not in body
    response = http.post(desk_url(money), confirm(money, override_reason="Accepts them since Monday"))
    assert response.status_code == 302
    redemption = Redemption.objects.get()
    event = AuditEvent.objects.get(action="calls.redemption.create", object_id=str(redemption.pk))
    assert event.after["overridden_checks"] == ["accepts_vouchers"]
    assert event.note == "Accepts them since Monday"


def test_a_clerk_sending_an_override_by_hand_is_refused_on_its_field(money: Money, login: Any) -> None:
    Service.objects.filter(pk=money.after_school.pk).update(accepts_vouchers=False)
    before = books()
    response = login(plain_staff(money)).post(desk_url(money), confirm(money, override_reason="Trust me"))
    assert response.status_code == 400
    assert html.escape(str(OVERRIDE_NOT_ALLOWED)) in field_error(response.content.decode(), "override_reason")
    assert books() == before
