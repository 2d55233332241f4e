"""Reports as the ruled-table PDFs cities published.

The table's ruling lines say exactly where each cell is, so this reader trusts them
rather than a text dump: pdfplumber finds the table from its lines, the header row names
the columns, and each cell's lines are read by position. A row that a page break split
continues on the next page as a row with an empty No. cell; its cells' lines are joined
to the row above before bullets are cut, so a bullet broken by the page reads as one.

This module opens the PDF, sends a table in another known form to ``pdf_forms``, and reads the
seed's table; cells are read by position in ``pdf_cells``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from sengen.core.eras import nfkc
from sengen.core.text import compact, join_lines

from .errors import ParseError
from .pdf_cells import TABLE_SETTINGS, row_lines, unclosed_tail
from .pdf_forms import other_form, read_formed
from .table import BULLET_MARKS, Origin, ReportTable, Row, bullet_text, read_heading, split_sections
from .text import _MARKER_RE, CELL_LABEL, header_labels

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


@dataclass
class _RawRow:
    number: int
    page: int
    cells: dict[str, list[str]] = field(default_factory=dict)


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


class _OtherForm(Exception):
    """The table's header is another known form's: read the pages again through it."""

    def __init__(self, form, layout):
        super().__init__(form.code)
        self.form, self.layout = form, layout


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
            return read_formed(pages, source, author, form, None)
        candidates = None if form is not None else list(forms if forms is not None else presets().values())
        if candidates is not None and all(f.code == DEFAULT_FORM for f in candidates):
            candidates = None
        try:
            return _read_pages(pages, source, author, candidates)
        except _OtherForm as other:
            return read_formed(pages, source, author, other.form, other.layout)


def _read_pages(pages, source: str, author: str | None, candidates=None) -> ReportTable:
    """The pages as the seed's table. Before its first row, a header another of ``candidates``
    explains better raises ``_OtherForm``, so the pages are read again through that form."""
    title_lines: list[str] = []
    labels: set[str] = set()
    rows: list[_RawRow] = []
    any_text = False
    last: tuple[list, list[float]] | None = None  # the roles and column edges of the table so far
    for page in pages:
        if page.chars:
            any_text = True
        tables = page.find_tables(TABLE_SETTINGS)
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
            tail = unclosed_tail(page, table) if k == len(tables) - 1 else None
            if tail is not None:
                table_rows.append(tail)
            previous_bottom = table.bbox[3]
        roles = None
        for cells_bbox, bottom in table_rows:
            cell_lines = row_lines(page, cells_bbox, bottom=bottom)
            texts = [" ".join(lines) for lines in cell_lines]
            header_here = _header_roles(texts)
            if candidates is not None and not rows and (header_here is not None or roles is None):
                # Before the first row: a header another form explains better is that form's.
                other = other_form(texts, candidates)
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
