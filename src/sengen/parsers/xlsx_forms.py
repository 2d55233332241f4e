"""A workbook's table in another known form than the seed's (``core.forms``), cut into the
cells ``formed.FormedTable`` reads.

The form is the one whose layout best explains a header row (or two, where the second holds
the rest of the labels) among the first rows of the sheets; its columns are matched to the
layout's, cells merged across columns go with the column they start in, the rows above the
header are the heading and a form's closing block (its label alone in a row) ends the table.
"""

from __future__ import annotations

from .table import Origin
from .xlsx_workbook import HEADER_SCAN_ROWS, _cells_of, _lines, _ref, _Sheet, _spans

# A row is a form's header when its layout explains this much of it (identify's score): the
# blank workbook's header scores 1.0; a title line that happens to hold one label scores far less.
FORM_HEADER_SCORE = 0.75


def _header_cells(sheet: _Sheet, first: int, last: int) -> list[tuple[int, str]]:
    """The header's cells by column, a two-row header's lines joined (取組 above （所管課）)."""
    cells: dict[int, list[str]] = {}
    for r in range(first, last + 1):
        for col, text in _cells_of(sheet, r):
            cells.setdefault(col, []).append(text)
    return [(col, "\n".join(texts)) for col, texts in sorted(cells.items())]


def _form_header(sheets: list[_Sheet], candidates, forced) -> tuple | None:
    """(sheet, first row, last row, form, layout) of the best-explained header among the sheets'
    first rows: one row, or two where the second holds the rest of the labels."""
    from sengen.core.forms import identify

    from .formed import header_like

    best = None
    for sheet in sheets:
        for r in sorted(sheet.rows):
            if r > HEADER_SCAN_ROWS:
                break
            for last in (r, r + 1):
                if last not in sheet.rows:
                    continue
                cells = [t for _, t in _header_cells(sheet, r, last)]
                if not header_like(cells):
                    continue
                found = identify(cells, forms=[forced] if forced is not None else candidates)
                # A second row must make the match better, not merely keep it (the first item).
                if found and found[0][2] >= FORM_HEADER_SCORE and (best is None or found[0][2] > best[5]):
                    best = (sheet, r, last, found[0][0], found[0][1], found[0][2])
    return best[:5] if best else None


def _is_block_label(sheet: _Sheet, r: int, keys: set[str]) -> bool:
    from sengen.core.forms import label_key

    cells = sheet.rows.get(r, {})
    return len(cells) == 1 and label_key(next(iter(cells.values()))) in keys


def _formed(sheet: _Sheet, header_row: int, last_row: int, form, layout, author):
    from sengen.core.forms import label_key

    from .formed import FormedTable, match_columns

    header = _header_cells(sheet, header_row, last_row)
    matched = match_columns([t for _, t in header], layout)
    col_of: dict[int, int] = {}
    unknown: list[str] = []
    for (col, text), index in zip(header, matched, strict=True):
        if index is not None:
            col_of[col] = index
        else:
            col_of[col] = len(layout.columns) + len(unknown)
            unknown.append(text.replace("\n", ""))
    spans = _spans(sheet.merges, header_row)
    for col, index in list(col_of.items()):
        for c in spans.get(col, ()):
            col_of.setdefault(c, index)
    width = len(layout.columns) + len(unknown)
    closing = {label_key(b.label) for b in layout.closing}
    above = []
    for r in sorted(sheet.rows):
        if r >= header_row:
            break
        cells = _cells_of(sheet, r)
        if len(cells) > 1 and all(len(_lines(t)) <= 1 for _, t in cells):
            # A label and its value side by side (宣言日 | 2025-05-01) read as one line.
            above.append([(" ".join(t.strip() for _, t in cells), Origin(cell=_ref(sheet.title, cells[0][0], r)))])
            continue
        above += [[(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)] for col, text in cells]
    above += [[(line, Origin(cell="page header"))] for line in sheet.page_header]
    items, below = [], []
    in_table = True
    for r in sorted(sheet.rows):
        if r <= last_row:
            continue
        if in_table and _is_block_label(sheet, r, closing):
            in_table = False
        if not in_table:
            below += [[(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)]
                      for col, text in _cells_of(sheet, r)]
            continue
        cells: list[list] = [[] for _ in range(width)]
        for col, text in _cells_of(sheet, r):
            index = col_of.get(col)
            if index is not None:
                cells[index] += [(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)]
        items.append(cells)
    return FormedTable(form, layout, above, items, below, unknown, wrapped=False, author=author)
