from __future__ import annotations

import datetime

import pytest
from icalendar import Calendar

from sinergie.audit.models import AuditEvent
from sinergie.conftest import World
from sinergie.planner.models import Plan

URL = "/pianificatore/"
D = datetime.date
FAMILY = {
    "comune": "Cernusco sul Naviglio (MI)",
    "anno": "2026",
    "eta1": "7",
    "lavora1": ["lu", "ma", "me", "gi", "ve"],
    "lavora2": ["lu", "ma", "me", "gi", "ve"],
}


def test_it_shows_the_form_with_four_child_rows_and_the_municipalities(client, territory):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="eta4"' in html and 'name="livello4"' in html and 'name="eta5"' not in html
    assert '<option value="Cernusco sul Naviglio (MI)">' in html
    assert "Torino" not in html  # the datalist offers Lombardy only
    assert 'value="lu" ' in html or 'value="lu"' in html


def test_it_lists_the_closure_periods_of_2026_27_with_the_services_for_each(client, territory):
    response = client.get(URL, FAMILY)
    assert response.status_code == 200
    # Summer and September 2026 come before the lessons of 2026/27: the plan of 2025/26 has them.
    # (The patron saint's day depends on the municipality's settings: left out of the list here.)
    cards = [card for card in response.context["cards"] if card["period"].kind != "patron"]
    names = [card["name"] for card in cards]
    assert names == [
        "Vacanze di Natale", "Carnevale", "Vacanze di Pasqua", "Estate 2027", "Settembre prima della scuola",
    ]  # fmt: skip
    christmas = cards[0]["cover"]
    assert [(c.service.name_it, c.covered_days, c.total_days) for c in christmas.services] == [
        ("Natale Cernusco", 8, 8),
        ("Settimana bianca Melzo", 4, 8),  # Milan is too far, the teen camp too old, the draft unpublished
    ]
    assert [c.service.name_it for c in cards[1]["cover"].services] == ["Campus Carnevale e Pasqua Melzo"]
    assert [c.service.name_it for c in cards[3]["cover"].services] == ["Centro estivo Cernusco"]
    september = cards[4]["cover"].services[0]
    assert (september.service.name_it, september.covered_days, september.total_days) == ("Centro estivo Cernusco", 3, 8)
    html = response.content.decode()
    assert f'href="/servizi/{territory.christmas_camp.pk}/"' in html
    assert "90,00" in html  # the lowest price, in Italian
    plan = response.context["plan"]
    assert plan.day_count == sum(len(card["period"].days) for card in response.context["cards"])
    assert 75 <= plan.day_count <= 85  # 150 with the two past summer periods of 2026


def test_a_larger_radius_brings_farther_services(client, territory):
    response = client.get(URL, {**FAMILY, "raggio": "20"})
    christmas = next(card["cover"] for card in response.context["cards"] if card["period"].kind == "christmas")
    assert "Natale Milano" in [c.service.name_it for c in christmas.services]
    milan = next(c for c in christmas.services if c.service.name_it == "Natale Milano")
    assert 10 < milan.distance_km <= 20


def test_it_accepts_the_istat_code_and_shows_the_name(client, territory):
    response = client.get(URL, {**FAMILY, "comune": "015070"})
    assert response.status_code == 200
    assert 'value="Cernusco sul Naviglio (MI)"' in response.content.decode()


