"""Reports as text extracted from their PDF (pdftotext, copy and paste, Acrobat's "save as text").

Extraction gives each table row column by column: the row's number and title, then every
line of 取組内容, then 達成目標, 取組結果 with its ［今後の取組の方向性］, and 目標達成状況 —
with nothing that says where one column ends and the next begins. What does say it is the
*width* of the lines: a cell's text wraps at its column's edge, so the wrapped lines of one
column are all about as long, and columns differ. The columns' widths are the same for
every row of a document, so they are estimated from the whole document and then each row is
cut into its columns where the line widths (and, for ties, the way each column's sentences
end) fit best.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from itertools import combinations_with_replacement

from sengen.core.eras import nfkc
from sengen.core.text import display_width, join_lines, squeeze_digit_spaces

from .errors import ParseError
from .table import BULLET_MARKS, FY_LABEL_RE, ReportTable, Row, bullet_text, read_heading, split_sections

HEADER_LABELS = (
    "今後の取組の方向性", "取組名(担当課名)", "目標達成状況", "(担当課名)", "担当課名", "取組内容", "達成目標",
    "取組結果", "達成状況", "取組名", "No.", "NO.", "N0.", "No", "番号",
)
_MARKER_RE = re.compile(
    r"^\s*[\[【〔<〈《(]\s*(今後の(?:取組|取り組み)?の?(?:方向性|展開|予定)|今後の(?:取組|取り組み|課題))\s*[\]】〕>〉》)]\s*(?P<rest>.*)$"
)
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-‐－―]\s*\d+\s*[-‐－―]|\d+\s*/\s*\d+|[pP]\.?\s*\d+|\d+\s*ページ)\s*$")
_NUMBER_LINE_RE = re.compile(r"^\s*(?P<n>\d{1,2})(?:[.．、)]|\s+|(?=[^\d\s,.．]))\s*(?P<rest>.*)$")
_SENTENCE_END = ("。", ".", "」", "）", ")", "！", "？")

# Roles of the cells in reading order, and which ones share a column (and so a width).
_COLUMN_OF = {"content": "content", "targets": "targets", "results": "results",
              "future_direction": "results", "achievement_status": "status"}


def header_labels(line: str) -> set[str] | None:
    """The header labels a line consists of, or None when it is not a header line."""
    rest = re.sub(r"\s+", "", nfkc(line))
    if not rest:
        return None
    found = set()
    while rest:
        for label in HEADER_LABELS:
            if rest.startswith(label):
                found.add(label.strip("()"))
                rest = rest[len(label):]
                break
        else:
            return None
    return found


@dataclass
class _Line:
    number: int  # 1-based line number in the file, for messages
    text: str
    width: int


@dataclass
class _Bullet:
    lines: list[_Line]

    @property
    def text(self) -> str:
        return bullet_text([ln.text for ln in self.lines])


@dataclass
class _Block:
    number: int
    line: int
    head: list[_Line]  # number line's rest, title and sections
    items: list  # _Bullet or the str "MARKER"


def _is_bullet(text: str) -> bool:
    return text.lstrip().startswith(BULLET_MARKS)


def parse_text(text: str, *, source: str = "<text>") -> ReportTable:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines: list[_Line] = []
    labels: set[str] = set()
    first_header = None
    for i, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip()
        if not stripped or _PAGE_NUMBER_RE.match(nfkc(stripped)):
            continue
        found = header_labels(stripped)
        if found is not None:
            labels |= found
            if first_header is None:
                first_header = len(lines)
            continue
        lines.append(_Line(i, stripped, display_width(squeeze_digit_spaces(stripped))))
    if not lines:
        raise ParseError("the file is empty: expected a report's text", source=source)
    if not any(FY_LABEL_RE.search(nfkc(ln.text)) for ln in lines[:15]):
        raise ParseError("expected a title with a fiscal year (such as 平成29年度 … 目標宣言) at the top; "
                         "this does not look like a report", source=source, location=f"line {lines[0].number}")
    blocks = _blocks(lines, source)
    if not blocks:
        raise ParseError("expected numbered initiatives (a line such as '1 取組名' followed by （担当課名）); found none",
                         source=source, location=f"line {lines[0].number}")
    top = [ln.text for ln in lines[:first_header if first_header is not None else 0]] or \
          [ln.text for ln in lines if ln.number < blocks[0].line]
    body = "\n".join(ln.text for ln in lines)
    heading = read_heading(top, labels, body, source=source)
    roles = _roles(heading.document, labels)
    rows = _segment(blocks, roles)
    return ReportTable(heading, rows)


def _blocks(lines: list[_Line], source: str) -> list[_Block]:
    """Cut the lines into numbered rows. A row starts at the next number in sequence whose
    title cell (the lines up to the first bullet) closes with the sections' parenthesis."""
    starts: list[tuple[int, int]] = []
    expected = None
    for idx, line in enumerate(lines):
        m = _NUMBER_LINE_RE.match(nfkc(line.text))
        if not m:
            continue
        n = int(m.group("n"))
        if expected is not None and n != expected:
            continue
        if expected is None and n not in (0, 1):
            continue
        head = [m.group("rest")]
        j = idx + 1
        while j < len(lines) and not _is_bullet(lines[j].text) and not _MARKER_RE.match(nfkc(lines[j].text)):
            head.append(lines[j].text)
            j += 1
        joined = "".join(h.strip() for h in head)
        if not joined.endswith(("）", ")")) or j >= len(lines):
            continue
        starts.append((idx, n))
        expected = n + 1
    blocks = []
    for k, (idx, n) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        m = _NUMBER_LINE_RE.match(nfkc(lines[idx].text))
        # The title stays as written: take the original text after the number, not the NFKC copy.
        first = lines[idx].text.strip()
        first_rest = first[len(first) - len(m.group("rest")):] if m.group("rest") else ""
        head = [_Line(lines[idx].number, first_rest, 0)] if first_rest else []
        items: list = []
        j = idx + 1
        while j < end and not _is_bullet(lines[j].text) and not _MARKER_RE.match(nfkc(lines[j].text)):
            head.append(lines[j])
            j += 1
        for line in lines[j:end]:
            marker = _MARKER_RE.match(nfkc(line.text))
            if marker:
                items.append("MARKER")
                if marker.group("rest"):
                    rest = line.text[len(line.text) - len(marker.group("rest")):]
                    items.append(_Bullet([_Line(line.number, rest, display_width(rest))]))
            elif _is_bullet(line.text) or not items or items[-1] == "MARKER":
                items.append(_Bullet([line]))
            else:
                items[-1].lines.append(line)
        blocks.append(_Block(n, lines[idx].number, head, items))
    return blocks


