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
