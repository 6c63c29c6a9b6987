"""Report downloads: the page's access rules, its figures and suppression, safe files."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.utils import translation
from openpyxl import load_workbook

from sinergie.surveys.exports import export_filename, report_rows
from sinergie.surveys.models import Question
from sinergie.surveys.report import MESSAGE_COLLECTING, MESSAGE_TOO_FEW, build_report, engine_for
from sinergie.surveys.services import K
from sinergie.surveys.tests.helpers import answer, close, make_campaign

pytestmark = pytest.mark.django_db


def it(message: str) -> str:
    """The text as the pages write it (Italian, the default language)."""
    with translation.override("it"):
        return translation.gettext(message)


MARKER = it("suppressed")
ALLOWED = {"referent": "company", "colleague": "company", "alliance_staff": "alliance", "admin": "alliance"}
PERSONAS = [
    "citizen",
    "stranger",
    "referent",
    "colleague",
    "other_referent",
    "provider_staff",
    "alliance_staff",
    "evaluator",
    "analyst",
    "admin",
]


def _filled(world, n=12, seed=1, organization=None, closed=True):
    """A campaign with `n` answers, closed and released unless `closed` is False."""
    campaign = make_campaign(organization or world.company, mode="open")
    rng = random.Random(seed)
    for index in range(n):
        kids = rng.choice(["yes", "no"])
        answers = {"kids": kids, "stress": rng.randint(1, 5), "idea": f"secret idea {index}"}
        if kids == "yes":
            answers["ages"] = ["0_2"]
        answer(campaign, answers)
    return close(campaign) if closed else campaign


def _url(campaign, fmt):
    return f"/questionari/campagne/{campaign.pk}/risultati/{fmt}/"


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_exports_follow_the_access_matrix_of_the_page(client, world, login, persona, fmt):
    campaign = _filled(world)
    login(getattr(world, persona))
    response = client.get(_url(campaign, fmt))
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/")
    assert response.status_code == page.status_code == (200 if persona in ALLOWED else 404)
    if persona in ALLOWED:
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert "no-store" in response["Cache-Control"]
        if fmt != "pdf":
            content = response.content.decode("utf-8-sig") if fmt == "csv" else str(_xlsx_rows(response))
            assert ("secret idea" in content) == (ALLOWED[persona] == "alliance")
        else:
            assert response.content.startswith(b"%PDF")


def test_anonymous_visitors_and_unknown_formats_get_404(client, world, login):
    campaign = _filled(world)
    assert client.get(_url(campaign, "csv")).status_code == 404
    login(world.referent)
    assert client.get(_url(campaign, "exe")).status_code == 404
    assert client.get("/questionari/campagne/999999/risultati/csv/").status_code == 404


def test_an_analyst_exports_an_alliance_campaign_without_its_free_text(client, world, login):
    campaign = _filled(world, organization=world.alliance_org)
    login(world.analyst)
    for fmt in ("csv", "xlsx"):
        response = client.get(_url(campaign, fmt))
        assert response.status_code == 200
        content = response.content.decode("utf-8-sig") if fmt == "csv" else str(_xlsx_rows(response))
        assert "secret idea" not in content
    login(world.alliance_staff)
    assert "secret idea" in client.get(_url(campaign, "csv")).content.decode("utf-8-sig")
    login(world.analyst)
    assert client.get(_url(_filled(world), "csv")).status_code == 404  # a company's campaign


@pytest.mark.parametrize(
    "params", [{}, {"breakdown": "kids"}, {"breakdown": "stress"}, {"breakdown": "minutes", "variable": "stress"}]
)
def test_csv_and_xlsx_hold_exactly_the_figures_of_the_api(client, world, login, params):
    campaign = _filled(world, n=17, seed=3)
    login(world.referent)
    api = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/report", params).json()
    assert api["state"] == "released"
    expected = []
    for variable in api["variables"]:
        for item in variable["categories"]:
            cells = [item["count"], item["percent"]]
            if api["breakdown"]:
                cells += [item["by"][c["value"]]["count"] for c in api["breakdown"]["categories"]]
            expected.append([MARKER if c is None else c for c in cells])
    assert expected, "the campaign has enough answers to report"
    assert any(MARKER in row for row in expected), "some cells must be hidden with 17 answers"
    for fmt, reader in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
        rows = reader(client.get(_url(campaign, fmt), params))
        header = next(i for i, row in enumerate(rows) if row[:2] == [it("Variable"), it("Question")])
        table = [row for row in rows[header + 1 :] if row and row[0] in {v["variable"] for v in api["variables"]}]
        got = [
            [c if fmt == "xlsx" or c == MARKER else float(c) for c in row[3 : 3 + len(e)]]
            for row, e in zip(table, expected, strict=True)
        ]
        assert got == [[c if c == MARKER else float(c) for c in e] for e in expected], fmt
        heads = [row[:2] for row in rows]
        assert [it("Respondents"), api["respondents"] if fmt == "xlsx" else str(api["respondents"])] in heads
        assert [it("Results released on"), api["released_at"][:10]] in heads
        # A suppressed figure is never written as a number anywhere in the file.
        for row, e in zip(table, expected, strict=True):
            for cell, want in zip(row[3:], e, strict=False):
                if want == MARKER:
                    assert cell == MARKER


def test_too_few_answers_export_only_the_message(client, world, login):
    campaign = _filled(world, n=K - 1)
    login(world.alliance_staff)
    rows = _csv_rows(client.get(_url(campaign, "csv")))
    flat = " ".join(" ".join(row) for row in rows)
    with translation.override("it"):
        too_few = str(MESSAGE_TOO_FEW % {"k": K})
    assert too_few in flat and "secret idea" not in flat
    assert [it("Respondents"), MARKER] in rows
    assert not any(row and row[0] == it("Variable") for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_open_campaign_exports_only_the_collecting_message(client, world, login, fmt):
    campaign = _filled(world, n=2 * K + 2, closed=False)
    login(world.alliance_staff)  # the side that would get free text
    reader = _csv_rows if fmt == "csv" else _xlsx_rows
    rows = reader(client.get(_url(campaign, fmt), {"breakdown": "kids"}))
    with translation.override("it"):
        collecting = str(MESSAGE_COLLECTING)
    heads = [row[:2] for row in rows]
    assert [it("Note"), collecting] in heads
    assert [it("Respondents"), MARKER] in heads and [it("Results released on"), it("not yet")] in heads
    assert not any(row and row[0] in (it("Variable"), "kids", "stress") for row in rows)
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "secret idea" not in flat and str(2 * K + 2) not in flat.split()


def test_an_open_campaign_exports_the_floored_count_of_answers_so_far(client, world, login):
    campaign = _filled(world, n=2 * K + 2, closed=False)
    login(world.referent)
    flat = " ".join(" ".join(row) for row in _csv_rows(client.get(_url(campaign, "csv"))))
    assert str(2 * K) in flat.split()


@pytest.mark.parametrize("closed", [True, False])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_filter_is_refused_and_falls_back_to_the_page_with_its_400(client, world, login, fmt, closed):
    campaign = _filled(world, n=12, closed=closed)
    login(world.referent)
    response = client.get(_url(campaign, fmt), {"filter": ["stress:1", "kids:yes"]})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert "“filter”" in text  # the page's message names the refused parameter
    assert "<table" not in text
    campaign.refresh_from_db()
    engine = engine_for(campaign)
    assert engine._oneway == {} and engine._tables == {} and engine._cubes == {}


@pytest.mark.parametrize(
    "params", [{"breakdown": "nope"}, {"variable": "nope"}, {"breakdown": "kids", "variable": "x"}]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_bad_parameters_get_the_page_with_its_message(client, world, login, params, fmt):
    campaign = _filled(world)
    login(world.referent)
    response = client.get(_url(campaign, fmt), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html") and "Content-Disposition" not in response


def test_labels_that_look_like_formulas_are_neutralised(client, world, login):
    campaign = make_campaign(world.company, mode="open")
    options = {"choices": [{"value": "yes", "it": '=HYPERLINK("http://x")'}, {"value": "no", "it": "@SUM(A1)"}]}
    Question.objects.filter(section__survey=campaign.survey, code="kids").update(options=options, text_it="-2+3")
    for index in range(10):
        answer(
            campaign,
            {"kids": "no" if index % 2 else "yes", "stress": 3, "ages": ["0_2"]}
            if index % 2 == 0
            else {"kids": "no", "stress": 3},
        )
    campaign.title = "=evil()/../x"
    campaign.save(update_fields=["title"])
    campaign = close(campaign)
    login(world.referent)
    for fmt, reader in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
        response = client.get(_url(campaign, fmt), {"variable": "kids"})
        assert response.status_code == 200
        cells = [c for row in reader(response) for c in row if isinstance(c, str)]
        assert cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells), fmt
        assert '\'=HYPERLINK("http://x")' in cells and "'-2+3" in cells
        name = response["Content-Disposition"].split("filename=", 1)[1].strip('"')
        assert name == f"risultati-{campaign.pk}-evilx.{fmt}"
    workbook = load_workbook(io.BytesIO(client.get(_url(campaign, "xlsx")).content))
    assert all(c.data_type != "f" for row in workbook.active.iter_rows() for c in row)


def test_file_names_are_safe(world):
    campaign = make_campaign(world.company)
    campaign.title = 'a"b\r\nContent-Type: x; ../../etc'
    assert export_filename(campaign, "csv") == f"risultati-{campaign.pk}-ab-content-type-x-etc.csv"
    campaign.title = "!!!"
    assert export_filename(campaign, "csv") == f"risultati-{campaign.pk}-campagna.csv"


def test_company_rows_never_carry_free_text(world):
    campaign = _filled(world)
    translation.activate("it")
    report = build_report(campaign, free_text=False)
    assert "secret idea" not in str(report_rows(campaign, report))
    report = build_report(campaign, free_text=True)
    assert "secret idea" in str(report_rows(campaign, report))


def test_the_page_links_to_the_downloads_with_its_parameters(client, world, login):
    campaign = _filled(world)
    login(world.referent)
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/", {"breakdown": "kids"}).content.decode()
    assert f"/questionari/campagne/{campaign.pk}/risultati/xlsx/?breakdown=kids" in page


@pytest.mark.parametrize("params", [{}, {"breakdown": "kids"}, {"breakdown": "stress", "variable": "kids"}])
def test_the_pdf_shows_the_cells_of_the_page(client, world, login, monkeypatch, params):
    """The PDF's HTML and the page's tables hold the same cells, the marker aside."""
    import re

    from django.template.loader import render_to_string

    from sinergie.surveys import export_views

    captured = {}

    def fake_pdf(template, context, filename, request=None):
        captured["html"] = render_to_string(template, context, request=request)
        return export_views.HttpResponse(b"%PDF-fake")

    monkeypatch.setattr(export_views, "pdf_response", fake_pdf)
    campaign = _filled(world, n=17, seed=3)
    login(world.referent)
    page = client.get(f"/questionari/campagne/{campaign.pk}/risultati/", params).content.decode()
    assert client.get(_url(campaign, "pdf"), params).status_code == 200

    def cells(html):
        tables = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
        return [re.sub(r"\s+", " ", c).strip() for t in tables for c in re.findall(r"<td[^>]*>(.*?)</td>", t, re.S)]

    on_page, in_pdf = cells(page), cells(captured["html"])
    assert on_page and on_page == [("–" if c == MARKER else c) for c in in_pdf]
    assert "–" in on_page
