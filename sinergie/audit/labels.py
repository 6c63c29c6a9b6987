"""What each audit action code means, in words, for the pages that show a history.

Services write short, stable codes (`calls.call.publish`); people read "Call published". Every
code a service writes has its label here, in one place, so a history never shows a code:
`audit/tests/test_labels.py` scans the source for the codes passed to `audit_record` and fails
on one without a label. The audit app stays a low layer: this module imports no domain app.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # accounts
    "accounts.user.name": _("Name changed"),
    # organizations and alliances
    "organization.update": _("Organization profile changed"),
    "membership.add": _("Person added"),
    "membership.remove": _("Person removed"),
    "alliance.municipalities": _("Alliance municipalities changed"),
    "alliance.partner": _("Alliance partners changed"),
    # directory
    "directory.service.create": _("Service created"),
    "directory.service.archive": _("Service archived"),
    "directory.revision.create": _("Draft started"),
    "directory.revision.update": _("Draft saved"),
    "directory.revision.submit": _("Sent for review"),
    "directory.revision.withdraw": _("Withdrawn from review"),
    "directory.revision.discard": _("Draft discarded"),
    "directory.revision.approve": _("Approved and published"),
    "directory.revision.reject": _("Sent back with a reason"),
    # catalogue import
    "catalogue.import": _("Catalogue imported"),
    "catalogue.service_create": _("Service created by an import"),
    "catalogue.service_update": _("Service updated by an import"),
    "catalogue.location_create": _("Location created by an import"),
    "catalogue.location_update": _("Location updated by an import"),
    # calls
    "calls.call.create": _("Call created"),
    "calls.call.update": _("Call changed"),
    "calls.call.publish": _("Call published"),
    "calls.call.close": _("Call closed"),
    "calls.application_start": _("Application started"),
    "calls.application_save": _("Application saved"),
    "calls.application_submit": _("Application sent"),
    "calls.application_withdraw": _("Application withdrawn"),
    "calls.document_attach": _("Document attached"),
    "calls.document_remove": _("Document removed"),
    "calls.evaluations_compute": _("Admissibility and points computed"),
    "calls.evaluation.admissibility": _("Admissibility decided"),
    "calls.evaluation.points": _("Manual points given"),
    "calls.evaluation.evaluator_points": _("Points given by the evaluator"),
    "calls.assignment.create": _("Evaluator assigned"),
    "calls.assignment.remove": _("Evaluator removed"),
    "calls.assignment.spread": _("Applications spread among evaluators"),
    "calls.assignment.declare": _("Conflict of interest declared or excluded"),
    "calls.ranking_compute": _("Ranking computed"),
    "calls.ranking_publish": _("Ranking published"),
    "calls.voucher.issue": _("Voucher issued"),
    "calls.voucher.expire": _("Voucher expired"),
    "calls.voucher.cancel": _("Voucher cancelled"),
    "calls.redemption.create": _("Voucher redeemed"),
    "calls.redemption.cancel": _("Redemption cancelled"),
    "calls.grant.create": _("Grant agreement made"),
    "calls.grant.document_attach": _("Grant document attached"),
    "calls.grant.report": _("Final report sent"),
    "calls.grant.review": _("Final report reviewed"),
    "calls.grant.payment_request": _("Payment requested"),
    "calls.grant.payment_approve": _("Payment approved"),
    "calls.grant.pay": _("Grant paid"),
    "calls.grant.revoke": _("Grant revoked"),
    # companies
    "companies.profile_save": _("Company profile saved"),
    "companies.join_request": _("Request to join the alliance sent"),
    "companies.join_decide": _("Request to join the alliance decided"),
    "companies.join_withdraw": _("Request to join the alliance withdrawn"),
    "companies.self_assessment": _("Self-assessment saved"),
    "companies.plan_goals": _("Plan goals saved"),
    "companies.measure_add": _("Plan measure added"),
    "companies.measure_change": _("Plan measure changed"),
    "companies.measure_progress": _("Plan measure progress updated"),
    "companies.label_scheme": _("Label rules saved"),
    "companies.label_request": _("Label requested"),
    "companies.label_decide": _("Label request decided"),
    "companies.label_revoke": _("Label revoked"),
    "companies.manifesto_save": _("Manifesto saved"),
    "companies.manifesto_sign": _("Manifesto signed"),
    "companies.witness_mark": _("Marked as a witness company"),
    "companies.witness_unmark": _("No longer a witness company"),
    "companies.practice_publish": _("Good practice published"),
    "companies.pairing_ask": _("Pairing asked for"),
    "companies.pairing_propose": _("Pairing proposed"),
    "companies.pairing_answer": _("Pairing answered"),
    "companies.pairing_meeting": _("Pairing meeting recorded"),
    "companies.pairing_complete": _("Pairing completed"),
    "companies.agreement_create": _("Agreement created"),
    "companies.agreement_join": _("Agreement joined"),
    # school calendar
    "schoolcalendar.settings": _("School calendar settings changed"),
    "schoolcalendar.closure_add": _("School closure added"),
    "schoolcalendar.closure_remove": _("School closure removed"),
    # planner
    "planner.plan_saved": _("Plan saved"),
    "planner.plan_renamed": _("Plan renamed"),
    "planner.plan_deleted": _("Plan deleted"),
    # surveys
    "surveys.survey_created": _("Survey created"),
    "surveys.survey_updated": _("Survey changed"),
    "surveys.survey_copied": _("Survey copied"),
    "surveys.section_added": _("Section added"),
    "surveys.section_updated": _("Section changed"),
    "surveys.section_moved": _("Section moved"),
    "surveys.section_deleted": _("Section deleted"),
    "surveys.question_added": _("Question added"),
    "surveys.question_updated": _("Question changed"),
    "surveys.question_moved": _("Question moved"),
    "surveys.question_deleted": _("Question deleted"),
    "surveys.campaign_created": _("Campaign created"),
    "surveys.tokens_generated": _("Invitation codes generated"),
    "surveys.campaign_closed": _("Campaign closed"),
    "surveys.campaign_released": _("Results released"),
}

UNKNOWN_ACTION = _("Other change")


def action_label(code: str) -> str:
    """The action in words, in the active language; a code without a label reads "Other change"."""
    return str(ACTION_LABELS.get(code, UNKNOWN_ACTION))
