from __future__ import annotations


def test_it_returns_the_school_year_as_json(client, towns):
    response = client.get("/api/v1/school-calendar/015146", {"year": 2026, "level": "primaria"})
    assert response.status_code == 200
    data = response.json()
    assert (data["start"], data["end"], data["rite"]) == ("2026-09-14", "2027-06-08", "ambrosian")
    christmas = next(c for c in data["closures"] if c["kind"] == "christmas")
    assert christmas == {
        "kind": "christmas",
        "name": "Vacanze di Natale",
        "start": "2026-12-23",
        "end": "2027-01-06",
        "source": "DGR IX/3318 del 18/04/2012 (Regione Lombardia)",
    }
    assert any(c["kind"] == "patron" and c["start"] == "2026-12-07" for c in data["closures"])


def test_it_names_closures_in_english_when_asked(client, towns):
    response = client.get("/api/v1/school-calendar/016024", {"year": 2026, "lang": "en"})
    names = {c["name"] for c in response.json()["closures"]}
    assert "Christmas holidays" in names


def test_it_answers_422_for_bad_parameters_and_404_for_unknown_municipalities(client, towns):
    assert client.get("/api/v1/school-calendar/015146", {"year": 1999}).status_code == 422
    assert client.get("/api/v1/school-calendar/015146", {"year": 2026, "level": "asilo"}).status_code == 422
    assert client.get("/api/v1/school-calendar/015146").status_code == 422
    response = client.get("/api/v1/school-calendar/999999", {"year": 2026})
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_a_municipality_does_not_inherit_the_provincial_capitals_patron_saint(client, towns):
    """Melzo (province of Milan) has lessons on 7 December, Milan's Sant'Ambrogio; its own saint
    is unknown until alliance staff set it, and the page says so (issue 13, point 4)."""
    from sinergie.schoolcalendar.models import MunicipalityCalendar

    def patrons(code: str) -> list[str]:
        data = client.get(f"/api/v1/school-calendar/{code}", {"year": 2026, "level": "primaria"}).json()
        return [c["start"] for c in data["closures"] if c["kind"] == "patron"]

    assert patrons("015146") == ["2026-12-07"]  # Milano, the capital
    assert patrons("015142") == []  # Melzo
    page = client.get("/calendario-scolastico/015142/").content.decode()
    assert "alert-warning" in page
    assert "alert-warning" not in client.get("/calendario-scolastico/015146/").content.decode()
    MunicipalityCalendar.objects.create(municipality=towns["melzo"], patron_month=11, patron_day=11)
    assert patrons("015142") == ["2026-11-11"]
    assert "alert-warning" not in client.get("/calendario-scolastico/015142/").content.decode()
