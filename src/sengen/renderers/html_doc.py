"""The official ruled table as a standalone HTML document (also WeasyPrint's input).

One page of HTML that a city office can save, mail or open on LGWAN without the
internet: all CSS is inline, no script, no external font. Every piece of text from the
document goes through ``_e`` (html.escape with quotes), so a hostile report renders as
visible text, never markup.
"""

from __future__ import annotations

import functools
from html import escape

from sengen.core.forms import Form

from . import _doc, _form

# Column widths measured from the ruled lines of the seed PDF (pt: 28.4, 107.7, 175.7,
# 141.8, 192.7, 127.6 of 773.9), so our print reads like the one the city published.
REPORT_COLUMNS = (
    ("no", "No.", 3.7),
    ("title", "取組名<br>（担当課名）", 13.9),
    ("content", "取組内容", 22.7),
    ("targets", "達成目標", 18.3),
    ("results", "取組結果<br>［今後の取組の方向性］", 24.9),
    ("status", "目標達成状況", 16.5),
)
# A declaration has no results yet; the freed width goes to the text-heavy columns.
DECLARATION_COLUMNS = (
    ("no", "No.", 4.5),
    ("title", "取組名<br>（担当課名）", 20.5),
    ("content", "取組内容", 42.0),
    ("targets", "達成目標", 33.0),
)
FUTURE_DIRECTION_LABEL = "［今後の取組の方向性］"

# Screen fonts: whatever Japanese font the reader's system has. The PDF renderer adds
# an @font-face for the bundled IPAexGothic in front of this list.
FONT_STACK = ('"Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", '
              '"BIZ UDPGothic", "Yu Gothic", Meiryo, sans-serif')

CSS = """
@page {
  size: A4 landscape;
  margin: 14mm 12mm 14mm 12mm;
  @bottom-center {
    content: "- " counter(page) " -";
    font-family: %(fonts)s;
    font-size: 9pt;
  }
}
html { font-family: %(fonts)s; color: #1a1a1a; background: #fff; }
body { margin: 0; }
.sengen-report { border-collapse: collapse; table-layout: fixed; width: 100%%; }
/* A name as long as core/limits.py allows, without a break opportunity (a department written
   in Latin letters), wraps inside the page instead of running off it. */
.sengen-report caption { text-align: left; margin-bottom: 0.5em; overflow-wrap: anywhere; }
.sengen-report h1 { font-size: 1.6em; font-weight: normal; text-align: center; margin: 0 0 0.6em; }
.sengen-report .director { text-align: right; margin: 0; }
.sengen-report thead { display: table-header-group; }
.sengen-report th, .sengen-report td {
  border: 1px solid #1a1a1a; padding: 0.35em 0.45em; vertical-align: top;
  overflow-wrap: anywhere;
}
.sengen-report th { font-weight: normal; text-align: center; vertical-align: middle; background: #f2f2f2; }
.sengen-report td.no { text-align: center; }
.sengen-report ul { list-style: none; margin: 0; padding: 0; }
.sengen-report li { padding-left: 1em; text-indent: -1em; }
.sengen-report .sections { margin: 1em 0 0; }
.sengen-report .future { margin: 0.2em 0 0; }
@media print {
  html { font-size: 8.5pt; line-height: 1.45; }
  .sengen-report caption { margin-bottom: 6pt; }
  .sengen-report h1 { font-size: 14pt; margin-bottom: 10pt; }
  .sengen-report .director { font-size: 10pt; }
  /* Separate borders drawn by the cells (right and bottom; left on the first column,
     top on the header) so that a row cut by a page break still gets its closing rule. */
  .sengen-report { border-collapse: separate; border-spacing: 0; }
  .sengen-report th, .sengen-report td {
    border: 0; border-right: 0.75pt solid #000; border-bottom: 0.75pt solid #000;
    padding: 3pt 4pt; box-decoration-break: clone;
  }
  .sengen-report th { border-top: 0.75pt solid #000; }
  .sengen-report th:first-child, .sengen-report td:first-child { border-left: 0.75pt solid #000; }
  .sengen-report th { background: #f2f2f2; }
  .sengen-report tr { break-inside: auto; }
}
"""

