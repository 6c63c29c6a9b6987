"""Shared setting for the editing and moderation tests: two providers, each moderated by its alliance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from sinergie.accounts.models import User
from sinergie.conftest import World, make_municipality
from sinergie.directory.forms import ServiceEditor
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sinergie.organizations.models import AlliancePartner, Organization, Role
from sinergie.territory.models import Municipality, Province, Region


@dataclass
class Moderation:
    world: World
    melzo: Municipality
    location: Location
    service: Service
    other_provider: Organization
    other_provider_staff: User
    other_service: Service
    other_alliance_staff: User
    local_provider: Organization
    local_provider_staff: User


def _term(code: str) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(code=code).first()
    if term is None:
        # A transactional test run before may have flushed the data migration's taxonomy.
        taxonomy, _ = Taxonomy.objects.get_or_create(name="Conciliazione")
        term = TaxonomyTerm.objects.create(taxonomy=taxonomy, code=code, name_it="Centro estivo", name_en="Camp")
    return term


def published_service(organization: Organization, location: Location, name: str) -> Service:
    service = Service.objects.create(
        organization=organization,
        state=ModerationState.PUBLISHED,
        name_it=name,
        name_en=f"{name} (en)",
        description_it="Un centro estivo per bambini.",
        minimum_age_months=72,
        maximum_age_months=144,
        capacity=30,
        languages=["it"],
        email="info@example.org",
    )
    service.categories.add(_term("holiday_camp"))
    ServiceAtLocation.objects.create(service=service, location=location)
    CostOption.objects.create(service=service, option_it="Settimana", amount_cents=9500, unit="week")
    schedule = Schedule.objects.create(
        service=service, byday="MO,TU,WE,TH,FR", opens_at=datetime.time(8), closes_at=datetime.time(17)
    )
    ScheduleException.objects.create(
        schedule=schedule,
        start=timezone.localdate() + datetime.timedelta(days=10),
        end=timezone.localdate() + datetime.timedelta(days=10),
    )
    year = timezone.localdate().year + 1
    ClosureAvailability.objects.create(
        service=service, period="summer", start=datetime.date(year, 6, 10), end=datetime.date(year, 9, 5)
    )
    return service


@pytest.fixture(name="moderation")
def moderation_fixture(world: World) -> Moderation:
    from sinergie.conftest import OrganizationFactory, UserFactory, add_member, enrol_totp

    region = Region.objects.create(istat_code="03", name="Lombardia")
    milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    melzo = make_municipality("015142", "Melzo", milano)
    gorgonzola = make_municipality("015108", "Gorgonzola", milano)
    # Provider A is a partner of alliance A; provider B of alliance B; the local provider is
    # no partner at all but is based in one of alliance A's municipalities.
    AlliancePartner.objects.create(alliance=world.alliance, organization=world.provider, role="private")
    world.alliance.municipalities.add(gorgonzola)
    other_provider = OrganizationFactory(kind="provider", name="Provider B", slug="provider-b")
    AlliancePartner.objects.create(alliance=world.other_alliance, organization=other_provider, role="private")
    local_provider = OrganizationFactory(kind="provider", name="Provider C", slug="provider-c", municipality=gorgonzola)

    def staff(email: str, organization: Organization, role: str) -> User:
        user = UserFactory(email=email)
        add_member(user, organization, role)
        enrol_totp(user)
        return user

    location = Location.objects.create(
        organization=world.provider,
        name="Sede di via Roma",
        address_1="Via Roma 1",
        municipality=melzo,
        latitude=45.4996,
        longitude=9.4232,
    )
    other_location = Location.objects.create(
        organization=other_provider,
        name="Sede B",
        address_1="Via Verdi 2",
        municipality=melzo,
        latitude=45.5,
        longitude=9.42,
    )
    return Moderation(
        world=world,
        melzo=melzo,
        location=location,
        service=published_service(world.provider, location, "Centro estivo Girasole"),
        other_provider=other_provider,
        other_provider_staff=staff("provider-b@example.org", other_provider, Role.PROVIDER_STAFF),
        other_service=published_service(other_provider, other_location, "Centro estivo Aquilone"),
        other_alliance_staff=staff("staff-b@example.org", world.other_alliance_org, Role.ALLIANCE_STAFF),
        local_provider=local_provider,
        local_provider_staff=staff("provider-c@example.org", local_provider, Role.PROVIDER_STAFF),
    )


def form_data(base: dict[str, Any], organization: Organization | None = None, **changes: Any) -> dict[str, Any]:
    """What a browser would post back for an unchanged edit form on `base`, with `changes` applied."""
    editor = ServiceEditor(base=base, organization=organization)
    data: dict[str, Any] = {}
    forms = [(editor.form, "")]
    for _title, formset in editor.formsets:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend((form, "") for form in formset.forms)
    for form, _prefix in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, (list, tuple)):
                value = [str(item.pk if hasattr(item, "pk") else item) for item in value]
            elif isinstance(value, datetime.time):
                value = value.strftime("%H:%M")
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[bound.html_name] = value
    data.update(changes)
    return data
