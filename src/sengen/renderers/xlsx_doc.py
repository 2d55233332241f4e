"""The report as a workbook: the official table first, the open data beside it.

The first sheet is the table as the city prints it (like the PDF: title, director on the
right, the header row, one row per initiative with its bullets as ・ lines in wrapped
cells, ［今後の取組の方向性］ inside the results cell, A4 landscape with the header repeated
on every page), so the download reads and prints like the published document and
``sengen parse`` reads it back to the same data. The second sheet, データ, is the CSV's flat
table (one row per target, numbers typed) for people who sort, filter and sum.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sengen.core.text import display_width

from . import _doc
from .csv_doc import FORMULA_TRIGGERS
from .html_doc import DECLARATION_COLUMNS, FUTURE_DIRECTION_LABEL, REPORT_COLUMNS
from .rows import COLUMNS, HEADER, rows

DATA_SHEET = "データ"
HEADER_ROW = 3  # below the title and the director
BULLET = "・"
# Total width of the official table in Excel character units; the columns share it as the
# PDF's do (html_doc's percentages, measured from the seed PDF), and the print is fitted
# to the page's width anyway.
REPORT_WIDTH = 160
# Row heights, estimated (Excel does not fit rows to their text when it opens a file).
LINE_PT = 13.5  # one line of 10 pt Japanese type in Excel
ROW_PAD_PT = 4.0
MAX_ROW_PT = 409.0  # Excel's limit for one row
# A Universal Design font that ships with Windows 10 and later; Excel substitutes where absent.
FONT = "BIZ UDPゴシック"

# Width in Excel character units (a kanji counts about two).
WIDTHS = {
    "municipality": 10, "fiscal_year": 7, "fiscal_year_label": 12, "document": 12,
    "department": 12, "number": 5, "title": 24, "sections": 16, "content": 48,
    "target_number": 6, "target": 40, "metric_value": 11, "metric_unit": 7, "due": 11,
    "actual_value": 11, "actual_unit": 7, "achievement_rate": 10, "evaluation": 9,
    "grade": 9, "results": 50, "future_direction": 44, "achievement_status": 40,
}
NUMBER_FORMATS = {"achievement_rate": "0.0%"}
EXCEL_CELL_LIMIT = 32767  # longer text makes Excel "repair" (truncate) the file anyway
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(doc: dict) -> str:
    name = _SHEET_NAME_BAD.sub("", _doc.clean(doc.get("department"))).strip("' ")[:31]
    return name if name and name != DATA_SHEET else "報告"


def _set(cell, key: str, value) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = NUMBER_FORMATS.get(key, "#,##0" if isinstance(value, int) else "General")
        return
    if value is None:
        return
    text = str(value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    cell.value = text
    # openpyxl types any string starting with "=" as a formula; force a string, and
    # mark text that Excel would re-read as a formula on edit with the quote prefix
    # (shown as text, kept as text when someone presses F2/Enter).
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _bullet_lines(lines: list[str]) -> list[str]:
    return [f"{BULLET}{line}" for line in lines]


def _report_cells(initiative: dict, keys: tuple[str, ...]) -> dict[str, list[str]]:
    """Each cell's lines: one per bullet (Excel wraps them), ［今後の取組の方向性］ on its own."""
    sections = "、".join(s for s in _doc.texts(initiative.get("sections")) if s)
    title = _doc.clean(initiative.get("title"))
    cells = {
        # A blank line before （担当課名）, as the printed table sets it apart.
        "title": [title] + (["", f"（{sections}）"] if sections else []),
        "content": _bullet_lines(_doc.texts(initiative.get("content"))),
        "targets": _bullet_lines([_doc.clean(t.get("text")) for t in _doc.targets(initiative)]),
    }
    if "results" in keys:
        future = _doc.texts(initiative.get("future_direction"))
        cells["results"] = _bullet_lines(_doc.texts(initiative.get("results"))) + (
            [FUTURE_DIRECTION_LABEL, *_bullet_lines(future)] if future else [])
        cells["status"] = _bullet_lines(_doc.texts(initiative.get("achievement_status")))
    return cells


