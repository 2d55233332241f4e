"""XLSX: the CSV's table with types, prints on A4 landscape, and no text can become a formula."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from sengen.renderers import render
from sengen.renderers.rows import HEADER

from .helpers import HOSTILE, hostile_doc, seed_target_count


def _sheet(doc):
    return load_workbook(io.BytesIO(render(doc, "xlsx"))).active


def test_xlsx_opens_with_header_and_one_row_per_target(seed):
    ws = _sheet(seed)
    assert [c.value for c in ws[1]] == list(HEADER)
    assert ws.max_row == 1 + seed_target_count(seed)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"


def test_xlsx_prints_on_a4_landscape_fit_to_width_with_header_repeated(seed):
    ws = _sheet(seed)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4 in SpreadsheetML
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$1:$1"


def test_xlsx_document_title_is_the_official_title(seed):
    wb = load_workbook(io.BytesIO(render(seed, "xlsx")))
    assert wb.properties.title == "平成29年度 市民生活部長の目標宣言 達成状況報告"


def test_xlsx_keeps_numbers_as_numbers_and_text_wrapped(seed):
    ws = _sheet(seed)
    col = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["実績値"]).value == 11820)
    assert ws.cell(row, col["目標値"]).value == 12000
    assert ws.cell(row, col["達成率（実績÷目標）"]).value == pytest.approx(0.985)
    assert ws.cell(row, col["達成率（実績÷目標）"]).number_format == "0.0%"
    assert ws.cell(row, col["取組内容"]).alignment.wrap_text is True
    assert ws.column_dimensions["I"].width > 20  # 取組内容 is not squeezed to the default


def test_xlsx_has_the_same_cells_as_the_csv(seed):
    """One flat table, two files: they must never disagree (text as written, numbers as numbers)."""
    table = list(csv.reader(io.StringIO(render(seed, "csv").decode("utf-8-sig"), newline="")))
    ws = _sheet(seed)
    for r, csv_row in enumerate(table, start=1):
        xlsx_row = ["" if c.value is None else str(c.value) for c in ws[r]]
        assert xlsx_row == csv_row


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_xlsx_stores_formula_looking_text_as_strings(name):
    payload = HOSTILE[name]
    data = render(hostile_doc(payload), "xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(r, col["達成目標"])
        assert cell.data_type == "s"
        # Stored as written, not prefixed (an XML reader turns a raw CR into LF).
        assert cell.value == payload.replace("\r", "\n")
        if payload[0] in "=+-@\t\r":
            assert cell.quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml  # no formula element anywhere in the sheet


def test_xlsx_survives_hostile_department_name_as_sheet_title():
    ws = _sheet(hostile_doc("[部]/:*?\\" + "長" * 40))
    assert len(ws.title) <= 31
    assert not set("[]/:*?\\") & set(ws.title)