def _roles(document: str, labels: set[str]) -> tuple[str, ...]:
    if document == "declaration" and not labels & {"取組結果", "目標達成状況", "達成状況"}:
        return ("content", "targets")
    return ("content", "targets", "results", "future_direction", "achievement_status")


# --- cutting a row into its columns -----------------------------------------------------

def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _bullet_cost(b: _Bullet, role: str, capacity: float | None) -> float:
    cost = 0.0
    widths = [ln.width for ln in b.lines]
    if capacity is not None:
        limit = capacity * 1.06 + 2
        for w in widths:
            if w > limit:
                cost += 10 + (w - limit)
        tol = max(4.0, 0.12 * capacity)
        for ln in b.lines[:-1]:
            # A wrapped line ran to the column's edge; a line ending a sentence may not have.
            if not _ends_sentence(ln.text):
                under = capacity - ln.width
                if under > tol:
                    cost += (under - tol) / 2
    text = b.text
    if role == "targets":
        cost += 3 if text.endswith("。") else 0
    elif not _ends_sentence(text):
        cost += 1
    return cost


def _group_cost(bullets: list[_Bullet], role: str, capacity: float | None) -> float:
    if not bullets:
        return 4.0 if role in ("content", "targets") else 1.5
    if capacity is None:  # first pass: the column is as wide as its widest line
        capacity = max(ln.width for b in bullets for ln in b.lines)
    return sum(_bullet_cost(b, role, capacity) for b in bullets)


def _splits(bullets: list[_Bullet], roles: tuple[str, ...]):
    """Every way to cut ``bullets`` into len(roles) consecutive (possibly empty) groups."""
    n = len(bullets)
    for cuts in combinations_with_replacement(range(n + 1), len(roles) - 1):
        bounds = (0, *cuts, n)
        yield {role: bullets[bounds[k]:bounds[k + 1]] for k, role in enumerate(roles)}


def _best_split(bullets: list[_Bullet], roles: tuple[str, ...], capacities: dict[str, float] | None) -> dict:
    best, best_cost = None, None
    for split in _splits(bullets, roles):
        cost = sum(_group_cost(group, role, capacities and capacities.get(_COLUMN_OF[role]))
                   for role, group in split.items())
        if best_cost is None or cost < best_cost - 1e-9:
            best, best_cost = split, cost
    return best


def _cut_row(block: _Block, roles: tuple[str, ...], capacities: dict[str, float] | None) -> dict:
    if "MARKER" in block.items:
        at = block.items.index("MARKER")
        before = [b for b in block.items[:at] if b != "MARKER"]
        after = [b for b in block.items[at + 1:] if b != "MARKER"]
        cut = _best_split(before, ("content", "targets", "results"), capacities)
        cut.update(_best_split(after, ("future_direction", "achievement_status"), capacities))
        return cut
    bullets = [b for b in block.items if b != "MARKER"]
    if "results" in roles:
        cut = _best_split(bullets, ("content", "targets", "results", "achievement_status"), capacities)
        cut["future_direction"] = []
        return cut
    return _best_split(bullets, roles, capacities)


def _segment(blocks: list[_Block], roles: tuple[str, ...]) -> list[Row]:
    # First pass: each row on its own. Second: with the column widths of the whole document.
    first = [_cut_row(b, roles, None) for b in blocks]
    widest: dict[str, list[int]] = {}
    for cut in first:
        per_column: dict[str, int] = {}
        for role, group in cut.items():
            for b in group:
                for ln in b.lines:
                    col = _COLUMN_OF[role]
                    per_column[col] = max(per_column.get(col, 0), ln.width)
        for col, w in per_column.items():
            widest.setdefault(col, []).append(w)
    capacities = {col: statistics.median(ws) for col, ws in widest.items()}
    rows = []
    for block in blocks:
        cut = _cut_row(block, roles, capacities)
        title, sections = split_sections(join_lines([ln.text for ln in block.head]))
        row = Row(block.number, title, sections)
        for role in roles:
            setattr(row, role, [b.text for b in cut.get(role, [])])
        rows.append(row)
    return rows
