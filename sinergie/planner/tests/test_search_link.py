"""The plan links to the families' search with every child's age (issue 13, point 5)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sinergie.planner.tests.test_views import FAMILY, URL


def test_the_plan_links_to_the_search_with_every_childs_age(client, territory):
    family = {**FAMILY, "eta2": "3", "eta3": "", "livello3": "nido", "raggio": "20"}
    html = client.get(URL, family).content.decode()
    url = client.get(URL, family).context["search_url"]
    assert f'href="{url.replace("&", "&amp;")}"' in html
    split = urlsplit(url)
    assert split.path == "/servizi/"
    # The third child is given by school level only: no age to pass on.
    assert parse_qs(split.query) == {
        "municipality": ["Cernusco sul Naviglio (MI)"],
        "age": ["3", "7"],
        "radius_km": ["20"],
    }
    # The search takes them as they come: the ages shown in its one field.
    search = client.get(url).content.decode()
    assert 'value="3, 7"' in search
