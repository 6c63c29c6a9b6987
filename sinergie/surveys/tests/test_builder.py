"""The survey builder: services, forms, pages, the access matrix, frozen surveys and audit records."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sinergie.audit.models import AuditEvent
from sinergie.surveys import builder, services
from sinergie.surveys.builder_forms import QuestionForm, parse_items
from sinergie.surveys.models import Question, Response, Section, Survey
from sinergie.surveys.tests.helpers import make_campaign, make_survey

pytestmark = pytest.mark.django_db

LIST = "/en/questionari/modelli/"  # the English pages: messages are checked against the msgids


@pytest.fixture(autouse=True)
def english() -> Any:
    """Services' messages are checked in English (the msgids)."""
    with translation.override("en"):
        yield


def _url(survey: Survey, rest: str = "") -> str:
    return f"{LIST}{survey.pk}/{rest}"


def _freeze(survey: Survey) -> None:
    campaign = make_campaign(survey.owner, survey=survey)
    Response.objects.create(campaign=campaign, answers={"kids": "no"}, completed=True)


def _template() -> Survey:
    return Survey.objects.get(template_key="workers-conciliation-needs", copied_from__isnull=True)


def _snapshot(survey: Survey) -> list[Any]:
    return [
        (s.pk, s.order, s.title_it, [(q.pk, q.order, q.code, q.kind, q.options, q.show_when_question_id) for q in qs])
        for s in survey.sections.order_by("order", "pk")
        for qs in [s.questions.order_by("order", "pk")]
    ] + [survey.title_it]


QUESTION_POSTS: dict[str, dict[str, str]] = {
    "single": {"choices": "yes | Sì | Yes\nno | No | No"},
    "multiple": {"choices": "nido | Asilo nido | Nursery\ncamp | Centro estivo | Summer camp\nnone | Nessuno"},
    "scale": {"scale_min": "1", "scale_max": "5", "scale_min_it": "per nulla", "scale_max_en": "very much"},
    "number": {"number_min": "0", "number_max": "300", "number_unit_it": "minuti", "number_unit_en": "minutes"},
    "short_text": {"max_length": "200"},
    "long_text": {},
    "matrix": {"choices": "easy | Facile\nhard | Difficile", "rows": "am | Mattina | Morning\npm | Sera | Evening"},
}


def _posted(question: Question) -> dict[str, Any]:
    """The question form's data as the edit page would post it back."""
    return {key: value for key, value in QuestionForm.initial_for(question).items() if value not in (None, False)}


def _question_data(kind: str, code: str, **changes: str) -> dict[str, str]:
    data = {"code": code, "kind": kind, "text_it": f"Domanda {code}", "text_en": f"Question {code}"}
    data.update(QUESTION_POSTS[kind])
    data.update(changes)
    return data


# --- Services ------------------------------------------------------------------------


def test_services_build_a_survey_and_write_audit_records(world):
    survey = builder.survey_create(owner=world.company, by=world.referent, title_it="Famiglie", title_en="Families")
    first = builder.section_add(survey=survey, title_it="Casa", by=world.referent)
    second = builder.section_add(survey=survey, title_it="Lavoro", by=world.referent)
    builder.section_update(section=first, title_it="La casa", title_en="Home", by=world.referent)
    builder.section_move(section=second, direction="up", by=world.referent)
    assert list(survey.sections.order_by("order").values_list("title_it", flat=True)) == ["Lavoro", "La casa"]
    kids = builder.question_save(
        section=first, by=world.referent, code="kids", kind="single", text_it="Figli?", options=QUESTION_OPTIONS
    )
    ages = builder.question_save(
        section=first,
        by=world.referent,
        code="ages",
        kind="number",
        text_it="Quanti?",
        options={"min": 0, "max": 10},
        show_when_question=kids,
        show_when_values=["yes"],
    )
    builder.question_save(section=first, question=ages, by=world.referent, required=True)
    spare = builder.section_add(survey=survey, title_it="Vuota", by=world.referent)
    builder.section_delete(section=spare, by=world.referent)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        "surveys.survey_created",
        "surveys.section_added",
        "surveys.section_updated",
        "surveys.section_moved",
        "surveys.question_added",
        "surveys.question_updated",
        "surveys.section_deleted",
    ):
        assert action in actions
    assert all(e.actor_id == world.referent.pk for e in AuditEvent.objects.all())
    ages.refresh_from_db()
    assert ages.required and ages.show_when_question == kids


