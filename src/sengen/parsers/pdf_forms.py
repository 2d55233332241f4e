"""A ruled PDF table in another known form than the seed's → the ``FormedTable`` ``formed`` reads.

Two arrangements: a table with a header row (repeated on each page or not), one row an item
(``read_formed``); or ``blocks`` (F3), each item a small grid of label rows and text rows
(``_read_blocks``). The lines above the first table and under the last are kept for the heading,
preamble and closing blocks.
"""

from __future__ import annotations

from .errors import ParseError
from .pdf_cells import lines_above, lines_below, page_tables, row_lines
from .table import Origin

# A row is a form's header when the form's layout explains this much of it (identify's score).
FORM_HEADER_SCORE = 0.75


def other_form(texts: list[str], candidates) -> tuple | None:
    """(form, layout) when ``texts`` is the header of a form other than the seed's, best first."""
    from sengen.core.forms import DEFAULT_FORM, identify

    from .formed import header_like

    if not candidates or not header_like(texts):
        return None
    found = identify(texts, forms=candidates)
    if found and found[0][2] >= FORM_HEADER_SCORE and found[0][0].code != DEFAULT_FORM:
        return found[0][0], found[0][1]
    return None


def read_formed(pages, source: str, author: str | None, form, layout):
    """The pages as a table of ``form`` (``layout``; the best-matching one when None)."""
    from sengen.core.forms import identify

    from .formed import FormedTable, header_like, match_columns

    if any(lay.arrangement == "blocks" for lay in form.layouts.values()):
        blocks = _read_blocks(pages, source, author, form)
        if blocks is not None:
            return blocks

    above: list = []
    below: list = []
    items: list = []
    mapping: list | None = None
    width = 0
    labels: list[str] = []
    for page, tables in page_tables(pages):
        for top, table in tables:
            if mapping is None:
                above += lines_above(page, top, table)
            for row in table.rows:
                cell_lines = row_lines(page, row.cells)
                texts = [" ".join(lines) for lines in cell_lines]
                if (mapping is None or not items) and header_like(texts):
                    ranked = identify(texts, forms=[form])
                    ranked = [r for r in ranked if layout is None or r[1] == layout]
                    if ranked and ranked[0][2] >= FORM_HEADER_SCORE:
                        layout = ranked[0][1]
                        mapping = match_columns(texts, layout)
                        labels = [t for t, m in zip(texts, mapping, strict=True) if m is None and t.strip()]
                        width = len(layout.columns) + len(labels)
                        continue
                elif other_form(texts, [form]) is not None:
                    continue  # the header again, repeated on this page
                if mapping is None:
                    above += [[(line, Origin(page=page.page_number))] for lines in cell_lines for line in lines]
                    continue
                cells: list[list] = [[] for _ in range(width)]
                extra = len(layout.columns)
                for index, lines, text in zip(mapping, cell_lines, texts, strict=False):
                    if index is None:
                        if not text.strip() and extra >= width:
                            continue
                        index, extra = extra, extra + 1
                        if index >= width:
                            continue
                    label = layout.columns[index].label.replace("\n", "") if index < len(layout.columns) else ""
                    cells[index] += [(line, Origin(page=page.page_number, cell=label or None)) for line in lines]
                items.append(cells)
        if mapping is not None and items and tables:
            below += lines_below(page, tables[-1][1])
    if not any(page.chars for page in pages):
        raise ParseError("pdf_no_text", source=source)
    if mapping is None:
        raise ParseError("form_not_this", source=source, form=form.name,
                         labels=" / ".join(t for cell in above[:3] for t, _ in cell)[:200] or "—")
    return FormedTable(form, layout, above, items, below, labels, wrapped=True, author=author)


def _read_blocks(pages, source: str, author: str | None, form):
    """A form that prints each item as a small grid (``Layout.arrangement`` "blocks": F3's 2 × 2
    of 事業名 / 目標 above 年度末達成状況 / 自己評価): the table's rows alternate a row of labels
    and a row of their texts, and an item starts at the row labelling its first column. A label
    the form does not have (a column sengen added so nothing is dropped) is kept under its label.
    Which of the form's layouts it is: the one the first item's labels explain best."""
    from sengen.core.forms import identify, label_key

    from .formed import FormedTable, match_columns

    above: list = []
    below: list = []
    rows: list = []  # (page, cell lines, texts) of every table row, in order
    for page, tables in page_tables(pages):
        for top, table in tables:
            if not rows:
                above += lines_above(page, top, table)
            for row in table.rows:
                cell_lines = row_lines(page, row.cells)
                rows.append((page.page_number, cell_lines, [" ".join(lines) for lines in cell_lines]))
        if rows and tables:
            below += lines_below(page, tables[-1][1])
    if not any(page.chars for page in pages):
        raise ParseError("pdf_no_text", source=source)
    firsts = {label_key(lay.columns[0].label) for lay in form.layouts.values()}
    start = next((i for i, (_, _, texts) in enumerate(rows)
                  if texts and label_key(texts[0]) in firsts), None)
    if start is None:
        raise ParseError("form_not_this", source=source, form=form.name,
                         labels=" / ".join(t for cell in above[:3] for t, _ in cell)[:200] or "—")
    # Printed as blocks, the row after an item's first texts labels again (年度末達成状況 / 自己評価,
    # or the next item's 事業名); printed as a table (a city may), it is the next item's cells.
    keys = {label_key(line) for lay in form.layouts.values() for c in lay.columns
            for line in (c.label, *c.label_lines)}
    if start + 2 < len(rows) and not any(label_key(t) in keys for t in rows[start + 2][2] if t.strip()):
        return None
    # The first item's labels: every other row from the start, up to the next item's first label.
    first_labels: list[str] = []
    for k in range(start, len(rows), 2):
        texts = rows[k][2]
        if k > start and label_key(texts[0]) in firsts:
            break
        first_labels += [t for t in texts if t.strip()]
    ranked = identify(first_labels, forms=[form])
    if not ranked:
        raise ParseError("form_not_this", source=source, form=form.name, labels=" / ".join(first_labels)[:200])
    # Equal scores (a declaration's columns inside a report's): the title says which document.
    from .table import document_kind

    title = " ".join(t for cell in above for t, _ in cell)
    best = [r for r in ranked if r[2] == ranked[0][2]]
    layout = next((r[1] for r in best if r[1].document == document_kind(title, set())), best[0][1])
    first = label_key(layout.columns[0].label)
    unknown: list[str] = []
    items: list = []
    width = len(layout.columns)
    for k in range(start, len(rows) - 1, 2):
        page, _, labels = rows[k]
        _, value_lines, _ = rows[k + 1]
        if label_key(labels[0]) == first or not items:
            items.append([[] for _ in range(width + len(unknown))])
        for label, lines in zip(labels, value_lines, strict=False):
            if not label.strip():
                continue
            index = match_columns([label], layout)[0]
            if index is None:
                name = label.strip()
                if name not in unknown:
                    unknown.append(name)
                index = width + unknown.index(name)
            cells = items[-1]
            while len(cells) <= index:
                cells.append([])
            column = layout.columns[index].label.replace("\n", "") if index < width else label.strip()
            cells[index] += [(line, Origin(page=getattr(line, "page", page), cell=column)) for line in lines]
    return FormedTable(form, layout, above, items, below, unknown, wrapped=True, author=author)
