"""A report in a form (様式) laid out the way a city's office would, by other engines than sengen's.

* ``cell_texts(doc, form)``: each item's cells as the form prints them — its columns in order,
  each cell's parts one after another (a heading line before its items, a wrapped part in its
  two strings, items after the part's bullet mark), as a person types them in Excel.
* ``filled_blank(doc, form)``: sengen's blank workbook of the form (``renderers.xlsx_blank``),
  filled in through openpyxl as a department fills it: the declarer line, the date, the preamble
  cells, one row per item — what ``sengen import`` reads back.
* ``plain_xlsx(doc, form)``: a workbook typed from scratch with openpyxl (no blank): title,
  declarer, preamble, the header as the form labels it, the rows.
* ``form_pdf(doc, form)``: the same laid out by ReportLab as a ruled table (title, declarer,
  preamble paragraphs, the table with its header repeated), as tests/fixtures/pdf/make_pdf.py
  lays out the seed's form.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from sengen.core import workflow
from sengen.core.forms import Form, Layout, scale_of


def _values(doc: dict, layout: Layout) -> dict:
    unit = doc["department"]
    return {"fiscal_year_label": doc["fiscal_year_label"], "unit": unit, "municipality": doc.get("municipality"),
            "director_title": doc["director"]["title"], "director_name": doc["director"]["name"],
            "document_name": layout.document_name or workflow.DOCUMENT_NAMES.get(layout.document)}


def title_line(doc: dict, layout: Layout) -> str:
    return layout.fill(layout.title, _values(doc, layout))


def declarer_line(doc: dict, layout: Layout) -> str:
    return layout.fill(layout.declarer, _values(doc, layout))


def _grade_label(form: Form, code: str | None) -> str:
    scale = scale_of(form)
    for grade in (scale.grades if scale else ()):
        if grade.code == code:
            return grade.label
    return code or ""


def cell_texts(doc: dict, form: Form) -> list[list[str]]:
    """Each item's cells, one string per layout column (lines joined by a line break)."""
    layout = form.layout(doc["document"])
    rows = []
    for item in doc["initiatives"]:
        cells = []
        for column in layout.columns:
            lines: list[str] = []
            for part in column.parts:
                role = part.role
                if role == "number":
                    lines.append("" if item["number"] is None else str(item["number"]))
                elif role == "title":
                    lines.append(item["title"])
                elif role == "sections":
                    if item["sections"]:
                        lines.append(part.wrap[0] + "、".join(item["sections"]) + part.wrap[1])
                elif role in ("grade",):
                    lines.append(_grade_label(form, item["grade"]))
                elif role == "grade_reason":
                    lines.append(item["grade_reason"] or "")
                elif role == "target_grade":
                    lines += [_grade_label(form, t["grade"]) for t in item["targets"]]
                elif role == "interim_status":
                    lines += [(form.interim_levels or {}).get(t["interim_status"], "") for t in item["targets"]]
                elif role == "extra":
                    label = part.label or column.label.replace("\n", "")
                    for extra in item["extra"]:
                        if extra["label"] == label:
                            lines += [part.bullet + x for x in extra["items"]]
                else:
                    items = [t["text"] for t in item["targets"]] if role == "targets" else item[role]
                    if items and part.heading:
                        lines.append(part.heading)
                    lines += [part.bullet + x for x in items]
            cells.append("\n".join(line for line in lines if line))
        rows.append(cells)
    return rows


def _blocks_text(doc: dict, blocks) -> list[tuple[str, list[str]]]:
    """(label, cell texts) per block of ``blocks`` the document fills, in order."""
    out = []
    for block in blocks:
        mine = [b for b in doc["preamble"] if b["label"] == block.label]
        if block.kind == "themes":
            mine = [b for b in doc["preamble"] if b["label"] not in {x.label for x in blocks}]
        cells = []
        for entry in mine:
            tags = "".join(block.sdg_tag(n) for n in entry["sdgs"]) if block.sdgs else ""
            if block.kind == "themes":
                cells.append(entry["label"] + tags)
                cells.append("\n".join(block.bullet + x for x in entry["items"]))
            else:
                cells.append("\n".join(block.bullet + x for x in entry["items"]) + tags)
        out.append((block.label, cells))
    return out