QUESTION_OPTIONS = {"choices": [{"value": "yes", "it": "Sì"}, {"value": "no", "it": "No"}]}


def test_a_move_that_puts_a_condition_after_its_question_is_refused(world):
    survey = make_survey(world.company)
    before = _snapshot(survey)
    second = survey.sections.get(order=2)
    with pytest.raises(ValidationError, match="ages"):
        builder.section_move(section=second, direction="up", by=world.referent)
    assert _snapshot(survey) == before
    assert not AuditEvent.objects.filter(action="surveys.section_moved").exists()


def test_a_question_move_that_breaks_skip_logic_is_refused(world):
    survey = builder.survey_create(owner=world.company, by=world.referent, title_it="S")
    section = builder.section_add(survey=survey, title_it="A", by=world.referent)
    gate = builder.question_save(
        section=section, by=world.referent, code="g", kind="single", text_it="G", options=QUESTION_OPTIONS
    )
    follow = builder.question_save(
        section=section,
        by=world.referent,
        code="f",
        kind="short_text",
        text_it="F",
        show_when_question=gate,
        show_when_values=["yes"],
    )
    with pytest.raises(ValidationError, match="before"):
        builder.question_move(question=follow, direction="up", by=world.referent)
    with pytest.raises(ValidationError):
        builder.question_move(question=gate, direction="up", by=world.referent)  # already first
    assert list(section.questions.order_by("order").values_list("code", flat=True)) == ["g", "f"]


def test_skip_logic_to_a_later_question_or_another_survey_is_refused(world):
    survey = make_survey(world.company)
    kids = survey.questions().get(code="kids")
    stress = survey.questions().get(code="stress")
    with pytest.raises(ValidationError):
        builder.question_save(
            section=kids.section, question=kids, by=world.referent, show_when_question=stress, show_when_values=["1"]
        )
    other = make_survey(world.other_company)
    with pytest.raises(ValidationError):
        builder.question_save(
            section=stress.section,
            question=stress,
            by=world.referent,
            show_when_question=other.questions().get(code="kids"),
            show_when_values=["yes"],
        )
    assert Question.objects.get(pk=kids.pk).show_when_question_id is None
    assert Question.objects.get(pk=stress.pk).show_when_question_id is None


def test_changing_a_gate_so_a_condition_no_longer_fits_is_refused(world):
    survey = make_survey(world.company)
    kids = survey.questions().get(code="kids")
    with pytest.raises(ValidationError, match="ages"):
        builder.question_save(section=kids.section, question=kids, by=world.referent, kind="short_text", options={})
    assert Question.objects.get(pk=kids.pk).kind == "single"


def test_a_question_others_depend_on_and_a_section_with_questions_are_not_deleted(world):
    survey = make_survey(world.company)
    with pytest.raises(ValidationError, match="ages"):
        builder.question_delete(question=survey.questions().get(code="kids"), by=world.referent)
    with pytest.raises(ValidationError):
        builder.section_delete(section=survey.sections.get(order=1), by=world.referent)
    builder.question_delete(question=survey.questions().get(code="minutes"), by=world.referent)
    assert list(survey.questions().filter(section__order=2).values_list("code", "order")) == [
        ("ages", 1),
        ("moments", 2),
        ("idea", 3),
    ]
    assert AuditEvent.objects.filter(action="surveys.question_deleted").count() == 1


