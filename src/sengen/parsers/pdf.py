"""Reports as the ruled-table PDFs cities published.

The table's ruling lines say exactly where each cell is, so this reader trusts them
rather than a text dump: pdfplumber finds the table from its lines, the header row names
the columns, and each cell's lines are read by position. A row that a page break split
continues on the next page as a row with an empty No. cell; its cells' lines are joined
to the row above before bullets are cut, so a bullet broken by the page reads as one.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from sengen.core.eras import nfkc
from sengen.core.text import compact, join_lines

from .errors import ParseError
from .table import BULLET_MARKS, Origin, ReportTable, Row, bullet_text, read_heading, split_sections
from .text import _MARKER_RE, _PAGE_NUMBER_RE, CELL_LABEL, header_labels

MAX_PAGES = 300

_ROLE_OF_LABEL = {
    "No.": "number", "NO.": "number", "N0.": "number", "No": "number", "番号": "number",
    "取組名": "title", "担当課名": "title", "(担当課名)": "title", "取組名(担当課名)": "title",
    "取組内容": "content", "達成目標": "targets",
    "取組結果": "results", "今後の取組の方向性": "results",
    "目標達成状況": "achievement_status", "達成状況": "achievement_status",
}
_LABEL_OF_ROLE = {"number": (), "title": (), "content": ("取組内容",), "targets": ("達成目標",),
                  "results": ("取組結果",), "achievement_status": ("目標達成状況",)}
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                   "intersection_tolerance": 4}


@dataclass
class _RawRow:
    number: int
    page: int
    cells: dict[str, list[str]] = field(default_factory=dict)


# Punctuation that may not start a line (kinsoku): one that seems to open a cell's line
# was hung past the rule by the cell to its left.
_NO_LINE_START = frozenset("。、，．,.）)」』】〕］")


def _row_lines(page, bboxes: list, *, bottom: float | None = None) -> list[list[str]]:
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
                    line = _CellLine(ln["text"])
                    line.page = page.page_number
                    lines.append(line)
        out.append(lines)
    return out


def _cell_lines(page, bbox) -> list[str]:
    return _row_lines(page, [bbox])[0]


def _header_roles(texts: list[str]) -> list[str | None] | None:
    """The column roles a header row names, or None when the row is not a header."""
    roles: list[str | None] = []
    for text in texts:
        # The results header names the marker too: 取組結果［今後の取組の方向性］.
        text = re.sub(r"[\[【〔]\s*今後の取組の方向性\s*[\]】〕]", "", nfkc(text))
        labels = header_labels(text) if compact(text) else set()
        if labels is None:
            return None
        role = None
        for label in labels:
            mapped = _ROLE_OF_LABEL.get(label)
            if mapped:
                role = role or mapped
                if mapped == "results":
                    role = "results"
        roles.append(role)
    if "content" not in roles or "targets" not in roles:
        return None
    return roles


class _CellLine(str):
    """A line of a cell that remembers its page, for provenance."""

    page: int = 0


def _bullets(lines: list[str], cell: str) -> tuple[list[str], list[Origin]]:
    groups: list[list[str]] = []
    for line in lines:
        if line.lstrip().startswith(BULLET_MARKS) or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    texts, origins = [], []
    for group in groups:
        text = bullet_text(group)
        if text:
            texts.append(text)
            origins.append(Origin(page=getattr(group[0], "page", None), cell=cell))
    return texts, origins


def _split_results(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        m = _MARKER_RE.match(nfkc(line))
        if m:
            rest = line[len(line) - len(m.group("rest")):] if m.group("rest") else ""
            return lines[:i], ([rest] if rest else []) + lines[i + 1:]
    return lines, []


def _edges(cells) -> list[float]:
    return sorted({round(b[0]) for b in cells if b is not None} | {round(b[2]) for b in cells if b is not None})


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


def _unclosed_tail(page, table):
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
    tail_lines = _row_lines(page, cells)
    if all(_PAGE_NUMBER_RE.match(" ".join(lines).strip()) or not lines for lines in tail_lines):
        return None
    return cells, bottom + line_height + 1


class _OtherForm(Exception):
    """The table's header is another known form's: read the pages again through it."""

    def __init__(self, form, layout):
        super().__init__(form.code)
        self.form, self.layout = form, layout


# A row is a form's header when the form's layout explains this much of it (identify's score).
FORM_HEADER_SCORE = 0.75


def _other_form(texts: list[str], candidates) -> tuple | None:
    """(form, layout) when ``texts`` is the header of a form other than the seed's, best first."""
    from sengen.core.forms import DEFAULT_FORM, identify

    from .formed import header_like

    if not candidates or not header_like(texts):
        return None
    found = identify(texts, forms=candidates)
    if found and found[0][2] >= FORM_HEADER_SCORE and found[0][0].code != DEFAULT_FORM:
        return found[0][0], found[0][1]
    return None


