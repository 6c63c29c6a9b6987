"""A published company-incentive call of Alliance A and Company A's sent, admissible application."""

from __future__ import annotations

import datetime
from typing import Any

from sinergie.calls import services
from sinergie.calls.conftest import make_call
from sinergie.calls.grants import services as incentives
from sinergie.calls.models import Application, CallKind, Evaluation, IncentiveGrant
from sinergie.conftest import World

VAT = "00743110157"  # a valid Italian VAT number (checksum included)
OTHER_VAT = "01234560017"


def plan(**changes: Any) -> dict[str, Any]:
    today = services.rome_today()
    measure = {
        "code": "smart_working",
        "other": "",
        "cost_cents": 300_000,
        "start": today.isoformat(),
        "end": (today + datetime.timedelta(days=180)).isoformat(),
        "workers": 40,
    }
    hours = {**measure, "code": "hour_bank", "cost_cents": 150_000, "workers": 25}
    base = {
        "vat_number": VAT,
        "employees": 45,
        "measures": [measure, hours],
        "requested_cents": 400_000,
        "timeline": "Da gennaio a giugno.",
    }
    base.update(changes)
    return base


class Incentives:
    def __init__(self, world: World) -> None:
        self.world = world
        self.staff = world.alliance_staff
        world.company.vat_number = VAT
        world.company.save()
        self.call = make_call(
            world, budget=1_000_000, amount=500_000, kind=CallKind.COMPANY_INCENTIVES, title_it="Incentivi"
        )
        services.call_publish(call=self.call, by=self.staff)
        self.call.refresh_from_db()
        self.application = self.apply(world.referent, world.company)

    def apply(self, referent: Any, company: Any, *, admissible: bool = True, **changes: Any) -> Application:
        application = incentives.incentive_apply(call=self.call, organization=company, by=referent)
        application = incentives.incentive_plan_save(
            application=application, plan=plan(vat_number=company.vat_number or VAT, **changes), by=referent
        )
        application = incentives.incentive_submit(application=application, by=referent)
        Evaluation.objects.create(application=application, admissible=admissible)
        return application

    def grant(self, application: Application | None = None, amount: int = 400_000) -> IncentiveGrant:
        return incentives.grant_create(
            application=application or self.application,
            amount_cents=amount,
            signed_at=services.rome_today(),
            conditions="Relazione entro 12 mesi.",
            by=self.staff,
        )

    def to_paid(self, grant: IncentiveGrant) -> IncentiveGrant:
        referent = self.world.referent
        today = services.rome_today()
        grant = incentives.grant_report_send(
            grant=grant,
            report={"smart_working": {"done": "Accordi firmati.", "start": today, "end": today}},
            by=referent,
        )
        grant = incentives.grant_review(grant=grant, approve=True, note="", by=self.staff)
        grant = incentives.grant_payment_request(grant=grant, by=referent)
        grant = incentives.grant_payment_approve(grant=grant, by=self.staff)
        return incentives.grant_pay(grant=grant, paid_on=today, reference="TRN-1", by=self.staff)
