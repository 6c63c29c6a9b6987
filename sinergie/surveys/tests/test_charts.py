"""Report charts and the key needs: what each chart draws (a hidden figure as "hidden", never a
bar), SVG the CSP accepts, the cache, the summary read from published figures, and the page."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from sinergie.surveys import charts, summary
from sinergie.surveys.models import Question
from sinergie.surveys.services import ROME
from sinergie.surveys.tests.helpers import answer, choices, close, make_campaign, make_survey

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english_and_empty_cache():
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def _cat(value: str, label: str, count: int | None, percent: float | None, by: dict | None = None) -> dict:
    item: dict[str, Any] = {"value": value, "label": label, "count": count, "percent": percent}
    if by is not None:
        item["by"] = by
    return item


def _report(variables: list[dict], breakdown: dict | None = None, respondents: int = 100) -> dict:
    return {
        "campaign": 1,
        "k": 5,
        "state": "released",
        "closes_at": "2026-11-08T00:00:00+01:00",
        "released_at": "2026-11-08T09:30:00+01:00",
        "responses_so_far": None,
        "breakdown": breakdown,
        "respondents": respondents,
        "message": None,
        "variables": variables,
        "free_text": {},
    }


HOUSEHOLD = {
    "variable": "household",
    "question": "household",
    "kind": "single",
    "label": "Who do you live with?",
    "categories": [
        _cat("alone", "Alone", 40, 40.0),
        _cat("partner", "With a partner", None, None),
        _cat("other", "Other", 0, 0.0),
        _cat("_none", "No answer", 10, 10.0),
    ],
}


def _option(question: str, title: str, option: str, label: str, chosen: int | None, none: int = 10) -> dict:
    return {
        "variable": f"{question}.{option}",
        "question": question,
        "kind": "multiple",
        "label": f"{title} — {label}",
        "categories": [
            _cat("yes", "Chosen", chosen, None if chosen is None else float(chosen)),
            _cat(
                "no", "Not chosen", None if chosen is None else 90 - chosen, None if chosen is None else 90.0 - chosen
            ),
            _cat("_none", "No answer", none, float(none)),
        ],
    }


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own cleaned SVG


def _fills(svg: str, color: str) -> int:
    return sum(1 for e in _tree(svg).iter(f"{SVG}path") if e.get("fill") == color)


def _texts(svg: str) -> list[str]:
    return ["".join(e.itertext()) for e in _tree(svg).iter(f"{SVG}text")]


# --- What a chart draws --------------------------------------------------------------------


def test_a_hidden_figure_is_drawn_as_hidden_never_as_a_bar():
    figure = charts.variable_figure(HOUSEHOLD, [])
    assert [(row["label"], row["hidden"], row["text"]) for row in figure["rows"]] == [
        ("Alone", False, "40.0%"),
        ("With a partner", True, "hidden"),
        ("Other", False, "0.0%"),
        ("No answer", False, "10.0%"),
    ]
    svg = charts.render_figures([figure])[0]
    assert _fills(svg, charts.BAR_COLOR) == 2  # "Alone" and the zero-length "Other": not the hidden one
    assert _fills(svg, charts.NONE_COLOR) == 1
    assert _texts(svg).count("hidden") == 1 and "0.0%" in _texts(svg)


def test_no_answer_is_the_last_bar():
    variable = {**HOUSEHOLD, "categories": [HOUSEHOLD["categories"][3], *HOUSEHOLD["categories"][:3]]}
    rows = charts.variable_figure(variable, [])["rows"]
    assert rows[-1]["label"] == "No answer" and rows[-1]["none"] and not any(r["none"] for r in rows[:-1])


def test_long_labels_are_wrapped_for_a_phone():
    label = "Flexible start and finish times agreed with the team every single week of the year"
    lines = charts.wrap_label(label).split("\n")
    assert len(lines) == charts.LABEL_LINES and all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert lines[-1].endswith("…")
    assert charts.wrap_label("Alone") == "Alone"


def test_percentages_are_written_as_the_language_writes_them():
    with translation.override("it"):
        assert charts.percent_text(12.5) == "12,5%"
        assert charts.percent_text(None) == translation.gettext("hidden")
    assert charts.percent_text(12.5) == "12.5%"


def test_a_multiple_choice_question_is_one_chart_of_the_chosen_shares_beside_its_tables():
    title = "Which measures would help you?"
    report = _report(
        [
            _option("measures", title, "flex", "Flexible hours", 30),
            _option("measures", title, "smart", "Smart working", None),
            _option("measures", title, "camps", "Summer camps", 12),
            HOUSEHOLD,
        ]
    )
    questions = [SimpleNamespace(code="measures", kind="multiple", text=title)]
    sections = charts.report_sections(report, questions)
    assert [s.title for s in sections] == [title, "Who do you live with?"]
    (item,) = sections[0].items
    assert [v["caption"] for v in item.variables] == ["Flexible hours", "Smart working", "Summer camps"]
    assert [(r["label"], r["percent"]) for r in item.figure["rows"]] == [
        ("Flexible hours", 30.0),
        ("Smart working", None),
        ("Summer camps", 12.0),
        ("No answer", 10.0),
    ]
    assert "chose" in item.note
    assert all(i.chart and "<svg" in i.chart for s in sections for i in s.items)


def test_a_matrix_has_a_chart_per_row():
    rows = [
        {
            **HOUSEHOLD,
            "variable": f"moments.{row}",
            "question": "moments",
            "kind": "matrix",
            "label": f"Moments — {row}",
        }
        for row in ("Morning", "Evening")
    ]
    (section,) = charts.report_sections(_report(rows), [SimpleNamespace(code="moments", kind="matrix", text="Moments")])
    assert [[v["caption"] for v in item.variables] for item in section.items] == [["Morning"], ["Evening"]]


def test_a_breakdown_draws_a_bar_per_group_and_hides_what_the_table_hides():
    breakdown = {
        "variable": "gender",
        "label": "Gender",
        "categories": [
            {"value": "w", "label": "Women", "count": 60},
            {"value": "m", "label": "Men", "count": None},  # hidden: drawn, every bar "hidden"
            {"value": "_none", "label": "No answer", "count": 0},  # nobody: not drawn
        ],
    }

    def by(women: float | None) -> dict:
        return {
            "w": {"count": 1, "percent": women},
            "m": {"count": None, "percent": None},
            "_none": {"count": 0, "percent": None},
        }

    variable = {
        **HOUSEHOLD,
        "categories": [_cat("alone", "Alone", 40, 40.0, by(50.0)), _cat("_none", "No answer", 10, 10.0, by(None))],
    }
    report = _report([variable], breakdown)
    (section,) = charts.report_sections(report)
    (item,) = section.items
    assert item.figure["groups"] == ["Women", "Men"]
    assert [(r["label"], r["group"], r["text"]) for r in item.figure["rows"]] == [
        ("Alone", "Women", "50.0%"),
        ("Alone", "Men", "hidden"),
        ("No answer", "Women", "hidden"),
        ("No answer", "Men", "hidden"),
    ]
    texts = _texts(item.chart)
    assert "Women" in texts and "Men" in texts and texts.count("hidden") == 3 and "50.0%" in texts
    assert _fills(item.chart, charts.GROUP_COLORS[0]) == 1 + 1  # the bar and the legend's square


# --- SVG that the CSP accepts ----------------------------------------------------------------


def test_the_charts_carry_no_inline_style_script_or_handler():
    """Inline SVG is held to the page's CSP (style-src 'self'): no style attribute or element."""
    report = _report([HOUSEHOLD, _option("m", "M", "flex", "Flex", 30)])
    for section in charts.report_sections(report, [SimpleNamespace(code="m", kind="multiple", text="M")]):
        for item in section.items:
            root = _tree(item.chart)
            assert root.get("aria-hidden") == "true" and root.get("focusable") == "false"
            for element in root.iter():
                assert element.tag.removeprefix(SVG) in charts.ALLOWED_ELEMENTS
                assert "style" not in element.attrib
                assert not any(name.startswith(("on", "{")) for name in element.attrib)


