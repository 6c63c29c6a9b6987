"""The public page of a service and its iCalendar file."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse as django_reverse
from django.utils import timezone, translation
from icalendar import Calendar

from sinergie.conftest import World, make_municipality
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    ModerationState,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.directory.views import age_range_text, weekdays_text
from sinergie.territory.models import Municipality, Province, Region

PERSONAS = [
    "citizen",
    "stranger",
    "referent",
    "colleague",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "evaluator",
    "analyst",
    "admin",
]
MAY_PREVIEW = {"provider_staff", "admin"}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def reverse(name: str, args: list) -> str:
    """The Italian (unprefixed) URL, whatever language an earlier request left active."""
    with translation.override("it"):
        return django_reverse(name, args=args)


@dataclass
class Directory:
    world: World
    nursery: Service
    camp: Service
    draft: Service
    melzo: Municipality
    valid_from: datetime.date
    valid_to: datetime.date
    closed_day: datetime.date
    short_day: datetime.date


def _next(day: datetime.date, weekday: int) -> datetime.date:
    """The first day on or after `day` that falls on `weekday` (0 is Monday)."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def directory(world: World) -> Directory:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    milano = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    melzo = make_municipality("015142", "Melzo", milano)
    today = timezone.localdate()
    location = Location.objects.create(
        organization=world.provider,
        name="Sede di via Roma",
        address_1="Via Roma 1",
        postal_code="20066",
        municipality=melzo,
        latitude=45.4996,
        longitude=9.4232,
        transportation="Stazione di Melzo a 5 minuti a piedi",
        accessibility_it="Ingresso senza gradini",
        accessibility_en="Step-free entrance",
    )

    nursery = Service.objects.create(
        organization=world.provider,
        state=ModerationState.PUBLISHED,
        name_it="Asilo nido Girotondo",
        name_en="Girotondo nursery",
        description_it="Un nido <b>accogliente</b> per i più piccoli.",
        description_en="A welcoming nursery for the little ones.",
        minimum_age_months=3,
        maximum_age_months=36,
        capacity=24,
        languages=["it", "en"],
        eligibility_description_it="Famiglie residenti a Melzo.",
        application_process_it="Compila il modulo online.",
        accepts_vouchers=True,
        is_demo=True,
        email="nido@example.org",
        phone="02 1234567",
        url="https://nido.example.org",
    )
    nursery.categories.add(TaxonomyTerm.objects.get(code="nursery"))
    site = ServiceAtLocation.objects.create(service=nursery, location=location)
    CostOption.objects.create(service=nursery, option_it="Tempo pieno", option_en="Full time", amount_cents=9500)
    CostOption.objects.create(service=nursery, option_it="Prima settimana", amount_cents=0)
    CostOption.objects.create(service=nursery, option_it="Servizio mensa", amount_cents=None, unit="day")
    CostOption.objects.create(service=nursery, option_it="Iscrizione", amount_cents=123456, unit="once")
    # Dates relative to today, so that "coming" exceptions stay in the future whenever the tests run.
    valid_from, valid_to = today - datetime.timedelta(days=30), today + datetime.timedelta(days=300)
    closed_day = _next(today + datetime.timedelta(days=7), 1)  # a Tuesday
    short_day = _next(today + datetime.timedelta(days=14), 3)  # a Thursday
    weekdays = Schedule.objects.create(
        service=nursery,
        byday="MO,TU,WE,TH,FR",
        opens_at=datetime.time(8),
        closes_at=datetime.time(17),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    ScheduleException.objects.create(schedule=weekdays, start=closed_day, end=closed_day)
    ScheduleException.objects.create(
        schedule=weekdays,
        start=short_day,
        end=short_day,
        closed=False,
        opens_at=datetime.time(8),
        closes_at=datetime.time(12),
    )
    past_day = _next(today - datetime.timedelta(days=20), 2)  # a Wednesday, already gone
    ScheduleException.objects.create(schedule=weekdays, start=past_day, end=past_day)
    Schedule.objects.create(
        service_at_location=site, byday="SA", opens_at=datetime.time(9), closes_at=datetime.time(12, 30)
    )

    camp = Service.objects.create(
        organization=world.provider,
        state=ModerationState.PUBLISHED,
        name_it="Centro estivo Arcobaleno",
        minimum_age_months=36,
        maximum_age_months=132,
    )
    camp.categories.add(TaxonomyTerm.objects.get(code="summer_camp"))
    ServiceAtLocation.objects.create(service=camp, location=location)
    ClosureAvailability.objects.create(
        service=camp,
        period="summer",
        start=today + datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
    )
    ClosureAvailability.objects.create(
        service=camp,
        period="christmas",
        start=today - datetime.timedelta(days=60),
        end=today - datetime.timedelta(days=50),
    )

    draft = Service.objects.create(organization=world.provider, name_it="Ludoteca in preparazione")
    return Directory(
        world=world,
        nursery=nursery,
        camp=camp,
        draft=draft,
        melzo=melzo,
        valid_from=valid_from,
        valid_to=valid_to,
        closed_day=closed_day,
        short_day=short_day,
    )


def _page(service: Service) -> str:
    return reverse("directory:service-detail", args=[service.pk])


def _ics(service: Service) -> str:
    return reverse("directory:service-ics", args=[service.pk])


def _json_ld(html: str) -> dict:
    match = JSON_LD.search(html)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


# --- The page ---------------------------------------------------------------------------------


def test_it_shows_a_parent_everything_in_italian(client, directory: Directory):
    response = client.get(_page(directory.nursery))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Asilo nido Girotondo</h1>" in html
    assert "Provider A" in html
    assert reverse("organizations:detail", args=["provider-a"]) in html
    assert "Asilo nido" in html
    assert "Da 3 mesi a 3 anni" in html
    assert "24" in html
    assert "Italiano, inglese" in html
    assert "Un nido &lt;b&gt;accogliente&lt;/b&gt;" in html  # the provider's text is escaped
    assert "Famiglie residenti a Melzo." in html
    assert "Compila il modulo online." in html
    assert "€ 95,00 alla settimana" in html
    assert "Gratuito" in html
    assert "Prezzo su richiesta" in html
    assert "€ 1.234,56 una tantum" in html
    assert "Dal lunedì al venerdì, 8:00–17:00" in html
    assert "Sabato, 9:00–12:30" in html
    assert re.search(r"\(dal \d+ [a-z]+ \d{4} al \d+ [a-z]+ \d{4}\)", html)
    assert re.search(r"Chiuso martedì \d+ [a-z]+ \d{4}", html)
    assert re.search(r"Giovedì \d+ [a-z]+ \d{4}: 8:00–12:00", html)
    # A past exception is not listed (the open-now badge may also say "Chiuso ora").
    assert html.count("Chiuso ") - html.count("Chiuso ora") == 1
    assert "Via Roma 1, 20066 Melzo (MI)" in html
    assert 'data-latitude="45.4996"' in html
    assert 'data-longitude="9.4232"' in html
    assert "Ingresso senza gradini" in html
    assert "Stazione di Melzo" in html
    assert 'href="mailto:nido@example.org"' in html
    assert 'href="tel:021234567"' in html
    assert "Dati dimostrativi fittizi" in html
    assert "Accetta i voucher dell'alleanza" in html
    assert _ics(directory.nursery) in html
    assert "sinergie/js/service-map.js" in html


def test_it_shows_the_page_in_english(client, directory: Directory):
    response = client.get("/en" + _page(directory.nursery))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Girotondo nursery</h1>" in html
    assert "A welcoming nursery for the little ones." in html
    assert "From 3 months to 3 years" in html
    assert "€ 95.00 per week" in html
    assert "Free" in html
    assert "Price on request" in html
    assert "From Monday to Friday, 8:00–17:00" in html
    assert re.search(r"Closed on Tuesday \d+ [A-Z][a-z]+ \d{4}", html)
    assert "Step-free entrance" in html
    assert "Italian, English" in html
    assert "Full time" in html
    # No English text: the Italian one rather than nothing.
    assert "Famiglie residenti a Melzo." in html


def test_it_lists_only_the_dates_still_to_come(client, directory: Directory):
    html = client.get(_page(directory.camp)).content.decode()
    assert "Da 3 a 11 anni" in html
    assert "Estate" in html
    assert "Vacanze di Natale" not in html
    assert "Accetta i voucher" not in html
    html = client.get(_page(directory.nursery)).content.decode()
    assert "Nessuna data annunciata" in html


def test_it_describes_the_service_for_search_engines(client, directory: Directory):
    data = _json_ld(client.get(_page(directory.nursery)).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ChildCare"
    assert data["name"] == "Asilo nido Girotondo"
    assert data["parentOrganization"]["name"] == "Provider A"
    assert data["address"]["addressLocality"] == "Melzo"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 45.4996, "longitude": 9.4232}
    full_time = next(offer for offer in data["makesOffer"] if offer["name"] == "Tempo pieno")
    assert full_time["price"] == "95.00"
    assert full_time["priceSpecification"]["unitCode"] == "WEE"

    data = _json_ld(client.get("/en" + _page(directory.camp)).content.decode())
    assert data["@type"] == "Service"
    assert data["name"] == "Centro estivo Arcobaleno"
    assert data["provider"]["name"] == "Provider A"
    assert data["availableChannel"]["serviceLocation"][0]["geo"]["latitude"] == 45.4996


def test_it_cannot_be_broken_out_of_the_json_ld_block(client, directory: Directory):
    directory.nursery.name_it = "Nido </script><script>alert(1)</script> & co"
    directory.nursery.save()
    response = client.get(_page(directory.nursery))
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == "Nido </script><script>alert(1)</script> & co"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_needs_a_bounded_number_of_queries(client, directory: Directory, django_assert_max_num_queries):
    for number in range(3):
        location = Location.objects.create(
            organization=directory.world.provider,
            name=f"Sede {number}",
            address_1=f"Via Verdi {number}",
            municipality=directory.melzo,
            latitude=45.5,
            longitude=9.42,
        )
        site = ServiceAtLocation.objects.create(service=directory.nursery, location=location)
        Schedule.objects.create(
            service_at_location=site, byday="MO", opens_at=datetime.time(9), closes_at=datetime.time(10)
        )
    with django_assert_max_num_queries(15):
        assert client.get(_page(directory.nursery)).status_code == 200
    client.force_login(directory.world.provider_staff, backend="django.contrib.auth.backends.ModelBackend")
    with django_assert_max_num_queries(15):
        assert client.get(_page(directory.draft)).status_code == 200


# --- Who sees what ------------------------------------------------------------------------------


def test_it_hides_a_draft_from_visitors(client, directory: Directory):
    assert client.get(_page(directory.draft)).status_code == 404
    assert client.get(_ics(directory.draft)).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_provider_and_admins_preview_a_draft(login, directory: Directory, persona: str):
    client = login(getattr(directory.world, persona))
    response = client.get(_page(directory.draft))
    if persona in MAY_PREVIEW:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Anteprima — Bozza." in html
        assert _ics(directory.draft) not in html  # the file is for published services only
    else:
        assert response.status_code == 404
    assert client.get(_page(directory.nursery)).status_code == 200
    assert "Anteprima" not in client.get(_page(directory.nursery)).content.decode()


@pytest.mark.parametrize("persona", ["provider_staff", "admin"])
def test_it_offers_no_calendar_file_for_a_draft_even_to_its_provider(login, directory: Directory, persona: str):
    assert login(getattr(directory.world, persona)).get(_ics(directory.draft)).status_code == 404


def test_it_hides_archived_and_submitted_services(client, directory: Directory):
    for state in (ModerationState.SUBMITTED, ModerationState.ARCHIVED):
        Service.objects.filter(pk=directory.nursery.pk).update(state=state)
        assert client.get(_page(directory.nursery)).status_code == 404


def test_it_answers_404_for_an_unknown_or_malformed_id(client, directory: Directory):
    assert client.get(reverse("directory:service-detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("directory:service-ics", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/servizi/not-a-uuid/").status_code == 404
    assert client.get("/servizi/12345/calendario.ics").status_code == 404


def test_it_answers_only_get(client, directory: Directory):
    assert client.post(_page(directory.nursery)).status_code == 405


# --- The iCalendar file -------------------------------------------------------------------------


def _calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


def test_it_gives_the_hours_as_weekly_events_in_rome_time(client, directory: Directory):
    response, calendar = _calendar(client, _ics(directory.nursery))
    assert response["Content-Disposition"] == 'attachment; filename="asilo-nido-girotondo.ics"'
    events = calendar.walk("VEVENT")
    weekly = [
        e
        for e in events
        if "RECURRENCE-ID" not in e and e.get("RRULE", {}).get("BYDAY") == ["MO", "TU", "WE", "TH", "FR"]
    ]
    assert len(weekly) == 1
    event = weekly[0]
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    first = directory.valid_from
    while first.weekday() > 4:  # the first weekday on or after the start of validity
        first += datetime.timedelta(days=1)
    assert event.decoded("DTSTART") == datetime.datetime.combine(
        first, datetime.time(8), tzinfo=ZoneInfo("Europe/Rome")
    )
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event.decoded("DTEND").hour == 17
    until = event["RRULE"]["UNTIL"][0]
    assert until.tzinfo is not None
    assert until.astimezone(ZoneInfo("Europe/Rome")).date() == directory.valid_to
    assert str(event["SUMMARY"]) == "Asilo nido Girotondo"
    assert str(event["LOCATION"]) == "Via Roma 1, 20066 Melzo"
    exdates = [d.dt.date() for exdate in [event["EXDATE"]] for d in exdate.dts]
    # The past closure too: the file describes the whole validity, the page only what is to come.
    assert sorted(exdates) == [_next(timezone.localdate() - datetime.timedelta(days=20), 2), directory.closed_day]
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert override["UID"] == event["UID"]
    assert override.decoded("DTSTART").date() == directory.short_day
    assert override.decoded("DTEND").hour == 12
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Rome"

    saturday = next(e for e in events if e.get("RRULE", {}).get("BYDAY") == ["SA"])
    assert "UNTIL" not in saturday["RRULE"]
    start = saturday.decoded("DTSTART").date()
    assert start.weekday() == 5
    assert timezone.localdate() <= start < timezone.localdate() + datetime.timedelta(days=7)


def test_it_gives_the_closure_dates_as_all_day_events(client, directory: Directory):
    _, calendar = _calendar(client, _ics(directory.camp))
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    today = timezone.localdate()
    summer = next(e for e in events if "Estate" in str(e["SUMMARY"]))
    assert str(summer["SUMMARY"]) == "Centro estivo Arcobaleno · Estate"
    assert summer.decoded("DTSTART") == today + datetime.timedelta(days=30)
    assert summer.decoded("DTEND") == today + datetime.timedelta(days=61)  # exclusive
    assert str(summer["LOCATION"]) == "Via Roma 1, 20066 Melzo"


def test_it_keeps_the_same_uids_and_names_events_in_the_request_language(client, directory: Directory):
    _, first = _calendar(client, _ics(directory.camp))
    _, again = _calendar(client, "/en" + _ics(directory.camp))
    assert sorted(str(e["UID"]) for e in first.walk("VEVENT")) == sorted(str(e["UID"]) for e in again.walk("VEVENT"))
    assert any("Summer" in str(e["SUMMARY"]) for e in again.walk("VEVENT"))
    _, nursery = _calendar(client, "/en" + _ics(directory.nursery))
    assert {str(e["SUMMARY"]) for e in nursery.walk("VEVENT")} == {"Girotondo nursery"}


# --- Words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "maximum", "italian", "english"),
    [
        (3, 36, "da 3 mesi a 3 anni", "from 3 months to 3 years"),
        (36, 132, "da 3 a 11 anni", "from 3 to 11 years"),
        (12, 30, "da 1 anno a 30 mesi", "from 1 year to 30 months"),
        (0, 36, "fino a 3 anni", "up to 3 years"),
        (None, 18, "fino a 18 mesi", "up to 18 months"),
        (72, None, "da 6 anni", "from 6 years"),
        (36, 42, "da 3 anni a 3 anni e 6 mesi", "from 3 years to 3 years and 6 months"),
        (None, None, "", ""),
    ],
)
def test_it_writes_ages_as_a_parent_would(minimum, maximum, italian, english):
    with translation.override("it"):
        assert age_range_text(minimum, maximum) == italian
    with translation.override("en"):
        assert age_range_text(minimum, maximum) == english


@pytest.mark.parametrize(
    ("byday", "italian"),
    [
        ("MO,TU,WE,TH,FR", "dal lunedì al venerdì"),
        ("SA,SU", "sabato e domenica"),
        ("MO,WE,FR", "lunedì, mercoledì e venerdì"),
        ("FR,SA,SU", "dal venerdì alla domenica"),
        ("MO,TU,WE,TH,FR,SA,SU", "tutti i giorni"),
        ("TU", "martedì"),
    ],
)
def test_it_writes_weekdays_in_words(byday, italian):
    with translation.override("it"):
        assert weekdays_text(byday) == italian
