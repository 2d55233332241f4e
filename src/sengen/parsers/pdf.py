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
from dataclasses import dataclass, field

from sengen.core.eras import nfkc
from sengen.core.text import compact, join_lines

from .errors import ParseError
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
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                   "intersection_tolerance": 4}


@dataclass
class _RawRow:
    number: int
    page: int
    cells: dict[str, list[str]] = field(default_factory=dict)


def _cell_lines(page, bbox) -> list[str]:
    if bbox is None:
        return []
    x0, top, x1, bottom = bbox

    def inside(obj) -> bool:
        # By the character's centre: punctuation that hangs past the rule (、 。 at a line's
        # end, by the kinsoku rules) still belongs to its cell.
        if obj.get("object_type") != "char":
            return False
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return x0 <= cx < x1 and top <= cy < bottom

    out = []
    for ln in page.filter(inside).extract_text_lines(strip=True):
        if ln["text"].strip():
            line = _CellLine(ln["text"])
            line.page = page.page_number
            out.append(line)
    return out


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


def parse_pdf(data: bytes, *, source: str = "<pdf>") -> ReportTable:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a broken file; pdfplumber wraps them
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ParseError("the PDF is encrypted; save it without a password first", source=source) from None
        raise ParseError(f"not a readable PDF ({type(cause).__name__})", source=source) from None
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise ParseError(f"not a readable PDF ({type(exc).__name__})", source=source) from None
        if len(pages) > MAX_PAGES:
            raise ParseError(f"the PDF has {len(pages)} pages; a report has at most {MAX_PAGES}", source=source)
        author = pdf.metadata.get("Author") if isinstance(pdf.metadata, dict) else None
        return _read_pages(pages, source, author if isinstance(author, str) else None)


def _read_pages(pages, source: str, author: str | None) -> ReportTable:
    title_lines: list[str] = []
    labels: set[str] = set()
    rows: list[_RawRow] = []
    any_text = False
    for page in pages:
        if page.chars:
            any_text = True
        tables = page.find_tables(_TABLE_SETTINGS)
        if not tables:
            if not rows:
                title_lines += [ln["text"] for ln in page.extract_text_lines(strip=True)]
            continue
        table = max(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
        if not rows:
            above = page.within_bbox((0, 0, page.width, max(table.bbox[1] - 0.5, 1)))
            title_lines += [ln["text"] for ln in above.extract_text_lines(strip=True)]
        roles = None
        for row in table.rows:
            texts = [" ".join(_cell_lines(page, cell)) for cell in row.cells]
            if roles is None:
                roles = _header_roles(texts)
                if roles is not None:
                    labels |= {label for role in roles if role for label in _LABEL_OF_ROLE[role]}
                elif not rows:
                    # Ruled boxes above the header (a framed title) are the heading, not rows.
                    for cell in row.cells:
                        title_lines += _cell_lines(page, cell)
                continue
            header_again = _header_roles(texts)
            if header_again is not None:
                roles = header_again
                continue
            cells = {}
            for role, cell in zip(roles, row.cells, strict=False):
                if role is not None:
                    cells.setdefault(role, []).extend(_cell_lines(page, cell))
            number_text = nfkc(compact(" ".join(cells.pop("number", []))))
            if not number_text and rows:
                # A row the page break split: its cells continue the row above.
                for role, lines in cells.items():
                    rows[-1].cells.setdefault(role, []).extend(lines)
                continue
            if not re.fullmatch(r"\d{1,3}", number_text):
                if not any(cells.values()):
                    continue
                raise ParseError(f"expected the initiative's number in the No. column, found {number_text!r}",
                                 source=source, location=f"page {page.page_number}")
            rows.append(_RawRow(int(number_text), page.page_number, cells))
    if not any_text:
        raise ParseError("the PDF has no text layer (a scan?): it would need OCR first", source=source)
    if not rows:
        raise ParseError("expected a ruled table with a header row (No. / 取組名 / 取組内容 / 達成目標 …); found none",
                         source=source, location="page 1")
    body = "\n".join(line for r in rows for lines in r.cells.values() for line in lines)
    heading = read_heading(title_lines, labels, body, source=source, author=author)
    out = []
    for raw in rows:
        title, sections = split_sections(join_lines(raw.cells.get("title", [])))
        if not title:
            raise ParseError("expected the initiative's title in the 取組名 column", source=source,
                             location=f"page {raw.page}, No. {raw.number}")
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
