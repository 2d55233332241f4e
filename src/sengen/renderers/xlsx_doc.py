"""Open-data XLSX: the CSV's table, typed, and ready to print on A4 landscape."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import _doc
from .csv_doc import FORMULA_TRIGGERS
from .rows import COLUMNS, HEADER, rows

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
    name = _SHEET_NAME_BAD.sub("", _doc.clean(doc.get("department"))).strip("' ")
    return name[:31] or "報告"


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


def render_xlsx(doc: dict) -> bytes:
    title = _doc.title(doc)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(doc)

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
        for col, ((key, _), value) in enumerate(zip(COLUMNS, row, strict=True), start=1):
            cell = ws.cell(row=r, column=col)
            _set(cell, key, value)
            cell.alignment = wrap_top
    for col, (key, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 12)

    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(data) + 1, 2)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # "&" starts a header/footer code in Excel; double it so a title cannot inject one.
    ws.oddHeader.center.text = title.replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"

    wb.properties.title = title
    wb.properties.creator = "sengen"
    wb.properties.language = "ja-JP"
    director = _doc.director_line(doc)
    if director:
        wb.properties.subject = director

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
