"""Hostile text stored through services.report_import comes out as text: on every public page,
in every download format, and in the renderers' output (html, pdf, xlsx, csv).

A city imports PDFs and spreadsheets other people wrote, so report text is untrusted input:
script tags, attribute breakers, markup that closes the table, right-to-left overrides, a
10,000-character line and spreadsheet formulas must all be shown exactly as written and never
act as markup or formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sengen.declarations.selectors import report_document
from sengen.declarations.services.imports import report_import
from sengen.renderers import render
from sengen.renderers.csv_doc import FORMULA_TRIGGERS

from .conftest import ATTRIBUTE_BREAKER, FORMULA, LONG_LINE, RTL, SCRIPT
from .html_check import assert_inert

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(hostile_doc):
    declaration = report_import(doc=hostile_doc).declaration
    return declaration, report_document(declaration=declaration)


def public_pages(client, doc) -> dict[str, str]:
    department = doc["department"]
    urls = {
        "index": reverse("portal:index"),
        "year": reverse("portal:year", args=[2017]),
        "report": reverse("portal:report", args=[2017, department]),
        "initiative": reverse("portal:initiative", args=[2017, department, doc["initiatives"][0]["number"]]),
        "search": reverse("portal:search") + "?q=地域",
        "search-reflected": reverse("portal:search") + "?q=" + SCRIPT,
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        pages[name] = response.content.decode()
    return pages


def test_what_was_stored_is_exactly_what_was_written(stored, hostile_doc):
    _, doc = stored
    first = doc["initiatives"][0]
    assert doc["department"] == hostile_doc["department"]
    assert first["content"] == hostile_doc["initiatives"][0]["content"]
    assert LONG_LINE in first["content"] and RTL in first["content"]


def test_every_public_page_shows_hostile_text_as_text(client, stored):
    _, doc = stored
    pages = public_pages(client, doc)
    for name, html in pages.items():
        page = assert_inert(html)
        assert "<script>alert" not in html, name
        assert page.tags, name
    report = assert_inert(pages["report"])
    for text in (SCRIPT, ATTRIBUTE_BREAKER, RTL, LONG_LINE, "</td></tr></table><h1>偽の見出し</h1>"):
        assert text in report.text
    assert SCRIPT in assert_inert(pages["initiative"]).text
    assert SCRIPT in assert_inert(pages["search-reflected"]).text


def test_the_table_is_not_closed_early_by_report_text(client, stored):
    _, doc = stored
    html = public_pages(client, doc)["report"]
    page = assert_inert(html)
    headings = [attrs for tag, attrs in page.tags if tag == "h1"]
    assert len(headings) == 1  # the page's own; the report's "<h1>偽の見出し</h1>" stayed text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_download_of_the_public_page_keeps_the_text_inert(client, stored, fmt):
    _, doc = stored
    url = reverse("portal:download", args=[2017, doc["department"], fmt])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    if fmt == "csv":
        assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")  # never sniffed as HTML
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_html_renderer_escapes_everything(stored):
    _, doc = stored
    html = render(doc, "html").decode()
    page = assert_inert(html)
    assert "<script>alert" not in html
    for text in (SCRIPT, ATTRIBUTE_BREAKER, RTL, LONG_LINE, FORMULA):
        assert text in page.text


def test_the_csv_neutralises_formulas_and_keeps_the_text(stored):
    _, doc = stored
    data = render(doc, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert any(c.startswith("'" + FORMULA) for c in cells)
    joined = "\n".join(cells)
    assert SCRIPT in joined and LONG_LINE in joined and RTL in joined


def test_the_xlsx_has_no_formula_cells_and_keeps_the_text(stored):
    from openpyxl import load_workbook

    _, doc = stored
    book = load_workbook(io.BytesIO(render(doc, "xlsx")))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    joined = "\n".join(texts)
    assert FORMULA in joined and SCRIPT in joined and RTL in joined


@pytest.mark.pdf
def test_the_pdf_shows_the_text_and_carries_no_script_or_link(stored):
    from pypdf import PdfReader

    _, doc = stored
    data = render(doc, "pdf")
    assert b"/JavaScript" not in data and b"/JS " not in data and b"/URI" not in data
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "<script>" in text and "alert" in text


def test_the_charts_drawn_from_report_text_are_inert(client, hostile_doc):
    """Charts are inline SVG (inserted unescaped into the page): their titles and labels come
    from report text, which matplotlib must have escaped."""
    from tests.portal.reports import next_year

    hostile_doc["initiatives"][1]["targets"][1]["text"] = f"登録目標{SCRIPT}{ATTRIBUTE_BREAKER}：１２,０００人"
    report_import(doc=hostile_doc)
    later = next_year(hostile_doc, actual=13210)
    later["initiatives"][1]["targets"][1]["text"] = f"登録目標{SCRIPT}{ATTRIBUTE_BREAKER}：１３,０００人"
    report_import(doc=later)
    url = reverse("portal:initiative", args=[2018, hostile_doc["department"], 2])
    html = client.get(url).content.decode()
    page = assert_inert(html)
    assert any(tag == "svg" for tag, _ in page.tags), "no chart was drawn"
    assert "<script>alert" not in html
    assert not [tag for tag, _ in page.tags if tag in ("img", "script")]