def test_every_change_to_a_frozen_survey_is_refused_and_changes_nothing(world):
    survey = make_survey(world.company)
    _freeze(survey)
    before = _snapshot(survey)
    section = survey.sections.get(order=2)
    question = survey.questions().get(code="idea")
    attempts = [
        lambda: builder.section_add(survey=survey, title_it="X", by=world.referent),
        lambda: builder.section_update(section=section, title_it="X", by=world.referent),
        lambda: builder.section_move(section=section, direction="up", by=world.referent),
        lambda: builder.section_delete(section=section, by=world.referent),
        lambda: builder.question_save(section=section, by=world.referent, code="new", kind="long_text", text_it="X"),
        lambda: builder.question_save(section=section, question=question, by=world.referent, text_it="X"),
        lambda: builder.question_move(question=question, direction="up", by=world.referent),
        lambda: builder.question_delete(question=question, by=world.referent),
        lambda: services.survey_update(survey=survey, by=world.referent, title_it="X"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="already has answers"):
            attempt()
    assert _snapshot(survey) == before
    assert not AuditEvent.objects.filter(actor=world.referent).exists()


# --- Forms ---------------------------------------------------------------------------


def test_option_lines_errors_name_the_field_and_the_line():
    with pytest.raises(ValidationError) as caught:
        parse_items("yes | Sì | Yes\n\nbad code | Sbagliato\nyes | Ancora\nonly-a-code\nx |  | X", "Answers")
    messages = caught.value.messages
    assert "Answers, line 3: the code may use only letters, digits, “_” and “-” (at most 40)." in messages
    assert "Answers, line 4: the code “yes” is repeated." in messages
    assert any(m.startswith("Answers, line 5:") for m in messages)
    assert "Answers, line 6: the Italian label is missing." in messages
    with pytest.raises(ValidationError, match="at least one line"):
        parse_items("  \n ", "Answers")


@pytest.mark.parametrize("kind", sorted(QUESTION_POSTS))
def test_the_question_form_builds_the_options_of_every_kind(kind):
    form = QuestionForm(_question_data(kind, "q1"), gates=[])
    assert form.is_valid(), form.errors
    fields = form.question_fields()
    Question(kind=kind, options=fields["options"])  # structure checked by validate_options in the form
    again = QuestionForm(initial=QuestionForm.initial_for(Question(kind=kind, options=fields["options"])), gates=[])
    assert again.initial.get("kind") == kind


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("single", {"choices": ""}, "choices"),
        ("matrix", {"rows": "r1"}, "rows"),
        ("scale", {"scale_min": "5", "scale_max": "2"}, "scale_max"),
        ("scale", {"scale_max": "11"}, "scale_max"),
        ("number", {"number_min": "10", "number_max": "1"}, "number_max"),
        ("short_text", {"max_length": "0"}, "max_length"),
        ("single", {"code": "has space"}, "code"),
        ("number", {"number_max": str(10**12)}, "number_max"),
        ("single", {"kind": "essay"}, "kind"),
    ],
)
def test_the_question_form_names_the_wrong_field(kind, changes, field):
    form = QuestionForm({**_question_data(kind, "q1"), **changes}, gates=[])
    assert not form.is_valid()
    assert field in form.errors


# --- Pages ---------------------------------------------------------------------------


def _alliance_survey(world) -> Survey:
    return make_survey(world.alliance_org)


@pytest.mark.parametrize(
    ("persona", "company", "alliance", "template"),
    [
        ("referent", 200, 404, 404),
        ("colleague", 200, 404, 404),
        ("other_referent", 404, 404, 404),
        ("alliance_staff", 404, 200, 404),
        ("evaluator", 404, 404, 404),
        ("analyst", 404, 404, 404),
        ("provider_staff", 404, 404, 404),
        ("citizen", 404, 404, 404),
        ("stranger", 404, 404, 404),
        ("admin", 200, 200, 200),
    ],
)
def test_access_matrix(client, world, login, persona, company, alliance, template):
    surveys = {"company": make_survey(world.company), "alliance": _alliance_survey(world), "template": _template()}
    login(getattr(world, persona))
    for name, expected in (("company", company), ("alliance", alliance), ("template", template)):
        survey = surveys[name]
        assert client.get(_url(survey)).status_code == expected, name
        question = survey.questions().first()
        assert client.get(_url(survey, f"domande/{question.pk}/")).status_code == expected, name
        posted = client.post(_url(survey, "sezioni/nuova/"), {"section-title_it": "Nuova"})
        assert posted.status_code == (302 if expected == 200 else 404), name
    can_list = persona in ("referent", "colleague", "other_referent", "alliance_staff", "admin")
    listing = client.get(LIST)
    assert listing.status_code == (200 if can_list else 404)
    if can_list:
        shown = set(listing.context["surveys"])
        assert (surveys["company"] in shown) == (company == 200)
        assert (surveys["alliance"] in shown) == (alliance == 200)
        assert (surveys["template"] in shown) == (template == 200)


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    survey = make_survey(world.company)
    assert client.get(_url(survey)).status_code == 302
    assert client.post(_url(survey, "sezioni/nuova/"), {"section-title_it": "X"}).status_code == 302
    assert survey.sections.count() == 2


