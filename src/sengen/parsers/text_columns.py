"""Text in which the table's columns stand side by side (``pdftotext -layout``).

Such an extraction keeps each row's cells on the same lines, padded with spaces to where
they stood on the page: the header row's labels (No. 取組名 取組内容 達成目標 …, in one or
several lines) stand over their columns, and between two columns a gutter of spaces runs
down the table body. So the columns are found by position, not guessed from line widths as
``text.py`` does for text given column by column:

1. The header labels say how many columns there are, which is which and roughly where.
2. Between two neighbouring columns' labels, the cut is where the fewest body lines have
   text on both sides of it (a gutter: none); a line that still has text across it there
   (a 、 hung past the rule, a cell pushed right by the one before) is cut at a blank a
   character or two away, if there is one.
3. A number in the No. column starts a row; every line down to the next number is that
   row's, each cut into its cells, and each cell's lines are read as ``text_rows.py`` reads a
   cell (bullets, ［今後の取組の方向性］, the title's （担当課名）).

Positions are counted in characters, as poppler pads them, or in display cells (a wide
character two), as other tools do: whichever the gutters fit better. The columns are found
again after every header row and every page break, since each page is laid out apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sengen.core.eras import nfkc
from sengen.core.text import display_width, join_lines

from . import text_rows  # each cell is read into bullets as the line-based reader reads a row
from .errors import ParseError
from .table import Origin, ReportTable, Row, read_heading, split_sections

# Which column each header label names.
_COLUMN_OF_LABEL = {
    "No.": "number", "NO.": "number", "N0.": "number", "No": "number", "番号": "number",
    "取組名": "title", "(担当課名)": "title", "担当課名": "title", "取組名(担当課名)": "title",
    "取組内容": "content", "達成目標": "targets", "取組結果": "results", "今後の取組の方向性": "results",
    "目標達成状況": "status", "達成状況": "status",
}
_ORDER = ("number", "title", "content", "targets", "results", "status")
# The cell fields each column holds, in the order of ``text_rows.py``'s roles.
_ROLES_OF_COLUMN = {"content": ("content",), "targets": ("targets",),
                    "results": ("results", "future_direction"), "status": ("achievement_status",)}
# Labels are separated by at least this many spaces; one space may stand inside a label
# (取 組 内 容, spaced out to fill its cell).
_LABEL_GAP = re.compile(r" {2,}|\t|　")
# How far (in characters or cells) a line's own blank may lie from a column's cut and still
# be taken as that line's gutter: a hung 、 or a cell pushed right by its neighbour.
STRAY = 3
# Spaces between two cells of one line; cells themselves hold at most a space or two.
_GUTTER = re.compile(r"\S {3,}\S")
_NUMBER_CELL_RE = re.compile(r"^(?P<n>\d{1,3})[.．]?$")


@dataclass
class _Token:
    column: str
    start: int
    end: int  # exclusive


@dataclass
class _Segment:
    """Body lines laid out alike: from a header row or page break to the next."""

    header: list[_Token]
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)


def _positions(text: str, wide: bool) -> list[int]:
    """Where each character of ``text`` starts, and its end: characters, or display cells."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (display_width(ch) if wide else 1))
    return out


def header_tokens(line: str, wide: bool = False) -> list[_Token] | None:
    """The header labels standing on ``line`` with their positions, or None when the line is
    anything but header labels."""
    line = line.replace("\f", "").rstrip()
    if not line.strip():
        return None
    pos = _positions(line, wide)
    tokens: list[_Token] = []
    start = 0
    pieces = []
    for m in _LABEL_GAP.finditer(line):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, len(line)))
    for a, b in pieces:
        piece = line[a:b]
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        a += lead
        marker = text_rows._MARKER_RE.match(nfkc(piece))
        if marker and not marker.group("rest"):
            tokens.append(_Token("results", pos[a], pos[b]))
            continue
        labels = text_rows.header_labels(piece)
        if not labels:
            return None
        columns = {_COLUMN_OF_LABEL[label] for label in labels if label in _COLUMN_OF_LABEL}
        if not columns:
            return None
        # Two labels a single space apart: the piece stands over both columns.
        for column in columns:
            tokens.append(_Token(column, pos[a], pos[b]))
    return tokens