def wrapped_lines(line: str, width: float) -> int:
    """How many lines ``line`` takes in a wrapped cell ``width`` Excel units wide: a unit is
    about one half-width character of the body font, a kanji two."""
    per_line = max(int(width) - 1, 4)
    return max(1, -(-display_width(line) // per_line))


def _chunks(lines: list[str], width: float, limit: int) -> list[list[str]]:
    """The cell's lines in groups that each fit a row of at most ``limit`` lines; a bullet
    is never cut, so a reader joins the groups back without a seam."""
    groups: list[list[str]] = [[]]
    used = 0
    for line in lines:
        need = wrapped_lines(line, width)
        if groups[-1] and used + need > limit:
            groups.append([])
            used = 0
        groups[-1].append(line)
        used += need
    return groups


def _report_rows(ws, initiative: dict, keys: tuple[str, ...], widths: dict[str, float], first: int) -> int:
    """Write one initiative from row ``first``; returns the next free row.

    Excel neither grows a row to fit its text when it opens a file nor prints a row over two
    pages, and a row is at most 409 pt high. So heights are estimated here, and an
    initiative too long for one row goes on in the rows below it with an empty No. (as a
    printed row continues on the next page), drawn as one row: No. and title merged down,
    no rules between the parts."""
    cells = _report_cells(initiative, keys)
    limit = int((MAX_ROW_PT - ROW_PAD_PT) / LINE_PT)
    chunks = {key: _chunks(cells[key], widths[key], limit) for key in keys if key not in ("no", "title")}
    height = max(len(c) for c in chunks.values()) if chunks else 1
    number = initiative.get("number")
    thin = Side(style="thin", color="000000")
    font = Font(name=FONT, size=10)
    for i in range(height):
        r = first + i
        lines_used = 1
        for col, key in enumerate(keys, start=1):
            cell = ws.cell(row=r, column=col)
            if key == "no":
                value = (_doc.number(number) if _doc.number(number) is not None else _doc.clean(number)) if i == 0 else None
            elif key == "title":
                value = "\n".join(cells["title"]) if i == 0 else None
                if i == 0:
                    lines_used = max(lines_used, sum(wrapped_lines(x, widths[key]) for x in cells["title"]))
            else:
                group = chunks[key][i] if i < len(chunks[key]) else []
                value = "\n".join(group) or None
                lines_used = max(lines_used, sum(wrapped_lines(x, widths[key]) for x in group))
            _set(cell, key, value)
            cell.font = font
            cell.border = Border(left=thin, right=thin, top=thin if i == 0 else None,
                                 bottom=thin if i == height - 1 else None)
            cell.alignment = (Alignment(horizontal="center", vertical="top") if key == "no"
                              else Alignment(wrap_text=True, vertical="top"))
        ws.row_dimensions[r].height = min(MAX_ROW_PT, lines_used * LINE_PT + ROW_PAD_PT)
    if height > 1:
        for col in (1, 2):
            ws.merge_cells(start_row=first, start_column=col, end_row=first + height - 1, end_column=col)
    return first + height


def _report_sheet(ws, doc: dict) -> None:
    """The official table, as the PDF prints it."""
    columns = DECLARATION_COLUMNS if _doc.is_declaration(doc) else REPORT_COLUMNS
    keys = tuple(key for key, _, _ in columns)
    last = get_column_letter(len(columns))
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=FONT, size=10)

    _set(ws["A1"], "title", _doc.title(doc))
    ws["A1"].font = Font(name=FONT, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    director = _doc.director_line(doc)
    if director:
        _set(ws["A2"], "director", director)
        ws["A2"].font = Font(name=FONT, size=11)
        ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"A2:{last}2")

    for col, (_key, label, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=label.replace("<br>", "\n"))
        cell.font = body_font
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.border = box
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = max(round(width * REPORT_WIDTH / 100, 1), 5)
    ws.row_dimensions[HEADER_ROW].height = 2 * LINE_PT + ROW_PAD_PT

    widths = {key: max(round(width * REPORT_WIDTH / 100, 1), 5) for key, _, width in columns}
    initiatives = _doc.initiatives(doc)
    r = HEADER_ROW + 1
    for initiative in initiatives:
        r = _report_rows(ws, initiative, keys, widths, r)
    if not initiatives:
        r = HEADER_ROW + 1
        ws.cell(row=r, column=1, value="取組の記載はありません。").font = body_font
        ws.merge_cells(f"A{r}:{last}{r}")

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(ws)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "- &P -"


def _print_setup(ws) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.47  # 12 mm, as the PDF
    ws.page_margins.top = ws.page_margins.bottom = 0.55  # 14 mm


def _data_sheet(ws, doc: dict) -> None:
    """The open-data table: the CSV's rows, typed."""
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for col, label in enumerate(HEADER, start=1):
        cell = ws.cell(row=1, column=col, value=label)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    data = rows(doc)
    for r, row in enumerate(data, start=2):
        lines = 1
        for col, ((key, _), value) in enumerate(zip(COLUMNS, row, strict=True), start=1):
            cell = ws.cell(row=r, column=col)
            _set(cell, key, value)
            cell.alignment = wrap_top
            if isinstance(value, str):
                lines = max(lines, sum(wrapped_lines(x, WIDTHS.get(key, 12)) for x in value.split("\n")))
        ws.row_dimensions[r].height = min(MAX_ROW_PT, lines * LINE_PT + ROW_PAD_PT)
    for col, (key, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 12)

    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(data) + 1, 2)}"
    ws.print_title_rows = "1:1"
    _print_setup(ws)
    ws.print_options.gridLines = True
    # "&" starts a header/footer code in Excel; double it so a title cannot inject one.
    ws.oddHeader.center.text = _doc.title(doc).replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"


def render_xlsx(doc: dict) -> bytes:
    title = _doc.title(doc)
    wb = Workbook()
    report = wb.active
    report.title = _sheet_title(doc)
    _report_sheet(report, doc)
    _data_sheet(wb.create_sheet(DATA_SHEET), doc)

    wb.properties.title = title
    wb.properties.language = "ja-JP"
    director = _doc.director_line(doc)
    if director:
        wb.properties.subject = director
    # As the PDF's author: the city and its director, which is how a reader of the file (and
    # sengen's XLSX reader) tells whose report it is when the table itself does not say.
    municipality = _doc.clean(doc.get("municipality")).strip()
    wb.properties.creator = " ".join(p for p in (municipality, director) if p) or "sengen"

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
