from __future__ import annotations

import datetime

from django.urls import reverse as django_reverse
from django.utils import translation
from icalendar import Calendar

from sinergie.schoolcalendar.models import LocalClosure


def reverse(name: str, args: list) -> str:
    """The Italian (unprefixed) URL, whatever language an earlier request left active."""
    with translation.override("it"):
        return django_reverse(name, args=args)


def _detail(istat_code: str = "015146") -> str:
    return reverse("schoolcalendar:detail", args=[istat_code])


def test_it_shows_the_school_year_in_italian(client, towns):
    response = client.get(_detail(), {"anno": "2026", "livello": "primaria"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "lunedì 14 settembre 2026" in html
    assert "martedì 8 giugno 2027" in html
    assert "Sant&#x27;Ambrogio" in html
    assert "Vacanze di Natale" in html
    assert "DGR IX/3318" in html
    assert "calendario.ics?anno=2026&amp;livello=primaria" in html


def test_it_shows_the_school_year_in_english(client, towns):
    response = client.get("/en" + _detail("016024"), {"anno": "2026", "livello": "infanzia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Monday 7 September 2026" in html
    assert "Christmas holidays" in html
    assert "Saint Ambrose" not in html  # Bergamo's patron is in August, outside the year
    assert "Add to your calendar" in html


def test_it_defaults_to_the_current_school_year(client, towns):
    response = client.get(_detail())
    assert response.status_code == 200
    assert response.context["calendar"] is not None


def test_it_names_the_field_of_a_bad_year_or_level_and_keeps_the_form(client, towns):
    response = client.get(_detail(), {"anno": "1999", "livello": "primaria"})
    assert response.status_code == 200
    assert response.context["calendar"] is None
    assert "anno" in response.context["form"].errors
    assert "Anno scolastico" in response.content.decode()
    response = client.get(_detail(), {"anno": "dopodomani", "livello": "asilo"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"anno", "livello"}


def test_it_answers_404_for_an_unknown_municipality(client, towns):
    assert client.get(_detail("999999")).status_code == 404
    assert client.get(reverse("schoolcalendar:ics", args=["999999"])).status_code == 404
    # Issue 12, point 3: a NUL in the code was a server error on PostgreSQL, which refuses it.
    # Now refused before any view: a NUL in a path is a bad request (web/nul.py).
    assert client.get(_detail("01\x005142")).status_code == 400
    assert client.get(reverse("schoolcalendar:ics", args=["\x00"])).status_code == 400


def test_it_serves_an_icalendar_feed_with_one_event_per_closure(client, towns):
    url = reverse("schoolcalendar:ics", args=["015146"])
    response = client.get(url, {"anno": "2026", "livello": "primaria"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    by_summary = {str(e["SUMMARY"]): e for e in events}
    christmas = by_summary["Vacanze di Natale"]
    assert christmas.decoded("DTSTART") == datetime.date(2026, 12, 23)
    assert christmas.decoded("DTEND") == datetime.date(2027, 1, 7)  # exclusive
    assert "DGR IX/3318" in str(christmas["DESCRIPTION"])
    assert by_summary["Carnevale"].decoded("DTSTART") == datetime.date(2027, 2, 12)  # Ambrosian in Milan
    assert "Sant'Ambrogio" in by_summary
    again = Calendar.from_ical(client.get(url, {"anno": "2026", "livello": "primaria"}).content)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(str(e["UID"]) for e in events)


def test_it_names_events_in_the_request_language(client, towns):
    response = client.get("/en" + reverse("schoolcalendar:ics", args=["015146"]), {"anno": "2026"})
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert "Christmas holidays" in summaries


def test_it_refuses_a_feed_with_bad_parameters(client, towns):
    response = client.get(reverse("schoolcalendar:ics", args=["015146"]), {"anno": "3000"})
    assert response.status_code == 400
    assert "Anno scolastico" in response.content.decode()


def test_it_adds_local_closures_to_the_levels_they_concern(client, towns):
    LocalClosure.objects.create(
        municipality=towns["milano"],
        school_year=2026,
        start=datetime.date(2026, 12, 9),
        end=datetime.date(2026, 12, 9),
        reason_it="Ponte",
        levels=["infanzia"],
    )
    infanzia = client.get(_detail(), {"anno": "2026", "livello": "infanzia"}).content.decode()
    primaria = client.get(_detail(), {"anno": "2026", "livello": "primaria"}).content.decode()
    assert "Ponte" in infanzia
    assert "Ponte" not in primaria
