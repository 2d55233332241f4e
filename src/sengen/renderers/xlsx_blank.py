"""The empty form a programme office sends to departments, as an Excel workbook.

Cities collect reports this way: 行政経営課 mails each department the form, the department fills it
in Excel, and the filled workbook comes back to be read (``sengen import``). So the blank is the
form as printed — the title line, the declarer line, the preamble blocks, the table's heading and
header row exactly as the form labels them — with what a department needs to fill it without
asking: the cells to fill shaded, a hint on each column saying what goes in it and how (・ per
item, the 「［今後の取組の方向性］」 line before the direction), drop-down lists for the grade (the
form's scale) and the interim level (its words), the future direction's category beside the table,
the header repeated on every printed page, and a 記入方法 sheet in plain Japanese.

The rows are one per item even when the form prints items as blocks (``Layout.arrangement``):
a table is what Excel fills and reads back best; the print arrangement is the renderers' business.

Every text from the form is data: written as a string cell (never a formula, whatever it starts
with), and the drop-down lists read cells of a hidden 選択肢 sheet rather than a comma-separated
literal that a label with a comma or quote would break.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from sengen.core.forms import Column, Form, Layout, PreambleBlock, scale_of
from sengen.core.workflow import DOCUMENT_NAMES

from .xlsx_doc import FONT, _set

# The future direction's categories, as declarations.models.FutureDirection stores them
# (tests/renderers/test_xlsx_blank.py keeps the two equal; renderers import nothing of Django).
FUTURE_DIRECTION_CATEGORIES = ("拡充", "継続", "改善", "統合", "縮小", "休止・廃止", "完了")
LISTS_SHEET = "選択肢"
HELP_SHEET = "記入方法"
CATEGORY_LABEL = "方向性の区分"
DEFAULT_ROWS = 10
MAX_ROWS = 100  # core.limits.MAX_INITIATIVES
TABLE_WIDTH = 160  # Excel character units shared by the form's columns, as xlsx_doc's table
ROW_PT = 96.0  # an empty item row: room for a few wrapped lines, as printed forms leave
PREAMBLE_PT = 72.0
MISSING = "〇〇"  # what a title prints where a value is not known yet, for the department to fill

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")  # pale yellow: "write here"
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")

# What each role asks of the person filling the cell, for the hints and the 記入方法 sheet.
ROLE_HINTS = {
    "number": "番号（1, 2, 3…）",
    "title": "取組の名前",
    "sections": "担当課の名前（複数は「、」で区切る）",
    "content": "取組の内容",
    "targets": "達成目標（数値目標は「１２,０００人」「７０％以上」のように数と単位を書く）",
    "results": "取組の結果",
    "future_direction": "今後の取組の方向性",
    "achievement_status": "目標の達成状況",
    "background": "現状と課題",
    "approach": "方策・手段",
    "partners": "協働する相手先",
    "self_evaluation": "自己評価",
    "remarks": "備考・コメント",
    "grade": "評価（一覧から選ぶ）",
    "grade_reason": "評価の理由",
    "sdgs": "SDGs の目標番号（1〜17、複数は「、」で区切る）",
    "plan_refs": "総合計画の施策",
    "interim_status": "中間の進み具合（一覧から選ぶ）",
    "target_grade": "達成目標ごとの評価（一覧から選ぶ、目標の順に1行ずつ）",
    "extra": "この欄に書くこと",
}


def _part_hint(column: Column) -> list[str]:
    """How to write one column's cell, one sentence per part, in the order they sit in it."""
    out = []
    for i, part in enumerate(column.parts):
        what = ROLE_HINTS[part.role] if part.role != "extra" else f"「{part.label or column.label}」"
        how = []
        if part.heading:
            how.append(f"「{part.heading}」の行の下に")
        if part.wrap:
            how.append(f"「{part.wrap[0]}」「{part.wrap[1]}」で囲んで別の行に")
        if part.bullet == "①":
            how.append("①②③…を付けて1項目1行で")
        elif part.bullet:
            how.append(f"1項目ずつ「{part.bullet}」で始めて")
        elif i > 0 and not part.wrap and not part.heading:
            how.append("改行して")
        out.append(f"{''.join(how)}{what}")
    return out


def _hint(column: Column) -> str:
    return "。".join(_part_hint(column)) + "。"


def _title_values(form: Form, layout: Layout, municipality, fiscal_year_label, unit) -> dict:
    return {
        "fiscal_year_label": fiscal_year_label,
        "municipality": municipality,
        "unit": unit,
        # The declarer is the unit's head: 市民生活部 → 市民生活部長.
        "director_title": f"{unit}長" if unit else None,
        "director_name": None,
        "document_name": layout.document_name or DOCUMENT_NAMES.get(layout.document),
    }


def _prompt(validation: DataValidation, title: str, text: str) -> None:
    # Excel refuses a file whose prompt title passes 32 characters or its text 255.
    validation.showInputMessage = True
    validation.promptTitle = title[:32]
    validation.prompt = text[:255]


