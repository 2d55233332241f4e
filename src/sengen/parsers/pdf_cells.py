"""A ruled table's cells read by position: which characters are whose, and the text around the table.

pdfplumber finds a page's tables from their ruling lines (``TABLE_SETTINGS``); a row's characters
go to a cell by their centre, so punctuation hanging past a rule stays in its cell
(``row_lines``). A row the page break cut before its closing rule was drawn is found under the
last rule (``unclosed_tail``). Both the seed's reader (``pdf``) and the other forms' (``pdf_forms``)
read cells this way; the forms' reader also walks the text above and below the tables.
"""

from __future__ import annotations

import unicodedata

from sengen.core.eras import nfkc

from .table import Origin
from .text import _PAGE_NUMBER_RE

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                   "intersection_tolerance": 4}


# Punctuation that may not start a line (kinsoku): one that seems to open a cell's line
# was hung past the rule by the cell to its left.
_NO_LINE_START = frozenset("。、，．,.）)」』】〕］")


class CellLine(str):
    """A line of a cell that remembers its page, for provenance."""

    page: int = 0


def row_lines(page, bboxes: list, *, bottom: float | None = None) -> list[list[str]]:
    """The text lines of each cell of one table row, characters assigned by their centre.

    By the centre, punctuation hanging past a rule at a line's end stays in its cell; one
    hung so far that its centre is past the rule would open the next cell's line, which
    line breaking forbids, so it goes back to the cell on its left."""
    edges = [b for b in bboxes if b is not None]
    if not edges:
        return [[] for _ in bboxes]
    top = min(b[1] for b in edges)
    low = bottom if bottom is not None else max(b[3] for b in edges)
    chars = [c for c in page.chars if top <= (c["top"] + c["bottom"]) / 2 < low]
    owner: dict[int, int] = {}
    for c in chars:
        cx = (c["x0"] + c["x1"]) / 2
        for k, b in enumerate(bboxes):
            if b is not None and b[0] <= cx < b[2]:
                owner[id(c)] = k
                break
        else:
            # Hung past the table's outer rule (the last column's 、): the cell it starts in.
            for k, b in enumerate(bboxes):
                if b is not None and b[0] <= c["x0"] < b[2]:
                    owner[id(c)] = k
                    break
    by_line: dict[tuple[int, int], list] = {}
    for c in chars:
        k = owner.get(id(c))
        if k is not None:
            by_line.setdefault((k, round(c["top"])), []).append(c)
    for (k, _), line_chars in by_line.items():
        ordered = sorted(line_chars, key=lambda c: c["x0"])
        first = ordered[0]
        # ．and ， before a digit are a decimal point or a thousands separator that a careless
        # wrap left at a line's start, not hung punctuation.
        before_digit = len(ordered) > 1 and unicodedata.normalize("NFKC", ordered[1]["text"]).isdigit()
        # Hung punctuation starts left of the rule; one at or right of it is where a line
        # broken without kinsoku put it: the start of this cell's line.
        hung = first["x0"] < bboxes[k][0] + 1 if bboxes[k] is not None else False
        if k > 0 and hung and first["text"] in _NO_LINE_START and not before_digit and bboxes[k - 1] is not None:
            owner[id(first)] = k - 1
    out = []
    for k in range(len(bboxes)):
        mine = {id(c) for c in chars if owner.get(id(c)) == k}
        lines = []
        if mine:
            view = page.filter(lambda obj, mine=mine: obj.get("object_type") == "char" and id(obj) in mine)
            for ln in view.extract_text_lines(strip=True):
                if ln["text"].strip():
                    line = CellLine(ln["text"])
                    line.page = page.page_number
                    lines.append(line)
        out.append(lines)
    return out


def unclosed_tail(page, table):
    """Text under the table's last rule that is the start of a row the page break cut before
    its closing rule was drawn: the last row's columns, down to the last line above the foot.

    Only text that begins right below the rule and sits in the table's columns counts; a
    page number or a note further down does not."""
    last = table.rows[-1].cells if table.rows else None
    if not last or any(b is None for b in last):
        return None
    top = table.bbox[3]
    x0, x1 = table.bbox[0], table.bbox[2]
    below = [c for c in page.chars if c["top"] >= top - 0.5 and x0 <= (c["x0"] + c["x1"]) / 2 <= x1]
    if not below:
        return None
    line_height = max(c["bottom"] - c["top"] for c in below)
    lines = sorted({round(c["top"]) for c in below})
    if lines[0] - top > 2.5 * line_height:
        return None
    bottom = lines[0]
    for y in lines[1:]:
        if y - bottom > 2.5 * line_height:
            break  # a gap: what follows (a page number, a note) is not the row
        bottom = y
    cells = [(b[0], top, b[2], bottom + line_height + 1) for b in last]
    tail_lines = row_lines(page, cells)
    if all(_PAGE_NUMBER_RE.match(" ".join(lines).strip()) or not lines for lines in tail_lines):
        return None
    return cells, bottom + line_height + 1


def page_tables(pages):
    """Each page with its tables top to bottom, each table paired with the top of the band of
    text above it (the page's top, or the previous table's bottom): both form readers walk a
    PDF this way, reading a title above the first table and a closing note under the last."""
    for page in pages:
        tables = sorted(page.find_tables(TABLE_SETTINGS), key=lambda t: t.bbox[1])
        yield page, list(zip([0.0] + [t.bbox[3] for t in tables[:-1]], tables, strict=True))


def lines_above(page, top: float, table) -> list[list]:
    """The page's lines between ``top`` and ``table`` (a title, a heading), each as a one-line
    cell; none where the table starts within a point of ``top``."""
    bottom = table.bbox[1] - 0.5
    if bottom <= top + 1:
        return []
    band = page.within_bbox((0, top, page.width, bottom))
    return [[(ln["text"], Origin(page=page.page_number))] for ln in band.extract_text_lines(strip=True)]


def lines_below(page, table) -> list[list]:
    """The page's lines under ``table`` (its last), each as a one-line cell, the page number
    left out: a closing note, never part of the report."""
    bottom = table.bbox[3] + 0.5
    if bottom >= page.height:
        return []
    tail = [ln["text"] for ln in page.within_bbox((0, bottom, page.width, page.height)).extract_text_lines(strip=True)]
    return [[(t, Origin(page=page.page_number))] for t in tail if not _PAGE_NUMBER_RE.match(nfkc(t))]
