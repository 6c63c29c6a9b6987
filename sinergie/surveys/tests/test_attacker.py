"""A determined employer against the needs-survey reports must learn the size of no group of
1 to K-1 respondents (docs/architecture.md, "Needs surveys"; the attacker is in attacker.py).

The referent watches the report after every answer and after the close, asks every figure the
API, the CSV export and the benchmark of similar companies give, and solves what it saw as a
linear system over the unknown counts, exactly and then as an integer program. The tests are
written against the JSON keys defensively, so that they hold the same for today's reports and
for reports that publish nothing before the close and refuse filters.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergie.companies.models import CompanyProfile
from sinergie.conftest import OrganizationFactory, add_member
from sinergie.organizations.models import Role
from sinergie.surveys import services
from sinergie.surveys.models import Campaign, QuestionKind, Survey
from sinergie.surveys.needs_template import TEMPLATE_KEY
from sinergie.surveys.tests.attacker import (
    SMALL,
    WITH_CHILDREN,
    Attacker,
    Model,
    Spec,
    build_survey,
    open_campaign,
    workforce,
)

pytestmark = pytest.mark.django_db

DEPARTMENTS = ("production", "logistics", "office")


def _verdict(attacker: Attacker, leaks: list[str], shown: int = 25) -> str:
    """The leaks for the failure message; the first two of each kind (growth between releases,
    within a release) come with the published figures that add up to them."""
    growth = sum("→" in leak for leak in leaks)
    lines = [
        f"the attacker found {len(leaks)} leaks, {growth} between releases and {len(leaks) - growth} within one "
        f"({attacker.summary()}):"
    ]
    explained = [leak for leak in leaks if "→" in leak][:2] + [leak for leak in leaks if "→" not in leak][:2]
    for leak in leaks[:shown]:
        lines.append(f"  {leak}")
        if leak in explained:
            lines += [f"      {term}" for term in attacker.explain(leak)]
    if len(leaks) > shown:
        lines.append(f"  … and {len(leaks) - shown} more")
    return "\n".join(lines)


def _watch(client, world, login, specs, people: list[dict], **options) -> Attacker:
    """A campaign of the company, answered one person at a time under the referent's eyes, then closed."""
    model = Model(specs)
    campaign = open_campaign(world.company, build_survey(world.company, specs))
    login(world.referent)
    attacker = Attacker(client, model, **options)
    attacker.follow("A", campaign)
    for answers in people:
        attacker.submit("A", answers)
    attacker.close_all()
    return attacker


# --- The general attacker ------------------------------------------------------------------

SHAPES = [
    pytest.param(SMALL, {"production": 3, "logistics": 3}, 2, id="6"),
    pytest.param(WITH_CHILDREN, {"production": 4, "office": 3}, 2, id="7-children"),
    pytest.param(SMALL, {"production": 6, "logistics": 3}, 2, id="9"),
    pytest.param(SMALL, {"production": 4, "logistics": 4, "office": 3}, 2, id="11"),
    pytest.param(SMALL, {"production": 25, "logistics": 6, "office": 4}, 2, id="35"),
    pytest.param(WITH_CHILDREN, {"production": 5, "logistics": 4, "office": 2}, 2, id="11-children"),
    pytest.param(WITH_CHILDREN, {"production": 20, "logistics": 9, "office": 6}, 2, id="35-children"),
    # 21 releases today: one filter at a time and 10 s of integer programming keep it near 25 s
    # (two filters are the other shapes'); a single release after the close takes a few seconds.
    pytest.param(SMALL, {"production": 70, "logistics": 29, "office": 6}, 1, id="105", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("specs", "departments", "max_filters"), SHAPES)
def test_the_attacker_learns_no_small_group(client, world, login, specs, departments, max_filters):
    seed = sum(departments.values())
    people = workforce(Model(specs), random.Random(seed), departments)
    budget = 10.0 if max_filters == 1 else 30.0
    attacker = _watch(client, world, login, specs, people, seed=seed, max_filters=max_filters, budget=budget)
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 6)).filter(lambda t: 6 <= sum(t) <= 13),
    seed=st.integers(0, 10_000),
)
def test_the_attacker_learns_nothing_whatever_the_shape(client, world, login, sizes, seed):
    departments = dict(zip(DEPARTMENTS, sizes, strict=True))
    people = workforce(Model(SMALL), random.Random(seed), departments)
    attacker = _watch(client, world, login, SMALL, people, seed=seed)
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(1, 6)).filter(lambda t: 6 <= sum(t) <= 20),
    seed=st.integers(0, 10_000),
)
def test_skip_logic_and_choices_give_nothing_away_whatever_the_shape(client, world, login, sizes, seed):
    departments = dict(zip(DEPARTMENTS, sizes, strict=True))
    people = workforce(Model(WITH_CHILDREN), random.Random(seed), departments)
    attacker = _watch(client, world, login, WITH_CHILDREN, people, seed=seed)
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


