"""The flat search rows (SearchEntry, SearchSite) follow every edit of what the search filters on; next dates."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from sinergie.directory.editing import payload_apply
from sinergie.directory.models import (
    ClosureAvailability,
    CostOption,
    Location,
    Schedule,
    ScheduleException,
    SearchEntry,
    SearchSite,
    SearchTerm,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sinergie.directory.revisions import service_payload
from sinergie.directory.search.loading import _attach
from sinergie.directory.search_index import age_years, month_stems, reindex_all, vocabulary
from sinergie.directory.selectors import _schedule_next, _schedule_runs_on

from .test_scale import found

CHRISTMAS = (datetime.date(2026, 12, 23), datetime.date(2027, 1, 5))


def entry(service: Service) -> SearchEntry | None:
    return SearchEntry.objects.filter(service=service).first()


def test_a_published_service_has_an_entry_and_a_row_per_site(service):
    row = entry(service)
    assert row is not None
    assert (row.kind, row.name_it, row.name_en) == ("service", "Spazio gioco Trottola", "Spazio gioco Trottola")
    words = vocabulary()
    assert {words.language("it"), words.language("ar")} <= set(row.stems)
    assert set(row.name_stems) <= set(row.stems)
    assert list(SearchSite.objects.filter(service=service).values_list("latitude", "longitude")) == [(45.5, 9.42)]


def test_only_published_services_have_search_rows(service):
    service.state = "draft"
    service.save()
    assert entry(service) is None
    assert not SearchSite.objects.filter(service=service).exists()
    assert SearchTerm.objects.filter(service=service).exists()  # the words stay for the back office
    assert found(q="trottola") == []
    service.state = "published"
    service.save()
    assert entry(service) is not None
    assert found(q="trottola") == ["Spazio gioco Trottola"]


def test_prices_follow_cost_options(service):
    assert found(free="true") == []
    cost = CostOption.objects.create(service=service, option_it="Gratis", amount_cents=0, unit="week")
    assert (entry(service).free, entry(service).lowest_price_cents) == (True, 0)
    assert found(free="true") == ["Spazio gioco Trottola"]
    cost.amount_cents = 9000
    cost.save()
    CostOption.objects.create(service=service, option_it="Fratelli", amount_cents=7500, unit="week")
    assert (entry(service).free, entry(service).lowest_price_cents) == (False, 7500)
    assert found(max_price="7500") == ["Spazio gioco Trottola"]
    assert found(max_price="7499") == []
    CostOption.objects.filter(service=service).delete()
    assert entry(service).lowest_price_cents is None


def test_closure_cover_follows_its_rows(service):
    assert found(period="natale-2026") == []
    closure = ClosureAvailability.objects.create(
        service=service, period="christmas", start=CHRISTMAS[0], end=CHRISTMAS[1]
    )
    row = entry(service)
    assert row.closures == [CHRISTMAS]
    words = vocabulary()
    assert set(words.months(*CHRISTMAS)) <= set(row.stems)
    assert found(period="natale-2026") == ["Spazio gioco Trottola"]
    closure.delete()
    assert entry(service).closures == []
    assert found(period="natale-2026") == []


def test_sites_follow_their_locations(service, lombardy):
    assert found(municipality="015142", radius_km="3") == ["Spazio gioco Trottola"]
    location = Location.objects.get()
    location.latitude, location.longitude = 45.4642, 9.19  # moves to Milan
    location.save()
    assert list(SearchSite.objects.values_list("latitude", "longitude")) == [(45.4642, 9.19)]
    assert found(municipality="015142", radius_km="3") == []
    assert found(municipality="015146", radius_km="3") == ["Spazio gioco Trottola"]
    ServiceAtLocation.objects.filter(service=service).delete()
    assert not SearchSite.objects.exists()
    assert entry(service) is not None  # still found without a place
    assert found(municipality="015146", radius_km="3") == []


def test_categories_hold_their_ancestors(service):
    summer = TaxonomyTerm.objects.get(code="summer_camp")
    ancestors = []
    term = summer
    while term is not None:
        ancestors.append(term.code)
        term = term.parent
    assert len(ancestors) > 1
    service.categories.add(summer)
    for code in ancestors:
        assert found(category=code) == ["Spazio gioco Trottola"], code
    # Moved under another branch: the old ancestors no longer find it, the new ones do.
    care = TaxonomyTerm.objects.get(code="care")
    assert care.code not in ancestors
    summer.parent = care
    summer.save()
    assert found(category="care") == ["Spazio gioco Trottola"]
    assert found(category=ancestors[1]) == []


def test_deleting_a_service_with_its_children_leaves_nothing(service):
    CostOption.objects.create(service=service, option_it="Quota", amount_cents=100, unit="week")
    ClosureAvailability.objects.create(service=service, period="christmas", start=CHRISTMAS[0], end=CHRISTMAS[1])
    pk = service.pk
    service.delete()
    assert not SearchEntry.objects.filter(service_id=pk).exists()
    assert not SearchSite.objects.filter(service_id=pk).exists()


def test_an_approved_change_updates_the_rows_once_its_children_are_written(service):
    payload = service_payload(service)
    payload["costs"] = [{"option_it": "Settimana", "amount_cents": 4200, "unit": "week"}]
    payload["closures"] = [{"period": "christmas", "start": CHRISTMAS[0].isoformat(), "end": CHRISTMAS[1].isoformat()}]
    payload["minimum_age_months"], payload["maximum_age_months"] = 36, 71
    payload_apply(service, payload)
    row = entry(service)
    assert (row.lowest_price_cents, row.closures) == (4200, [CHRISTMAS])
    assert found(period="natale-2026", age="4") == ["Spazio gioco Trottola"]
    assert found(period="natale-2026", age="6") == []


def test_reindex_all_rebuilds_lost_rows(service):
    SearchEntry.objects.all().delete()
    SearchSite.objects.all().delete()
    reindex_all()
    assert entry(service) is not None
    assert SearchSite.objects.filter(service=service).count() == 1


def test_month_stems_cover_every_month_touched():
    assert month_stems(datetime.date(2026, 12, 23), datetime.date(2027, 1, 5)) == ["month:2026-12", "month:2027-01"]
    assert month_stems(datetime.date(2027, 6, 9), datetime.date(2027, 6, 9)) == ["month:2027-06"]


ages = st.one_of(st.none(), st.integers(min_value=0, max_value=250))


@given(minimum=ages, maximum=ages, years=st.integers(min_value=0, max_value=17))
def test_age_stems_say_what_the_age_condition_says(minimum, maximum, years):
    # search.filters._age_condition: a child of `years` is 12*years .. 12*years + 11 months old.
    low, high = years * 12, years * 12 + 11
    takes = (minimum is None or minimum <= high) and (maximum is None or maximum >= low)
    assert (years in age_years(minimum, maximum)) == takes


# --- Next dates: jumping to the next open day says what trying every day says --------------------

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
days = st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2027, 12, 31))


@given(
    byday=st.lists(st.sampled_from(WEEKDAY_CODES), unique=True, max_size=7),
    valid_from=st.one_of(st.none(), days),
    valid_to=st.one_of(st.none(), days),
    closed=st.lists(st.tuples(days, st.integers(min_value=0, max_value=40)), max_size=4),
    since=days,
)
def test_the_next_day_of_a_schedule_is_the_first_day_it_runs(byday, valid_from, valid_to, closed, since):
    schedule = Schedule(id=1, byday=",".join(byday), valid_from=valid_from, valid_to=valid_to)
    exceptions = [
        ScheduleException(
            id=n, schedule=schedule, start=start, end=start + datetime.timedelta(days=length), closed=True
        )
        for n, (start, length) in enumerate(closed, start=1)
    ]
    _attach(schedule, "exceptions", ScheduleException, exceptions)
    until = since + datetime.timedelta(days=120)
    expected = next(
        (day for n in range(121) if _schedule_runs_on(schedule, day := since + datetime.timedelta(days=n))), None
    )
    assert _schedule_next(schedule, since, until) == expected
