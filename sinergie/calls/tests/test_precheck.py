"""The eligibility pre-check: the call's rules as questions, answered rule by rule, nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from sinergie.calls import services
from sinergie.calls.models import Application
from sinergie.conftest import World

from .design_world import Designer, designer_fixture  # noqa: F401 - the fixture

MELZO = "015142"


@pytest.fixture
def call(designer: Designer):
    now = timezone.now()
    created = designer.create(opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=9))
    return services.call_publish(call=created, by=designer.staff)


def url(call) -> str:
    return f"/bandi/{call.pk}/posso-partecipare/"


def test_the_questions_are_those_of_the_rules_and_the_call_page_links_them(client, call):
    page = client.get(url(call))
    assert page.status_code == 200
    for name in ("lives_in", "works_in", "children_ages", "isee", "already_beneficiary"):
        assert f'name="{name}"' in page.text
    assert 'name="employer_id"' not in page.text  # the call has no member-company rule
    assert "Melzo" in page.text
    assert url(call) in client.get(f"/bandi/{call.pk}/").text


def test_an_eligible_visitor_hears_yes_and_nothing_is_saved(client, call):
    answers = {"verifica": "1", "lives_in": MELZO, "children_ages": "4, 9", "isee": "18.500,00"}
    page = client.get(url(call), answers)
    assert page.status_code == 200
    assert "Yes: you meet every rule" in page.text or "Sì: rispetti tutte le regole" in page.text
    assert not Application.objects.exists()


def test_each_rule_not_met_says_why(client, call):
    page = client.get(
        "/en" + url(call),
        {"verifica": "1", "lives_in": "other", "children_ages": "16", "isee": "45000", "already_beneficiary": "on"},
    )
    assert page.status_code == 200
    assert "Not as things stand" in page.text
    assert page.text.count("✗") == 4  # territory, children's age, ISEE ceiling, already a beneficiary


@pytest.mark.parametrize(
    ("field", "value"),
    [("children_ages", "four"), ("children_ages", "-3"), ("children_ages", "99"), ("isee", "tanti"), ("isee", "-5")],
)
def test_bad_answers_are_named_and_answered_with_400(client, call, field, value):
    params = {"verifica": "1", "lives_in": MELZO, "children_ages": "4", "isee": "1000", field: value}
    page = client.get("/en" + url(call), params)
    assert page.status_code == 400
    assert 'id="id_' + field + '_error"' in page.text


def test_a_draft_call_has_no_pre_check(client, designer):
    draft = designer.create()
    assert client.get(url(draft)).status_code == 404
    assert client.get("/bandi/999999/posso-partecipare/").status_code == 404


class PrecheckNeverFails(TestCase):
    """Whatever comes in the address: an answer, never a server error."""

    @classmethod
    def setUpTestData(cls) -> None:
        designer = Designer(World())
        now = timezone.now()
        created = designer.create(opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=9))
        cls.call = services.call_publish(call=created, by=designer.staff)

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(st.sampled_from(["lives_in", "works_in", "children_ages", "isee", "already_beneficiary",
                                            "employment_status", "verifica"]), st.text(max_size=40)))  # fmt: skip
    def test_any_query(self, params):
        response = self.client.get(url(self.call), params)
        assert response.status_code in (200, 400)


@pytest.mark.parametrize("ages", ["¹", "٣", "3, ²"])
def test_digits_that_are_not_ascii_in_the_childrens_ages_are_a_message(client, call, ages) -> None:
    """'¹'.isdigit() is true but int('¹') fails: hypothesis found it as a server error."""
    response = client.get(url(call), {"verifica": "1", "lives_in": MELZO, "children_ages": ages, "isee": "18.500,00"})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["children_ages"]
