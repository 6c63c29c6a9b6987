"""The summary at the top of a report page: the key needs, read from the published figures.

Only the report dictionary's figures are used (never the answers): a hidden figure is left out,
so the summary publishes nothing the tables below do not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sinergie.surveys.charts import CHOSEN, QuestionLike, part_label

# Multiple-choice questions of the platform templates whose options are needs: the critical
# periods and the measures wanted (workers' needs), the services wanted (families).
KEY_NEED_QUESTIONS = ("critical_periods", "measures_wanted", "services_wanted")
NOT_A_NEED = frozenset({"none"})  # "None in particular"
TOP = 5


def key_needs(report: dict[str, Any], questions: list[QuestionLike] | None = None) -> list[dict[str, Any]]:
    """For each key-need question in the report, its options with the largest published
    "chosen" shares (at most TOP, largest first): label, percent and count; [] when none."""
    titles = {q.code: q.text for q in questions or []}
    found: dict[str, list[dict[str, Any]]] = {}
    for variable in report.get("variables") or []:
        code = variable.get("question")
        option = variable["variable"].partition(".")[2]
        if code not in KEY_NEED_QUESTIONS or not option or option in NOT_A_NEED:
            continue
        chosen = next((c for c in variable["categories"] if c["value"] == CHOSEN), None)
        if chosen is None or chosen["percent"] is None or not chosen["count"]:
            continue
        label = part_label(variable["label"], titles.get(code, ""))
        if label == variable["label"]:  # no question text given: the label's last part
            label = variable["label"].rpartition(" — ")[2]
        found.setdefault(code, []).append({"label": label, "percent": chosen["percent"], "count": chosen["count"]})
    needs = []
    for code in KEY_NEED_QUESTIONS:
        if code in found:
            items = sorted(found[code], key=lambda item: (-item["percent"], -item["count"], item["label"]))
            needs.append({"question": code, "title": titles.get(code, ""), "items": items[:TOP]})
    return needs


def moment(value: datetime | str | None) -> datetime | None:
    """A date and time of the report (ISO text in the dictionary, as the API gives it)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def closing_day(value: datetime | str | None) -> tuple[date | None, time | None]:
    """When a campaign closes, as people say it: a close at midnight is the end of the day
    before (no time); any other close is its day and time. In the current time zone."""
    closes = moment(value)
    if closes is None:
        return None, None
    local = timezone.localtime(closes)
    if local.time() == time.min:
        return (local - timedelta(days=1)).date(), None
    return local.date(), local.time()


def release_day(value: datetime | str | None) -> date | None:
    released = moment(value)
    return timezone.localtime(released).date() if released else None