def test_cleaning_turns_styles_into_attributes_and_drops_everything_else():
    dirty = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" '
        'onload="alert(1)" style="background: red">'
        "<style>rect { fill: red }</style><script>alert(2)</script>"
        '<rect width="5" height="5" style="fill: #0066cc; stroke-width: 2; cursor: pointer" onclick="alert(3)"/>'
        '<a xlink:href="javascript:alert(4)"><text>link</text></a>'
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>'
        '<path d="M0,0h1" fill="url(javascript:alert(5))" role="img" aria-label="x"/>'
        "<text>&lt;script&gt;alert(6)&lt;/script&gt;</text>"
        "</svg>"
    )
    clean = charts.clean_svg(dirty)
    root = _tree(clean)
    assert [e.tag.removeprefix(SVG) for e in root.iter()] == ["svg", "rect", "path", "text"]
    rect = root.find(f"{SVG}rect")
    assert rect.attrib == {"width": "5", "height": "5", "fill": "#0066cc", "stroke-width": "2"}
    assert root.find(f"{SVG}path").attrib == {"d": "M0,0h1"}
    assert "alert(6)" in clean and "<script" not in clean and "style" not in clean


def test_labels_written_by_a_company_stay_text():
    variable = {**HOUSEHOLD, "categories": [_cat("x", '<script>alert("x")</script> & co', 50, 50.0)]}
    svg = charts.render_figures([charts.variable_figure(variable, [])])[0]
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_the_fast_path_draws_the_same_chart_as_the_vega_lite_spec():
    """Charts are drawn from the template compiled to Vega once (`vega_spec`); it must draw exactly
    what the Vega-Lite spec (`chart_spec`) draws."""
    groups = [{"value": "w", "label": "Women", "count": 60}, {"value": "_none", "label": "No answer", "count": 7}]
    by = {"w": {"count": 5, "percent": 8.3}, "_none": {"count": None, "percent": None}}
    grouped = {**HOUSEHOLD, "categories": [{**c, "by": by} for c in HOUSEHOLD["categories"]]}
    for figure in (charts.variable_figure(HOUSEHOLD, []), charts.variable_figure(grouped, groups)):
        assert charts.render_svg(charts.vega_spec(figure), vega=True) == charts.render_svg(charts.chart_spec(figure))