def parse_pdf(data: bytes, *, source: str = "<pdf>", form=None, forms=None):
    """The PDF's table: a ``ReportTable`` in the seed's form (read as it always was), or a
    ``FormedTable`` in another of ``forms`` (``core.forms.presets()`` when None) named by its
    header labels; ``form`` forces one."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a broken file; pdfplumber wraps them
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ParseError("pdf_encrypted", source=source) from None
        raise ParseError("pdf_unreadable", source=source, error=type(cause).__name__) from None
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise ParseError("pdf_unreadable", source=source, error=type(exc).__name__) from None
        if len(pages) > MAX_PAGES:
            raise ParseError("pdf_pages", source=source, count=len(pages), limit=MAX_PAGES)
        author = pdf.metadata.get("Author") if isinstance(pdf.metadata, dict) else None
        author = author if isinstance(author, str) else None
        from sengen.core.forms import DEFAULT_FORM, presets

        if form is not None and form.code != DEFAULT_FORM:
            return _read_formed(pages, source, author, form, None)
        candidates = None if form is not None else list(forms if forms is not None else presets().values())
        if candidates is not None and all(f.code == DEFAULT_FORM for f in candidates):
            candidates = None
        try:
            return _read_pages(pages, source, author, candidates)
        except _OtherForm as other:
            return _read_formed(pages, source, author, other.form, other.layout)


def _page_tables(pages):
    """Each page with its tables top to bottom, each table paired with the top of the band of
    text above it (the page's top, or the previous table's bottom): both form readers walk a
    PDF this way, reading a title above the first table and a closing note under the last."""
    for page in pages:
        tables = sorted(page.find_tables(_TABLE_SETTINGS), key=lambda t: t.bbox[1])
        yield page, list(zip([0.0] + [t.bbox[3] for t in tables[:-1]], tables, strict=True))


def _lines_above(page, top: float, table) -> list[list]:
    """The page's lines between ``top`` and ``table`` (a title, a heading), each as a one-line
    cell; none where the table starts within a point of ``top``."""
    bottom = table.bbox[1] - 0.5
    if bottom <= top + 1:
        return []
    band = page.within_bbox((0, top, page.width, bottom))
    return [[(ln["text"], Origin(page=page.page_number))] for ln in band.extract_text_lines(strip=True)]


def _lines_below(page, table) -> list[list]:
    """The page's lines under ``table`` (its last), each as a one-line cell, the page number
    left out: a closing note, never part of the report."""
    bottom = table.bbox[3] + 0.5
    if bottom >= page.height:
        return []
    tail = [ln["text"] for ln in page.within_bbox((0, bottom, page.width, page.height)).extract_text_lines(strip=True)]
    return [[(t, Origin(page=page.page_number))] for t in tail if not _PAGE_NUMBER_RE.match(nfkc(t))]


def _read_formed(pages, source: str, author: str | None, form, layout):
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
    for page, tables in _page_tables(pages):
        for top, table in tables:
            if mapping is None:
                above += _lines_above(page, top, table)
            for row in table.rows:
                cell_lines = _row_lines(page, row.cells)
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
                elif _other_form(texts, [form]) is not None:
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
            below += _lines_below(page, tables[-1][1])
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
    for page, tables in _page_tables(pages):
        for top, table in tables:
            if not rows:
                above += _lines_above(page, top, table)
            for row in table.rows:
                cell_lines = _row_lines(page, row.cells)
                rows.append((page.page_number, cell_lines, [" ".join(lines) for lines in cell_lines]))
        if rows and tables:
            below += _lines_below(page, tables[-1][1])
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


def _read_pages(pages, source: str, author: str | None, candidates=None) -> ReportTable:
    title_lines: list[str] = []
    labels: set[str] = set()
    rows: list[_RawRow] = []
    any_text = False
    last: tuple[list, list[float]] | None = None  # the roles and column edges of the table so far
    for page in pages:
        if page.chars:
            any_text = True
        tables = page.find_tables(_TABLE_SETTINGS)
        if not tables:
            if not rows:
                title_lines += [ln["text"] for ln in page.extract_text_lines(strip=True)]
            continue
        # A table restarted in the middle of a page (its header row again, after a gap or
        # not) is another table on the same page: every table is read, top to bottom.
        tables = sorted(tables, key=lambda t: t.bbox[1])
        table_rows = []
        previous_bottom = 0.0
        for k, table in enumerate(tables):
            if not rows and table.bbox[1] - 0.5 > previous_bottom + 1:
                above = page.within_bbox((0, previous_bottom, page.width, table.bbox[1] - 0.5))
                title_lines += [ln["text"] for ln in above.extract_text_lines(strip=True)]
            table_rows += [(row.cells, None) for row in table.rows]
            # Only under the page's last table can a row the page break cut go on unruled.
            tail = _unclosed_tail(page, table) if k == len(tables) - 1 else None
            if tail is not None:
                table_rows.append(tail)
            previous_bottom = table.bbox[3]
        roles = None
        for cells_bbox, bottom in table_rows:
            cell_lines = _row_lines(page, cells_bbox, bottom=bottom)
            texts = [" ".join(lines) for lines in cell_lines]
            header_here = _header_roles(texts)
            if candidates is not None and not rows and (header_here is not None or roles is None):
                # Before the first row: a header another form explains better is that form's.
                other = _other_form(texts, candidates)
                if other is not None:
                    raise _OtherForm(*other)
            if header_here is not None:
                roles = header_here
                labels |= {label for role in roles if role for label in _LABEL_OF_ROLE[role]}
                last = (roles, _edges(cells_bbox))
                continue
            if roles is None:
                if last is not None and _same_columns(last[1], _edges(cells_bbox)):
                    # The header was printed on the first page only: same columns, same roles.
                    roles = last[0]
                else:
                    if not rows:
                        # Ruled boxes above the header (a framed title) are the heading, not rows.
                        for lines in cell_lines:
                            title_lines += lines
                    continue
            cells: dict[str, list[str]] = {}
            for role, lines in zip(roles, cell_lines, strict=False):
                if role is not None:
                    cells.setdefault(role, []).extend(lines)
            number_text = nfkc(compact(" ".join(cells.pop("number", []))))
            if not number_text and rows:
                # A row the page break split: its cells continue the row above.
                for role, lines in cells.items():
                    rows[-1].cells.setdefault(role, []).extend(lines)
                continue
            if not re.fullmatch(r"\d{1,3}", number_text):
                if not any(cells.values()):
                    continue
                raise ParseError("no_number", source=source, page=page.page_number, found=number_text[:40])
            rows.append(_RawRow(int(number_text), page.page_number, cells))
    if not any_text:
        raise ParseError("pdf_no_text", source=source)
    if not rows:
        raise ParseError("pdf_no_table", source=source)
    body = "\n".join(line for r in rows for lines in r.cells.values() for line in lines)
    heading = read_heading(title_lines, labels, body, source=source, author=author)
    out = []
    for raw in rows:
        title, sections = split_sections(join_lines(raw.cells.get("title", [])))
        if not title:
            raise ParseError("no_title_cell", source=source, page=raw.page, number=raw.number)
        results, future = _split_results(raw.cells.get("results", []))
        row = Row(number=raw.number, title=title, sections=sections)
        row.origins["title"] = [Origin(page=raw.page, cell="取組名")]
        for name, lines in (("content", raw.cells.get("content", [])), ("targets", raw.cells.get("targets", [])),
                            ("results", results), ("future_direction", future),
                            ("achievement_status", raw.cells.get("achievement_status", []))):
            texts, origins = _bullets(lines, CELL_LABEL[name])
            setattr(row, name, texts)
            row.origins[name] = origins
        out.append(row)
    return ReportTable(heading, out)
