from __future__ import annotations

import datetime

from sinergie.planner.gaps import Care, Carer, Child
from sinergie.planner.selectors import covering_services, municipality_find, plan_compute
from sinergie.territory.models import Municipality, Province

D = datetime.date
MON_FRI = Carer(frozenset(range(5)))


def _covers(territory, children, radius_km=10):
    plan = plan_compute(
        municipality=territory.cernusco, year=2026, children=children, carers=[MON_FRI], today=D(2026, 9, 1)
    )
    covers = covering_services(municipality=territory.cernusco, plan=plan, children=children, radius_km=radius_km)
    return {(c.period.kind, c.period.start.year): c for c in covers}


def test_a_nursery_child_gets_no_holiday_camp_made_for_older_children(territory):
    covers = _covers(territory, [Child(1, Care.NIDO, 1)])
    christmas = covers[("christmas", 2026)]
    assert christmas.services == []  # every camp starts at 3 years; the nursery has no closure cover


def test_coverage_counts_only_the_days_of_the_children_a_service_fits(territory):
    # A 4-year-old (infanzia, out from 1 July) and a 12-year-old (out from 9 June): the summer camp
    # fits both, the short Christmas week fits the older one only.
    covers = _covers(territory, [Child(1, Care.INFANZIA, 4), Child(2, Care.SECONDARIA_PRIMO, 12)])
    summer = covers[("summer", 2027)]
    camp = next(c for c in summer.services if c.service == territory.summer_camp)
    assert camp.children == [1, 2]
    assert camp.covered_days == camp.total_days == len(summer.period.days)
    christmas = covers[("christmas", 2026)]
    week = next(c for c in christmas.services if c.service == territory.short_camp)
    assert week.children == [2] and (week.covered_days, week.total_days) == (4, 8)
    assert christmas.services[0].service == territory.christmas_camp  # more days first
    assert christmas.services[0].price_cents == 9000 and christmas.services[0].price_unit == "week"
    assert territory.campus in [c.service for c in covers[("carnival", 2027)].services]
    assert covers[("carnival", 2027)].services[0].service.accepts_vouchers


def test_it_lists_a_limited_number_of_services_and_counts_the_rest(territory):
    children = [Child(1, Care.PRIMARIA, 7)]
    plan = plan_compute(
        municipality=territory.cernusco, year=2026, children=children, carers=[MON_FRI], today=D(2026, 9, 1)
    )
    covers = covering_services(municipality=territory.cernusco, plan=plan, children=children, radius_km=30, limit=1)
    christmas = next(c for c in covers if c.period.kind == "christmas")
    assert len(christmas.services) == 1 and christmas.more == 2  # Cernusco, Melzo's week, Milan


def test_it_finds_municipalities_by_name_code_or_name_with_province(territory):
    assert municipality_find("cernusco sul naviglio") == [territory.cernusco]
    assert municipality_find("15070") == [territory.cernusco]
    assert municipality_find("Melzo (MI)") == [territory.melzo]
    assert municipality_find("Melzo (TO)") == []
    assert municipality_find("") == [] and municipality_find("1234567") == []
    other = Municipality.objects.create(
        istat_code="001999", name="Melzo", search_name="melzo", cadastral_code="Z999",
        province=Province.objects.get(abbreviation="TO"), region=territory.torino.region,
    )  # fmt: skip
    assert municipality_find("Melzo") == [other, territory.melzo]  # ambiguous: the form asks for the province
    assert municipality_find("Melzo (TO)") == [other]