def test_charts_are_drawn_once_then_read_from_the_cache(monkeypatch):
    figures = [
        charts.variable_figure({**HOUSEHOLD, "categories": [_cat("a", f"Answer {i}", 10 + i, 10.0 + i)]}, [])
        for i in range(60)
    ]
    first = charts.render_figures(figures)
    drawn = []
    monkeypatch.setattr(charts, "render_svg", lambda *args, **kwargs: drawn.append(args) or "")
    started = time.perf_counter()
    again = charts.render_figures(figures)
    assert again == first and drawn == []
    assert time.perf_counter() - started < 0.5  # a page of 60 cached charts


# --- The key needs ---------------------------------------------------------------------------


def test_key_needs_are_the_five_largest_published_chosen_shares():
    periods = "When is it hardest?"
    report = _report(
        [
            _option("critical_periods", periods, "summer", "Summer", 40),
            _option("critical_periods", periods, "christmas", "Christmas", 25),
            _option("critical_periods", periods, "easter", "Easter", 10),
            _option("critical_periods", periods, "bridges", "Bridges", None),  # hidden: left out
            _option("critical_periods", periods, "september", "September", 30),
            _option("critical_periods", periods, "sickness", "Sickness", 20),
            _option("critical_periods", periods, "closures", "Closures", 15),
            _option("critical_periods", periods, "none", "None in particular", 60),  # not a need
            _option("measures_wanted", "Measures?", "flex", "Flexible hours", 35),
            _option("measures_wanted", "Measures?", "camps", "Camps", 0),  # nobody: left out
            _option("commute_mode", "How do you travel?", "car", "Car", 80),  # not a need question
            HOUSEHOLD,
        ]
    )
    questions = [
        SimpleNamespace(code="critical_periods", kind="multiple", text=periods),
        SimpleNamespace(code="measures_wanted", kind="multiple", text="Measures?"),
    ]
    needs = summary.key_needs(report, questions)
    assert [(n["question"], n["title"]) for n in needs] == [
        ("critical_periods", periods),
        ("measures_wanted", "Measures?"),
    ]
    assert [(i["label"], i["percent"], i["count"]) for i in needs[0]["items"]] == [
        ("Summer", 40.0, 40),
        ("September", 30.0, 30),
        ("Christmas", 25.0, 25),
        ("Sickness", 20.0, 20),
        ("Closures", 15.0, 15),
    ]
    assert [i["label"] for i in needs[1]["items"]] == ["Flexible hours"]
    # Without the questions' texts, the option's label is the part after the question's.
    assert [i["label"] for i in summary.key_needs(report)[1]["items"]] == ["Flexible hours"]


def test_no_key_needs_when_nothing_qualifies():
    assert summary.key_needs(_report([HOUSEHOLD, _option("commute_mode", "T", "car", "Car", 80)])) == []
    assert summary.key_needs(_report([_option("measures_wanted", "M", "flex", "Flex", None)])) == []
    collecting = {**_report([]), "state": "collecting", "respondents": None, "variables": []}
    assert summary.key_needs(collecting) == []


def test_a_close_at_midnight_is_the_end_of_the_day_before():
    with timezone.override(ROME):
        midnight = datetime(2027, 1, 1, 0, 0, tzinfo=ROME)
        assert summary.closing_day(midnight) == (midnight.date() - timedelta(days=1), None)
        assert summary.closing_day(midnight.isoformat()) == (midnight.date() - timedelta(days=1), None)
        evening = datetime(2027, 1, 1, 18, 46, tzinfo=ROME)
        assert summary.closing_day(evening) == (evening.date(), evening.time())
        assert summary.release_day("2026-11-08T09:30:00+01:00") == date(2026, 11, 8)
        assert summary.closing_day(None) == (None, None) and summary.release_day(None) is None


