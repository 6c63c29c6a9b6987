"""Conciliation plans: measures from the catalogue, progress over time, PDF; access for every role."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.companies import plans
from sinergie.companies.models import MeasureStatus, MeasureUpdate, PlanMeasure
from sinergie.companies.plans import MeasureData
from sinergie.conftest import World

pytestmark = pytest.mark.django_db

START, END = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)


def _data(**changes) -> MeasureData:
    values = {
        "measure": "flexible_hours",
        "target": "30 workers on flexible hours",
        "owner": "HR manager",
        "starts_on": START,
        "ends_on": END,
        "cost_cents": 150_000,
    }
    values.update(changes)
    return MeasureData(**values)


def _post(**changes) -> dict:
    values = {
        "measure": "hour_bank",
        "target": "Tutti i turnisti",
        "owner": "Responsabile del personale",
        "starts_on": "2027-02-01",
        "ends_on": "2027-11-30",
        "cost": "1.200,50",
        "need": "Settimane estive senza servizi",
    }
    values.update(changes)
    return values


def test_measures_are_added_and_progress_is_kept_over_time(world: World):
    measure = plans.measure_add(company=world.company, data=_data(), by=world.referent)
    today = timezone.localdate()
    plans.progress_record(
        measure=measure, on=today, status="in_progress", progress=40, note="Avviata", evidence="", by=world.referent
    )
    plans.progress_record(
        measure=measure, on=today, status="done", progress=70, note="", evidence="Accordo firmato", by=world.referent
    )
    measure.refresh_from_db()
    assert (measure.status, measure.progress, measure.evidence) == (MeasureStatus.DONE, 100, "Accordo firmato")
    assert list(measure.updates.values_list("progress", flat=True)) == [40, 100]
    summary = plans.plan_summary(measure.plan)
    assert (summary.measures, summary.done, summary.cost_cents, summary.progress) == (1, 1, 150_000, 100)
    assert AuditEvent.objects.filter(action__startswith="companies.measure").count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure": "teleportation"}, "measure"),
        ({"target": "  "}, "target"),
        ({"owner": ""}, "owner"),
        ({"ends_on": datetime.date(2026, 12, 31)}, "ends_on"),
        ({"starts_on": datetime.date(1900, 1, 1)}, "starts_on"),
        ({"starts_on": None}, "starts_on"),
        ({"cost_cents": -1}, "cost_cents"),
        ({"cost_cents": 10**15}, "cost_cents"),
    ],
)
def test_bad_measures_name_the_field_and_save_nothing(world: World, changes, field):
    with pytest.raises(ValidationError) as error:
        plans.measure_add(company=world.company, data=_data(**changes), by=world.referent)
    assert field in error.value.message_dict
    assert not PlanMeasure.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -5}, "progress"),
        ({"status": "forgotten"}, "status"),
        ({"on": datetime.date(2999, 1, 1)}, "on"),
        ({"status": "done", "evidence": ""}, "evidence"),
    ],
)
def test_bad_progress_names_the_field_and_changes_nothing(world: World, changes, field):
    measure = plans.measure_add(company=world.company, data=_data(), by=world.referent)
    values = {"on": timezone.localdate(), "status": "in_progress", "progress": 50, "note": "", "evidence": ""}
    values.update(changes)
    with pytest.raises(ValidationError) as error:
        plans.progress_record(measure=measure, by=world.referent, **values)
    assert field in error.value.message_dict
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (MeasureStatus.PLANNED, 0)
    assert not MeasureUpdate.objects.exists()


def test_the_referent_builds_the_plan_from_the_pages(world: World, login):
    client = login(world.referent)
    url = reverse("companies:plan", args=[world.company.slug])
    assert client.post(url, _post()).status_code == 302
    measure = PlanMeasure.objects.get()
    assert measure.cost_cents == 120_050 and measure.need == "Settimane estive senza servizi"
    page = client.get(url).content.decode()
    assert "Tutti i turnisti" in page
    detail = reverse("companies:measure", args=[world.company.slug, measure.pk])
    today = timezone.localdate().isoformat()
    response = client.post(detail, {"on": today, "status": "in_progress", "progress": "30", "note": "Partita"})
    assert response.status_code == 302
    assert "30%" in client.get(detail).content.decode()
    assert client.post(url, {"goals": "Ridurre le assenze estive"}).status_code == 302
    pdf = client.get(reverse("companies:plan-pdf", args=[world.company.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure": "x"}, "measure"),
        ({"starts_on": "31/02/2027"}, "starts_on"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"cost": "-10"}, "cost"),
        ({"cost": "dieci"}, "cost"),
        ({"target": ""}, "target"),
    ],
)
def test_bad_input_on_the_plan_page_names_the_field(world: World, login, changes, field):
    response = login(world.referent).post(reverse("companies:plan", args=[world.company.slug]), _post(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PlanMeasure.objects.exists()


PLAN_ACCESS = {
    "referent": "edit",
    "colleague": "edit",
    "admin": "edit",
    "alliance_staff": "view",
    "other_referent": "none",
    "evaluator": "none",
    "provider_staff": "none",
    "analyst": "none",
    "citizen": "none",
    "stranger": "none",
}


@pytest.mark.parametrize(("persona", "expected"), PLAN_ACCESS.items())
def test_who_sees_and_changes_a_plan(world: World, login, persona, expected):
    measure = plans.measure_add(company=world.company, data=_data(), by=world.referent)
    client = login(getattr(world, persona))
    urls = [
        reverse("companies:plan", args=[world.company.slug]),
        reverse("companies:measure", args=[world.company.slug, measure.pk]),
        reverse("companies:plan-pdf", args=[world.company.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == (404 if expected == "none" else 200)
    response = client.post(urls[0], _post())
    assert response.status_code == {"none": 404, "view": 403, "edit": 302}[expected]
    assert PlanMeasure.objects.count() == (2 if expected == "edit" else 1)


def test_a_measure_of_another_company_is_not_found(world: World, login):
    other = plans.measure_add(company=world.other_company, data=_data(), by=world.other_referent)
    client = login(world.referent)
    assert client.get(reverse("companies:measure", args=[world.company.slug, other.pk])).status_code == 404
    today = timezone.localdate().isoformat()
    url = reverse("companies:measure", args=[world.company.slug, other.pk])
    assert client.post(url, {"on": today, "status": "done", "progress": "100"}).status_code == 404
    other.refresh_from_db()
    assert other.status == MeasureStatus.PLANNED


def test_the_summary_counts_each_kind_in_the_singular_or_the_plural(world: World, login):
    measure = plans.measure_add(company=world.company, data=_data(), by=world.referent)
    today = timezone.localdate()
    who = world.referent
    plans.progress_record(measure=measure, on=today, status="done", progress=100, note="", evidence="Ok", by=who)
    page = login(world.referent).get(reverse("companies:plan", args=[world.company.slug])).content.decode()
    # One measure done is not "1 realizzate" (a plural from one msgid for every count).
    assert "1 realizzata" in page and "1 realizzate" not in page
    assert "0 previste o in corso" in page  # Italian counts zero in the plural