def side_by_side(lines: list[str]) -> bool:
    """Does the text's header row put its labels side by side, as ``pdftotext -layout`` does?
    Text given column by column has each label on a line of its own, or all of them on one
    line one space apart (copied from a cell that held them)."""
    for i, line in enumerate(lines[:200]):
        tokens = header_tokens(line)
        if not tokens or len({t.column for t in tokens}) < 2:
            continue
        block = {t.column for ln in lines[max(0, i - 3):i + 4] for t in (header_tokens(ln) or [])}
        if len(block) < 3 or not _LABEL_GAP.search(line.strip()):
            continue
        # Spaced-out labels (取 組 内 容  達 成 目 標) may stand so in text given column by
        # column too: what tells is the body, whose lines hold gutters between cells.
        body = [ln for ln in lines[i + 1:i + 60] if ln.strip() and header_tokens(ln) is None][:30]
        gutters = sum(1 for ln in body if _GUTTER.search(ln.strip()))
        return gutters * 10 >= len(body) * 3
    return False


def parse_columns(text: str, *, source: str) -> ReportTable:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    best = None
    for wide in (False, True):
        try:
            read = _read(raw, wide, source)
        except ParseError as exc:
            best = best or (float("inf"), exc)
            continue
        if best is None or read[0] < best[0]:
            best = read
    if isinstance(best[1], ParseError):
        raise best[1]
    return best[1]


def _read(raw: list[str], wide: bool, source: str) -> tuple[float, ReportTable]:
    """The table read with positions in characters (``wide`` False) or display cells, and
    how many lines its cuts had to split where no gutter was."""
    top: list[str] = []
    labels: set[str] = set()
    segments: list[_Segment] = []
    header: list[_Token] = []
    in_header = False
    for number, line in enumerate(raw, start=1):
        page_break = "\f" in line
        line = line.replace("\f", "").rstrip()
        stripped = line.strip()
        if page_break and segments:
            segments.append(_Segment([]))
        if not stripped:
            continue
        if text_rows._PAGE_NUMBER_RE.match(nfkc(stripped)):
            continue
        tokens = header_tokens(line, wide)
        if tokens is not None and not in_header and {t.column for t in tokens} == {"results"} \
                and not _header_follows(raw, number):
            tokens = None  # ［今後の取組の方向性］ in a results cell, not in the header row
        if tokens is not None:
            labels |= text_rows.header_labels(re.sub(r"[\[\]【】［］]", "", stripped)) or set()
            header = header + tokens if in_header else tokens
            in_header = True
            continue
        if in_header:
            segments.append(_Segment(header))
            in_header = False
        if not segments:
            top.append(stripped)
            continue
        segments[-1].lines.append((number, line))
    if not segments:
        raise ParseError("no_initiatives", source=source)
    first = segments[0].header
    columns = [c for c in _ORDER if any(t.column == c for t in first)]
    if columns[:1] != ["number"] or "title" not in columns or "content" not in columns:
        raise ParseError("text_columns", source=source, line=segments[0].lines[0][0] if segments[0].lines else None)
    body = "\n".join(line for seg in segments for _, line in seg.lines)
    heading = read_heading(top, labels, body, source=source)
    roles = text_rows._roles(heading.document, labels)
    splits = 0
    cuts: list[int] | None = None
    rows: list[dict] = []
    for seg in segments:
        if not seg.lines:
            continue
        header_cols = {t.column for t in seg.header}
        if seg.header and header_cols != set(columns):
            raise ParseError("text_columns", source=source, line=seg.lines[0][0])
        if not seg.header and cuts is None:
            raise ParseError("text_columns", source=source, line=seg.lines[0][0])
        cuts, cost = _cuts(seg, columns, cuts, wide)
        splits += cost
        for number, line in seg.lines:
            cells = _cut_line(line, cuts, wide)
            num = cells[0].strip()
            if num:
                m = _NUMBER_CELL_RE.match(nfkc(num))
                if not m or (rows and int(m.group("n")) <= rows[-1]["number"]):
                    raise ParseError("no_number", source=source, line=number, found=num)
                rows.append({"number": int(m.group("n")), "line": number, "cells": {c: [] for c in columns}})
            elif not rows:
                raise ParseError("no_number", source=source, line=number, found=cells[1].strip() or line.strip())
            for column, cell in zip(columns[1:], cells[1:], strict=True):
                piece = cell.strip()
                if not piece:
                    continue
                if re.search(r"\s{3,}", piece):
                    # A gap as wide as a gutter inside one cell: the cut missed a column.
                    raise ParseError("text_columns", source=source, line=number)
                rows[-1]["cells"][column].append(text_rows._Line(number, piece, display_width(piece)))
    if not rows:
        raise ParseError("no_initiatives", source=source)
    return splits, ReportTable(heading, [_row(r, roles) for r in rows])


