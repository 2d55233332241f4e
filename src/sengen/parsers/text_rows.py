"""Extracted text read into numbered rows of bullets (the text reader's first stage).

The lines of the text lose the header rows (the first one names the columns the document
has) and the page numbers; a page break is kept as a mark on the line after it. Rows start at
the next number in sequence whose title cell closes with the sections' parenthesis, and each
row's lines after its title cell become bullets (・), ［今後の取組の方向性］ marks and page breaks
(``_items``). Which column each bullet is in is not known here: ``text_cells`` decides that.
``text_columns`` (text with the columns side by side) reads each of its cells with the same
``_items`` and ``_merge_soft``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sengen.core import workflow
from sengen.core.eras import nfkc
from sengen.core.text import display_width, squeeze_digit_spaces

from .table import BULLET_MARKS, bullet_text

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

# Roles of the cells in reading order, and which ones share a column (and so a width).
CELL_LABEL = {"content": "取組内容", "targets": "達成目標", "results": "取組結果",
              "future_direction": "今後の取組の方向性", "achievement_status": "目標達成状況"}
_COLUMN_OF = {"title": "title", "content": "content", "targets": "targets", "results": "results",
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


def read_lines(text: str) -> tuple[list[_Line], set[str], int | None]:
    """The text's lines, each with its display width, but for blank lines, page numbers and
    header rows; the header labels seen; and how many lines stand before the first header
    row (the report's title and heading), None when there is none. A line that follows a page
    break (a page number, or a header row repeated after the first) is marked ``after_break``."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines: list[_Line] = []
    labels: set[str] = set()
    first_header = None
    pending_break = False
    in_header = False
    for i, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if _PAGE_NUMBER_RE.match(nfkc(stripped)):
            pending_break = bool(lines)
            continue
        found = header_labels(stripped)
        if found is None and in_header and _header_marker(stripped, raw_lines[i:]):
            # ［今後の取組の方向性］ between two header labels is the header's, not a row's.
            found = {"今後の取組の方向性"}
        in_header = found is not None
        if found is not None:
            labels |= found
            if first_header is None:
                first_header = len(lines)
            pending_break = bool(lines) and first_header != len(lines)
            continue
        lines.append(_Line(i, stripped, display_width(squeeze_digit_spaces(stripped)), pending_break))
        pending_break = False
    return lines, labels, first_header


def _header_marker(line: str, following: list[str]) -> bool:
    """Is ``line`` the bare ［今後の取組の方向性］ and the next non-blank line a header label?"""
    marker = _MARKER_RE.match(nfkc(line))
    if not marker or marker.group("rest"):
        return False
    nxt = next((ln.strip() for ln in following if ln.strip()), "")
    return header_labels(nxt) is not None


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
        if j >= len(lines):
            continue
        if not joined.endswith(("）", ")")) and not (m.group("rest") and _sections_after_break(lines, j, joined)):
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
        head = [_Line(lines[idx].number, first_rest, display_width(squeeze_digit_spaces(first_rest)))] \
            if first_rest else []
        j = idx + 1
        while j < end and not _is_bullet(lines[j].text) and not _MARKER_RE.match(nfkc(lines[j].text)):
            head.append(lines[j])
            j += 1
        blocks.append(_Block(n, lines[idx].number, head, _items(lines[j:end])))
    return blocks


def _sections_after_break(lines: list[_Line], start: int, head: str) -> bool:
    """A row that begins at the foot of a page: its title cell goes on after the page break,
    where the loose lines that follow soon close the owning sections' parenthesis (opened
    after the break, or before it when the page cut the sections' list)."""
    for k in range(start, min(len(lines), start + 80)):
        if lines[k].after_break:
            title = nfkc(head)
            for ln in lines[k:k + 4]:
                if _is_bullet(ln.text):
                    break
                title += nfkc(ln.text.strip())
                if title.endswith(")") and "(" in title:
                    return True
            return False
    return False


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
    """The cells a row holds after its title: a declaration (目標宣言) whose header names no
    result column has only 取組内容 and 達成目標, so no bullet is ever put in the others."""
    if document == workflow.DECLARATION and not labels & RESULT_LABELS:
        return ("content", "targets")
    return ("content", "targets", "results", "future_direction", "achievement_status")


def _merge_soft(bullets: list[_Bullet]) -> list[_Bullet]:
    """A soft piece continues the bullet before it in its column; alone, it is a bullet."""
    out: list[_Bullet] = []
    for b in bullets:
        if b.soft and out:
            out[-1] = _Bullet(out[-1].lines + b.lines)
        else:
            out.append(_Bullet(list(b.lines)))
    return out
