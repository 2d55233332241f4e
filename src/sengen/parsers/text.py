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
RESULT_LABELS = frozenset({"取組結果", "目標達成状況", "達成状況"})
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
                found.add(label)
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
    after_break: bool = False  # the first line after a repeated header (a page break)


@dataclass
class _Bullet:
    lines: list[_Line]
    # A run of lines that does not start with ・ and follows a page break inside a row: the
    # rest of some column's cell from the page before. Which column is decided with the others.
    soft: bool = False

    @property
    def text(self) -> str:
        return bullet_text([ln.text for ln in self.lines])


MARKER = "MARKER"  # ［今後の取組の方向性］ inside the results cell
BREAK = "BREAK"  # a page break inside a row


@dataclass
class _Block:
    number: int
    line: int
    head: list[_Line]  # number line's rest, title and sections
    items: list  # _Bullet, MARKER or BREAK


def _is_bullet(text: str) -> bool:
    return text.lstrip().startswith(BULLET_MARKS)


def parse_text(text: str, *, source: str = "<text>") -> ReportTable:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines: list[_Line] = []
    labels: set[str] = set()
    first_header = None
    pending_break = False
    for i, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if _PAGE_NUMBER_RE.match(nfkc(stripped)):
            pending_break = bool(lines)
            continue
        found = header_labels(stripped)
        if found is not None:
            labels |= found
            if first_header is None:
                first_header = len(lines)
            pending_break = bool(lines) and first_header != len(lines)
            continue
        lines.append(_Line(i, stripped, display_width(squeeze_digit_spaces(stripped)), pending_break))
        pending_break = False
    if not lines:
        raise ParseError("the file is empty: expected a report's text", source=source)
    if not any(FY_LABEL_RE.search(nfkc(ln.text)) for ln in lines[:15]):
        raise ParseError("expected a title with a fiscal year (such as 平成29年度 … 目標宣言) at the top; "
                         "this does not look like a report", source=source, location=f"line {lines[0].number}")
    blocks = _blocks(lines)
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


def _blocks(lines: list[_Line]) -> list[_Block]:
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
        j = idx + 1
        while j < end and not _is_bullet(lines[j].text) and not _MARKER_RE.match(nfkc(lines[j].text)):
            head.append(lines[j])
            j += 1
        blocks.append(_Block(n, lines[idx].number, head, _items(lines[j:end])))
    return blocks


def _items(lines: list[_Line]) -> list:
    items: list = []
    broken = False
    for line in lines:
        if line.after_break:
            items.append(BREAK)
            broken = True
        marker = _MARKER_RE.match(nfkc(line.text))
        if marker:
            items.append(MARKER)
            if marker.group("rest"):
                rest = line.text[len(line.text) - len(marker.group("rest")):]
                items.append(_Bullet([_Line(line.number, rest, display_width(rest))]))
        elif _is_bullet(line.text):
            items.append(_Bullet([line]))
        elif broken or not items or not isinstance(items[-1], _Bullet):
            # After a page break inside a row, the columns' leftovers follow one another with
            # no ・ to tell them apart: every line stands alone until the columns are known.
            items.append(_Bullet([line], soft=True))
        else:
            items[-1].lines.append(line)
    return items


def _roles(document: str, labels: set[str]) -> tuple[str, ...]:
    if document == "declaration" and not labels & RESULT_LABELS:
        return ("content", "targets")
    return ("content", "targets", "results", "future_direction", "achievement_status")


# --- cutting a row into its columns -----------------------------------------------------