def test_a_referent_creates_a_survey_and_adds_every_kind_of_question(client, world, login):
    login(world.referent)
    response = client.post(LIST, {"owner": world.company.pk, "title_it": "Famiglie", "title_en": "Families"})
    survey = Survey.objects.get(title_it="Famiglie")
    assert response.status_code == 302 and survey.owner == world.company and not survey.is_template
    assert client.post(_url(survey, "sezioni/nuova/"), {"section-title_it": "Casa"}).status_code == 302
    section = survey.sections.get()
    for number, kind in enumerate(sorted(QUESTION_POSTS), start=1):
        response = client.post(_url(survey, f"sezioni/{section.pk}/domande/nuova/"), _question_data(kind, f"q{number}"))
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
    questions = {q.kind: q for q in survey.questions()}
    assert questions["number"].options == {"min": 0, "max": 300, "unit_it": "minuti", "unit_en": "minutes"}
    assert questions["matrix"].options["rows"][1] == {"value": "pm", "it": "Sera", "en": "Evening"}
    assert questions["scale"].options == {"min": 1, "max": 5, "min_it": "per nulla", "max_en": "very much"}
    page = client.get(_url(survey))
    assert page.status_code == 200 and "Domanda q1" in page.content.decode()
    preview = client.get(_url(survey, "anteprima/"))
    body = preview.content.decode()
    assert preview.status_code == 200 and '__pm"' in body and "(minutes)" in body
    assert AuditEvent.objects.filter(action="surveys.question_added").count() == len(QUESTION_POSTS)


def test_a_referent_cannot_create_a_survey_for_another_company_or_a_template(client, world, login):
    login(world.referent)
    for owner in (world.other_company.pk, "template", world.alliance_org.pk):
        response = client.post(LIST, {"owner": owner, "title_it": "Falsa"})
        assert response.status_code == 400 and "owner" in response.context["form"].errors
    assert not Survey.objects.filter(title_it="Falsa").exists()