def _header_follows(raw: list[str], number: int) -> bool:
    nxt = next((ln for ln in raw[number:] if ln.strip()), "")
    tokens = header_tokens(nxt)
    return bool(tokens) and any(t.column != "results" for t in tokens)


def _row(read: dict, roles: tuple[str, ...]) -> Row:
    cells = read["cells"]
    head = cells["title"]
    title, sections = split_sections(join_lines([ln.text for ln in head]))
    row = Row(read["number"], title, sections)
    row.origins["title"] = [Origin(first_line=read["line"],
                                   last_line=max([ln.number for ln in head] + [read["line"]]))]
    for column, fields in _ROLES_OF_COLUMN.items():
        if column not in cells:
            continue
        items = text_rows._items(cells[column])
        parts: list[list[text_rows._Bullet]] = [[]]
        for item in items:
            if item == text_rows.MARKER:
                parts.append([])
            elif isinstance(item, text_rows._Bullet):
                parts[-1].append(item)
        if len(fields) == 1 or len(parts) == 1:
            parts = [[b for part in parts for b in part]] + [[]] * (len(fields) - 1)
        else:
            parts = [parts[0], [b for part in parts[1:] for b in part]]
        for name, bullets in zip(fields, parts, strict=True):
            if name not in roles:
                continue
            merged = text_rows._merge_soft(bullets)
            setattr(row, name, [b.text for b in merged])
            row.origins[name] = [Origin(cell=text_rows.CELL_LABEL[name], first_line=b.lines[0].number,
                                        last_line=b.lines[-1].number) for b in merged]
    return row


def _cells_at(line: str, wide: bool) -> tuple[list[int], set[int]]:
    """Each character's start position, and the positions a character covers."""
    pos = _positions(line, wide)
    covered = set()
    for i, ch in enumerate(line):
        if not ch.isspace():
            covered.update(range(pos[i], pos[i + 1]))
    return pos, covered


