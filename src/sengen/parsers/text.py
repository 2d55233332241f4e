"""Reports as text extracted from their PDF (pdftotext, copy and paste, Acrobat's "save as text").

Extraction gives each table row column by column: the row's number and title, then every
line of 取組内容, then 達成目標, 取組結果 with its ［今後の取組の方向性］, and 目標達成状況 —
with nothing that says where one column ends and the next begins. What does say it is the
*width* of the lines: a cell's text wraps at its column's edge, so the wrapped lines of one
column are all about as long, and columns differ. The columns' widths are the same for
every row of a document, so they are estimated from the whole document and then each row is
cut into its columns where the line widths (and, for ties, the way each column's sentences
end) fit best.

This module picks the reader (another city's form: ``text_forms``; columns side by side, as
``pdftotext -layout`` gives them: ``text_columns``) and puts the stages together:

1. ``text_rows``: the lines, without header rows and page numbers, cut into numbered rows of
   bullets;
2. ``text_widths``: each column's width, from every row cut on its own;
3. ``text_cells``: every row cut again into its cells with those widths, at the least cost
   that ``text_costs`` charges for each bullet in each column.
"""

from __future__ import annotations

import re

from sengen.core.eras import nfkc

from .errors import ParseError
from .table import FY_LABEL_RE, ReportTable, read_heading
from .text_cells import _segment
from .text_columns import interleaved, parse_columns, side_by_side

# Named here too because pdf.py and xlsx.py recognise a header row, ［今後の取組の方向性］ and a
# page number as this reader does, and import them from this module.
from .text_rows import _MARKER_RE as _MARKER_RE
from .text_rows import _PAGE_NUMBER_RE as _PAGE_NUMBER_RE
from .text_rows import CELL_LABEL as CELL_LABEL
from .text_rows import HEADER_LABELS as HEADER_LABELS
from .text_rows import _blocks, _roles, read_lines
from .text_rows import header_labels as header_labels


def parse_text(text: str, *, source: str = "<text>", form=None, forms=None) -> ReportTable:
    """Text extracted from a PDF in the seed's form. Text in another known form (its header
    line named by ``identify`` among ``forms``, or ``form`` forced) is refused naming the form,
    so the person knows to give the PDF or the workbook instead of a vague 'no initiative'."""
    from sengen.core.forms import DEFAULT_FORM

    from .text_forms import read_form_text

    if form is not None and form.code != DEFAULT_FORM:
        return read_form_text(text, form, source=source)
    try:
        return _parse_seed_text(text, source=source)
    except ParseError as exc:
        # Only when the seed's form cannot read it: the seed's text costs nothing more.
        other = _other_form(text, forms)
        if other is not None:
            return read_form_text(text, other[0], source=source)
        raise exc from None


# The first lines a header of another form is looked for in, and how well a line must match it.
_FORM_SCAN_LINES = 80
_FORM_LINE_SCORE = 0.75


def _other_form(text: str, forms, only=None):
    """(form, labels) of another known form whose header is one of the text's first lines."""
    from sengen.core.forms import DEFAULT_FORM, identify, presets

    from .formed import header_like

    candidates = [f for f in (forms if forms is not None else presets().values()) if f.code != DEFAULT_FORM]
    if not candidates:
        return None
    best = None
    for line in text.replace("\r", "\n").split("\n")[:_FORM_SCAN_LINES]:
        cells = [c for c in re.split(r"\s{2,}|\t|　+", line.strip()) if c]
        if not header_like(cells):
            continue
        found = identify(cells, forms=candidates)
        if found and found[0][2] >= _FORM_LINE_SCORE and (best is None or found[0][2] > best[2]):
            best = (found[0][0], cells, found[0][2])
    return (best[0], best[1]) if best else None


def _parse_seed_text(text: str, *, source: str) -> ReportTable:
    split = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if side_by_side(split):
        return parse_columns(text, source=source)
    mixed = interleaved(split)
    if mixed is not None:
        # Read anyway, a wrong cut would pass for a reading: say what was seen instead.
        raise ParseError("text_interleaved", source=source, line=mixed)
    lines, labels, first_header = read_lines(text)
    if not lines:
        raise ParseError("empty", source=source)
    if not any(FY_LABEL_RE.search(nfkc(ln.text)) for ln in lines[:15]):
        raise ParseError("no_title", source=source, line=lines[0].number)
    blocks = _blocks(lines)
    if not blocks:
        raise ParseError("no_initiatives", source=source, line=lines[0].number)
    top = [ln.text for ln in lines[:first_header if first_header is not None else 0]] or \
          [ln.text for ln in lines if ln.number < blocks[0].line]
    body = "\n".join(ln.text for ln in lines)
    heading = read_heading(top, labels, body, source=source)
    roles = _roles(heading.document, labels)
    rows = _segment(blocks, roles)
    return ReportTable(heading, rows)
