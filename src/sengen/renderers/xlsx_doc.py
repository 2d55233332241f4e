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

from . import _doc, _form
from .csv_doc import FORMULA_TRIGGERS
from .rows import columns, rows

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
    "director_title": 14, "director_name": 12,
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


def _piece_lines(piece: _form.Piece) -> list[str]:
    """A part's lines in a wrapped cell: each item with its mark; a wrapped part after a blank
    line (the seed's （担当課名）, set apart as printed); a heading on its own line."""
    if piece.wrap:
        joined = piece.wrap[0] + "、".join(piece.items) + piece.wrap[1]
        return [joined] if piece.first else ["", joined]
    items = [f"{mark}{item}" for mark, item in zip(piece.marks, piece.items, strict=True)]
    return ([piece.heading] if piece.heading else []) + items


def _cell_lines(initiative: dict, column, form) -> list[str]:
    return [line for piece in _form.cell(initiative, column, form) for line in _piece_lines(piece)]


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


def _head_column(column) -> bool:
    """A column that names the item (No., 取組名（担当課名）): written once, merged down when the
    item goes on over several rows, never cut."""
    return bool(column.roles) and set(column.roles) <= {"number", "title", "sections"}


def _report_rows(ws, initiative: dict, t: _form.Table, widths: list[float], first: int) -> int:
    """Write one initiative from row ``first``; returns the next free row.

    Excel neither grows a row to fit its text when it opens a file nor prints a row over two
    pages, and a row is at most 409 pt high. So heights are estimated here, and an
    initiative too long for one row goes on in the rows below it with an empty No. (as a
    printed row continues on the next page), drawn as one row: No. and title merged down,
    no rules between the parts."""
    cells = [_cell_lines(initiative, c, t.form) for c in t.columns]
    heads = [_head_column(c) for c in t.columns]
    limit = int((MAX_ROW_PT - ROW_PAD_PT) / LINE_PT)
    chunks = {i: _chunks(cells[i], widths[i], limit) for i in range(len(t.columns)) if not heads[i]}
    height = max(len(c) for c in chunks.values()) if chunks else 1
    number = initiative.get("number")
    thin = Side(style="thin", color="000000")
    font = Font(name=FONT, size=10)
    for i in range(height):
        r = first + i
        lines_used = 1
        for col, column in enumerate(t.columns, start=1):
            k = col - 1
            cell = ws.cell(row=r, column=col)
            key = "no" if column.roles == ("number",) else "text"
            if key == "no":
                value = (_doc.number(number) if _doc.number(number) is not None else _doc.clean(number)) if i == 0 else None
            elif heads[k]:
                value = "\n".join(cells[k]) if i == 0 and cells[k] else None
                if i == 0:
                    lines_used = max(lines_used, sum(wrapped_lines(x, widths[k]) for x in cells[k]))
            else:
                group = chunks[k][i] if i < len(chunks[k]) else []
                value = "\n".join(group) or None
                lines_used = max(lines_used, sum(wrapped_lines(x, widths[k]) for x in group))
            _set(cell, key, value)
            cell.font = font
            cell.border = Border(left=thin, right=thin, top=thin if i == 0 else None,
                                 bottom=thin if i == height - 1 else None)
            cell.alignment = (Alignment(horizontal="center", vertical="top") if key == "no"
                              else Alignment(wrap_text=True, vertical="top"))
        ws.row_dimensions[r].height = min(MAX_ROW_PT, lines_used * LINE_PT + ROW_PAD_PT)
    if height > 1:
        for col, head in enumerate(heads, start=1):
            if head:
                ws.merge_cells(start_row=first, start_column=col, end_row=first + height - 1, end_column=col)
    return first + height


def _text_row(ws, row: int, last: str, text: str, *, bold: bool = False, size: int = 10) -> int:
    """A cell above or below the table (a preamble block's heading or items, the table's
    heading), merged across the table's width; returns the next row."""
    cell = ws.cell(row=row, column=1)
    _set(cell, "text", text)
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A{row}:{last}{row}")
    lines = sum(wrapped_lines(line, REPORT_WIDTH) for line in text.split("\n"))
    ws.row_dimensions[row].height = min(MAX_ROW_PT, lines * LINE_PT + ROW_PAD_PT)
    return row + 1