# For browsers only: WeasyPrint knows neither media features nor line-break (Pango
# applies kinsoku itself) and would log a warning for each on every PDF.
BROWSER_CSS = """
.sengen-report th, .sengen-report td { line-break: strict; }
@media screen {
  body { padding: 1.5rem; line-height: 1.7; font-size: 16px; }
  .sengen-report { font-size: 0.875rem; }
}
@media screen and (max-width: 48em) {
  /* One card per initiative, columns in the official order, each labelled. */
  .sengen-report, .sengen-report tbody, .sengen-report tr, .sengen-report td { display: block; width: auto; }
  .sengen-report thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .sengen-report tr { border: 1px solid #1a1a1a; margin: 0 0 1rem; }
  .sengen-report td { border: 0; border-top: 1px solid #ccc; }
  .sengen-report td::before { content: attr(data-label); display: block; font-weight: bold; }
  .sengen-report td.no::before { display: inline; }
  .sengen-report td.no { text-align: left; }
}
"""


# What a form prints beyond the seed's table (only written when the report has any of it, so
# the seed's HTML stays what it was): the blocks before and after the table, the heading above
# it, and items printed as a grid of labelled cells (FAMILIES.md F3).
FORM_CSS = """
.sengen-report caption h1 { margin-bottom: 0.3em; }
.sengen-report .declared-on { text-align: right; margin: 0; }
.sengen-report .preamble, .sengen-closing .closing { text-align: left; margin: 0.8em 0 0; }
.sengen-report .preamble h2, .sengen-closing h2, .sengen-report h2.table-heading {
  font-size: 1.1em; font-weight: bold; margin: 0.6em 0 0.2em; }
.sengen-report .preamble h3, .sengen-closing h3 { font-size: 1em; font-weight: bold; margin: 0.5em 0 0.1em; }
.sengen-report .preamble p, .sengen-closing p { margin: 0 0 0.2em; }
.sengen-report .sdgs { font-weight: normal; }
.sengen-report caption ul, .sengen-closing ul { list-style: none; margin: 0; padding: 0; }
.sengen-report caption li, .sengen-closing li { padding-left: 1em; text-indent: -1em; }
.sengen-closing { margin-top: 1em; overflow-wrap: anywhere; }
.sengen-report td p { margin: 0; }
.sengen-report td p + p, .sengen-report td ul + p { margin-top: 0.4em; }
.sengen-blocks tbody.block { break-inside: avoid; }
.sengen-blocks tbody.block + tbody.block tr:first-child th { border-top-width: 2px; }
.sengen-blocks th { text-align: left; }
@media print {
  /* No painted page: WeasyPrint draws the root's white as a rectangle over the whole page area,
     and a reader finding ruled tables by their lines (pdfplumber) takes that rectangle for the
     table's frame, swallowing the blocks printed after the table (南足柄市's closing comment). */
  html { background: none; }
  .sengen-report h2.table-heading, .sengen-report .preamble h2 { font-size: 10pt; }
  .sengen-blocks th { border-top: 0; }
  .sengen-blocks tbody.block tr:first-child th { border-top: 0.75pt solid #000; }
  .sengen-blocks tbody.block + tbody.block tr:first-child th { border-top: 1.5pt solid #000; }
}
"""
BROWSER_FORM_CSS = """
@media screen and (max-width: 48em) {
  /* The table is a block here, and a caption left a table-caption shrinks to one character's
     width (the seed's standalone HTML still does: its bytes are kept as they were). */
  .sengen-report caption { display: block; }
  .sengen-report td:empty { display: none; }  /* a card lists what the report says */
  .sengen-blocks th { display: none; }
  .sengen-blocks tbody.block { display: block; border: 1px solid #1a1a1a; margin: 0 0 1rem; }
  .sengen-blocks tbody.block tr { border: 0; margin: 0; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


@functools.cache
def _mark(mark: str) -> str:
    """A bullet mark escaped (the form's, so data like any text), once per mark: one per item."""
    return _e(mark)


def _bullets(lines: list[str], marks: tuple[str, ...] | None = None, bullet: str = "・") -> str:
    """Items as a list, each after its mark: ``bullet`` for every item, or ``marks`` one each."""
    if not lines:
        return ""
    # The ・ is drawn as in the official table but hidden from screen readers, which
    # already announce a list item.
    if marks is None or marks[0] == marks[-1]:  # one mark for every item (・), escaped once
        opening = f'<li><span aria-hidden="true">{_mark(marks[0] if marks else bullet)}</span>'
        items = "".join(f"{opening}{_e(line)}</li>" for line in lines)
    else:  # ①②③…
        items = "".join(f'<li><span aria-hidden="true">{_mark(mark)}</span>{_e(line)}</li>'
                        for line, mark in zip(lines, marks, strict=True))
    return f"<ul>{items}</ul>"


def _plain_label(header_html: str) -> str:
    return header_html.replace("<br>", "")


# A part's paragraph class: the seed's two kept their names (the CSS above styles them).
_PART_CLASSES = {"future_direction": "future"}


def _part(role: str, items: list[str], bullet: str, wrap, heading, first: bool) -> str:
    """One part of a cell (``_form.cell``'s ``Piece``, made here without one: this runs for every
    part of every cell, the seed's table's cost)."""
    if bullet and not heading and not wrap:  # the common case: a list
        return _bullets(items, _form.marks(bullet, len(items)) if bullet == "①" else None, bullet)
    if first and len(items) == 1 and not heading and not wrap and role not in _form.TARGET_ROLES:
        return _e(items[0])
    cls = _PART_CLASSES.get(role) or role.replace("_", "-")
    if wrap:
        return f'<p class="{cls}">{_e(wrap[0] + "、".join(items) + wrap[1])}</p>'
    head = f'<p class="{cls}">{_e(heading)}</p>' if heading else ""
    if bullet:
        return head + _bullets(items, _form.marks(bullet, len(items)) if bullet == "①" else None, bullet)
    return head + "".join(f'<p class="{cls}">{_e(item)}</p>' for item in items)


_TEXT_ROLES = _form._TEXT_ROLES


def _cell(initiative: dict, column, form, plan=None) -> str:
    out = []
    for part, first, per_target in plan if plan is not None else _form._plan(column):
        role = part.role
        items = (_doc.texts(initiative.get(role)) if role in _TEXT_ROLES
                 else _form.role_items(initiative, role, form, part, column))
        if not items or (per_target and not any(items)):
            continue
        out.append(_part(part.role, items, part.bullet, part.wrap, part.heading, first))
    return "".join(out)


def _row(initiative: dict, t: _form.Table, opening: list[str]) -> str:
    return "".join(f"{td}{_cell(initiative, c, t.form, plan)}</td>"
                   for c, plan, td in zip(t.columns, t.plans, opening, strict=True))


def _td(column) -> str:
    return f'<td class="{_form.column_class(column)}" data-label="{_e("".join(_form.label_lines(column)))}">'


def _header(column) -> str:
    return "<br>".join(_e(line) for line in _form.label_lines(column))


def _block_rows(initiative: dict, t: _form.Table) -> str:
    """One item as the form's grid: labels above their cells, ``block_width`` to a line."""
    width = max(1, t.layout.block_width)
    out = []
    for at in range(0, len(t.columns), width):
        line = t.columns[at:at + width]
        pad = width - len(line)
        span = f' colspan="{pad + 1}"' if pad else ""
        out.append("<tr>" + "".join(
            f'<th scope="col" class="{_form.column_class(c)}"{span if i == len(line) - 1 else ""}>{_header(c)}</th>'
            for i, c in enumerate(line)) + "</tr>")
        out.append("<tr>" + "".join(
            f'<td class="{_form.column_class(c)}" data-label="{_e("".join(_form.label_lines(c)))}"'
            f'{span if i == len(line) - 1 else ""}>{_cell(initiative, c, t.form)}</td>'
            for i, c in enumerate(line)) + "</tr>")
    return "".join(out)


def _preamble(blocks: list[_form.Block], cls: str) -> str:
    """Blocks before (or after) the table: the form's heading, and under it the report's items
    with the block's marks; SDG tags after a theme's own heading in a ``themes`` block, on a line of
    their own under a ``text`` block's heading (the heading is the form's, printed as the form has
    it: readers find the block by it)."""
    out = []
    for block in blocks:
        themes = block.block.kind == "themes"
        parts = []
        if themes or (block.heading is not None and not block.entries):
            parts.append(f"<h2>{_e(block.heading or block.block.label)}</h2>")
        for entry in block.entries:
            items, tags = _form.entry_items(block, entry)
            tag_html = f' <span class="sdgs">{_e("".join(tags))}</span>' if tags else ""
            if themes:
                parts.append(f"<h3>{_e(_doc.clean(entry.get('label')))}{tag_html}</h3>")
            else:
                label = block.heading if block.heading is not None else _doc.clean(entry.get("label"))
                parts.append(f"<h2>{_e(label)}</h2>" + (f'<p class="sdgs">{_e("".join(tags))}</p>' if tags else ""))
            marks = _form.marks(block.block.bullet, len(items))
            parts.append(_bullets(items, marks) if any(marks) else "".join(f"<p>{_e(i)}</p>" for i in items))
        out.append(f'<section class="{cls}">{"".join(parts)}</section>')
    return "".join(out)


def report_table(doc: dict, *, form: Form | None = None) -> str:
    """The report as its form prints it, as an HTML fragment for a page: the table with its
    caption (title, declarer, date, the blocks before the table, the table's heading) and the
    blocks printed after it. Every text is escaped; the style sheet is ``CSS`` (+ ``FORM_CSS``
    when ``needs_form_css``), scoped to ``.sengen-report`` / ``.sengen-closing``."""
    return _report_table(doc, _form.table(doc, form))


@functools.lru_cache(maxsize=64)
def _skeleton(columns: tuple, widths: tuple) -> tuple[str, str, list[str]]:
    """The table's <colgroup>, header row and each column's opening <td>: the same for every
    report in a layout, so made once (the form's labels escaped as any text)."""
    colgroup = "".join(f'<col class="{_form.column_class(c)}" style="width: {w}%">'
                       for c, w in zip(columns, widths, strict=True))
    header = "".join(f'<th scope="col" class="{_form.column_class(c)}">{_header(c)}</th>' for c in columns)
    return colgroup, f"<thead><tr>{header}</tr></thead>\n", [_td(c) for c in columns]


def _report_table(doc: dict, t: _form.Table, title: str | None = None) -> str:
    layout = t.layout
    title = _form.title(doc, layout) if title is None else title
    director = _form.declarer(doc, layout)
    n = len(t.columns)

    caption = f"<h1>{_e(title)}</h1>" + (f'<p class="director">{_e(director)}</p>' if director else "")
    after: list = []
    if not t.plain:  # (a plain table has no date, blocks or heading: nothing to look for)
        before, after = _form.blocks(doc, layout)
        declared = _form.declared_on(doc, layout)
        if declared:
            caption += f'<p class="declared-on">{_e(declared[0])} {_e(declared[1])}</p>'
        caption += _preamble(before, "preamble")
        heading = _form.table_heading(doc, layout)
        if heading:
            caption += f'<h2 class="table-heading">{_e(heading)}</h2>'

    initiatives = _doc.initiatives(doc)
    if t.blocks:
        width = max(1, layout.block_width)
        colgroup = "".join(f'<col style="width: {round(100 / width, 2)}%">' for _ in range(width))
        thead = ""
        body = "".join(f'<tbody class="block">{_block_rows(i, t)}</tbody>\n' for i in initiatives)
        n = width
    else:
        colgroup, thead, opening = _skeleton(t.columns, tuple(t.percent_widths()))
        rows = "".join(f"<tr>{_row(i, t, opening)}</tr>" for i in initiatives)
        body = f"<tbody>\n{rows}\n</tbody>\n" if rows else ""
    if not initiatives:
        body = f'<tbody>\n<tr><td colspan="{n}">取組の記載はありません。</td></tr>\n</tbody>\n'
    closing = _preamble(after, "closing")
    return (
        f'<table class="sengen-report{" sengen-blocks" if t.blocks else ""}">\n'
        f"<caption>{caption}</caption>\n"
        f"<colgroup>{colgroup}</colgroup>\n"
        f"{thead}{body}"
        "</table>\n" + (f'<div class="sengen-closing">{closing}</div>\n' if closing else "")
    )


def needs_form_css(doc: dict, *, form: Form | None = None) -> bool:
    """Whether the report prints anything the seed's table never had (preamble, a heading above
    the table, blocks, a date): the seed's HTML stays byte for byte what it was."""
    return not _form.table(doc, form).plain


def render_html(doc: dict, *, head_css: str = "", fonts: str = FONT_STACK, browser: bool = True,
                form: Form | None = None) -> str:
    """The standalone HTML document for one report, in its form (``form``; by default the one
    the document names, else the seed's).

    ``head_css`` goes before the built-in style sheet (the PDF renderer puts its
    @font-face there); ``fonts`` is the CSS font-family list; ``browser=False`` leaves
    out the screen-only CSS (for WeasyPrint).
    """
    t = _form.table(doc, form)
    title = _form.title(doc, t.layout)
    # The author is the city and its director whatever the form's declarer line says (■宣言者: …):
    # how a reader of the file, and sengen's readers, tell whose report it is.
    municipality = _doc.clean(doc.get("municipality")).strip()
    author = " ".join(p for p in (municipality, _doc.director_line(doc)) if p)
    css = CSS % {"fonts": fonts} + ("" if t.plain else FORM_CSS) + (BROWSER_CSS if browser else "")
    if browser and not t.plain:
        css += BROWSER_FORM_CSS

    meta = [f'<meta name="author" content="{_e(author)}">'] if author else []
    meta.append('<meta name="generator" content="sengen">')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n" + "\n".join(meta) + "\n"
        f"<style>{head_css}{css}</style>\n"
        "</head>\n<body>\n"
        + _report_table(doc, t, title) +
        "</body>\n</html>\n"
    )