# --- Three attacks the issue names ----------------------------------------------------------


def _people(rows: str) -> list[dict]:
    """One person a line, "dept gender law104 quit", in the order they answer."""
    keys = ("dept", "gender", "law104", "quit")
    return [dict(zip(keys, line.split(), strict=True)) for line in rows.strip().splitlines()]


def test_growth_between_releases_reveals_nobody(client, world, login):
    """A filtered group, or a breakdown column, that grows by 2 or 3 people from one release to
    the next describes them: five in production, then five in logistics, then 2 + 3 more."""
    people = _people(
        "production f no no\n" * 5 + "logistics m no no\n" * 5 + "production f no no\n" * 2 + "logistics m no no\n" * 3
    )
    questions = [("api", (), "gender"), ("api", (), "dept")] + [("api", (("dept", d),), None) for d in DEPARTMENTS]
    attacker = _watch(client, world, login, SMALL, people, questions=questions)
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


# Twenty people, all released together; the attacker looks once, after the close.
SUMS = """
logistics f no maybe
logistics f no no
logistics f no no
logistics f no no
logistics f yes no
logistics m no yes
logistics m no yes
office f no maybe
office f no no
office m no yes
office m yes no
office m yes no
production f no no
production f no yes
production f no yes
production f no yes
production m no no
production m yes no
production m yes no
production other no no
"""


def test_sums_across_a_filters_groups_reveal_nobody(client, world, login):
    """The table by gender and the same table under each department: every one of the four
    hides "men about to quit" (3 people), and together they give it away."""
    questions = [("api", (), "gender")] + [("api", (("dept", d),), "gender") for d in DEPARTMENTS]
    model = Model(SMALL)
    campaign = open_campaign(world.company, build_survey(world.company, SMALL))
    for answers in _people(SUMS):
        services.response_submit(campaign=campaign, token_hash=None, resume_secret=None, answers=answers)
    login(world.referent)
    attacker = Attacker(client, model, questions=questions)
    attacker.follow("A", campaign).answers.extend(_people(SUMS))
    attacker.close_all()
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


SKIP_SPECS = (
    Spec("gender", "single", ("f", "m", "other")),
    Spec("children", "single", ("yes", "no")),
    Spec("needs", "multiple", ("camp", "nursery"), when=("children", ("yes",))),
)