def test_it_says_which_services_accept_vouchers(client, territory):
    html = client.get(URL, FAMILY).content.decode()
    assert "Accepts the alliance" in html or "Accetta i voucher" in html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"comune": "Atlantide"}, "comune"),
        ({"comune": "Torino"}, "comune"),
        ({"comune": ""}, "comune"),
        ({"comune": "x" * 500}, "comune"),
        ({"eta1": "40"}, "eta1"),
        ({"eta1": "-3"}, "eta1"),
        ({"eta1": "sette"}, "eta1"),
        ({"eta1": ""}, "eta1"),
        ({"lavora1": [], "lavora2": []}, "lavora1"),
        ({"lavora1": ["xx"]}, "lavora1"),
        ({"anno": "2200"}, "anno"),
        ({"anno": "abc"}, "anno"),
        ({"anno": "2000"}, "anno"),
        ({"raggio": "10000"}, "raggio"),
        ({"livello2": "university"}, "livello2"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_never_an_error(client, territory, change, field):
    response = client.get(URL, {**FAMILY, **change})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert "plan" not in response.context
    assert f'href="#id_{field}' in response.content.decode()  # the summary links to the field


def test_any_computable_school_year_is_offered_when_asked(client, territory):
    response = client.get(URL, {**FAMILY, "anno": "2031"})
    assert response.context["plan"].label == "2031/32"
    assert '<option value="2031" selected>2031/32</option>' in response.content.decode()


def test_a_family_with_someone_always_at_home_has_nothing_to_cover(client, territory):
    response = client.get(URL, {**FAMILY, "lavora2": ["sa"]})
    assert response.status_code == 200
    assert response.context["plan"].day_count == 0


def test_a_child_given_by_school_level_only(client, territory):
    response = client.get(URL, {**FAMILY, "eta1": "", "livello1": "infanzia"})
    assert response.status_code == 200
    summer = next(c for c in response.context["cards"] if c["name"] == "Estate 2027")
    assert summer["period"].start == D(2027, 7, 1)


def test_the_page_runs_a_bounded_number_of_queries(client, territory, django_assert_max_num_queries):
    family = {**FAMILY, "eta2": "4", "livello3": "secondaria_primo", "eta4": "1", "raggio": "30"}
    # 1 datalist + 1 municipality + 1 calendar settings + 1 per (level, year) for the local
    # closures (here 3 levels x 3 years) + 4 for the services + 1 for the demo banner.
    with django_assert_max_num_queries(20):
        response = client.get(URL, family)
    assert response.status_code == 200
    assert len(response.context["cards"]) >= 5


def test_it_exports_the_periods_as_an_icalendar_file(client, territory):
    response = client.get(URL + "calendario.ics", FAMILY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    page = client.get(URL, FAMILY).context
    assert len(events) == len(page["cards"])
    assert min(e.decoded("DTSTART") for e in events) >= D(2026, 11, 22)  # from today on
    christmas = next(e for e in events if "Natale" in str(e["SUMMARY"]))
    assert christmas.decoded("DTSTART") == D(2026, 12, 23)
    assert christmas.decoded("DTEND") == D(2027, 1, 6)  # exclusive
    assert f"/servizi/{territory.christmas_camp.pk}/" in str(christmas["DESCRIPTION"])
    assert "7" in str(christmas["DESCRIPTION"])  # the child, by label
    again = Calendar.from_ical(client.get(URL + "calendario.ics", FAMILY).content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_the_icalendar_export_answers_400_for_bad_input(client, territory):
    response = client.get(URL + "calendario.ics", {**FAMILY, "eta1": "40"})
    assert response.status_code == 400
    assert "40" not in response.content.decode() or "17" in response.content.decode()


def test_the_print_view_applies_the_print_stylesheet_on_screen(client, territory):
    normal = client.get(URL, FAMILY).content.decode()
    assert 'planner-print.css" media="print"' in normal
    printed = client.get(URL, {**FAMILY, "stampa": "1"}).content.decode()
    assert 'planner-print.css" media="all"' in printed
    assert 'name="eta1"' not in printed  # no form in the print view
    assert "Natale Cernusco" in printed
    broken = client.get(URL, {**FAMILY, "eta1": "40", "stampa": "1"}).content.decode()
    assert 'name="eta1"' in broken and 'media="print"' in broken


def test_it_speaks_english_under_en(client, territory):
    response = client.get("/en" + URL, FAMILY)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Christmas holidays" in html and "Summer 2027" in html
    assert "Natale Cernusco (en)" in html
    assert "days to cover" in html


# --- Saved plans --------------------------------------------------------------------------------


def test_anonymous_visitors_see_a_login_link_that_comes_back_to_the_plan(client, territory):
    html = client.get(URL, FAMILY).content.decode()
    assert "/account/login/?next=%2Fpianificatore%2F%3Fcomune%3D" in html
    response = client.post(URL + "salva/", {**FAMILY, "name": "Mio"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not Plan.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "referent", "provider_staff", "alliance_staff", "admin"])
def test_a_logged_in_user_saves_a_plan_and_finds_it_in_my_plans(client, login, world: World, territory, persona):
    user = getattr(world, persona)
    login(user)
    response = client.post(URL + "salva/", {**FAMILY, "name": "Natale dei bambini"})
    assert response.status_code == 302 and response["Location"] == URL + "miei/"
    plan = Plan.objects.get(owner=user)
    assert plan.parameters["comune"] == "015070"
    assert plan.parameters["lavora1"] == ["lu", "ma", "me", "gi", "ve"]
    assert AuditEvent.objects.filter(action="planner.plan_saved", object_id=str(plan.pk), actor=user).exists()
    page = client.get(URL + "miei/")
    assert "Natale dei bambini" in page.content.decode()
    opened = client.get(URL + f"miei/{plan.pk}/")
    assert opened.status_code == 302
    assert client.get(opened["Location"]).context["plan"].day_count == client.get(URL, FAMILY).context["plan"].day_count


def test_saving_without_a_name_or_with_a_bad_plan_saves_nothing(client, login, world: World, territory):
    login(world.citizen)
    response = client.post(URL + "salva/", {**FAMILY, "name": "   "})
    assert response.status_code == 302 and response["Location"].startswith(URL + "?")
    response = client.post(URL + "salva/", {**FAMILY, "eta1": "40", "name": "Bad"})
    assert response.status_code == 400
    response = client.post(URL + "salva/", {**FAMILY, "name": "x" * 101})
    assert response.status_code == 302
    assert not Plan.objects.exists()
    assert client.get(URL + "salva/").status_code == 405


@pytest.fixture
def saved(world: World, territory) -> Plan:
    return Plan.objects.create(owner=world.citizen, name="Famiglia", parameters={"comune": "015070", "anno": 2026,
                               "eta1": 7, "lavora1": ["lu"]})  # fmt: skip


def test_others_cannot_open_rename_or_delete_a_plan(client, login, world: World, saved: Plan):
    login(world.stranger)
    assert client.get(URL + f"miei/{saved.pk}/").status_code == 404
    assert client.post(URL + f"miei/{saved.pk}/rinomina/", {f"plan{saved.pk}-name": "Mia"}).status_code == 404
    assert client.post(URL + f"miei/{saved.pk}/elimina/").status_code == 404
    assert "Famiglia" not in client.get(URL + "miei/").content.decode()
    saved.refresh_from_db()
    assert saved.name == "Famiglia"
    assert not AuditEvent.objects.filter(action__startswith="planner.").exists()


def test_anonymous_visitors_are_sent_to_log_in_for_my_plans(client, saved: Plan):
    for path in ("miei/", f"miei/{saved.pk}/"):
        response = client.get(URL + path)
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    response = client.post(URL + f"miei/{saved.pk}/elimina/")
    assert response.status_code == 302 and Plan.objects.filter(pk=saved.pk).exists()


def test_the_owner_renames_and_deletes_a_plan_with_audit_records(client, login, world: World, saved: Plan):
    login(world.citizen)
    response = client.post(URL + f"miei/{saved.pk}/rinomina/", {f"plan{saved.pk}-name": "Estate"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Estate"
    event = AuditEvent.objects.get(action="planner.plan_renamed")
    assert event.before == {"name": "Famiglia"} and event.after == {"name": "Estate"}
    client.post(URL + f"miei/{saved.pk}/rinomina/", {f"plan{saved.pk}-name": ""})
    saved.refresh_from_db()
    assert saved.name == "Estate"
    assert client.get(URL + f"miei/{saved.pk}/elimina/").status_code == 405
    response = client.post(URL + f"miei/{saved.pk}/elimina/")
    assert response.status_code == 302
    assert not Plan.objects.exists()
    assert AuditEvent.objects.get(action="planner.plan_deleted").before["name"] == "Estate"


def test_an_ambiguous_name_asks_for_the_province(client, territory):
    from sinergie.territory.models import Municipality, Province

    Municipality.objects.create(
        istat_code="001999", name="Melzo", search_name="melzo", cadastral_code="Z999",
        province=Province.objects.get(abbreviation="TO"), region=territory.torino.region,
    )  # fmt: skip
    response = client.get(URL, {**FAMILY, "comune": "Melzo"})
    assert (
        "province" in response.context["form"].errors["comune"][0]
        or "provincia" in (response.context["form"].errors["comune"][0])
    )
    assert client.get(URL, {**FAMILY, "comune": "Melzo (MI)"}).context["municipality"] == territory.melzo


def test_the_admin_shows_plans_read_only(client, login, world: World, saved: Plan):
    login(world.admin)
    page = client.get(f"/admin/planner/plan/{saved.pk}/change/")
    assert page.status_code == 200 and "Famiglia" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/planner/plan/add/").status_code == 403


# --- The plan covers its school year from today on (issue 13, point 3) -------------------------


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch):
    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr("sinergie.planner.views._today", lambda: day)

    return set_today


def test_on_7_december_the_2026_27_plan_counts_and_exports_only_days_to_come(client, territory, on):
    on(D(2026, 12, 7))
    response = client.get(URL, FAMILY)
    plan = response.context["plan"]
    names = [card["name"] for card in response.context["cards"]]
    assert "Estate 2026" not in names and names[-2:] == ["Estate 2027", "Settembre prima della scuola"]
    days = [day for card in response.context["cards"] for day in card["period"].days]
    assert min(days) >= D(2026, 12, 7)
    assert plan.day_count == len(days)
    html = response.content.decode()
    assert "Estate 2026" not in html and "già passato" not in html
    events = Calendar.from_ical(client.get(URL + "calendario.ics", FAMILY).content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [f"Chi tiene i bambini? {name}" for name in names]
    assert min(e.decoded("DTSTART") for e in events) >= D(2026, 12, 7)


def test_periods_already_over_are_shown_collapsed_and_not_counted(client, territory, on):
    on(D(2027, 3, 1))  # after Christmas and carnival
    response = client.get(URL, FAMILY)
    past = [entry["name"] for entry in response.context["past"]]
    assert "Vacanze di Natale" in past and "Carnevale" in past
    names = [card["name"] for card in response.context["cards"]]
    assert names[0] == "Vacanze di Pasqua" and "Vacanze di Natale" not in names
    plan = response.context["plan"]
    assert plan.day_count == sum(len(card["period"].days) for card in response.context["cards"])
    html = response.content.decode()
    assert '<details class="mb-4 planner-past">' in html
    assert "Natale Cernusco" not in html  # no services for a period over
    events = Calendar.from_ical(client.get(URL + "calendario.ics", FAMILY).content).walk("VEVENT")
    assert "Natale" not in " ".join(str(e["SUMMARY"]) for e in events)


def test_a_period_under_way_keeps_its_days_from_today_on(client, territory, on):
    on(D(2026, 12, 29))
    cards = client.get(URL, FAMILY).context["cards"]
    christmas = next(card for card in cards if card["period"].kind == "christmas")
    assert christmas["period"].start == D(2026, 12, 29)
    camp = next(c for c in christmas["cover"].services if c.service == territory.christmas_camp)
    assert camp.total_days == len(christmas["period"].days)


def test_plurals_follow_the_days_covered(client, territory, on):
    on(D(2026, 12, 7))
    territory.service(
        "Un giorno Cernusco", territory.cernusco, (36, 168), 1000, [("christmas", D(2027, 1, 5), D(2027, 1, 5))]
    )
    english = client.get("/en" + URL, FAMILY).content.decode()
    assert "covers 1 day of 8" in english and "covers 8 days of 8" in english
    calendar = client.get("/en" + URL + "calendario.ics", FAMILY).content.decode()
    assert "covers 1 day of 8" in calendar.replace("\r\n ", "")
    italian = client.get(URL, FAMILY).content.decode() + client.get(URL + "calendario.ics", FAMILY).content.decode()
    assert "copre 1 giorni" not in italian and "1 giorni" not in italian
