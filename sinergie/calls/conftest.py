"""A published worker-voucher call with an accredited provider, its services and a voucher."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.utils import timezone, translation

from sinergie.calls import services
from sinergie.calls.models import Call, CallKind, Redemption, Voucher
from sinergie.conftest import OrganizationFactory, UserFactory, World, add_member, enrol_totp
from sinergie.directory.models import Service, Taxonomy, TaxonomyTerm
from sinergie.directory.taxonomy import taxonomy_sync
from sinergie.organizations.models import Role

_keys = itertools.count(1)


def make_call(
    world: World, *, budget: int = 100_000, amount: int = 20_000, publish: bool = True, **fields: Any
) -> Call:
    now = timezone.now()
    return Call.objects.create(
        alliance=fields.pop("alliance", world.alliance),
        kind=fields.pop("kind", CallKind.WORKER_VOUCHERS),
        title_it=fields.pop("title_it", "Voucher conciliazione 2026"),
        title_en="Work-life vouchers 2026",
        budget_cents=budget,
        amount_per_beneficiary_cents=amount,
        opens_at=fields.pop("opens_at", now - datetime.timedelta(days=10)),
        closes_at=fields.pop("closes_at", now + datetime.timedelta(days=10)),
        **fields,
    )


class Money:
    """Alliance A's published call; Provider A accredited for it; Provider B accredited only elsewhere."""

    def __init__(self, world: World) -> None:
        self.world = world
        # Transactional tests (the concurrency ones) flush the data migration's taxonomy.
        taxonomy_sync(Taxonomy, TaxonomyTerm)
        self.staff = world.alliance_staff
        self.provider = world.provider
        self.other_provider = OrganizationFactory(kind="provider", name="Provider B", slug="provider-b")
        self.other_provider_staff = UserFactory(email="provider-b@example.org")
        add_member(self.other_provider_staff, self.other_provider, Role.PROVIDER_STAFF)
        enrol_totp(self.other_provider_staff)

        self.call = make_call(world)
        self.call.providers.add(self.provider)
        self.call.categories.add(TaxonomyTerm.objects.get(code="school_time"))
        services.call_publish(call=self.call, by=self.staff)
        self.call.refresh_from_db()

        self.other_call = make_call(world, alliance=world.other_alliance, title_it="Altro bando")
        self.other_call.providers.add(self.other_provider)
        services.call_publish(call=self.other_call, by=self.staff)
        self.other_call.refresh_from_db()

        self.after_school = self._service(self.provider, "Doposcuola", "after_school")
        self.laundry = self._service(self.provider, "Lavanderia", "laundry")
        self.foreign_service = self._service(self.other_provider, "Doposcuola B", "after_school")
        self.voucher = self.issue()

    def _service(self, provider: Any, name: str, category: str) -> Service:
        service = Service.objects.create(organization=provider, name_it=name, state="published", accepts_vouchers=True)
        service.categories.add(TaxonomyTerm.objects.get(code=category))
        return service

    def issue(self, call: Call | None = None, **kwargs: Any) -> Voucher:
        kwargs.setdefault("beneficiary", self.world.citizen)
        return services.voucher_issue(call=call or self.call, by=self.staff, **kwargs)

    def redeem(self, voucher: Voucher | None = None, **kwargs: Any) -> Redemption:
        kwargs.setdefault("voucher_code", (voucher or self.voucher).code)
        kwargs.setdefault("provider", self.provider)
        kwargs.setdefault("amount_cents", 5_000)
        kwargs.setdefault("service_date", services.rome_today())
        kwargs.setdefault("idempotency_key", f"key-{next(_keys)}")
        kwargs.setdefault("by", self.world.provider_staff)
        # The call names eligible categories, so a redemption names its service.
        kwargs.setdefault("service", self.after_school if kwargs["provider"] == self.provider else None)
        return services.voucher_redeem(**kwargs)


@pytest.fixture
def money(world: World) -> Money:
    return Money(world)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Tests read the English messages; one test checks the Italian ones."""
    with translation.override("en"):
        yield