def _merged(ws, row: int, first: int, last: int, value, *, fill=None, bold=False, size=10,
            align: Alignment = _WRAP_TOP, height: float | None = None) -> None:
    cell = ws.cell(row=row, column=first)
    _set(cell, "text", value)
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = align
    if fill is not None:
        for c in range(first, last + 1):
            ws.cell(row=row, column=c).fill = fill
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    if height:
        ws.row_dimensions[row].height = height


def _block(ws, row: int, last: int, block: PreambleBlock) -> int:
    """A preamble (or closing) block: its heading as printed, then the cells to write it in."""
    _merged(ws, row, 1, last, block.label, fill=_HEADER_FILL, bold=True)
    row += 1
    slots = 3 if block.kind == "themes" else 1
    for i in range(slots):
        if block.kind == "themes":
            tag = block.sdg_tag(17) if block.sdgs else ""
            _merged(ws, row, 1, last, None, fill=_INPUT_FILL, height=18)
            _note(ws, row, f"テーマ{i + 1}の見出し" + (f"。SDGs の目標は見出しの後に {tag} のように書く" if tag else ""))
            row += 1
        _merged(ws, row, 1, last, None, fill=_INPUT_FILL, height=PREAMBLE_PT)
        bullet = f"1項目ずつ「{block.bullet}」で始めて書く" if block.bullet else "文章で書く"
        _note(ws, row, f"「{block.label}」の内容を{bullet}")
        row += 1
    return row


def _note(ws, row: int, text: str) -> None:
    """A hint on the first cell of ``row`` (a validation of any value that only prompts)."""
    dv = DataValidation(allow_blank=True)
    _prompt(dv, "記入のしかた", text)
    ws.add_data_validation(dv)
    dv.add(ws.cell(row=row, column=1))


def _list_validation(ws, lists, column_letter: str, values: tuple[str, ...], title: str) -> DataValidation:
    """A drop-down of ``values``, written as cells of the hidden lists sheet in ``column_letter``."""
    for i, value in enumerate(values, start=1):
        _set(lists[f"{column_letter}{i}"], "text", value)
    ref = f"{quote_sheetname(LISTS_SHEET)}!${column_letter}$1:${column_letter}${len(values)}"
    dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True)
    dv.errorTitle = "一覧にない値です"[:32]
    dv.error = f"{title}は一覧から選んでください: {' / '.join(values)}"[:255]
    _prompt(dv, title, f"一覧から選んでください: {' / '.join(values)}")
    ws.add_data_validation(dv)
    return dv


