"""A call's rules as plain data: who may apply, how points are given, how much each beneficiary gets.

Pure functions only (no database): the call designer stores these structures on `CallDesign`,
the public call page explains them, and the eligibility pre-check, the application form and
the ranking call `rules_check` and `score_compute` with an applicant's answers.

A rule is a dict with a `kind` and its parameters:

| kind | parameters | the applicant passes when |
|---|---|---|
| `territory` | `municipalities`: [[ISTAT code, name], ...] | `lives_in` or `works_in` is one of them |
| `member_company` | `companies`: [[id, name], ...] | `employer_id` is one of them |
| `children_age` | `min_age`, `max_age` (years) | one of `children_ages` is within both, inclusive |
| `caregiver` | - | `caregiver` is true |
| `isee_ceiling` | `ceiling_cents` | `isee_cents` is at most the ceiling |
| `employment` | `statuses`: [status, ...] | `employment_status` is one of them |
| `not_beneficiary` | - | `already_beneficiary` is false |

The territory and the member companies are copied into the rule when it is saved, so a
published call keeps the rules it was published with even if the alliance changes later.

A scoring criterion is a dict with a `kind`, a `weight` (whole points) and its parameters:
`isee_band` (`bands`: [[upper limit in cents, percent of the weight], ...] ascending),
`children` (weight per child, up to `max_children`), and the yes/no criteria `single_parent`,
`household_disability`, `returning_from_maternity`, `shift_work` (the weight when true).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sinergie.lib.money import format_euro as euro_text

Rule = Mapping[str, Any]
Answers = Mapping[str, Any]

RULE_KINDS = (
    "territory",
    "member_company",
    "children_age",
    "caregiver",
    "isee_ceiling",
    "employment",
    "not_beneficiary",
)

# The fixed list of employment statuses a call may admit (issue 4: "from a fixed list").
EMPLOYMENT_STATUSES = {
    "employee": gettext_lazy("employee"),
    "fixed_term": gettext_lazy("employee on a fixed-term contract"),
    "self_employed": gettext_lazy("self-employed"),
    "atypical": gettext_lazy("freelance or project worker"),
    "unemployed": gettext_lazy("unemployed and looking for work"),
}

CRITERION_KINDS = (
    "isee_band",
    "children",
    "single_parent",
    "household_disability",
    "returning_from_maternity",
    "shift_work",
)
YES_NO_CRITERIA = {
    "single_parent": gettext_lazy("single parent"),
    "household_disability": gettext_lazy("a person with a disability in the household"),
    "returning_from_maternity": gettext_lazy("returning to work after maternity leave"),
    "shift_work": gettext_lazy("night or shift work"),
}

TIE_BREAKERS = {
    "lower_isee": gettext_lazy("lower ISEE first"),
    "more_children": gettext_lazy("more children first"),
    "younger_child": gettext_lazy("younger youngest child first"),
}

MAX_AGE = 25
MAX_WEIGHT = 100
MAX_ISEE_CENTS = 20_000_000  # € 200,000: no conciliation call sets a ceiling above it


class RuleResult(NamedTuple):
    rule: Rule
    ok: bool
    reason: str


def _names(pairs: Iterable[Sequence[Any]]) -> str:
    names = [str(pair[1]) for pair in pairs]
    return ", ".join(names) if names else "-"


def _explain(rule: Rule) -> str:
    kind = rule.get("kind")
    if kind == "territory":
        return _("You live or work in one of the alliance's municipalities: %(names)s.") % {
            "names": _names(rule.get("municipalities", []))
        }
    if kind == "member_company":
        return _("You work for one of the companies that are members of the alliance: %(names)s.") % {
            "names": _names(rule.get("companies", []))
        }
    if kind == "children_age":
        return _("You have at least one child aged between %(min)s and %(max)s years.") % {
            "min": rule["min_age"],
            "max": rule["max_age"],
        }
    if kind == "caregiver":
        return _("You care for an elderly person or a person with a disability.")
    if kind == "isee_ceiling":
        return _("Your household's ISEE is not above %(ceiling)s.") % {"ceiling": euro_text(rule["ceiling_cents"])}
    if kind == "employment":
        statuses = [str(EMPLOYMENT_STATUSES[s]) for s in rule.get("statuses", []) if s in EMPLOYMENT_STATUSES]
        return _("Your work situation is one of: %(statuses)s.") % {"statuses": ", ".join(statuses)}
    if kind == "not_beneficiary":
        return _("You have not already received a benefit from this call.")
    raise ValueError(f"unknown rule kind {kind!r}")


def rule_explain(rule: Rule, language: str) -> str:
    """The rule in plain words for an applicant, in `language` ("it" or "en")."""
    with translation.override(language):
        return _explain(rule)


def _missing() -> str:
    return _("We need this answer to check the rule.")


def _check_one(rule: Rule, answers: Answers) -> tuple[bool, str]:  # noqa: C901
    kind = rule.get("kind")
    if kind == "territory":
        codes = {str(pair[0]) for pair in rule.get("municipalities", [])}
        lives, works = answers.get("lives_in"), answers.get("works_in")
        if lives is None and works is None:
            return False, _missing()
        if str(lives) in codes or str(works) in codes:
            return True, _("You live or work in the alliance's territory.")
        return False, _("Neither where you live nor where you work is one of the alliance's municipalities.")
    if kind == "member_company":
        employer = answers.get("employer_id")
        if employer is None:
            return False, _("Your employer is not one of the alliance's member companies.")
        if str(employer) in {str(pair[0]) for pair in rule.get("companies", [])}:
            return True, _("Your employer is a member of the alliance.")
        return False, _("Your employer is not one of the alliance's member companies.")
    if kind == "children_age":
        ages = answers.get("children_ages")
        if ages is None:
            return False, _missing()
        if any(isinstance(a, int) and rule["min_age"] <= a <= rule["max_age"] for a in ages):
            return True, _("You have a child of the right age.")
        return False, _("None of your children is between %(min)s and %(max)s years old.") % {
            "min": rule["min_age"],
            "max": rule["max_age"],
        }
    if kind == "caregiver":
        if answers.get("caregiver") is True:
            return True, _("You care for an elderly person or a person with a disability.")
        return False, _("This call is for people who care for an elderly person or a person with a disability.")
    if kind == "isee_ceiling":
        isee = answers.get("isee_cents")
        if not isinstance(isee, int) or isinstance(isee, bool) or isee < 0:
            return False, _missing()
        if isee <= rule["ceiling_cents"]:
            return True, _("Your ISEE is within the ceiling.")
        return False, _("Your ISEE is above the ceiling of %(ceiling)s.") % {
            "ceiling": euro_text(rule["ceiling_cents"])
        }
    if kind == "employment":
        status = answers.get("employment_status")
        if status is None:
            return False, _missing()
        if status in rule.get("statuses", []):
            return True, _("Your work situation is admitted.")
        return False, _("This call does not admit your work situation.")
    if kind == "not_beneficiary":
        if answers.get("already_beneficiary") is True:
            return False, _("You have already received a benefit from this call.")
        return True, _("You have not received a benefit from this call yet.")
    raise ValueError(f"unknown rule kind {kind!r}")


def rules_check(rules: Iterable[Rule], answers: Answers) -> list[RuleResult]:
    """Each rule with whether the answers meet it and why, in the active language.

    A missing or malformed answer never meets a rule (the reason says the answer is needed),
    except "not already a beneficiary", which holds unless the answers say otherwise.
    """
    results = []
    for rule in rules:
        ok, reason = _check_one(rule, answers)
        results.append(RuleResult(rule, ok, reason))
    return results


def rules_pass(rules: Iterable[Rule], answers: Answers) -> bool:
    return all(result.ok for result in rules_check(rules, answers))


def _criterion_points(criterion: Mapping[str, Any], answers: Answers) -> int:
    kind, weight = criterion["kind"], int(criterion["weight"])
    if kind == "isee_band":
        isee = answers.get("isee_cents")
        if not isinstance(isee, int) or isinstance(isee, bool) or isee < 0:
            return 0
        for limit, percent in criterion.get("bands", []):
            if isee <= limit:
                return weight * int(percent) // 100
        return 0
    if kind == "children":
        ages = answers.get("children_ages") or []
        return weight * min(len(ages), int(criterion.get("max_children", 0)))
    if kind in YES_NO_CRITERIA:
        return weight if answers.get(kind) is True else 0
    raise ValueError(f"unknown criterion kind {kind!r}")


def score_compute(criteria: Iterable[Mapping[str, Any]], answers: Answers) -> int:
    """The applicant's points: the sum over the criteria, each never above its weight times its cap.

    Whole points, so the ranking never depends on floating-point rounding.
    """
    return sum(_criterion_points(criterion, answers) for criterion in criteria)


def score_maximum(criteria: Iterable[Mapping[str, Any]]) -> int:
    """The most points anyone can get under `criteria`."""
    total = 0
    for criterion in criteria:
        if criterion["kind"] == "children":
            total += int(criterion["weight"]) * int(criterion.get("max_children", 0))
        elif criterion["kind"] == "isee_band":
            total += max(
                (int(criterion["weight"]) * int(p) // 100 for _limit, p in criterion.get("bands", [])), default=0
            )
        else:
            total += int(criterion["weight"])
    return total


def criterion_explain(criterion: Mapping[str, Any], language: str) -> str:
    """How a criterion gives points, in plain words."""
    with translation.override(language):
        kind, weight = criterion["kind"], int(criterion["weight"])
        if kind == "isee_band":
            parts = [
                _("ISEE up to %(limit)s: %(points)s points") % {"limit": euro_text(limit), "points": weight * p // 100}
                for limit, p in criterion.get("bands", [])
            ]
            return _("Household ISEE: %(bands)s; above: 0 points.") % {"bands": "; ".join(parts)}
        if kind == "children":
            cap = int(criterion.get("max_children", 0))
            return ngettext(
                "Children: %(weight)s points per child, counting at most %(cap)s child.",
                "Children: %(weight)s points per child, counting at most %(cap)s children.",
                cap,
            ) % {"weight": weight, "cap": cap}
        label = str(YES_NO_CRITERIA[kind])
        return ngettext("%(what)s: %(weight)s point.", "%(what)s: %(weight)s points.", weight) % {
            "what": label[:1].upper() + label[1:],
            "weight": weight,
        }


def amount_for_score(bands: Sequence[Sequence[int]], fixed_cents: int, score: int) -> int:
    """The amount for a score: the fixed amount, or that of the highest band whose minimum the score reaches.

    `bands` are [[minimum score, cents], ...]; a score below every band gets nothing.
    """
    if not bands:
        return fixed_cents
    amount = 0
    for minimum, cents in sorted(bands):
        if score >= minimum:
            amount = cents
    return amount