def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _bullet_cost(b: _Bullet, role: str, capacity: float | None) -> float:
    cost = 0.0
    if capacity is not None:
        limit = capacity * 1.06 + 2
        for ln in b.lines:
            if ln.width > limit:
                cost += 10 + (ln.width - limit)
        tol = max(4.0, 0.12 * capacity)
        for ln in b.lines[:-1]:
            # A wrapped line ran to the column's edge; a line ending a sentence may not have.
            if not _ends_sentence(ln.text):
                under = capacity - ln.width
                if under > tol:
                    cost += (under - tol) / 2
    if b.soft:
        return cost
    text = b.text
    if role == "targets":
        cost += 3 if text.endswith("。") else 0
    elif not _ends_sentence(text):
        cost += 1
    elif role in _TENSE_OF_ROLE:
        # What each column says: 取組内容 and the future direction are plans (…ます。),
        # 取組結果 and 目標達成状況 say what happened (…ました。). Decides between columns
        # of about the same width, where the widths cannot.
        past = bool(_PAST_RE.search(text))
        if past != _TENSE_OF_ROLE[role]:
            cost += 2
    return cost


_PAST_RE = re.compile(r"(?:ました|でした|った|だ)[。.]?\s*$|(?:ました|でした)[。.]")
_TENSE_OF_ROLE = {"content": False, "future_direction": False, "results": True, "achievement_status": True}
_EMPTY_COST = {"content": 4.0, "targets": 4.0}


def _join_cost(before: _Bullet, capacity: float | None) -> float:
    """The cost of a loose line continuing the cell of ``before``: the line it follows must
    have run to the column's edge. After a full stop a cell rarely goes on without a ・."""
    last = before.lines[-1]
    if _ends_sentence(last.text):
        return 1.0
    if capacity is None:
        return 0.0
    under = capacity - last.width
    tol = max(4.0, 0.12 * capacity)
    return max(0.0, (under - tol) / 2)


def _empty_cost(role: str) -> float:
    return _EMPTY_COST.get(role, 1.5)


def _local_cost(bullets: list[_Bullet], role: str) -> float:
    """First pass: a column is taken to be as wide as its widest line in this row."""
    if not bullets:
        return _empty_cost(role)
    capacity = max(ln.width for b in bullets for ln in b.lines)
    return sum(_bullet_cost(b, role, capacity) for b in bullets)


def _local_split(bullets: list[_Bullet], roles: tuple[str, ...]) -> dict:
    best, best_cost = None, None
    n = len(bullets)
    for cuts in combinations_with_replacement(range(n + 1), len(roles) - 1):
        bounds = (0, *cuts, n)
        split = {role: bullets[bounds[k]:bounds[k + 1]] for k, role in enumerate(roles)}
        cost = sum(_local_cost(group, role) for role, group in split.items())
        if best_cost is None or cost < best_cost - 1e-9:
            best, best_cost = split, cost
    return best


def _local_cut(block: _Block, roles: tuple[str, ...]) -> dict | None:
    """A row cut on its own, for estimating column widths; None where it cannot be (rows
    split by a page, or too many bullets to try every cut)."""
    if BREAK in block.items or len(block.items) > 24:
        return None
    if len(roles) == 2:
        return _local_split([b for b in block.items if b != MARKER], roles)
    if MARKER in block.items:
        at = block.items.index(MARKER)
        cut = _local_split([b for b in block.items[:at] if b != MARKER], ("content", "targets", "results"))
        cut.update(_local_split([b for b in block.items[at + 1:] if b != MARKER],
                                ("future_direction", "achievement_status")))
        return cut
    cut = _local_split(block.items, ("content", "targets", "results", "achievement_status"))
    cut["future_direction"] = []
    return cut


