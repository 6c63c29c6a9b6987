"""Survey builder pages (/questionari/modelli/...): thin views over `builder` and `access`.

Every page works without JavaScript; a survey with answers is shown read-only with a copy form,
and any POST that would change it is answered 409 with the reason, changing nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.accounts.typing import AnyUser
from sinergie.lib.errors import error_codes, refusal_text, refuse_on_form
from sinergie.lib.lookups import get_or_404
from sinergie.organizations.access import _is_admin
from sinergie.organizations.models import Organization
from sinergie.surveys import builder, selectors, services
from sinergie.surveys.access import can_edit_survey, get_survey_for_editor, survey_owner_ids
from sinergie.surveys.builder_forms import QuestionForm, SectionForm, SurveyCopyForm, SurveyCreateForm, SurveyTextsForm
from sinergie.surveys.models import SURVEY_FROZEN_CODE, Question, QuestionKind, Section, Survey
from sinergie.surveys.views import _field


def _owners(user: AnyUser) -> Any:
    if _is_admin(user):
        return selectors.organizations_running_campaigns(user)
    return Organization.objects.filter(pk__in=survey_owner_ids(user)).order_by("name")


def _copy_form(user: AnyUser, data: Any = None) -> SurveyCopyForm:
    return SurveyCopyForm(data, organizations=_owners(user), templates=_is_admin(user), prefix="copy")


def _status(error: ValidationError) -> int:
    return 409 if SURVEY_FROZEN_CODE in error_codes(error) else 400


def _outline(survey: Survey) -> list[tuple[Section, list[Question]]]:
    sections = list(survey.sections.order_by("order", "pk"))
    questions = list(survey.questions().select_related("show_when_question"))
    return [(section, [q for q in questions if q.section_id == section.pk]) for section in sections]


def _detail(
    request: HttpRequest,
    survey: Survey,
    *,
    error: ValidationError | None = None,
    texts_form: SurveyTextsForm | None = None,
    section_form: SectionForm | None = None,
    copy_form: SurveyCopyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    frozen = survey.has_answers()
    if texts_form is None:
        texts_form = SurveyTextsForm(initial={name: getattr(survey, name) for name in builder.SURVEY_FIELDS})
    return render(
        request,
        "surveys/builder/survey.html",
        {
            "survey": survey,
            "frozen": frozen,
            "outline": _outline(survey),
            "texts_form": texts_form,
            "section_form": section_form or SectionForm(prefix="section"),
            "copy_form": copy_form or _copy_form(request.user),
            "problem": refusal_text(error) if error else "",
        },
        status=status if error is None else _status(error),
    )


def _list(
    request: HttpRequest, *, form: SurveyCreateForm | None = None, problem: str = "", status: int = 200
) -> HttpResponse:
    owners = _owners(request.user)
    templates = _is_admin(request.user)
    if not owners.exists() and not templates:
        raise Http404
    return render(
        request,
        "surveys/builder/list.html",
        {
            "surveys": selectors.surveys_editable_by(request.user),
            "templates": selectors.templates_to_copy(),
            "form": form or SurveyCreateForm(organizations=owners, templates=templates),
            "copy_form": _copy_form(request.user),
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys the user edits, the templates to copy, and a form to create a survey."""
    if request.method in ("GET", "HEAD"):
        return _list(request)
    owners = _owners(request.user)
    templates = _is_admin(request.user)
    if not owners.exists() and not templates:
        raise Http404
    form = SurveyCreateForm(request.POST, organizations=owners, templates=templates)
    if form.is_valid():
        texts = {name: form.cleaned_data[name] for name in builder.SURVEY_FIELDS}
        try:
            survey = builder.survey_create(owner=form.chosen_owner(), by=request.user, **texts)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Survey created: now add its sections and questions."))
            return redirect("surveys:builder-survey", survey_id=survey.pk)
    return _list(request, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey's outline; POST changes its titles and descriptions."""
    survey = get_survey_for_editor(request.user, survey_id)
    if request.method in ("GET", "HEAD"):
        return _detail(request, survey)
    form = SurveyTextsForm(request.POST)
    if not form.is_valid():
        return _detail(request, survey, texts_form=form, status=400)
    try:
        services.survey_update(survey=survey, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        survey.refresh_from_db()
        return _detail(request, survey, error=error, texts_form=form)
    messages.success(request, _("Survey saved."))
    return redirect("surveys:builder-survey", survey_id=survey.pk)


@login_required
@require_http_methods(["POST"])
def survey_copy(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Copy a survey (an own one, or a platform template) into a new editable version."""
    survey = get_survey_for_editor(request.user, survey_id, copy=True)
    form = _copy_form(request.user, request.POST)
    if not form.is_valid():
        if can_edit_survey(request.user, survey):
            return _detail(request, survey, copy_form=form, status=400)
        problems = " ".join(f"{form.fields[name].label}: {e}" for name, errors in form.errors.items() for e in errors)
        return _list(request, problem=problems, status=400)
    copy = services.survey_copy(survey=survey, owner=form.chosen_owner(), by=request.user)
    messages.success(request, _("Copied into a new version you can edit."))
    return redirect("surveys:builder-survey", survey_id=copy.pk)


@login_required
@require_safe
def survey_preview(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The questions as respondents see them, every section on one page; nothing is saved.
    Whoever may copy a survey (a platform template, for instance) may preview it."""
    survey = get_survey_for_editor(request.user, survey_id, copy=True)
    pages = [(section, [_field(q, {}, None, None) for q in items]) for section, items in _outline(survey)]
    return render(request, "surveys/builder/preview.html", {"survey": survey, "pages": pages})


# --- Sections ----------------------------------------------------------------------------


def _section(survey: Survey, section_id: int) -> Section:
    return get_or_404(Section.objects.all(), pk=section_id, survey=survey)


@login_required
@require_http_methods(["POST"])
def section_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    form = SectionForm(request.POST, prefix="section")
    if not form.is_valid():
        return _detail(request, survey, section_form=form, status=400)
    try:
        builder.section_add(survey=survey, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _detail(request, survey, error=error, section_form=form)
    messages.success(request, _("Section added."))
    return redirect("surveys:builder-survey", survey_id=survey.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request: HttpRequest, survey_id: int, section_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    section = _section(survey, section_id)
    frozen = survey.has_answers()
    form = SectionForm(request.POST or None, initial={"title_it": section.title_it, "title_en": section.title_en})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                builder.section_update(section=section, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
                status = _status(error)
            else:
                messages.success(request, _("Section saved."))
                return redirect("surveys:builder-survey", survey_id=survey.pk)
        else:
            status = 400
    if frozen:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "surveys/builder/section.html",
        {"survey": survey, "section": section, "form": form, "frozen": frozen},
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def section_move(request: HttpRequest, survey_id: int, section_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    section = _section(survey, section_id)
    try:
        builder.section_move(section=section, direction=request.POST.get("direction", ""), by=request.user)
    except ValidationError as error:
        return _detail(request, survey, error=error)
    return redirect(f"{_survey_url(survey)}#section-{section.pk}")


@login_required
@require_http_methods(["POST"])
def section_delete(request: HttpRequest, survey_id: int, section_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    section = _section(survey, section_id)
    try:
        builder.section_delete(section=section, by=request.user)
    except ValidationError as error:
        return _detail(request, survey, error=error)
    messages.success(request, _("Section deleted."))
    return redirect("surveys:builder-survey", survey_id=survey.pk)


def _survey_url(survey: Survey) -> str:
    return reverse("surveys:builder-survey", kwargs={"survey_id": survey.pk})


# --- Questions ---------------------------------------------------------------------------


def _gates(survey: Survey, before: Question | None, section: Section) -> list[Question]:
    """The questions a condition may point at: those before `before`, or before the end of `section`."""
    result = []
    for item_section, items in _outline(survey):
        for item in items:
            if before is not None and item.pk == before.pk:
                return result
            if before is None and item_section.order > section.order:
                return result
            result.append(item)
    return result


def _question_page(request: HttpRequest, survey: Survey, section: Section, question: Question | None) -> HttpResponse:
    frozen = survey.has_answers()
    gates = _gates(survey, question, section)
    initial = QuestionForm.initial_for(question) if question else {"kind": QuestionKind.SINGLE}
    form = QuestionForm(request.POST or None, initial=initial, gates=gates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                builder.question_save(section=section, question=question, by=request.user, **form.question_fields())
            except ValidationError as error:
                refuse_on_form(form, error, {"options": None})
                status = _status(error)
            else:
                messages.success(request, _("Question saved."))
                return redirect(f"{_survey_url(survey)}#section-{section.pk}")
        else:
            status = 400
    if frozen:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "surveys/builder/question.html",
        {"survey": survey, "section": section, "question": question, "form": form, "frozen": frozen},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_add(request: HttpRequest, survey_id: int, section_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    return _question_page(request, survey, _section(survey, section_id), None)


def _question(survey: Survey, question_id: int) -> Question:
    return get_or_404(Question.objects.select_related("section"), pk=question_id, section__survey=survey)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    question = _question(survey, question_id)
    return _question_page(request, survey, question.section, question)


@login_required
@require_http_methods(["POST"])
def question_move(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    question = _question(survey, question_id)
    try:
        builder.question_move(question=question, direction=request.POST.get("direction", ""), by=request.user)
    except ValidationError as error:
        return _detail(request, survey, error=error)
    return redirect(f"{_survey_url(survey)}#question-{question.pk}")


@login_required
@require_http_methods(["POST"])
def question_delete(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = get_survey_for_editor(request.user, survey_id)
    question = _question(survey, question_id)
    try:
        builder.question_delete(question=question, by=request.user)
    except ValidationError as error:
        return _detail(request, survey, error=error)
    messages.success(request, _("Question deleted."))
    return redirect(f"{_survey_url(survey)}#section-{question.section_id}")