def _cuts(seg: _Segment, columns: list[str], before: list[int] | None, wide: bool) -> tuple[list[int], int]:
    """Where each column ends (the first position of the next), and how many lines those
    cuts split inside a run of text."""
    covered = [_cells_at(line, wide)[1] for _, line in seg.lines]
    width = max((max(c) + 1 for c in covered if c), default=1)
    # split[x]: lines with text on both sides of a cut at x, no blank between.
    split = [sum(1 for c in covered if x - 1 in c and x in c) for x in range(width + 2)]
    if seg.header:
        spans = []
        for column in columns:
            mine = [t for t in seg.header if t.column == column]
            spans.append((min(t.start for t in mine), max(t.end for t in mine)))
        guides = []
        for (a0, a1), (b0, b1) in zip(spans, spans[1:], strict=False):
            mid = ((a0 + a1) / 2 + (b0 + b1) / 2) / 2
            # Labels stand centred over their cells, text from the cell's left edge: the
            # cut may lie a little inside the left label's span (a narrow No. column).
            lo, hi = min(a1, int(mid)) - STRAY, max(b0, int(mid) + 1)
            guides.append((lo, hi, mid))
    else:
        return _cuts_without_header(covered, split, before)
    cuts: list[int] = []
    cost = 0
    for lo, hi, mid in guides:
        lo = max(lo, cuts[-1] + 1 if cuts else 1)
        hi = max(hi, lo)
        span = range(lo, hi + 1)
        least = min(split[x] if x < len(split) else 0 for x in span)
        best = min((x for x in span if (split[x] if x < len(split) else 0) == least), key=lambda x: (abs(x - mid), x))
        cuts.append(best)
        cost += least
    return cuts, cost


# Weights of a cut on a page without its header row: a line split by it costs this many
# lines starting a text right after it (a gutter is where the cells' texts start); and a
# cut's distance from where the page before had it only breaks ties.
SPLIT_WEIGHT = 3.0
DRIFT_WEIGHT = 0.1
# A column is at least this wide: a bullet's ・ and the indented line under it start a cell
# one position apart, never two columns.
MIN_COLUMN = 3


def _cuts_without_header(covered: list[set[int]], split: list[int], before: list[int]) -> tuple[list[int], int]:
    """The cuts of a page without its header row. pdftotext lays out each page apart, so the
    columns stand not quite where they stood before (seen: 2 to 6 positions left, not all
    alike): each cut is sought between its neighbours' old places, at a gutter (no line
    split) where many texts start, the cuts in order, by a shortest path."""
    width = len(split)
    starts = [0] * (width + 3)
    for c in covered:
        for x in c:
            if x - 1 not in c:
                starts[x] += 1
    # A cut gains the texts starting in the first positions after it (a hanging indent).
    gain = [starts[x] + starts[x + 1] + starts[x + 2] if x + 2 < len(starts) else 0 for x in range(width)]
    bounds = [0, *before, width]
    k = len(before)
    inf = float("inf")
    best: list[dict[int, tuple[float, int | None]]] = []
    for i in range(k):
        lo, hi = bounds[i] + 1, max(bounds[i] + 1, min(bounds[i + 2] - 1, width - 1))
        layer: dict[int, tuple[float, int | None]] = {}
        for x in range(lo, hi + 1):
            own = SPLIT_WEIGHT * split[x] - gain[x] + DRIFT_WEIGHT * abs(x - before[i])
            if i == 0:
                layer[x] = (own, None)
                continue
            prev = [(cost + own, p) for p, (cost, _) in best[-1].items() if p + MIN_COLUMN <= x]
            layer[x] = min(prev) if prev else (inf, None)
        best.append(layer)
    x = min(best[-1], key=lambda p: (best[-1][p][0], p))
    cuts = [x]
    for i in range(k - 1, 0, -1):
        x = best[i][x][1]
        cuts.append(x)
    cuts.reverse()
    if any(c is None for c in cuts):
        return before, sum(split[b] if b < width else 0 for b in before)
    return cuts, sum(split[c] for c in cuts)


