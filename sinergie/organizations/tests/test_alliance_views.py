from __future__ import annotations

import json

from django.urls import reverse

from sinergie.audit.models import AuditEvent
from sinergie.conftest import World
from sinergie.territory.models import Municipality, Province, Region


def _towns() -> tuple[Municipality, Municipality]:
    region = Region.objects.create(istat_code="03", name="Lombardia")
    province = Province.objects.create(istat_code="015", name="Milano", abbreviation="MI", region=region)
    square = {"type": "Polygon", "coordinates": [[[9.0, 45.0], [9.1, 45.0], [9.1, 45.1], [9.0, 45.0]]]}
    melzo = Municipality.objects.create(
        istat_code="015142",
        name="Melzo",
        search_name="melzo",
        cadastral_code="F119",
        province=province,
        region=region,
        population=18000,
        boundary=square,
    )
    segrate = Municipality.objects.create(
        istat_code="015205",
        name="Segrate",
        search_name="segrate",
        cadastral_code="I577",
        province=province,
        region=region,
        population=36000,
    )
    return melzo, segrate


def test_it_replaces_the_member_municipalities_and_audits_the_difference(login, world: World):
    melzo, segrate = _towns()
    world.alliance.municipalities.set([melzo])
    response = login(world.alliance_staff).post(
        reverse("organizations:alliance-municipalities", args=["alliance-a"]), {"municipalities": "015205\n"}
    )
    assert response.status_code == 302
    assert list(world.alliance.municipalities.all()) == [segrate]
    event = AuditEvent.objects.get(action="alliance.municipalities")
    assert event.after == {"added": ["015205"]}
    assert event.before == {"removed": ["015142"]}


def test_it_lists_unknown_municipalities_and_changes_nothing(login, world: World):
    melzo, _ = _towns()
    world.alliance.municipalities.set([melzo])
    response = login(world.alliance_staff).post(
        reverse("organizations:alliance-municipalities", args=["alliance-a"]), {"municipalities": "Segrate\nAtlantide"}
    )
    assert response.status_code == 200
    assert "Atlantide" in " ".join(response.context["form"].errors["municipalities"])
    assert list(world.alliance.municipalities.all()) == [melzo]
    assert not AuditEvent.objects.exists()


def test_it_draws_member_municipalities_with_a_boundary_on_the_map(client, world: World):
    melzo, segrate = _towns()
    world.alliance.municipalities.set([melzo, segrate])
    data = json.loads(client.get(reverse("organizations:alliances-geojson"), {"alliance": "alliance-a"}).content)
    assert [f["properties"]["name"] for f in data["features"]] == ["Melzo"]
    assert data["features"][0]["properties"]["alliance_slug"] == "alliance-a"


def test_it_shows_an_alliance_with_its_municipalities_and_figures(client, world: World):
    melzo, segrate = _towns()
    world.alliance.municipalities.set([melzo, segrate])
    response = client.get(reverse("organizations:alliance-detail", args=["alliance-a"]))
    html = response.content.decode()
    assert "Melzo" in html and "Segrate" in html
    listing = client.get(reverse("organizations:alliance-list"))
    alliance = next(a for a in listing.context["alliances"] if a.pk == world.alliance.pk)
    assert alliance.municipality_count == 2
    assert alliance.population == 54000
