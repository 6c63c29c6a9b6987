from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse as django_reverse
from django.utils import translation

from sinergie.audit.models import AuditEvent
from sinergie.conftest import World
from sinergie.schoolcalendar import services
from sinergie.schoolcalendar.access import can_manage_calendar
from sinergie.schoolcalendar.models import LocalClosure, MunicipalityCalendar
from sinergie.schoolcalendar.selectors import school_year_for

CLOSURE = {
    "add_closure": "1",
    "school_name": "Scuola Rodari",
    "start": "2026-12-09",
    "end": "2026-12-09",
    "reason_it": "Ponte dell'Immacolata",
    "reason_en": "Immaculate Conception bridge",
    "levels": ["primaria", "infanzia"],
}


def reverse(name: str, args: list) -> str:
    """The Italian (unprefixed) URL, whatever language an earlier request left active."""
    with translation.override("it"):
        return django_reverse(name, args=args)


def _manage(istat_code: str = "015146") -> str:
    return reverse("schoolcalendar:manage", args=[istat_code])


def test_it_lets_only_admins_and_staff_of_an_alliance_with_the_municipality_manage(world: World, towns):
    world.alliance.municipalities.add(towns["milano"])
    milano, bergamo = towns["milano"], towns["bergamo"]
    assert can_manage_calendar(world.alliance_staff, milano)
    assert not can_manage_calendar(world.alliance_staff, bergamo)
    assert can_manage_calendar(world.admin, bergamo)
    for person in (world.evaluator, world.referent, world.citizen, world.stranger, world.analyst):
        assert not can_manage_calendar(person, milano)


def test_it_refuses_the_page_to_other_people(client, login, world: World, towns):
    world.other_alliance.municipalities.add(towns["bergamo"])
    world.alliance.municipalities.add(towns["milano"])
    assert client.get(_manage()).status_code == 302  # to the login page
    assert login(world.evaluator).get(_manage()).status_code == 403
    assert login(world.alliance_staff).get(_manage("016024")).status_code == 403
    assert login(world.alliance_staff).post(_manage("016024"), CLOSURE).status_code == 403
    assert not LocalClosure.objects.exists()


def test_it_adds_and_removes_a_closure_with_an_audit_record(login, world: World, towns):
    world.alliance.municipalities.add(towns["milano"])
    client = login(world.alliance_staff)
    response = client.post(_manage(), CLOSURE)
    assert response.status_code == 302
    closure = LocalClosure.objects.get()
    assert (closure.school_year, closure.created_by) == (2026, world.alliance_staff)
    assert closure.levels == sorted(CLOSURE["levels"])
    added = AuditEvent.objects.get(action="schoolcalendar.closure_add")
    assert added.actor == world.alliance_staff
    assert added.after["start"] == "2026-12-09"
    calendar = school_year_for(towns["milano"], 2026, "primaria")
    assert not calendar.is_school_day(datetime.date(2026, 12, 9))
    page = client.get(reverse("schoolcalendar:detail", args=["015146"]), {"anno": 2026})
    assert "Scuola Rodari" in page.content.decode()

    remove = reverse("schoolcalendar:closure-remove", args=["015146", closure.pk])
    assert login(world.other_referent).post(remove).status_code == 403
    assert login(world.alliance_staff).post(remove).status_code == 302
    assert not LocalClosure.objects.exists()
    removed = AuditEvent.objects.get(action="schoolcalendar.closure_remove")
    assert removed.before["reason_it"] == "Ponte dell'Immacolata"


def test_it_names_the_field_when_the_form_is_wrong(login, world: World, towns):
    world.alliance.municipalities.add(towns["milano"])
    response = login(world.alliance_staff).post(_manage(), {**CLOSURE, "end": "2026-12-01", "reason_it": ""})
    assert response.status_code == 200
    assert set(response.context["closure_form"].errors) == {"end", "reason_it"}
    assert not AuditEvent.objects.exists()


