"""From sent applications to a ranking and vouchers, by the call's own rules.

`evaluations_compute` judges every sent application by the call's design (calls/rules.py):
admissible when it meets every eligibility rule (the note lists why not), automatic points
from the scoring criteria, and the values the tie-breakers read. A decision taken by staff
(`Evaluation.evaluated_by` set) keeps its admissibility. `ranking_for_design` computes the
ranking with the design's tie-breakers; `vouchers_issue_from_ranking` gives each admitted
beneficiary of a published ranking a voucher of the amount granted, once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sinergie.audit.services import audit_record
from sinergie.calls import rules as R
from sinergie.calls.design import design_of
from sinergie.calls.evaluation.ranking import ASCENDING, DESCENDING, POINTS_SCALE, RankingError, ranking_compute
from sinergie.calls.models import Application, ApplicationState, Call, CallKind, Evaluation, Ranking, Voucher
from sinergie.calls.services import voucher_issue

# The design's tie-breakers, as (value of Evaluation.ranking_keys, direction).
TIE_BREAKER_KEYS = {
    "lower_isee": ("isee_cents", ASCENDING),
    "more_children": ("children", DESCENDING),
    "younger_child": ("youngest_child", ASCENDING),
}
NOT_PUBLISHED = _("The ranking must be published before vouchers are issued from it.")
NOT_FOR_VOUCHERS = _("A company call pays its grants by agreement: it issues no vouchers.")


def ranking_keys(answers: dict[str, Any]) -> dict[str, Any]:
    """The values the tie-breakers compare, from the answers (None when not given)."""
    isee = answers.get("isee_cents")
    ages = answers.get("children_ages")
    whole = (
        [age for age in ages if isinstance(age, int) and not isinstance(age, bool)] if isinstance(ages, list) else []
    )
    return {
        "isee_cents": isee if isinstance(isee, int) and not isinstance(isee, bool) else None,
        "children": len(whole) if isinstance(ages, list) else None,
        "youngest_child": min(whole, default=None),
    }


@transaction.atomic
def evaluations_compute(*, call: Call, by: Any, request: HttpRequest | None = None) -> dict[str, int]:
    """Judge every sent application of the call by its rules; returns how many were admissible."""
    design = design_of(call)
    counts = {"evaluated": 0, "admissible": 0, "kept_by_staff": 0}
    sent = Application.objects.filter(call=call, state=ApplicationState.SUBMITTED).select_related("evaluation")
    for application in sent:
        answers = application.answers if isinstance(application.answers, dict) else {}
        evaluation = getattr(application, "evaluation", None) or Evaluation(application=application)
        if evaluation.evaluated_by_id is None:
            failed = [result.reason for result in R.rules_check(design.eligibility, answers) if not result.ok]
            evaluation.admissible = not failed
            evaluation.admissibility_note = "; ".join(failed)
        else:
            counts["kept_by_staff"] += 1
        evaluation.automatic_points = R.score_compute(design.criteria, answers) * POINTS_SCALE
        evaluation.ranking_keys = ranking_keys(answers)
        evaluation.save()
        counts["evaluated"] += 1
        counts["admissible"] += bool(evaluation.admissible)
    audit_record(actor=by, action="calls.evaluations_compute", obj=call, after=counts, request=request)
    return counts


def ranking_for_design(
    *, call: Call, by: Any, allow_partial: bool = False, reason: str = "", request: HttpRequest | None = None
) -> Ranking:
    """A new version of the ranking with the tie-breakers of the call's design, in its order."""
    design = design_of(call)
    tie_breakers = [TIE_BREAKER_KEYS[name] for name in design.tie_breakers if name in TIE_BREAKER_KEYS]
    return ranking_compute(
        call=call,
        by=by,
        tie_breakers=tie_breakers,
        allow_partial=allow_partial,
        amount_bands=design.amount_bands,
        reason=reason,
        request=request,
    )


@transaction.atomic
def vouchers_issue_from_ranking(*, ranking: Ranking, by: Any, request: HttpRequest | None = None) -> list[Voucher]:
    """A voucher for each admitted beneficiary of a published ranking, of the amount granted;
    one who already has a voucher of this call gets no other (running it twice issues nothing)."""
    if ranking.published_at is None:
        raise RankingError("ranking", NOT_PUBLISHED, code="not_published")
    if ranking.call.kind != CallKind.WORKER_VOUCHERS:
        raise RankingError("ranking", NOT_FOR_VOUCHERS, code="not_for_vouchers")
    holders = set(Voucher.objects.filter(call_id=ranking.call_id).values_list("beneficiary_id", flat=True))
    issued = []
    rows = ranking.rows.filter(admitted=True).select_related("application").order_by("position")
    for row in rows:
        beneficiary_id = row.application.applicant_id
        if beneficiary_id in holders:
            continue
        voucher = voucher_issue(
            call=ranking.call,
            beneficiary=row.application.applicant,
            by=by,
            value_cents=row.granted_cents,
            request=request,
        )
        holders.add(beneficiary_id)
        issued.append(voucher)
    return issued