def test_an_admin_creates_and_edits_a_template(client, world, login):
    login(world.admin)
    client.post(LIST, {"owner": "template", "title_it": "Modello nuovo"})
    survey = Survey.objects.get(title_it="Modello nuovo")
    assert survey.is_template and survey.owner is None
    response = client.post(_url(survey), {"title_it": "Modello rinominato", "description_it": "Per tutti"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title_it == "Modello rinominato"


def test_bad_option_lines_show_the_field_and_line_and_save_nothing(client, world, login):
    survey = make_survey(world.company)
    section = survey.sections.get(order=1)
    login(world.referent)
    response = client.post(
        _url(survey, f"sezioni/{section.pk}/domande/nuova/"),
        _question_data("single", "bad", choices="a | A\na | Ancora\n b c | X"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "line 2: the code “a” is repeated." in body and "line 3:" in body
    assert not Question.objects.filter(code="bad").exists()


def test_a_repeated_code_is_refused_on_the_code_field(client, world, login):
    survey = make_survey(world.company)
    section = survey.sections.get(order=2)
    login(world.referent)
    response = client.post(_url(survey, f"sezioni/{section.pk}/domande/nuova/"), _question_data("long_text", "kids"))
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert survey.questions().filter(code="kids").count() == 1


def test_skip_logic_in_the_form_offers_only_earlier_choice_questions(client, world, login):
    survey = make_survey(world.company)
    kids = survey.questions().get(code="kids")
    stress = survey.questions().get(code="stress")
    ages = survey.questions().get(code="ages")
    login(world.referent)
    page = client.get(_url(survey, f"domande/{stress.pk}/"))
    offered = dict(page.context["form"].fields["show_when_question"].choices)
    assert str(kids.pk) in offered and str(ages.pk) not in offered and str(stress.pk) not in offered
    # A forged gate (a later question) and a wrong answer code are refused on their fields.
    data = _posted(stress)
    response = client.post(_url(survey, f"domande/{stress.pk}/"), {**data, "show_when_question": ages.pk})
    assert response.status_code == 400 and "show_when_question" in response.context["form"].errors
    response = client.post(
        _url(survey, f"domande/{stress.pk}/"), {**data, "show_when_question": kids.pk, "show_when_values": "maybe"}
    )
    assert response.status_code == 400 and "show_when_values" in response.context["form"].errors
    response = client.post(
        _url(survey, f"domande/{stress.pk}/"), {**data, "show_when_question": kids.pk, "show_when_values": "yes"}
    )
    assert response.status_code == 302
    stress.refresh_from_db()
    assert stress.show_when_question == kids and stress.show_when_values == ["yes"]


def test_a_scale_gate_takes_numbers(client, world, login):
    survey = make_survey(world.company)
    idea = survey.questions().get(code="idea")
    stress = survey.questions().get(code="stress")
    login(world.referent)
    data = _posted(idea) | {"show_when_question": stress.pk, "show_when_values": "4, 5"}
    assert client.post(_url(survey, f"domande/{idea.pk}/"), data).status_code == 302
    idea.refresh_from_db()
    assert idea.show_when_values == [4, 5]


def test_forged_ids_of_another_survey_answer_404(client, world, login):
    mine = make_survey(world.company)
    theirs = make_survey(world.other_company)
    login(world.referent)
    their_section = theirs.sections.first()
    their_question = theirs.questions().first()
    assert client.get(_url(mine, f"sezioni/{their_section.pk}/")).status_code == 404
    assert client.post(_url(mine, f"sezioni/{their_section.pk}/elimina/")).status_code == 404
    assert client.post(_url(mine, f"domande/{their_question.pk}/elimina/")).status_code == 404
    assert client.post(_url(mine, f"domande/{their_question.pk}/sposta/"), {"direction": "down"}).status_code == 404
    assert client.get(_url(mine, f"sezioni/{their_section.pk}/domande/nuova/")).status_code == 404
    assert client.post(_url(mine, "sezioni/999999/sposta/"), {"direction": "up"}).status_code == 404
    assert Question.objects.filter(pk=their_question.pk).exists()


def test_a_bad_direction_or_a_full_section_answers_400(client, world, login):
    survey = make_survey(world.company)
    first = survey.sections.get(order=1)
    login(world.referent)
    response = client.post(_url(survey, f"sezioni/{first.pk}/sposta/"), {"direction": "sideways"})
    assert response.status_code == 400 and "up or down" in response.content.decode()
    response = client.post(_url(survey, f"sezioni/{first.pk}/elimina/"))
    assert response.status_code == 400 and "Only an empty section" in response.content.decode()
    assert Section.objects.filter(pk=first.pk).exists()


def test_moving_and_deleting_through_the_pages(client, world, login):
    survey = make_survey(world.company)
    second = survey.sections.get(order=2)
    minutes = survey.questions().get(code="minutes")
    login(world.referent)
    assert client.post(_url(survey, f"domande/{minutes.pk}/sposta/"), {"direction": "down"}).status_code == 302
    assert list(second.questions.order_by("order").values_list("code", flat=True)) == [
        "ages",
        "moments",
        "minutes",
        "idea",
    ]
    assert client.post(_url(survey, f"domande/{minutes.pk}/elimina/")).status_code == 302
    assert not Question.objects.filter(pk=minutes.pk).exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "surveys.question_moved",
        "surveys.question_deleted",
    }
    response = client.post(_url(survey, f"sezioni/{second.pk}/"), {"title_it": "Il lavoro", "title_en": "Work"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.title_it == "Il lavoro"


def test_a_frozen_survey_is_read_only_and_every_post_is_refused(client, world, login):
    survey = make_survey(world.company)
    _freeze(survey)
    before = _snapshot(survey)
    section = survey.sections.get(order=2)
    question = survey.questions().get(code="idea")
    login(world.referent)
    page = client.get(_url(survey))
    body = page.content.decode()
    assert page.status_code == 200 and "Copy to a new version" in body and "Add the section" not in body
    edit = client.get(_url(survey, f"domande/{question.pk}/"))
    assert edit.status_code == 200 and edit.context["frozen"] and "Save the question" not in edit.content.decode()
    posts = [
        (_url(survey), {"title_it": "Nuovo"}),
        (_url(survey, "sezioni/nuova/"), {"section-title_it": "Nuova"}),
        (_url(survey, f"sezioni/{section.pk}/"), {"title_it": "Nuova"}),
        (_url(survey, f"sezioni/{section.pk}/sposta/"), {"direction": "up"}),
        (_url(survey, f"sezioni/{section.pk}/elimina/"), {}),
        (_url(survey, f"sezioni/{section.pk}/domande/nuova/"), _question_data("long_text", "new")),
        (_url(survey, f"domande/{question.pk}/"), _question_data("long_text", "idea")),
        (_url(survey, f"domande/{question.pk}/sposta/"), {"direction": "up"}),
        (_url(survey, f"domande/{question.pk}/elimina/"), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 409, url
        assert "already has answers" in response.content.decode(), url
    assert _snapshot(survey) == before
    assert not AuditEvent.objects.filter(actor=world.referent).exists()
    copied = client.post(_url(survey, "copia/"), {"copy-owner": world.company.pk})
    copy = Survey.objects.get(copied_from=survey)
    assert copied.status_code == 302 and copy.version == survey.version + 1 and not copy.has_answers()
    assert client.post(_url(copy, "sezioni/nuova/"), {"section-title_it": "Nuova"}).status_code == 302


def test_anyone_who_owns_surveys_copies_a_template_into_their_own_organization(client, world, login):
    template = _template()
    login(world.alliance_staff)
    assert client.get(_url(template, "anteprima/")).status_code == 200
    response = client.post(_url(template, "copia/"), {"copy-owner": world.alliance_org.pk})
    copy = Survey.objects.get(copied_from=template)
    assert response.status_code == 302 and copy.owner == world.alliance_org and not copy.is_template
    assert copy.questions().count() == template.questions().count()
    # ...never into someone else's organization, nor as a template.
    for owner in (world.company.pk, "template", "", "x"):
        refused = client.post(_url(template, "copia/"), {"copy-owner": owner})
        assert refused.status_code == 400 and "Owner:" in refused.content.decode()
    assert Survey.objects.filter(copied_from=template).count() == 1
    assert AuditEvent.objects.filter(action="surveys.survey_copied").count() == 1
    login(world.citizen)
    assert client.post(_url(template, "copia/"), {"copy-owner": world.alliance_org.pk}).status_code == 404
    assert client.get(_url(template, "anteprima/")).status_code == 404


def test_the_preview_saves_nothing(client, world, login):
    survey = make_survey(world.company)
    login(world.referent)
    responses = Response.objects.count()
    page = client.get(_url(survey, "anteprima/"))
    body = page.content.decode()
    assert page.status_code == 200 and "Nothing you enter here is saved" in body
    # The condition in the words the respondent reads (question text, answer label), not its codes.
    assert 'name="kids"' in body and "Shown only when Kids? is YES" in body
    assert Response.objects.count() == responses
    assert client.post(_url(survey, "anteprima/")).status_code == 405


# --- The "Families of the territory" template -------------------------------------------


def test_the_families_template_is_shipped_valid_and_bilingual(world):
    from sinergie.surveys.families_template import TEMPLATE_KEY

    survey = Survey.objects.get(template_key=TEMPLATE_KEY, copied_from__isnull=True)
    assert survey.is_template and survey.owner is None and survey.title_en == "Families of the territory"
    questions = list(survey.questions())
    assert 20 <= len(questions) <= 30
    assert {q.kind for q in questions} == {"single", "multiple", "scale", "number", "long_text", "matrix"}
    for question in questions:
        question.full_clean()  # options and skip logic as the builder would check them
        assert question.text_en, question.code
    assert sum(1 for q in questions if q.show_when_question_id) >= 4
    builder.check_skip_logic(survey)
    assert all(s.title_en for s in survey.sections.all())


def test_the_families_template_answers_end_to_end(world):
    from sinergie.surveys.families_template import TEMPLATE_KEY
    from sinergie.surveys.report import build_report
    from sinergie.surveys.tests.helpers import answer

    template = Survey.objects.get(template_key=TEMPLATE_KEY, copied_from__isnull=True)
    campaign = make_campaign(world.alliance_org, survey=template, mode="open")
    assert campaign.survey.copied_from == template
    for number in range(6):
        answer(
            campaign,
            {
                "respondent": "mother",
                "household": "couple",
                "children": 2,
                "children_ages": ["6_10"],
                "after_school_care": ["grandparents"],
                "daily_effort": 4,
                "critical_periods": ["august"],
                "camp_used": "yes" if number % 2 else "no",
                "services_satisfaction": 3,
                "balance": 2,
            },
        )
    report = build_report(campaign, breakdown=None, filters=[], variables=[], free_text=False)
    assert report