@pytest.mark.parametrize(
    "needs",
    [
        # "No answer" to a question the skip logic hides is the gate's other answer: the one-way
        # table of needs.camp hides "no" (1) and "no answer" (9), the gate publishes children=no 9.
        pytest.param([["camp"]] * 8 + [["camp", "nursery"]] * 2 + [["nursery"]], id="the-gate"),
        # Options of one required question: whoever did not choose "camp" chose "nursery", so
        # both = nursery chosen (8) - camp not chosen (5) = 3, from two one-way tables.
        pytest.param([["camp"]] * 5 + [["nursery"]] * 5 + [["camp", "nursery"]] * 3, id="the-options"),
    ],
)
def test_skip_logic_and_multiple_choice_reveal_nobody(client, world, login, needs):
    """One release, looked at once after the close: the way questions hang together is public
    (the employer wrote them), so the report's tables are not independent of each other."""
    people = [{"gender": "f", "children": "yes", "needs": chosen} for chosen in needs]
    people += [{"gender": "f", "children": "no"}] * (20 - len(people))
    model = Model(SKIP_SPECS)
    campaign = open_campaign(world.company, build_survey(world.company, SKIP_SPECS))
    for answers in people:
        services.response_submit(campaign=campaign, token_hash=None, resume_secret=None, answers=answers)
    login(world.referent)
    attacker = Attacker(client, model)
    attacker.follow("A", campaign).answers.extend(people)
    attacker.close_all()
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)


# The template's questions the benchmark attacker models; every other answer is the same for all.
TEMPLATE_SPECS = (Spec("gender", "single", ("f", "m", "other")), Spec("contract", "single", ("full", "part")))


def _template_answers(survey: Survey, **given: str) -> dict:
    """A complete answer to the needs template: the first choice or the minimum everywhere
    (no children, nobody cared for), with `given` on top."""
    answers: dict = {"children": "no", "elderly_care": "no", "disability_care": "no", "smart_possible": "no"}
    for question in survey.questions():
        if not question.required or question.code in answers:
            continue
        if question.kind == QuestionKind.SINGLE:
            answers[question.code] = question.options["choices"][0]["value"]
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.code] = [question.options["choices"][0]["value"]]
        elif question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            answers[question.code] = question.options.get("min", 0)
    return {**answers, **given}


def _company_campaign(name: str | None, world) -> Campaign:
    company = world.company if name is None else OrganizationFactory(kind="company", name=name)
    CompanyProfile.objects.create(organization=company, size_band="medium", ateco_section="C")
    template = Survey.objects.get(template_key=TEMPLATE_KEY, is_template=True, copied_from__isnull=True)
    now = timezone.now()
    return services.campaign_create(
        survey=template,
        organization=company,
        title=f"Bisogni {company.name}",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        mode="open",
        by=None,
    )


def test_the_benchmark_of_two_companies_reveals_nobody(client, world, login):
    """One referent runs companies A and B of the same size band among six with campaigns from
    the needs template. Today each benchmark leaves out its own company, so benchmark(A) -
    benchmark(B) = B - A, and A's own report gives B's hidden cells (3 women, 2 "other")."""
    peers = [_company_campaign(f"Peer {i}", world) for i in range(4)]
    admin = Client()
    admin.force_login(world.admin, backend="django.contrib.auth.backends.ModelBackend")
    for campaign in peers:  # 3 women and 2 "other" in each peer, closed and looked at by its owners
        for gender in ("f", "f", "f", "other", "other"):
            answers = _template_answers(campaign.survey, gender=gender, contract="full")
            services.response_submit(campaign=campaign, token_hash=None, resume_secret=None, answers=answers)
        Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
        assert admin.get(f"/api/v1/surveys/campaigns/{campaign.pk}/report").status_code == 200
    a = _company_campaign(None, world)
    b = _company_campaign("Company B2", world)
    add_member(world.referent, b.organization, Role.COMPANY_REFERENT)
    login(world.referent)
    model = Model(TEMPLATE_SPECS)
    attacker = Attacker(client, model, variables=["gender", "contract"], questions=[("api", (), None)])
    attacker.follow("A", a, group=True)
    attacker.follow("B", b, group=True)
    for gender in ("m",) * 5:
        attacker.submit("A", _template_answers(a.survey, gender=gender, contract="full"))
    for gender in ("f", "other", "f", "other", "f"):
        attacker.submit("B", _template_answers(b.survey, gender=gender, contract="full"))
    attacker.close_all()
    leaks = attacker.leaks()
    assert not leaks, _verdict(attacker, leaks)