def _date_text(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


# --- Excel -------------------------------------------------------------------------------------

def filled_blank(doc: dict, form: Form) -> bytes:
    """The form's blank workbook, filled in through openpyxl."""
    from openpyxl import load_workbook

    from sengen.renderers.xlsx_blank import blank_workbook

    layout = form.layout(doc["document"])
    blank = blank_workbook(form, doc["document"], municipality=doc.get("municipality"),
                           fiscal_year_label=doc["fiscal_year_label"], unit=doc["department"],
                           rows=len(doc["initiatives"]) + 2)
    wb = load_workbook(io.BytesIO(blank))
    ws = wb.worksheets[0]

    def row_of(text: str, start: int = 1) -> int:
        for r in range(start, ws.max_row + 1):
            if ws.cell(row=r, column=1).value == text:
                return r
        raise AssertionError(f"no row {text!r} in the blank")

    ws.cell(row=2, column=1).value = declarer_line(doc, layout)
    if layout.declared_on_label:
        import datetime

        ws.cell(row=row_of(layout.declared_on_label), column=2).value = datetime.date.fromisoformat(doc["declared_on"])
    for blocks in (layout.preamble, layout.closing):
        for label, cells in _blocks_text(doc, blocks):
            r = row_of(label)
            for k, text in enumerate(cells, start=1):
                ws.cell(row=r + k, column=1).value = text
    header = row_of(layout.columns[0].label)
    for k, cells in enumerate(cell_texts(doc, form), start=1):
        for c, text in enumerate(cells, start=1):
            if text:
                ws.cell(row=header + k, column=c).value = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plain_xlsx(doc: dict, form: Form) -> bytes:
    """A workbook typed from scratch: no blank, no styles, the form's words only."""
    from openpyxl import Workbook

    layout = form.layout(doc["document"])
    wb = Workbook()
    ws = wb.active
    ws.title = "報告"
    rows: list[list[str]] = [[title_line(doc, layout)], [declarer_line(doc, layout)]]
    if layout.declared_on_label:
        rows.append([layout.declared_on_label, _date_text(doc["declared_on"])])
    rows.append([])
    for label, cells in _blocks_text(doc, layout.preamble):
        rows += [[label]] + [[text] for text in cells] + [[]]
    if layout.table_heading:
        rows.append([layout.fill(layout.table_heading, _values(doc, layout))])
    rows.append([c.label for c in layout.columns])
    rows += cell_texts(doc, form)
    rows.append([])
    for label, cells in _blocks_text(doc, layout.closing):
        rows += [[label]] + [[text] for text in cells]
    for row in rows:
        ws.append([None if not x else x for x in row] or [None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF by ReportLab --------------------------------------------------------------------------

def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "IPAexGothic" not in pdfmetrics.getRegisteredFontNames():
        spec = importlib.util.find_spec("japanize_matplotlib")
        pdfmetrics.registerFont(TTFont("IPAexGothic", str(Path(spec.origin).parent / "fonts" / "ipaexg.ttf")))
    return "IPAexGothic"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def form_pdf(doc: dict, form: Form, *, split: bool = False) -> bytes:
    """A4 landscape, the form's title, declarer, preamble and ruled table, drawn by ReportLab;
    ``split``: a row the page end cuts goes on at the top of the next page (``splitInRow``)."""
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    layout = form.layout(doc["document"])
    font, size = _font(), 9
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, alignment=TA_CENTER)
    bold = ParagraphStyle("bold", parent=body, fontSize=size + 1)
    page = landscape(A4)
    margin = 12 * mm
    usable = page[0] - 2 * margin

    def paragraphs(text: str) -> list:
        return [Paragraph(_esc(line), body) for line in text.split("\n") if line]

    story = [Paragraph(_esc(title_line(doc, layout)), ParagraphStyle("t", parent=body, fontSize=14, leading=20,
                                                                     alignment=TA_CENTER)),
             Spacer(1, 3 * mm),
             Paragraph(_esc(declarer_line(doc, layout)), ParagraphStyle("d", parent=body, alignment=TA_RIGHT))]
    if layout.declared_on_label:
        story.append(Paragraph(_esc(f"{layout.declared_on_label} {_date_text(doc['declared_on'])}"), body))
    story.append(Spacer(1, 4 * mm))
    for label, cells in _blocks_text(doc, layout.preamble):
        story.append(Paragraph(_esc(label), bold))
        for text in cells:
            story += paragraphs(text)
        story.append(Spacer(1, 3 * mm))
    if layout.table_heading:
        story.append(Paragraph(_esc(layout.fill(layout.table_heading, _values(doc, layout))), bold))
        story.append(Spacer(1, 2 * mm))
    rows = [[Paragraph(_esc(c.label).replace("\n", "<br/>"), head) for c in layout.columns]]
    rows += [[paragraphs(text) for text in cells] for cells in cell_texts(doc, form)]
    total = sum(c.width for c in layout.columns)
    table = Table(rows, colWidths=[usable * c.width / total for c in layout.columns], repeatRows=1,
                  splitInRow=1 if split else 0)
    # A row cut by the page end gets its closing rule there, as word processors draw it.
    closing = [("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.6, colors.black),
               ("LINEBELOW", (0, "inrowsplitstart"), (-1, "inrowsplitstart"), 0.6, colors.black),
               ("LINEABOVE", (0, "inrowsplitend"), (-1, "inrowsplitend"), 0.6, colors.black)] if split else []
    table.setStyle(TableStyle(closing + [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("LEFTPADDING", (0, 0), (-1, -1), 5.4), ("RIGHTPADDING", (0, 0), (-1, -1), 5.4),
    ]))
    story.append(table)
    for label, cells in _blocks_text(doc, layout.closing):
        story += [Spacer(1, 4 * mm), Paragraph(_esc(label), bold)]
        for text in cells:
            story += paragraphs(text)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=14 * mm,
                      bottomMargin=14 * mm, title=title_line(doc, layout), author="",
                      creator="form_layouts.py (reportlab)").build(story)
    return out.getvalue()