# --- The page --------------------------------------------------------------------------------


def released_campaign(organization: Any, n: int = 30, *, closed: bool = True) -> Any:
    """The helpers' survey with a "measures wanted" question, answered `n` times (fixed shares:
    flexible hours 70%, smart working 50%, camps 30%), closed and released unless `closed` is False."""
    survey = make_survey(organization)
    Question.objects.create(
        section=survey.sections.order_by("order").last(),
        order=9,
        code="measures_wanted",
        kind="multiple",
        text_it="Misure utili",
        text_en="Useful measures",
        options=choices("flex", "smart", "camps", "none"),
    )
    campaign = make_campaign(organization, mode="open", survey=survey)
    for i in range(n):
        kids = "yes" if i % 3 else "no"
        answers: dict[str, Any] = {
            "kids": kids,
            "stress": 1 + i % 5,
            "minutes": 10 * (i % 7),
            "moments": {"am": "easy" if i % 2 else "hard", "pm": "hard" if i % 4 else "easy"},
            "idea": f"idea {i}",
        }
        if kids == "yes":
            answers["ages"] = ["0_2"] if i % 2 else ["3_5", "6_10"]
        wanted = (("flex", i % 10 < 7), ("smart", i % 2 == 0), ("camps", i % 10 < 3))
        if any(chosen for _option, chosen in wanted):  # no answer rather than an empty choice
            answers["measures_wanted"] = [option for option, chosen in wanted if chosen]
        answer(campaign, answers)
    return close(campaign) if closed else campaign


def _page(campaign: Any) -> str:
    return f"/questionari/campagne/{campaign.pk}/risultati/"


@pytest.mark.django_db
def test_the_referent_sees_the_key_needs_and_a_chart_beside_each_table(client, world, login):
    campaign = released_campaign(world.company)
    login(world.referent)
    html = client.get("/en" + _page(campaign)).content.decode()
    # kids, stress, ages (one chart of its three options), minutes, two matrix rows, measures
    assert html.count('class="report-chart-svg"') == 7
    # a table per variable: kids, stress, 3 ages, minutes, 2 rows, 4 measures
    assert html.count("<table") == 12
    assert ' style="' not in html and "<style" not in html
    assert "Key needs" in html and "Useful measures" in html
    needs = html[html.index("Key needs") : html.index("report-need-list") + 600]
    # "camps" (9) is hidden: the options share their 6 "no answer", which "flex" hides beside its 3 "no"
    assert needs.index("FLEX") < needs.index("SMART") and "CAMPS" not in needs
    assert "70.0% (21 people)" in html and "30 people answered" in html
    assert "idea 1" not in html  # free text: alliance side only
    assert 'name="filter"' not in html and 'name="breakdown"' in html


@pytest.mark.django_db
def test_the_page_in_italian(client, world, login):
    campaign = released_campaign(world.company)
    login(world.referent)
    html = client.get(_page(campaign), {"breakdown": "kids"}).content.decode()
    assert '<html lang="it">' in html
    assert html.count('class="report-chart-svg"') == 6  # kids is the breakdown
    assert "70,0%" in html  # the Italian decimal comma, in the summary and the charts


@pytest.mark.django_db
def test_a_breakdown_gives_grouped_charts_with_the_groups_named(client, world, login):
    campaign = released_campaign(world.company)
    login(world.referent)
    html = client.get("/en" + _page(campaign), {"breakdown": "kids"}).content.decode()
    start = html.index('class="report-chart-svg"')
    first_chart = html[start : html.index("</svg>", start)]
    assert ">YES<" in first_chart and ">NO<" in first_chart  # the legend names the groups


@pytest.mark.django_db
def test_while_collecting_the_page_says_when_results_come(client, world, login):
    campaign = released_campaign(world.company, n=12, closed=False)
    login(world.referent)
    html = client.get("/en" + _page(campaign)).content.decode()
    assert "Results are published once" in html and "At least 10 responses so far." in html
    day = timezone.localtime(campaign.closes_at).strftime("%-d %B %Y")
    assert f"closes on {day}" in html or "closes at the end of" in html
    assert "report-chart-svg" not in html and "<table" not in html and "Key needs" not in html


@pytest.mark.django_db
def test_a_breakdown_by_a_required_question_shows_no_empty_no_answer_group(client, world, login):
    campaign = released_campaign(world.company)
    login(world.referent)
    html = client.get("/en" + _page(campaign), {"breakdown": "kids"}).content.decode()
    assert "No answer (0)" not in html and "<table" in html