def blank_workbook(form: Form, document_kind: str, *, municipality: str | None = None,
                   fiscal_year_label: str | None = None, unit: str | None = None,
                   rows: int = DEFAULT_ROWS) -> bytes:
    """The empty ``document_kind`` of ``form`` as an .xlsx file's bytes.

    ``municipality``, ``fiscal_year_label`` and ``unit`` (the declaring 部/課/室's name) fill the
    title and declarer lines where given; what is not given prints as 〇〇 in a shaded cell for
    the department to write. ``rows`` empty item rows follow the header (numbered 1… when the form
    numbers its items). ``KeyError`` when the form has no such document kind.
    """
    layout = form.layout(document_kind)
    rows = max(1, min(int(rows), MAX_ROWS))
    values = _title_values(form, layout, municipality, fiscal_year_label, unit)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(form.name)
    lists = wb.create_sheet(LISTS_SHEET)
    n = len(layout.columns)
    has_direction = "future_direction" in layout.roles
    last = n  # the form's own columns; the category column, if any, stands outside the print

    total = sum(c.width for c in layout.columns)
    for i, column in enumerate(layout.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(4.0, round(TABLE_WIDTH * column.width / total, 1))
    if has_direction:
        ws.column_dimensions[get_column_letter(n + 1)].width = 14

    r = 1
    title = layout.fill(layout.title, values, missing=MISSING)
    _merged(ws, r, 1, last, title, size=14, align=Alignment(horizontal="center", vertical="center"),
            fill=_INPUT_FILL if MISSING in title else None, height=24)
    r += 1
    declarer = layout.fill(layout.declarer, values, missing=MISSING)
    _merged(ws, r, 1, last, declarer, fill=_INPUT_FILL, align=Alignment(horizontal="right", vertical="center"))
    _note(ws, r, f"{MISSING}を書き換えてください（職名と氏名。例: 市民生活部長 伊勢原 太郎）")
    r += 1
    if layout.declared_on_label:
        _set(ws.cell(row=r, column=1), "text", layout.declared_on_label)
        ws.cell(row=r, column=1).font = Font(name=FONT, size=10, bold=True)
        date_cell = ws.cell(row=r, column=2)
        date_cell.fill = _INPUT_FILL
        date_cell.number_format = "yyyy/m/d"
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        _prompt(dv, layout.declared_on_label, "宣言した日を 2025/5/1 のように書いてください")
        ws.add_data_validation(dv)
        dv.add(date_cell)
        r += 1
    r += 1  # a blank line, as printed forms leave before the preamble or table
    for block in layout.preamble:
        r = _block(ws, r, last, block)
        r += 1
    if layout.table_heading:
        _merged(ws, r, 1, last, layout.fill(layout.table_heading, values, missing=MISSING), bold=True, size=11)
        r += 1

    header_row = r
    header_font = Font(name=FONT, size=10, bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    labels = [c.label for c in layout.columns] + ([CATEGORY_LABEL] if has_direction else [])
    for i, label in enumerate(labels, start=1):
        cell = ws.cell(row=header_row, column=i)
        _set(cell, "text", label)
        cell.font, cell.alignment, cell.fill, cell.border = header_font, centre, _HEADER_FILL, _BOX
    lines = max(len(label.split("\n")) for label in labels)
    ws.row_dimensions[header_row].height = 6 + 14 * lines

    first, end = header_row + 1, header_row + rows
    body = Font(name=FONT, size=10)
    for row in range(first, end + 1):
        ws.row_dimensions[row].height = ROW_PT
        for col in range(1, len(labels) + 1):
            cell = ws.cell(row=row, column=col)
            cell.border, cell.alignment, cell.font = _BOX, _WRAP_TOP, body
    scale = scale_of(form)
    column_letters = {}
    for i, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(i)
        column_letters[i] = letter
        cells = f"{letter}{first}:{letter}{end}"
        roles = column.roles
        if "number" in roles:
            for k, row in enumerate(range(first, end + 1), start=1):
                ws.cell(row=row, column=i).value = k
                ws.cell(row=row, column=i).alignment = Alignment(horizontal="center", vertical="top")
        if roles in (("grade",), ("target_grade",)) and scale is not None:
            _list_validation(ws, lists, "A", tuple(g.label for g in scale.grades), "評価").add(cells)
        elif roles == ("interim_status",) and form.interim_levels:
            levels = tuple(form.interim_levels[k] for k in ("on_track", "needs_effort", "at_risk"))
            _list_validation(ws, lists, "C", levels, "中間の進み具合").add(cells)
        else:
            dv = DataValidation(allow_blank=True)
            _prompt(dv, column.label.replace("\n", ""), _hint(column))
            ws.add_data_validation(dv)
            dv.add(cells)
    if has_direction:
        letter = get_column_letter(n + 1)
        _list_validation(ws, lists, "B", FUTURE_DIRECTION_CATEGORIES, CATEGORY_LABEL).add(
            f"{letter}{first}:{letter}{end}")

    r = end + 2
    for block in layout.closing:
        r = _block(ws, r, last, block)
    print_end = r - 1 if layout.closing else end

    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(last)}{print_end}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the department writes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "- &P -"

    _help_sheet(wb, form, layout, scale, has_direction, ws.title)
    lists.sheet_state = "hidden"
    wb.active = 0
    wb.properties.title = title[:255]
    wb.properties.creator = "sengen"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\").strip("' ")[:31]
    return cleaned if cleaned and cleaned not in (LISTS_SHEET, HELP_SHEET) else "様式"


def _help_sheet(wb, form: Form, layout: Layout, scale, has_direction: bool, sheet: str) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    lines: list[tuple[str, str]] = [
        (f"{form.name}（{layout.document_name}）の記入方法", ""),
        ("", ""),
        ("記入する所", f"シート「{sheet}」の色の付いたセルと、見出しの行の下の表です。見出しの行と各欄の見出しは変えないでください。"),
        ("項目の書き方", "一つのセルに複数の項目を書くときは、1項目を1行にし（セル内の改行は Alt+Enter）、"
                        "指定の記号（・など）で始めます。"),
        ("取組の数", "行が足りなければ、表の最後の行の下に同じ形で行を足してください。使わない行は空けたままで構いません。"),
    ]
    if form.numbered:
        lines.append(("番号", f"「{form.number_label}」の欄の番号は1から順に振ってあります。"))
    lines.append(("", ""))
    lines.append(("欄", "書くこと"))
    for column in layout.columns:
        lines.append((column.label.replace("\n", ""), _hint(column)))
    if has_direction:
        lines.append((CATEGORY_LABEL, "表の右の欄で、今後の方向性の区分を一覧から選びます（"
                                      f"{' / '.join(FUTURE_DIRECTION_CATEGORIES)}）。印刷はされません。"))
    if scale is not None and ({"grade", "target_grade"} & set(layout.roles)):
        lines.append(("評価", f"一覧から選びます: {' / '.join(g.label for g in scale.grades)}"))
    if form.interim_levels and "interim_status" in layout.roles:
        lines.append(("中間の進み具合", f"一覧から選びます: {' / '.join(form.interim_levels.values())}"))
    lines += [("", ""), ("提出", "記入したら、このファイルを Excel 形式（.xlsx）のまま保存して返送してください。"
                                "行政経営課で sengen に読み込みます。")]
    bold = Font(name=FONT, size=11, bold=True)
    for r, (a, b) in enumerate(lines, start=1):
        for col, text in ((1, a), (2, b)):
            cell = ws.cell(row=r, column=col)
            _set(cell, "text", text or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = bold if col == 1 or r == 1 else Font(name=FONT, size=11)
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