def _global_cut(block: _Block, roles: tuple[str, ...], capacities: dict[str, float]) -> dict:
    """The row's best cut with the document's column widths: a shortest path over
    (item, column) where columns only move right, ［今後の取組の方向性］ moves from 取組結果 to
    its own part, and a page break lets the columns start over."""
    parts: list[list] = [[]]
    for item in block.items:
        if item == BREAK:
            parts.append([])
        else:
            parts[-1].append(item)
    cut: dict[str, list[_Bullet]] = {role: [] for role in roles}
    marker_seen = False
    results_at = roles.index("results") if "results" in roles else None
    for p, part in enumerate(parts):
        allowed = list(roles)
        if results_at is not None:
            if marker_seen or MARKER not in part:
                # The results cell's text after ［今後の取組の方向性］ is future direction.
                allowed.remove("results" if marker_seen else "future_direction")
        assignment = _path(part, tuple(allowed), capacities, continuation=p > 0)
        for bullet, role in assignment:
            cut[role].append(bullet)
        marker_seen = marker_seen or MARKER in part
    return cut


def _path(items: list, roles: tuple[str, ...], capacities: dict[str, float], *, continuation: bool):
    """Columns for ``items`` (in reading order) that only move right, at the least cost."""
    bullets = [item for item in items if item != MARKER]
    k = len(roles)
    lo = [0] * len(bullets)
    hi = [k - 1] * len(bullets)
    if MARKER in items and "future_direction" in roles:
        # ［今後の取組の方向性］ stands in the results cell: what precedes it is at most the
        # results, what follows at least the future direction.
        before = sum(1 for item in items[:items.index(MARKER)] if item != MARKER)
        for i in range(len(bullets)):
            if i < before:
                hi[i] = roles.index("future_direction") - 1
            else:
                lo[i] = roles.index("future_direction")

    def empty(r: int) -> float:
        return 0.0 if continuation else _empty_cost(roles[r])

    inf = float("inf")
    # best[i][r]: least cost with bullets[:i] placed, the last one in roles[r]; r = k: none yet.
    best = [[inf] * (k + 1) for _ in range(len(bullets) + 1)]
    back = [[0] * (k + 1) for _ in range(len(bullets) + 1)]
    best[0][k] = 0.0
    for i, bullet in enumerate(bullets):
        for r in range(k + 1):
            if best[i][r] == inf:
                continue
            first = 0 if r == k else r
            for r2 in range(max(first, lo[i]), hi[i] + 1):
                skipped = sum(empty(s) for s in range(0 if r == k else r + 1, r2))
                capacity = capacities.get(_COLUMN_OF[roles[r2]])
                total = best[i][r] + skipped + _bullet_cost(bullet, roles[r2], capacity)
                if bullet.soft and r2 == r:
                    total += _join_cost(bullets[i - 1], capacity)
                if total < best[i + 1][r2] - 1e-9:
                    best[i + 1][r2] = total
                    back[i + 1][r2] = r
    n = len(bullets)
    if n == 0:
        return []
    ends = [best[n][r] + sum(empty(s) for s in range(r + 1, k)) for r in range(k)]
    r = min(range(k), key=lambda x: (ends[x], x))
    out = []
    for i in range(n, 0, -1):
        out.append((bullets[i - 1], roles[r]))
        r = back[i][r]
    out.reverse()
    return out


def _merge_soft(bullets: list[_Bullet]) -> list[_Bullet]:
    """A soft piece continues the bullet before it in its column; alone, it is a bullet."""
    out: list[_Bullet] = []
    for b in bullets:
        if b.soft and out:
            out[-1] = _Bullet(out[-1].lines + b.lines)
        else:
            out.append(_Bullet(list(b.lines)))
    return out


def _segment(blocks: list[_Block], roles: tuple[str, ...]) -> list[Row]:
    # First each row on its own, to learn the columns' widths; then every row again with
    # the widths of the whole document, which one row alone cannot tell.
    widest: dict[str, list[int]] = {}
    for block in blocks:
        cut = _local_cut(block, roles)
        if cut is None:
            continue
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
        cut = _global_cut(block, roles, capacities)
        title, sections = split_sections(join_lines([ln.text for ln in block.head]))
        row = Row(block.number, title, sections)
        for role in roles:
            setattr(row, role, [b.text for b in _merge_soft(cut.get(role, []))])
        rows.append(row)
    return rows