def test_it_allows_at_most_three_extra_days_per_school(login, world: World, towns):
    world.alliance.municipalities.add(towns["milano"])
    client = login(world.alliance_staff)
    # Wed 9 and Thu 10 December, then Fri 30 October: three lesson days.
    assert client.post(_manage(), {**CLOSURE, "end": "2026-12-10"}).status_code == 302
    assert client.post(_manage(), {**CLOSURE, "start": "2026-10-30", "end": "2026-10-30"}).status_code == 302
    response = client.post(_manage(), {**CLOSURE, "start": "2027-04-30", "end": "2027-04-30"})
    assert response.status_code == 200
    error = " ".join(response.context["closure_form"].errors["end"])
    assert "3" in error and "scuola rodari" in error.lower()
    # Another school has its own allowance; weekends and holidays do not count.
    other = {**CLOSURE, "school_name": "Scuola Munari", "start": "2026-10-30", "end": "2026-11-02"}
    assert client.post(_manage(), other).status_code == 302
    assert LocalClosure.objects.count() == 3


def test_it_counts_a_closure_for_every_school_towards_each_school(world: World, towns):
    milano = towns["milano"]
    day = datetime.date
    services.local_closure_add(
        actor=world.admin,
        municipality=milano,
        start=day(2026, 10, 26),
        end=day(2026, 10, 28),
        reason_it="Elezioni",
        levels=["primaria"],
        school_name="Scuola Rodari",
    )
    with pytest.raises(ValidationError) as error:
        services.local_closure_add(
            actor=world.admin,
            municipality=milano,
            start=day(2026, 10, 30),
            end=day(2026, 10, 30),
            reason_it="Ponte",
            levels=["primaria"],
        )
    assert "end" in error.value.message_dict


def test_it_refuses_closures_across_school_years_or_on_days_without_lessons(world: World, towns):
    day = datetime.date
    common = {"actor": world.admin, "municipality": towns["milano"], "reason_it": "x", "levels": ["primaria"]}
    with pytest.raises(ValidationError) as error:
        services.local_closure_add(start=day(2027, 6, 30), end=day(2027, 7, 1), **common)
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.local_closure_add(start=day(2026, 12, 24), end=day(2026, 12, 27), **common)
    assert "start" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.local_closure_add(start=day(2026, 11, 9), end=day(2026, 11, 9), **{**common, "levels": ["asilo"]})
    assert "levels" in error.value.message_dict


@pytest.mark.parametrize(
    ("month", "day", "field"),
    [
        ("99999999999999999999", "3", "patron_month"),
        ("2", "-99999999999999999999", "patron_day"),
        ("13", "1", "patron_month"),
    ],
)
def test_a_huge_patron_day_is_a_message_not_a_server_error(login, world: World, towns, month, day, field):
    """Issue 12, point 3: `settings-patron_month=99999999999999999999` was an OverflowError (500)."""
    world.alliance.municipalities.add(towns["melzo"])
    client = login(world.alliance_staff)
    data = {"save_settings": "1", "settings-rite": "", "settings-patron_month": month, "settings-patron_day": day}
    response = client.post(_manage("015142"), data)
    assert response.status_code == 200 and field in response.context["settings_form"].errors
    assert not MunicipalityCalendar.objects.filter(municipality=towns["melzo"], patron_month__isnull=False).exists()


def test_it_overrides_rite_and_patron_day_with_an_audit_record(login, world: World, towns):
    world.alliance.municipalities.add(towns["melzo"])
    client = login(world.alliance_staff)
    data = {"save_settings": "1", "settings-rite": "roman", "settings-patron_month": "2", "settings-patron_day": "30"}
    response = client.post(_manage("015142"), data)
    assert response.status_code == 200
    assert "patron_day" in response.context["settings_form"].errors
    data["settings-patron_day"] = "3"
    assert client.post(_manage("015142"), data).status_code == 302
    settings = MunicipalityCalendar.objects.get(municipality=towns["melzo"])
    assert (settings.rite, settings.patron) == ("roman", (2, 3))
    calendar = school_year_for(towns["melzo"], 2026, "primaria")
    assert calendar.rite == "roman"
    assert not calendar.is_school_day(datetime.date(2027, 2, 3))
    assert calendar.is_school_day(datetime.date(2026, 12, 7))  # Sant'Ambrogio replaced
    assert AuditEvent.objects.filter(action="schoolcalendar.settings").count() == 1
