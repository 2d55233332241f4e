"""XLSX: the official table first, the CSV's table with types second (データ); both print on A4
landscape, and no text can become a formula."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Side

from sengen.renderers import render
from sengen.renderers.rows import HEADER

from .helpers import HOSTILE, hostile_doc, seed_target_count


def _sheet(doc):
    """The open-data sheet (the CSV's table)."""
    return load_workbook(io.BytesIO(render(doc, "xlsx")))["データ"]


def _report(doc):
    """The first sheet: the official table."""
    return load_workbook(io.BytesIO(render(doc, "xlsx"))).worksheets[0]


def test_xlsx_first_sheet_is_the_official_table_and_the_second_the_data(seed):
    wb = load_workbook(io.BytesIO(render(seed, "xlsx")))
    assert wb.sheetnames == ["市民生活部", "データ"]
    assert wb.active.title == "市民生活部"  # what Excel opens on


def test_official_sheet_has_title_director_header_and_one_row_per_initiative(seed):
    ws = _report(seed)
    assert ws["A1"].value == "平成29年度 市民生活部長の目標宣言 達成状況報告"
    assert ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value == "市民生活部長 竹内 克則"
    assert ws["A2"].alignment.horizontal == "right"
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:F1", "A2:F2"}
    assert [c.value for c in ws[3]] == ["No.", "取組名\n（担当課名）", "取組内容", "達成目標",
                                        "取組結果\n［今後の取組の方向性］", "目標達成状況"]
    assert ws.max_row == 3 + len(seed["initiatives"])
    assert [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)] == [1, 2, 3, 4, 5]


def test_official_sheet_cells_hold_bullets_as_lines_and_the_future_direction_in_the_results(seed):
    ws = _report(seed)
    first = seed["initiatives"][0]
    assert ws["B4"].value == "地域コミュニティの推進\n\n（市民協働課）"
    assert ws["C4"].value == "・" + first["content"][0]
    targets = ws["D5"].value.split("\n")
    assert targets == ["・" + t["text"] for t in seed["initiatives"][1]["targets"]]
    results = ws["E4"].value.split("\n")
    assert results == ["・" + first["results"][0], "［今後の取組の方向性］", "・" + first["future_direction"][0]]
    for cell in ws[4][1:]:
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert cell.border.left.style == "thin"


def test_official_sheet_prints_on_a4_landscape_with_the_header_on_every_page(seed):
    ws = _report(seed)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"


def test_official_sheet_columns_are_as_wide_as_the_pdfs(seed):
    from sengen.renderers.html_doc import REPORT_COLUMNS

    ws = _report(seed)
    widths = [ws.column_dimensions[c].width for c in "ABCDEF"]
    shares = [w / sum(widths) for w in widths]
    for share, (_, _, percent) in zip(shares, REPORT_COLUMNS, strict=True):
        assert share == pytest.approx(percent / 100, abs=0.01)


def test_official_sheet_rows_are_as_high_as_their_text_needs(seed):
    """Excel does not fit rows to their text when it opens a file: heights are set, the row
    with the most text is the highest, and none is above Excel's limit of 409 pt."""
    ws = _report(seed)
    heights = {r: ws.row_dimensions[r].height for r in range(4, 9)}
    assert all(h and 30 <= h <= 409 for h in heights.values()), heights
    assert max(heights, key=heights.get) == 4 + 3  # No. 4 has the most text in one cell


def test_an_initiative_too_long_for_one_row_goes_on_in_the_rows_below_and_reads_back(seed):
    from sengen.core.report import normalise
    from sengen.parsers import parse_bytes

    seed["initiatives"][2]["results"] = [f"{i}回目：" + seed["initiatives"][2]["results"][0] for i in range(30)]
    data = render(seed, "xlsx")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    merged = next(m for m in ws.merged_cells.ranges if m.min_row == 6 and m.min_col == 1)
    rows_of_no3 = range(6, merged.max_row + 1)
    assert len(rows_of_no3) > 1 and ws.cell(6, 1).value == 3  # No. 3 goes on below, its No. merged down
    assert ws.cell(merged.max_row + 1, 1).value == 4
    for r in rows_of_no3[1:]:
        assert ws.cell(r, 5).value.startswith(("・", "［"))  # the results go on, whole bullets per row
        assert not (ws.cell(r - 1, 5).border.bottom or Side()).style and not (ws.cell(r, 5).border.top or Side()).style
    assert all(ws.row_dimensions[r].height <= 409 for r in rows_of_no3)
    assert parse_bytes(data, source="long.xlsx") == normalise(seed)


def test_a_declarations_official_sheet_has_four_columns(seed):
    seed["document"] = "declaration"
    ws = _report(seed)
    assert ws.max_column == 4
    assert [c.value for c in ws[3]][-1] == "達成目標"


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
    ws = load_workbook(io.BytesIO(data))["データ"]
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(r, col["達成目標"])
        assert cell.data_type == "s"
        # Stored as written, not prefixed (an XML reader turns a raw CR into LF).
        assert cell.value == payload.replace("\r", "\n")
        if payload[0] in "=+-@\t\r":
            assert cell.quotePrefix
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 2
    for name in sheets:
        assert b"<f>" not in archive.read(name)  # no formula element anywhere in either sheet
    report = load_workbook(io.BytesIO(data)).worksheets[0]
    title_cell = report.cell(4, 2)
    assert title_cell.data_type == "s" and title_cell.value.startswith(payload.replace("\r", "\n"))


def test_xlsx_survives_hostile_department_name_as_sheet_title():
    ws = _report(hostile_doc("[部]/:*?\\" + "長" * 40))
    assert len(ws.title) <= 31
    assert not set("[]/:*?\\") & set(ws.title)


def test_a_department_called_data_does_not_take_the_data_sheets_name(seed):
    seed["department"] = "データ"
    wb = load_workbook(io.BytesIO(render(seed, "xlsx")))
    assert wb.sheetnames == ["報告", "データ"]
