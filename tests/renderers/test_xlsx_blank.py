"""The blank workbook is the form a department fills: its header as the form prints it, drop-down
lists for grades and directions, print set-up, and instructions; the form's text stays data."""

import io

import pytest
from openpyxl import load_workbook

from sengen.core.forms import form_from_dict, preset_definition, presets
from sengen.renderers.xlsx_blank import (
    CATEGORY_LABEL,
    FUTURE_DIRECTION_CATEGORIES,
    HELP_SHEET,
    LISTS_SHEET,
    blank_workbook,
)


def _open(form, kind, **kw):
    return load_workbook(io.BytesIO(blank_workbook(form, kind, **kw)))


def _header(ws):
    """The header row: the first row whose cells are the form's column labels (bold, shaded)."""
    for row in ws.iter_rows(min_row=1, max_row=40):
        cells = [c for c in row if c.value is not None]
        if len(cells) >= 2 and all(c.font.bold for c in cells) and row[0].fill.fgColor.rgb.endswith("D9D9D9"):
            return row[0].row, [c.value for c in row if c.value is not None]
    raise AssertionError("no header row")


def _validations(ws):
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_the_seeds_achievement_form_has_its_header_title_and_numbered_rows():
    wb = _open(presets()["f1-isehara"], "achievement_report", municipality="伊勢原市",
               fiscal_year_label="令和7年度", unit="市民生活部", rows=5)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "令和7年度 市民生活部長の目標宣言 達成状況報告"
    assert ws["A2"].value == "市民生活部長 〇〇"  # the name is the department's to write
    row, labels = _header(ws)
    assert labels == ["N0.", "取組名\n（担当課名）", "取組内容", "達成目標", "取組結果\n［今後の取組の方向性］",
                      "目標達成状況", CATEGORY_LABEL]
    assert [ws.cell(row=r, column=1).value for r in range(row + 1, row + 6)] == [1, 2, 3, 4, 5]
    assert ws.cell(row=row + 6, column=1).value is None


def test_unknown_title_values_are_left_for_the_department_to_fill():
    ws = _open(presets()["f1-isehara"], "declaration").worksheets[0]
    assert ws["A1"].value == "〇〇 〇〇の目標宣言"
    assert ws["A1"].fill.fgColor.rgb.endswith("FFF9DB")


def test_grade_and_direction_cells_offer_the_forms_lists():
    wb = _open(presets()["f1-isehara"], "achievement_report", rows=3)
    ws, lists = wb.worksheets[0], wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    row, _ = _header(ws)
    direction = _validations(ws)[f"G{row + 1}:G{row + 3}"]
    assert direction.type == "list"
    assert direction.formula1 == f"'{LISTS_SHEET}'!$B$1:$B$7"
    assert tuple(lists[f"B{i}"].value for i in range(1, 8)) == FUTURE_DIRECTION_CATEGORIES

    wb = _open(presets()["f2-sengensha"], "achievement_report", rows=4)
    ws, lists = wb.worksheets[0], wb[LISTS_SHEET]
    row, labels = _header(ws)
    assert labels == ["No.", "重点目標", "目標の概要", "達成基準", "達成度"]
    grade = _validations(ws)[f"E{row + 1}:E{row + 4}"]
    assert (grade.type, grade.formula1) == ("list", f"'{LISTS_SHEET}'!$A$1:$A$4")
    assert [lists[f"A{i}"].value for i in range(1, 5)] == [
        "達成基準を上回る", "達成基準どおり", "達成基準をやや下回る", "達成基準を下回る"]


def test_every_other_column_explains_how_to_write_it():
    ws = _open(presets()["f1-isehara"], "achievement_report", rows=2).worksheets[0]
    row, _ = _header(ws)
    hints = _validations(ws)
    title = hints[f"B{row + 1}:B{row + 2}"]
    assert title.showInputMessage and "「（」「）」で囲んで" in title.prompt
    results = hints[f"E{row + 1}:E{row + 2}"]
    assert "「［今後の取組の方向性］」の行の下に" in results.prompt


def test_the_form_prints_on_a4_landscape_one_page_wide_with_its_header_on_every_page():
    ws = _open(presets()["f1-isehara"], "achievement_report").worksheets[0]
    row, _ = _header(ws)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${row}:${row}"
    assert ws.freeze_panes == f"A{row + 1}"
    # The direction category helps sengen, not the printed form: it stays outside the print area.
    assert ws.print_area.endswith(f"$A$1:$F${row + 10}")


def test_column_widths_follow_the_layouts_proportions():
    ws = _open(presets()["f1-isehara"], "achievement_report").worksheets[0]
    widths = [ws.column_dimensions[c].width for c in "ABCDEF"]
    assert widths[4] > widths[2] > widths[3] > widths[5] > widths[1] > widths[0]


def test_preamble_and_closing_blocks_are_printed_with_their_labels():
    ws = _open(presets()["f2-sengensha"], "declaration", fiscal_year_label="平成27年度").worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "■宣言者: 〇〇 〇〇" in texts
    assert texts.index("部の使命・方針") < texts.index("平成27年度重点目標") < texts.index("重点目標")
    ws = _open(presets()["f4-minamiashigara"], "declaration").worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "宣言日" in texts
    assert texts.index("課題達成の方策") < texts.index("組織目標を掲げるに当たって")


def test_the_instructions_sheet_speaks_japanese_and_names_every_column():
    wb = _open(presets()["f1-isehara"], "achievement_report")
    help_ = wb[HELP_SHEET]
    text = "\n".join(str(c.value) for row in help_.iter_rows() for c in row if c.value)
    for label in ("N0.", "取組名（担当課名）", "取組内容", "達成目標", "目標達成状況", CATEGORY_LABEL):
        assert label in text
    assert "記入方法" in text and "Alt+Enter" in text


@pytest.mark.parametrize("code", list(presets()))
def test_every_preset_and_document_gives_a_workbook(code):
    form = presets()[code]
    for kind in form.documents:
        wb = _open(form, kind)
        assert [ws.title for ws in wb.worksheets] == [wb.worksheets[0].title, LISTS_SHEET, HELP_SHEET]
        _, labels = _header(wb.worksheets[0])
        assert labels[:len(form.layouts[kind].columns)] == [c.label for c in form.layouts[kind].columns]


def test_a_document_the_form_does_not_have_is_refused():
    with pytest.raises(KeyError, match="declaration"):
        blank_workbook(presets()["f4-minamiashigara"], "achievement_report")


def test_labels_that_look_like_formulas_stay_text():
    data = preset_definition("f1-isehara")
    data["code"] = "hostile"
    data["name"] = "=HYPERLINK(\"http://x\")"
    data["layouts"]["declaration"]["title"] = "=1+1 {fiscal_year_label}"
    data["layouts"]["declaration"]["columns"][2]["label"] = "=SUM(A1:A9)"
    data["layouts"]["declaration"]["columns"].append({"label": "@cmd", "parts": ["extra"]})
    ws = _open(form_from_dict(data), "declaration", fiscal_year_label="=2+2").worksheets[0]
    assert ws["A1"].value == "=1+1 =2+2" and ws["A1"].data_type == "s"
    row, labels = _header(ws)
    assert "=SUM(A1:A9)" in labels and "@cmd" in labels
    for cell in ws[row]:
        assert cell.data_type in ("s", "n")


def test_the_direction_list_is_the_one_the_database_stores():
    from sengen.declarations.models import FutureDirection

    assert FUTURE_DIRECTION_CATEGORIES == tuple(FutureDirection.values)