def _block_cells(block: _form.Block) -> list[tuple[str, bool]]:
    """A preamble block as the blank workbook lays it out (xlsx_blank: a heading cell, then one
    cell holding the items a line each with their marks), so the reader of a filled-in blank reads
    this too: (text, is a heading). A theme's heading carries its SDG tags after it, as the blank
    asks a department to write them; a ``text`` block's tags open its items cell (its heading is
    the form's label as printed: readers find the block by it)."""
    out: list[tuple[str, bool]] = []
    themes = block.block.kind == "themes"
    if themes:
        out.append((block.heading or block.block.label, True))
    elif block.heading is not None and not block.entries:
        out.append((block.heading, True))
    for entry in block.entries:
        items, tags = _form.entry_items(block, entry)
        if themes:
            out.append((_doc.clean(entry.get("label")) + (" " + "".join(tags) if tags else ""), True))
        else:
            out.append((block.heading if block.heading is not None else _doc.clean(entry.get("label")), True))
        lines = [f"{mark}{item}" for mark, item in zip(_form.marks(block.block.bullet, len(items)), items, strict=True)]
        if tags and not themes:
            lines.insert(0, "".join(tags))
        if lines:
            out.append(("\n".join(lines), False))
    return out


def _blocks(ws, row: int, last: str, blocks: list[_form.Block]) -> int:
    for block in blocks:
        for text, heading in _block_cells(block):
            row = _text_row(ws, row, last, text, bold=heading)
    return row


def _report_sheet(ws, doc: dict, form=None) -> None:
    """The official table in the report's form, as the PDF prints it (items one to a row even
    where the form prints them as blocks: a table is what Excel sorts and reads back)."""
    t = _form.table(doc, form)
    layout = t.layout
    last = get_column_letter(len(t.columns))
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=FONT, size=10)

    _set(ws["A1"], "title", _form.title(doc, layout))
    ws["A1"].font = Font(name=FONT, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    director = _form.declarer(doc, layout)
    if director:
        _set(ws["A2"], "director", director)
        ws["A2"].font = Font(name=FONT, size=11)
        ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"A2:{last}2")

    header_row = HEADER_ROW
    if not t.plain:
        r = 3
        declared = _form.declared_on(doc, layout)
        if declared:
            _set(ws.cell(row=r, column=1), "text", declared[0])
            _set(ws.cell(row=r, column=2), "text", declared[1])
            r += 1
        before, _after = _form.blocks(doc, layout)
        r = _blocks(ws, r, last, before)
        heading = _form.table_heading(doc, layout)
        if heading:
            r = _text_row(ws, r, last, heading, bold=True, size=11)
        header_row = max(r, HEADER_ROW)

    percents = t.percent_widths()
    widths = [max(round(p * REPORT_WIDTH / 100, 1), 5) for p in percents]
    for col, column in enumerate(t.columns, start=1):
        cell = ws.cell(row=header_row, column=col, value="\n".join(_form.label_lines(column)))
        cell.data_type = "s"
        cell.font = body_font
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.border = box
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    lines = max(len(_form.label_lines(c)) for c in t.columns)
    ws.row_dimensions[header_row].height = max(2, lines) * LINE_PT + ROW_PAD_PT

    initiatives = _doc.initiatives(doc)
    r = header_row + 1
    for initiative in initiatives:
        r = _report_rows(ws, initiative, t, widths, r)
    if not initiatives:
        r = header_row + 1
        ws.cell(row=r, column=1, value="取組の記載はありません。").font = body_font
        ws.merge_cells(f"A{r}:{last}{r}")
        r += 1
    if not t.plain:
        _before, after = _form.blocks(doc, layout)
        if after:
            _blocks(ws, r + 1, last, after)

    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
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


def _data_sheet(ws, doc: dict, form=None) -> None:
    """The open-data table: the CSV's rows (with /2's columns for a /2 document), typed."""
    COLUMNS = columns(doc)
    HEADER = tuple(label for _, label in COLUMNS)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for col, label in enumerate(HEADER, start=1):
        cell = ws.cell(row=1, column=col, value=label)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    data = rows(doc, form)
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
    title = _form.title(doc, _form.layout_for(form, doc.get("document"))) if form else _doc.title(doc)
    ws.oddHeader.center.text = title.replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"


def render_xlsx(doc: dict, *, form=None) -> bytes:
    """The workbook of one report in its form (``form``; by default the one the document names,
    else the seed's)."""
    if form is None:
        from sengen.core.forms import form_of

        form = form_of(doc)
    title = _form.title(doc, _form.layout_for(form, doc.get("document")))
    wb = Workbook()
    report = wb.active
    report.title = _sheet_title(doc)
    _report_sheet(report, doc, form)
    _data_sheet(wb.create_sheet(DATA_SHEET), doc, form)

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
