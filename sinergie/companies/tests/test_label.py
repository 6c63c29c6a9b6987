"""The family-friendly label and the Manifesto: criteria checks, verification, register, renewal
reminders, revocation; bad input named and nothing saved; access for every role."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sinergie.audit.models import AuditEvent
from sinergie.companies import assessment, label, plans
from sinergie.companies.models import LabelAward, LabelScheme, LabelState, Manifesto, ManifestoSignature
from sinergie.companies.plans import MeasureData
from sinergie.conftest import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def scheme(world: World) -> LabelScheme:
    return LabelScheme.objects.create(alliance=world.alliance, min_measures_active=2, survey_within_months=None)


def _ready(world: World, company=None, by=None) -> None:
    company, by = company or world.company, by or world.referent
    for code in ("flexible_hours", "hour_bank"):
        data = MeasureData(code, "tutti", "HR", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        plans.measure_add(company=company, data=data, by=by)
    assessment.assessment_submit(company=company, raw={q.code: 2 for q in assessment.QUESTIONS}, by=by)


def _ask(world: World, scheme: LabelScheme, **changes) -> LabelAward:
    values = {"declaration": "Abbiamo un piano.", "evidence": "Accordo aziendale 2026.", "today": TODAY}
    values.update(changes)
    return label.label_request(scheme=scheme, company=world.company, by=world.referent, **values)


def test_checks_follow_the_plan_and_the_self_assessment(world: World, scheme):
    assert [c.ok for c in label.criteria_check(scheme, world.company)] == [False, False]
    _ready(world)
    assert [c.ok for c in label.criteria_check(scheme, world.company)] == [True, True]
    scheme.survey_within_months = 24
    assert label.criteria_check(scheme, world.company)[-1].ok is False  # no survey found


def test_a_verified_label_is_in_the_register_until_it_ends(world: World, scheme, client):
    _ready(world)
    award = _ask(world, scheme)
    assert award.checks == {"measures": True, "self_assessment": True}
    label.label_decide(award=award, accept=True, note="", by=world.alliance_staff, today=TODAY)
    award.refresh_from_db()
    assert (award.valid_from, award.valid_until) == (TODAY, datetime.date(2027, 11, 21))
    assert list(label.public_register(TODAY)) == [award]
    assert list(label.public_register(datetime.date(2027, 11, 22))) == []
    page = client.get(reverse("companies:register")).content.decode()
    assert world.company.name in page and "<svg" in page


def test_awarding_despite_a_failing_check_needs_a_note(world: World, scheme):
    award = _ask(world, scheme)
    with pytest.raises(ValidationError) as error:
        label.label_decide(award=award, accept=True, note="", by=world.alliance_staff, today=TODAY)
    assert "note" in error.value.message_dict
    award.refresh_from_db()
    assert award.state == LabelState.SUBMITTED
    label.label_decide(award=award, accept=True, note="Verificato sui documenti.", by=world.alliance_staff, today=TODAY)
    assert LabelAward.objects.get().state == LabelState.VERIFIED


@pytest.mark.parametrize(("changes", "field"), [({"declaration": "  "}, "declaration"), ({"evidence": ""}, "evidence")])
def test_a_request_without_declaration_or_evidence_is_refused(world: World, scheme, changes, field):
    with pytest.raises(ValidationError) as error:
        _ask(world, scheme, **changes)
    assert field in error.value.message_dict and not LabelAward.objects.exists()


def test_one_request_at_a_time_and_renewal_only_near_the_end(world: World, scheme):
    _ready(world)
    award = _ask(world, scheme)
    with pytest.raises(ValidationError):
        _ask(world, scheme)
    label.label_decide(award=award, accept=True, note="", by=world.alliance_staff, today=TODAY)
    with pytest.raises(ValidationError) as error:
        _ask(world, scheme, today=TODAY + datetime.timedelta(days=30))
    assert "scheme" in error.value.message_dict
    renewal = _ask(world, scheme, today=datetime.date(2027, 10, 1))
    assert renewal.state == LabelState.SUBMITTED


def test_a_company_outside_the_alliance_cannot_ask(world: World, scheme):
    with pytest.raises(ValidationError):
        label.label_request(
            scheme=scheme, company=world.other_company, declaration="x", evidence="y", by=world.other_referent
        )
    assert not LabelAward.objects.exists()


def test_refusal_and_revocation_need_a_reason_and_are_audited(world: World, scheme):
    _ready(world)
    award = _ask(world, scheme)
    with pytest.raises(ValidationError):
        label.label_decide(award=award, accept=False, note="", by=world.alliance_staff)
    label.label_decide(award=award, accept=True, note="", by=world.alliance_staff, today=TODAY)
    with pytest.raises(ValidationError):
        label.label_revoke(award=award, reason=" ", by=world.alliance_staff)
    label.label_revoke(award=award, reason="Misure sospese.", by=world.alliance_staff)
    assert LabelAward.objects.get().state == LabelState.REVOKED
    assert list(label.public_register(TODAY)) == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"companies.label_request", "companies.label_decide", "companies.label_revoke"} <= actions


def test_referents_are_reminded_once_a_month_before_the_end(
    world: World, scheme, settings, django_capture_on_commit_callbacks
):
    _ready(world)
    award = _ask(world, scheme)
    label.label_decide(award=award, accept=True, note="", by=world.alliance_staff, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert label.labels_remind(datetime.date(2027, 10, 1)) == 0
        assert label.labels_remind(datetime.date(2027, 10, 25)) == 1
        assert label.labels_remind(datetime.date(2027, 10, 26)) == 0
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {world.referent.email, world.colleague.email}


def test_the_daily_command_runs_its_jobs(world: World):
    out = StringIO()
    call_command("daily", stdout=out)
    assert "vouchers expired: 0" in out.getvalue()


LABEL_PAGE = {
    "referent": 200,
    "colleague": 200,
    "admin": 200,
    "other_referent": 404,
    "alliance_staff": 404,
    "evaluator": 404,
    "provider_staff": 404,
    "citizen": 404,
    "stranger": 404,
}


@pytest.mark.parametrize(("persona", "status"), LABEL_PAGE.items())
def test_who_asks_for_a_companys_label(world: World, scheme, login, persona, status):
    client = login(getattr(world, persona))
    url = reverse("companies:label", args=[world.company.slug])
    assert client.get(url).status_code == status
    response = client.post(url, {"scheme": scheme.pk, "declaration": "d", "evidence": "e"})
    assert response.status_code == (302 if status == 200 else 404)
    assert LabelAward.objects.exists() == (status == 200)


STAFF_PAGES = {
    "alliance_staff": 200,
    "admin": 200,
    "referent": 404,
    "evaluator": 404,
    "provider_staff": 404,
    "analyst": 404,
    "citizen": 404,
}


@pytest.mark.parametrize(("persona", "status"), STAFF_PAGES.items())
def test_who_verifies_labels_and_sets_the_rules(world: World, scheme, login, persona, status):
    award = _ask(world, scheme)
    client = login(getattr(world, persona))
    for url in (
        reverse("companies:staff-labels"),
        reverse("companies:staff-label", args=[award.pk]),
        reverse("companies:scheme-edit", args=[world.alliance_org.slug]),
        reverse("companies:manifesto-edit", args=[world.alliance_org.slug]),
    ):
        assert client.get(url).status_code == status, url
    response = client.post(reverse("companies:staff-label", args=[award.pk]), {"decision": "refuse", "note": "No."})
    assert response.status_code == (302 if status == 200 else 404)
    award.refresh_from_db()
    assert award.state == (LabelState.REJECTED if status == 200 else LabelState.SUBMITTED)


def test_staff_of_another_alliance_do_not_see_the_request(world: World, scheme, login):
    award = _ask(world, scheme)
    other = World._staff(world, "staff-b@example.org", world.other_alliance_org, "alliance_staff")
    client = login(other)
    assert client.get(reverse("companies:staff-label", args=[award.pk])).status_code == 404
    assert client.get(reverse("companies:scheme-edit", args=[world.alliance_org.slug])).status_code == 404


def test_the_rules_form_names_bad_fields(world: World, login):
    client = login(world.alliance_staff)
    url = reverse("companies:scheme-edit", args=[world.alliance_org.slug])
    data = {"name": "Marchio", "min_measures_active": "99", "validity_months": "0", "survey_within_months": "24"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert {"min_measures_active", "validity_months"} <= set(response.context["form"].errors)
    assert not LabelScheme.objects.exists()


# --- Manifesto ------------------------------------------------------------------------------


@pytest.fixture
def manifesto(world: World) -> Manifesto:
    return Manifesto.objects.create(
        alliance=world.alliance, title_it="Manifesto per la conciliazione", text_it="Ci impegniamo.", published=True
    )


def test_a_partners_manager_signs_once_and_the_page_lists_it(world: World, manifesto, login, client):
    referent = login(world.referent)
    url = reverse("companies:manifesto", args=[world.alliance_org.slug])
    page = referent.get(url)
    assert page.context["form"] is not None
    assert referent.post(url, {"organization": world.company.pk, "commitment": "Orari flessibili"}).status_code == 302
    again = referent.post(url, {"organization": world.company.pk})
    assert again.status_code == 400
    assert ManifestoSignature.objects.count() == 1
    client.logout()
    public = client.get(url).content.decode()
    assert world.company.name in public and "Orari flessibili" in public


@pytest.mark.parametrize("persona", ["colleague", "other_referent", "citizen", "provider_staff"])
def test_who_may_not_sign_in_a_companys_name(world: World, manifesto, login, persona):
    client = login(getattr(world, persona))
    url = reverse("companies:manifesto", args=[world.alliance_org.slug])
    response = client.post(url, {"organization": world.company.pk})
    assert response.status_code == 400
    assert not ManifestoSignature.objects.exists()


def test_a_draft_manifesto_is_hidden_from_the_public(world: World, manifesto, client, login):
    manifesto.published = False
    manifesto.save()
    url = reverse("companies:manifesto", args=[world.alliance_org.slug])
    assert client.get(url).status_code == 404
    assert login(world.alliance_staff).get(url).status_code == 200
    with pytest.raises(ValidationError):
        label.manifesto_sign(manifesto=manifesto, organization=world.company, commitment="", by=world.referent)


def test_a_closed_needs_survey_with_answers_meets_the_survey_criterion(world: World, scheme):
    from sinergie.surveys.models import Campaign, Response, Survey
    from sinergie.surveys.needs_template import TEMPLATE_KEY
    from sinergie.surveys.services import campaign_create

    scheme.survey_within_months = 24
    template = Survey.objects.get(is_template=True, template_key=TEMPLATE_KEY, copied_from__isnull=True)
    now = timezone.now()
    campaign = campaign_create(
        survey=template,
        organization=world.company,
        title="Bisogni 2026",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=1),
        by=world.referent,
    )
    assert label.criteria_check(scheme, world.company)[-1].ok is False  # still open
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=now - datetime.timedelta(days=2))
    assert label.criteria_check(scheme, world.company)[-1].ok is False  # closed, but nobody answered
    Response.objects.create(campaign=campaign, completed=True, submitted_on=timezone.localdate())
    check = label.criteria_check(scheme, world.company)[-1]
    assert check.code == "needs_survey" and check.ok is True
    assert label.needs_survey_date(world.other_company) is None


def test_the_page_offers_the_request_form_only_when_a_request_would_be_accepted(world: World, scheme, login):
    """While a request waits, or while the label is valid beyond the renewal window, the page
    says when one can ask again instead of offering a form that would refuse (issue 13, point 18)."""
    _ready(world)
    client = login(world.referent)
    url = reverse("companies:label", args=[world.company.slug])
    assert 'name="declaration"' in client.get(url).content.decode()
    award = _ask(world, scheme, today=timezone.localdate())
    page = client.get(url).content.decode()
    assert 'name="declaration"' not in page and 'class="alert alert-info"' in page
    label.label_decide(award=award, accept=True, note="", by=world.alliance_staff)
    award.refresh_from_db()
    page = client.get(url).content.decode()
    assert 'name="declaration"' not in page
    renewal = award.valid_until - datetime.timedelta(days=label.RENEWAL_WINDOW_DAYS)
    assert renewal.strftime("%Y") in page and str(renewal.day) in page
    assert label.request_opens_on(scheme, world.company) == renewal
    assert label.request_opens_on(scheme, world.company, today=renewal) is None