def _cut_line(line: str, cuts: list[int], wide: bool) -> list[str]:
    """``line`` cut into its cells at ``cuts``. Each text (a run without blanks) goes to the
    column it starts in, but pdftotext moves a cell's text a few positions when the line is
    crowded, and glues two cells' texts when no gap was on the page:

    - a text reaching at most ``STRAY`` past a cut hangs there (a 。 past the rule) and
      stays left — unless a text of the same cell stands before it on the line, when it is
      the next cell's text moved left;
    - a text starting at most ``STRAY`` before a cut, or far from its column's left edge
      with most of it past the cut, is the next cell's text moved left;
    - any other text across a cut is two cells glued: it is cut there, and a 、 or 。
      starting the right part goes back to the left one (hung from it)."""
    pos = _positions(line, wide)
    edges = [0, *cuts]
    pieces = [""] * (len(cuts) + 1)
    first: dict[int, int] = {}  # where in the line each cell's text starts, and ends
    end: dict[int, int] = {}
    for m in re.finditer(r"\S+", line):
        i, j = m.start(), m.end()
        while i < j:
            s, e = pos[i], pos[j]
            col = sum(1 for c in cuts if c <= s)
            c = cuts[col] if col < len(cuts) else None
            take = j
            if c is not None and e > c:
                left, right = c - s, e - c
                if right <= STRAY and not (left <= STRAY and col in end):
                    pass
                elif left <= STRAY or (s - edges[col] > STRAY and right > left):
                    col += 1
                    nxt = cuts[col] if col < len(cuts) else None
                    if nxt is not None and e > nxt + STRAY:
                        take = next(k for k in range(i, j) if pos[k] >= nxt)
                else:
                    take = next(k for k in range(i, j) if pos[k] >= c)
            if col in end:
                pieces[col] += line[end[col]:i]
            else:
                first[col] = i
            pieces[col] += line[i:take]
            end[col] = take
            i = take
    for k in range(1, len(pieces)):
        hung = len(pieces[k]) - len(pieces[k].lstrip("、。，．,."))
        # Hung from the left cell only when glued to its text: after a blank, a line broken
        # without 禁則 began with it.
        if hung and end.get(k - 1) == first.get(k):
            pieces[k - 1] += pieces[k][:hung]
            pieces[k] = pieces[k][hung:]
    return pieces


_SECTIONS_LINE_RE = re.compile(r"^[（(][^（）()]+[）)]$")


def interleaved(lines: list[str]) -> int | None:
    """The line that shows the table's cells interleaved, as plain ``pdftotext`` and
    pdfminer extract a ruled table, or None. Given column by column (what ``text.py`` reads),
    the header row's labels stand together before the first row, and a row's title cell with
    its （担当課名） comes before its first bullet. Interleaved, a label the header row had
    turns up again among the rows though the header before them lacked it (the extraction
    read the header row's cells one by one between the body's), or a （担当課名） line comes
    after bullets of its row on the same page, or the rows' numbers stand one under the other."""
    seen: set[str] = set()
    block: set[str] | None = None
    blocks = 0
    in_row = bullets = False
    previous_number: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.replace("\f", "").strip()
        if "\f" in raw:
            in_row = bullets = False
        if not line:
            continue
        norm = nfkc(line)
        if text_rows._PAGE_NUMBER_RE.match(norm):
            in_row = bullets = False
            continue
        found = text_rows.header_labels(line)
        marker = text_rows._MARKER_RE.match(norm)
        if found is None and marker and not marker.group("rest") and block is not None:
            found = {"今後の取組の方向性"}
        if found is not None:
            columns = {_COLUMN_OF_LABEL[label] for label in found if label in _COLUMN_OF_LABEL}
            if block is None:
                block = set()
                blocks += 1
            if blocks > 1 and columns - seen and seen:
                return number
            block |= columns
            in_row = bullets = False
            continue
        if block is not None:
            seen |= block
            block = None
        alone = _NUMBER_CELL_RE.match(norm)
        if alone and previous_number is not None and int(alone.group("n")) == previous_number + 1:
            return number  # the No. column's numbers one under the other: the column read alone
        previous_number = int(alone.group("n")) if alone else None
        if alone or re.match(r"^\d{1,2}(?:[.．、)]|\s)", norm):
            in_row, bullets = True, False
        elif in_row and norm.startswith(("・", "･", "●", "○")):
            bullets = True
        elif in_row and bullets and _SECTIONS_LINE_RE.match(norm):
            return number
    return None
