"""Charts of a survey report: a horizontal bar chart beside each table, drawn on the server.

The figures are those of the report dictionary (`report.build_report`) and nothing else: a
hidden figure is drawn as the word "hidden" where its bar would be, never as a bar of 0.

How the page is laid out (`report_sections`): the report's variables are grouped by question.
A single-choice, scale or number question has one chart; a matrix has one per row; a
multiple-choice question has one chart of the share of respondents who chose each option (its
variables, one per option, are "chosen / not chosen / no answer" lines that read badly as
charts of their own), beside the option's tables. "No answer" is always the last bar.

Drawing: altair builds a Vega-Lite spec and vl-convert renders it to SVG, in this process, with
no script in the page. The SVG is inlined in the page, so it is subject to the page's CSP
(no inline style): `clean_svg` re-writes it through an XML parser keeping only a list of
elements and presentation attributes, turning any `style="…"` into attributes and dropping
`<style>` elements, scripts, links and event handlers. Charts only repeat the tables beside them,
so they are `aria-hidden`.

Speed: vl-convert takes about 2 ms per text it draws (30–60 ms a chart; threads do not help,
it has one worker), so rendered charts are kept in Django's cache under a hash of what they
draw; a report is published once and never changes, so a page's charts are drawn once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

NONE = "_none"  # the "no answer" category of every variable (report.NONE)
CHOSEN = "yes"  # the "chosen" category of a multiple-choice option

CHART_VERSION = "3"  # part of the cache key: change it when the drawing changes
CACHE_SECONDS = 30 * 24 * 3600

# Drawing sizes in px; the SVG scales to its column with CSS (width 100%, same ratio).
WIDTH = 360
LABEL_WIDTH = 150  # left of the bars, for the answers' labels
VALUE_WIDTH = 64  # right of the bars, for "100,0%" or "hidden"
LABEL_CHARS = 19  # a line of a label, wrapped (about 140 px at 14 px)
LABEL_LINES = 3
LINE_HEIGHT = 16
FONT = "Titillium Web"
FONT_SIZE = 14
TEXT_COLOR = "#1a1a1a"
MUTED_COLOR = "#5c6f82"
BAR_COLOR = "#0066cc"
NONE_COLOR = "#8c9bab"
# Okabe–Ito colours (told apart with the common colour blindnesses), for breakdown groups.
GROUP_COLORS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7a5c00", "#332288"]


class QuestionLike(Protocol):
    code: str
    kind: str
    text: str


# --- What each chart draws -----------------------------------------------------------------


def wrap_label(label: str) -> str:
    """The label in lines of at most LABEL_CHARS characters (LABEL_LINES at most, then "…")."""
    lines = textwrap.wrap(str(label), LABEL_CHARS, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) > LABEL_LINES:
        lines = [
            *lines[: LABEL_LINES - 1],
            textwrap.shorten(" ".join(lines[LABEL_LINES - 1 :]), LABEL_CHARS, placeholder="…"),
        ]
    return "\n".join(lines)


def percent_text(percent: float | None) -> str:
    """A percentage as the tables write it (the language's decimal mark), or "hidden"."""
    if percent is None:
        return _("hidden")
    return number_format(percent, decimal_pos=1) + "%"


def _row(label: str, percent: float | None, *, none: bool, group: str = "") -> dict[str, Any]:
    return {
        "label": wrap_label(label),
        "percent": percent,
        "text": percent_text(percent),
        "hidden": percent is None,
        "none": none,
        "group": group,
    }


def _none_last(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(categories, key=lambda item: item["value"] == NONE)


def variable_figure(variable: dict[str, Any], groups: list[dict[str, Any]]) -> dict[str, Any]:
    """What the chart of one variable draws: a bar per answer, or per answer and group."""
    rows = []
    for item in _none_last(variable["categories"]):
        if groups:
            for group in groups:
                cell = item["by"].get(group["value"], {})
                rows.append(_row(item["label"], cell.get("percent"), none=item["value"] == NONE, group=group["label"]))
        else:
            rows.append(_row(item["label"], item["percent"], none=item["value"] == NONE))
    return {"rows": rows, **_groups(groups)}


def options_figure(
    variables: list[dict[str, Any]], captions: list[str], groups: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the chart of a multiple-choice question draws: the "chosen" share of each option,
    then the question's "no answer" (as the first option's line publishes it)."""
    lines: list[tuple[str, dict[str, Any], bool]] = []
    for variable, caption in zip(variables, captions, strict=True):
        chosen = next((c for c in variable["categories"] if c["value"] == CHOSEN), None)
        if chosen is not None:
            lines.append((caption, chosen, False))
    first_none = next((c for c in variables[0]["categories"] if c["value"] == NONE), None) if variables else None
    if first_none is not None:
        lines.append((first_none["label"], first_none, True))
    rows = []
    for label, item, none in lines:
        if groups:
            for group in groups:
                cell = item["by"].get(group["value"], {})
                rows.append(_row(label, cell.get("percent"), none=none, group=group["label"]))
        else:
            rows.append(_row(label, item["percent"], none=none))
    return {"rows": rows, **_groups(groups)}


def _groups(groups: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The groups' labels and colours ("no answer" in grey)."""
    colors = [NONE_COLOR if g["value"] == NONE else GROUP_COLORS[i % len(GROUP_COLORS)] for i, g in enumerate(groups)]
    return {"groups": [g["label"] for g in groups], "colors": colors}


def chart_groups(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The breakdown's groups a chart draws: every one but the empty (nobody in it)."""
    breakdown = report.get("breakdown")
    if not breakdown:
        return []
    return [group for group in breakdown["categories"] if group["count"] != 0]


# --- Vega-Lite spec, SVG and its cleaning --------------------------------------------------


@functools.lru_cache(maxsize=32)
def _template(groups: int, none_last: bool) -> str:
    """The Vega-Lite spec (JSON) of every chart with this many groups, made by altair once per
    process: altair takes about 0.1 s a chart, so what varies from chart to chart (the data, the
    height, the paddings, the longest bar, the groups' names) is left to `chart_spec` to fill in,
    as named datasets, top-level sizes and parameters."""
    import altair as alt

    keys = [f"{i:02d}" for i in range(groups)]
    xmax = alt.param(name="xmax", value=1)
    inner = alt.param(name="inner", value=0.2)
    legend_y = alt.param(name="legendY", value=0)
    names = alt.param(name="groupNames", value=[])
    y = alt.Y("answer:N", axis=None, scale=alt.Scale(paddingInner=alt.ExprRef(expr="inner"), paddingOuter=0.1))
    x = alt.X("percent:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(expr="xmax"), nice=False))
    offset = {"yOffset": alt.YOffset("group:N", scale=alt.Scale(domain=keys, paddingInner=0.1))} if groups else {}
    if groups:
        colors = [GROUP_COLORS[i % len(GROUP_COLORS)] for i in range(groups)]
        if none_last:
            colors[-1] = NONE_COLOR
        color = alt.Color(
            "group:N",
            scale=alt.Scale(domain=keys, range=colors),
            legend=alt.Legend(
                title=None,
                orient="none",
                legendX=-LABEL_WIDTH,
                legendY=alt.ExprRef(expr="legendY"),
                direction="vertical",
                labelExpr="groupNames[toNumber(datum.value)]",
                labelLimit=WIDTH - 30,
                labelFontSize=FONT_SIZE,
                symbolType="square",
            ),
        )
    else:
        color = alt.Color("none:N", scale=alt.Scale(domain=[False, True], range=[BAR_COLOR, NONE_COLOR]), legend=None)
    rows = alt.Chart(alt.NamedData("rows")).encode(y=y)
    bars = rows.mark_bar().encode(x=x, color=color, **offset).transform_filter("!datum.hidden")
    values = (
        rows.mark_text(align="left", baseline="middle", dx=4, fontSize=FONT_SIZE - 1, color=TEXT_COLOR)
        .encode(x=x, text="text:N", **offset)
        .transform_filter("!datum.hidden")
    )
    hidden = (
        rows.mark_text(
            align="left", baseline="middle", dx=2, fontSize=FONT_SIZE - 1, fontStyle="italic", color=MUTED_COLOR
        )
        .encode(x=alt.datum(0), text="text:N", **offset)
        .transform_filter("datum.hidden")
    )
    # A label of n lines starts (n - 1) half-lines higher, so that it is centred on its bars.
    labels = [
        alt.Chart(alt.NamedData("labels"))
        .mark_text(
            align="right",
            baseline="middle",
            dx=-8,
            dy=-(lines - 1) * LINE_HEIGHT / 2,
            lineBreak="\n",
            lineHeight=LINE_HEIGHT,
            fontSize=FONT_SIZE,
            color=TEXT_COLOR,
        )
        .encode(y=y, x=alt.datum(0), text="label:N")
        .transform_filter(f"datum.lines == {lines}")
        for lines in range(1, LABEL_LINES + 1)
    ]
    chart = (
        alt.layer(bars, values, hidden, *labels)
        .add_params(xmax, inner, legend_y, names)
        .properties(width=WIDTH - LABEL_WIDTH - VALUE_WIDTH, height=100, autosize=alt.AutoSizeParams(type="none"))
        .configure(font=FONT, background="transparent")
        .configure_view(stroke=None)
    )
    return json.dumps(chart.to_dict(validate=False))


@functools.lru_cache(maxsize=32)
def _vega_template(groups: int, none_last: bool) -> str:
    """The same spec compiled to Vega (JSON) once: compiling takes vl-convert about a third of
    the time of a chart, and the compiled spec keeps the datasets' and parameters' names."""
    import vl_convert

    spec = json.loads(_template(groups, none_last))
    spec["datasets"] = {"rows": [], "labels": []}
    return json.dumps(vl_convert.vegalite_to_vega(spec))


def _shape_and_values(figure: dict[str, Any]) -> tuple[tuple[int, bool], dict[str, Any]]:
    """Which template a figure uses, and what it fills in: datasets, sizes and parameters."""
    rows = figure["rows"]
    groups = figure["groups"]
    answers = list(dict.fromkeys(row["label"] for row in rows))
    position = {label: f"{i:03d}" for i, label in enumerate(answers)}
    data = [
        {**row, "answer": position[row["label"]], "group": f"{groups.index(row['group']):02d}" if groups else ""}
        for row in rows
    ]
    labels = [{"answer": position[label], "label": label, "lines": label.count("\n") + 1} for label in answers]
    block = len(groups) * 16 if groups else 22  # the height of the bars of one answer
    step = max(block + 10, max((item["lines"] for item in labels), default=1) * LINE_HEIGHT + 10)
    legend_height = len(groups) * 18 + 4 if groups else 0
    none_last = bool(groups) and figure.get("colors", [None])[-1] == NONE_COLOR
    values = {
        "datasets": {"rows": data, "labels": labels},
        "height": step * len(answers),
        "padding": {"left": LABEL_WIDTH, "right": VALUE_WIDTH, "top": 4 + legend_height, "bottom": 4},
        "params": {
            "xmax": max([1, *(row["percent"] or 0 for row in rows)]),
            "inner": 1 - block / step,
            "legendY": -legend_height,
            "groupNames": groups,
        },
    }
    return (len(groups), none_last), values


def chart_spec(figure: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec of a figure: bars on a fixed drawing size, the answers' labels left of
    them, the value or "hidden" right of each bar; with groups, a bar per group and a legend."""
    shape, values = _shape_and_values(figure)
    spec = json.loads(_template(*shape))
    spec["datasets"] = values["datasets"]
    spec["height"] = values["height"]
    spec["padding"] = values["padding"]
    for param in spec["params"]:
        param["value"] = values["params"][param["name"]]
    return spec


def vega_spec(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure's spec compiled to Vega: the same drawing as `chart_spec` (tested), faster."""
    shape, values = _shape_and_values(figure)
    spec = json.loads(_vega_template(*shape))
    for dataset in spec["data"]:
        if dataset.get("name") in values["datasets"]:
            dataset["values"] = values["datasets"][dataset["name"]]
    for signal in spec["signals"]:
        if signal["name"] in values["params"]:
            signal["value"] = values["params"][signal["name"]]
    spec["height"] = values["height"]
    spec["padding"] = values["padding"]
    return spec


SVG_NS = "http://www.w3.org/2000/svg"
ALLOWED_ELEMENTS = {"svg", "g", "path", "rect", "line", "circle", "text", "tspan"}
ALLOWED_ATTRIBUTES = {
    "x", "y", "x1", "x2", "y1", "y2", "dx", "dy", "cx", "cy", "r", "width", "height", "viewBox", "d",
    "transform", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "stroke-miterlimit", "stroke-linecap", "stroke-linejoin", "opacity", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor", "dominant-baseline", "display",
}  # fmt: skip


LONG_DECIMALS = re.compile(r"(\d\.\d\d)\d+")  # hundredths of a pixel are plenty (a third of the size)


def _safe_value(value: str) -> bool:
    lowered = value.lower()
    return not any(bad in lowered for bad in ("url(", "expression", "javascript:", "<", ">", "\\"))


def clean_svg(svg: str) -> str:
    """The SVG with only drawing elements and presentation attributes: no style attribute or
    element (the CSP forbids inline styles), no script, link, event handler or ARIA of its own.

    A `style` declaration of an allowed property becomes the attribute of the same name."""
    root = ET.fromstring(svg)  # noqa: S314 - vl-convert's output, re-serialised through a whitelist

    def clean(element: ET.Element) -> None:
        style = element.attrib.get("style", "")
        attributes = dict(element.attrib)
        for declaration in style.split(";"):
            name, sep, value = declaration.partition(":")
            if sep and name.strip() in ALLOWED_ATTRIBUTES:
                attributes.setdefault(name.strip(), value.strip())
        element.attrib.clear()
        for name, value in attributes.items():
            if name in ALLOWED_ATTRIBUTES and _safe_value(value):
                element.set(name, LONG_DECIMALS.sub(r"\1", value))
        for child in list(element):
            tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if child.tag.startswith(f"{{{SVG_NS}}}") and tag in ALLOWED_ELEMENTS:
                clean(child)
            else:
                element.remove(child)

    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("not an SVG document")
    clean(root)
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    root.set("class", "report-chart-svg")
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")


_FONTS_LOCK = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    """Let vl-convert measure text in the page's font (Bootstrap Italia's Titillium Web)."""
    global _fonts_registered
    with _FONTS_LOCK:
        if _fonts_registered:
            return
        _fonts_registered = True
        try:
            folder = resources.files("bootstrap_italia_template") / "static" / "fonts" / "Titillium_Web"
        except ModuleNotFoundError:
            return
        if folder.is_dir():
            import vl_convert

            vl_convert.register_font_directory(str(folder))


def render_svg(spec: dict[str, Any], *, vega: bool = False) -> str:
    """A Vega-Lite (or, with `vega`, Vega) spec drawn by vl-convert and cleaned; no cache."""
    import vl_convert

    _register_fonts()
    return clean_svg(vl_convert.vega_to_svg(spec) if vega else vl_convert.vegalite_to_svg(spec))


def figure_key(figure: dict[str, Any]) -> str:
    """The cache key of a figure: a hash of everything its spec is made from."""
    payload = json.dumps([CHART_VERSION, WIDTH, figure], sort_keys=True, ensure_ascii=False)
    return "surveys:chart:" + hashlib.sha256(payload.encode()).hexdigest()


def render_figures(figures: list[dict[str, Any]]) -> list[SafeString]:
    """The figures' SVGs, from the cache or drawn now (and kept)."""
    keys = [figure_key(figure) for figure in figures]
    found = cache.get_many(keys)
    drawn: dict[str, str] = {}
    for key, figure in zip(keys, figures, strict=True):
        if key not in found and key not in drawn:
            drawn[key] = render_svg(vega_spec(figure), vega=True)
    if drawn:
        cache.set_many(drawn, timeout=CACHE_SECONDS)
    # Safe: clean_svg re-serialised it from a parsed tree of whitelisted elements and attributes.
    return [mark_safe({**found, **drawn}[key]) for key in keys]  # noqa: S308


# --- The page's sections -------------------------------------------------------------------


@dataclass
class Item:
    """A chart and the tables it repeats (`variables`, each with a `caption`)."""

    figure: dict[str, Any]
    variables: list[dict[str, Any]]
    note: str
    chart: SafeString | None = None


@dataclass
class Section:
    """The charts and tables of one question, under its text."""

    question: str
    title: str
    items: list[Item] = field(default_factory=list)


def part_label(label: str, title: str) -> str:
    """The part of a variable's label after its question's text ("Question — row": "row")."""
    prefix = f"{title} — "
    return label[len(prefix) :] if title and label.startswith(prefix) else label


def report_sections(
    report: dict[str, Any], questions: list[QuestionLike] | None = None, *, draw: bool = True
) -> list[Section]:
    """The report's variables grouped by question, each with its charts (drawn when `draw`)."""
    by_code = {q.code: q for q in questions or []}
    groups = chart_groups(report)
    note = _("Share of each group (%)") if groups else _("Share of respondents (%)")
    sections: list[Section] = []
    for variable in report.get("variables") or []:
        code = variable.get("question") or variable["variable"]
        if not sections or sections[-1].question != code:
            question = by_code.get(code)
            sections.append(Section(question=code, title=question.text if question else variable["label"]))
        section = sections[-1]
        question = by_code.get(code)
        kind = variable.get("kind") or (question.kind if question else "")
        caption = part_label(variable["label"], section.title)
        entry = {**variable, "caption": caption}
        if kind == "multiple":
            if not section.items:
                chosen_note = (
                    _("Share of each group who chose each answer (%)")
                    if groups
                    else _("Share of respondents who chose each answer (%)")
                )
                section.items.append(Item(figure={}, variables=[], note=chosen_note))
            section.items[0].variables.append(entry)
        else:
            section.items.append(Item(figure=variable_figure(variable, groups), variables=[entry], note=note))
    for section in sections:
        for item in section.items:
            if not item.figure:
                item.figure = options_figure(item.variables, [v["caption"] for v in item.variables], groups)
    if draw:
        items = [item for section in sections for item in section.items]
        for item, svg in zip(items, render_figures([item.figure for item in items]), strict=True):
            item.chart = svg
    return sections
