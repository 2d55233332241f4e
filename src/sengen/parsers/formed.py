"""A table in a known form other than the seed's → ``sengen.report/2``, through the form's Layout.

The seed's form keeps its own readers (``table.py``, exact since the first commit: the seed's
files must read as before, byte for byte). Every other form is read here: a PDF or XLSX reader
finds the header row, ``identify`` names the form and layout, and the reader hands over what it
saw as lines — the lines above the table (title, declarer, date, preamble), each item's cells in
the layout's column order, the lines after the table (closing blocks) — each line with where it
was read. The layout then says what each line is, a stage a module:

* ``formed_table``: what a reader hands over (``FormedTable``), and a header's cells matched to
  the layout's columns;
* ``formed_parts``: a column's ``Part``s split its cell in order: a part with a ``heading``
  starts at that line, a ``wrap``ped part is the line wrapped in its two strings, a bulleted
  part starts at its bullet (so 燕市's 取組内容 cell reads as the title line, then ・ content);
* ``formed_heading``: the title and declarer templates become patterns giving fiscal year, unit
  and director;
* ``formed_blocks``: preamble and closing blocks are found by their labels; SDG tags as the
  block prints them (``sdg_format``) become goal numbers and leave the text;
* ``formed_items``: a row becomes an initiative; per-target columns (``target_grade``,
  ``interim_status``) give one value per target, by line.

This module picks the layout by the title where two print the same columns, joins the rows a
page break split, and assembles the document.

Nothing here guesses at another form's wording: what the form does not say is not read.
"""

from __future__ import annotations

from sengen.core.eras import fiscal_year_label, nfkc
from sengen.core.forms import Layout, label_key
from sengen.core.report import SCHEMA_V2, normalise

from .errors import ParseError
from .formed_blocks import read_blocks
from .formed_heading import first_match, read_form_heading, template_pattern, title_patterns
from .formed_items import read_item
from .formed_parts import split_parts

# Named here too because the readers (pdf, xlsx_forms, text_forms) and parsers/__init__ import
# them from this module.
from .formed_table import FormedTable as FormedTable
from .formed_table import Line
from .formed_table import header_like as header_like
from .formed_table import match_columns as match_columns
from .table import Origin, _municipality_of_author, infer_municipality


def _continues(cells: list[list[Line]], layout: Layout) -> bool:
    """A row that goes on from the row above (a page break split it, or a number merged down):
    in a numbered form its number cell is empty; in an unnumbered one it has no title."""
    index = next((i for i, c in enumerate(layout.columns) if "number" in c.roles), None)
    if index is not None:
        return not any(t.strip() for t, _ in (cells[index] if index < len(cells) else []))
    at = next((i for i, c in enumerate(layout.columns) if "title" in c.roles), None)
    if at is None or at >= len(cells):
        return False
    return not split_parts(layout.columns[at], cells[at]).get("title")


def _by_title(table: FormedTable) -> Layout:
    """Of the form's layouts printing the same columns (an interim and a year-end report often
    do), the one whose title the file prints; the header's choice when none or several match."""
    labels = [c.label for c in table.layout.columns]
    same = [lay for lay in table.form.layouts.values() if [c.label for c in lay.columns] == labels]
    if len(same) < 2:
        return table.layout
    lines = [nfkc(t).strip() for cell in table.above for t, _ in cell]
    titled = [lay for lay in same if any(first_match(title_patterns(lay), line) for line in lines)]
    return titled[0] if len(titled) == 1 else table.layout


def to_report(table: FormedTable, source: str) -> tuple[dict, dict[str, dict]]:
    """The report and its provenance (JSON path → where it was read)."""
    table.layout = _by_title(table)
    layout, form = table.layout, table.form
    prov: dict[str, Origin] = {}
    above = [line for cell in table.above for line in cell]
    heading = read_form_heading(table, above, source)
    stop = {label_key(c.label) for c in layout.columns}
    # The table's heading (「2. 今年度の取り組み」) ends the last preamble block.
    stop_re = template_pattern(layout.table_heading) if layout.table_heading else None
    preamble, pre_origins = read_blocks(layout.preamble, table.above, table.wrapped, stop, stop_re)
    closing, close_origins = read_blocks(layout.closing, table.below, table.wrapped, stop)
    rows: list[list[list[Line]]] = []
    for cells in table.items:
        if not any(t.strip() for lines in cells for t, _ in lines):
            continue
        if rows and _continues(cells, layout):
            for k, lines in enumerate(cells):
                rows[-1][k] = rows[-1][k] + lines
            continue
        rows.append([list(lines) for lines in cells])
    initiatives = []
    for cells in rows:
        # A pre-numbered row of a blank workbook left empty is not an item.
        body = [lines for column, lines in zip(layout.columns, cells, strict=False) if "number" not in column.roles]
        body += cells[len(layout.columns):]
        if not any(t.strip() for lines in body for t, _ in lines):
            continue
        i = len(initiatives)
        initiatives.append(read_item(table, cells, heading.fiscal_year, f"$.initiatives[{i}]", prov))
    if not initiatives:
        raise ParseError("form_no_items", source=source, form=form.name)
    for i, item in enumerate(initiatives):
        if not item["title"]:
            raise ParseError("form_no_title", source=source, form=form.name, item=i + 1,
                             label=(layout.column_of("title").label.replace("\n", "")
                                    if layout.column_of("title") else "?"))
        if layout.number_column is not None and item["number"] is None:
            raise ParseError("form_no_number", source=source, form=form.name, item=i + 1)
    for k, origin in pre_origins.items():
        prov[f"$.preamble[{k}]"] = origin
    for k, origin in close_origins.items():
        prov[f"$.preamble[{len(preamble) + k}]"] = origin
    body_text = "\n".join(t for cells in rows for lines in cells for t, _ in lines)
    department = heading.unit or (heading.director_title[:-1] if heading.director_title.endswith("長")
                                  else heading.director_title)
    doc = normalise({
        "schema": SCHEMA_V2,
        "form": {"code": form.code, "version": None},
        "municipality": heading.municipality or _municipality_of_author(table.author) or infer_municipality(body_text),
        "fiscal_year": heading.fiscal_year,
        "fiscal_year_label": heading.fiscal_year_label or fiscal_year_label(heading.fiscal_year),
        "document": layout.document,
        "unit_kind": form.unit_kind,
        "declared_on": heading.declared_on,
        "department": department,
        "director": {"title": heading.director_title, "name": heading.director_name},
        "preamble": preamble + closing,
        "initiatives": initiatives,
    })
    return doc, {path: origin.as_json(source) for path, origin in prov.items()}
