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

from sengen.core import workflow
from sengen.core.eras import nfkc, parse_due
from sengen.core.text import display_width, join_lines, squeeze_digit_spaces

from .errors import ParseError
from .table import (
    BULLET_MARKS,
    FY_LABEL_RE,
    Origin,
    ReportTable,
    Row,
    bullet_text,
    read_heading,
    split_sections,
)

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


def parse_text(text: str, *, source: str = "<text>", form=None, forms=None) -> ReportTable:
    """Text extracted from a PDF in the seed's form. Text in another known form (its header
    line named by ``identify`` among ``forms``, or ``form`` forced) is refused naming the form,
    so the person knows to give the PDF or the workbook instead of a vague 'no initiative'."""
    from sengen.core.forms import DEFAULT_FORM

    from .text_forms import read_form_text

    if form is not None and form.code != DEFAULT_FORM:
        return read_form_text(text, form, source=source)
    try:
        return _parse_seed_text(text, source=source)
    except ParseError as exc:
        # Only when the seed's form cannot read it: the seed's text costs nothing more.
        other = _other_form(text, forms)
        if other is not None:
            return read_form_text(text, other[0], source=source)
        raise exc from None


# The first lines a header of another form is looked for in, and how well a line must match it.
_FORM_SCAN_LINES = 80
_FORM_LINE_SCORE = 0.75


def _other_form(text: str, forms, only=None):
    """(form, labels) of another known form whose header is one of the text's first lines."""
    from sengen.core.forms import DEFAULT_FORM, identify, presets

    from .formed import header_like

    candidates = [f for f in (forms if forms is not None else presets().values()) if f.code != DEFAULT_FORM]
    if not candidates:
        return None
    best = None
    for line in text.replace("\r", "\n").split("\n")[:_FORM_SCAN_LINES]:
        cells = [c for c in re.split(r"\s{2,}|\t|　+", line.strip()) if c]
        if not header_like(cells):
            continue
        found = identify(cells, forms=candidates)
        if found and found[0][2] >= _FORM_LINE_SCORE and (best is None or found[0][2] > best[2]):
            best = (found[0][0], cells, found[0][2])
    return (best[0], best[1]) if best else None


def _parse_seed_text(text: str, *, source: str) -> ReportTable:
    # text_columns reads cells with this module's functions, so it is imported here.
    from .text_columns import interleaved, parse_columns, side_by_side

    split = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if side_by_side(split):
        return parse_columns(text, source=source)
    mixed = interleaved(split)
    if mixed is not None:
        # Read anyway, a wrong cut would pass for a reading: say what was seen instead.
        raise ParseError("text_interleaved", source=source, line=mixed)
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
    if not lines:
        raise ParseError("empty", source=source)
    if not any(FY_LABEL_RE.search(nfkc(ln.text)) for ln in lines[:15]):
        raise ParseError("no_title", source=source, line=lines[0].number)
    blocks = _blocks(lines)
    if not blocks:
        raise ParseError("no_initiatives", source=source, line=lines[0].number)
    top = [ln.text for ln in lines[:first_header if first_header is not None else 0]] or \
          [ln.text for ln in lines if ln.number < blocks[0].line]
    body = "\n".join(ln.text for ln in lines)
    heading = read_heading(top, labels, body, source=source)
    roles = _roles(heading.document, labels)
    rows = _segment(blocks, roles)
    return ReportTable(heading, rows)


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
    if document == workflow.DECLARATION and not labels & RESULT_LABELS:
        return ("content", "targets")
    return ("content", "targets", "results", "future_direction", "achievement_status")


# --- cutting a row into its columns -----------------------------------------------------

def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _bullet_cost(b: _Bullet, role: str, capacity: float | None) -> float:
    """How unlikely ``b`` is in column ``role`` by its lines' widths and what it says,
    but for how it ends (``_ending_cost``, known once it is clear where the bullet ends)."""
    if role == "title" and not b.soft:
        return 20.0  # the title cell has no ・ bullets
    cost = 0.0
    if capacity is not None:
        limit = capacity * 1.06 + 2
        for ln in b.lines:
            width = _set_width(ln)
            if width > limit:
                cost += 10 + (width - limit)
            elif width > capacity:
                # The column's width is a typical longest line, so a little past it happens
                # (punctuation hangs), but it leans towards a wider column.
                cost += (width - capacity) / 4
        for ln, nxt in zip(b.lines, b.lines[1:], strict=False):
            # A wrapped line ran to the column's edge: what starts the next line would not
            # have fitted after it. A line ending a sentence may have stopped short.
            if not _ends_sentence(ln.text):
                spare = capacity - ln.width - _first_unit_width(nxt.text)
                if spare > SLACK:
                    cost += (spare - SLACK) / 2
    if b.soft:
        if role != "title" and _SECTIONS_RE.match(b.text):
            cost += 3.0  # （担当課名） alone on a line belongs to the title cell
    elif role == "content" and (_QUANTITY_RE.search(squeeze_digit_spaces(b.text)) or _deadline(b.text)):
        # A number with its unit (１２０か所) or a deadline (令和３年７月末までに) is what a
        # measurable target states.
        cost += CONTENT_NUMBER_COST
    return cost


def _ending_cost(b: _Bullet, role: str, *, continued: bool = False, sentence_targets: bool = False) -> float:
    """How unlikely a bullet ending with ``b`` is in column ``role``. ``b`` is the bullet or,
    after a page break, the loose line that finishes it. ``continued``: the page ends after
    it, so it may go on and how it ends says nothing yet."""
    text = b.text
    if role == "title":
        return 0.0
    if role == "targets":
        # Targets are usually noun phrases; some cities write them as sentences (and then
        # the document says so), so this only leans, and the widths decide.
        # A target is set before the year starts: it never says what happened (…ました。).
        cost = TARGET_SENTENCE_COST if text.endswith("。") and not sentence_targets else 0.0
        return cost + (2.0 if _ends_sentence(text) and _PAST_RE.search(text) else 0.0)
    if role == "content" and not b.soft and (_QUANTITY_RE.search(squeeze_digit_spaces(text)) or _deadline(text)):
        return 0.0  # already leans towards 達成目標 (_bullet_cost)
    cost = 0.0
    if not _ends_sentence(text):
        if continued or "。" not in text:
            return 0.0 if continued else 1.0
        # A figure after the last sentence (…達成しました。令和６年３月末時点の交付率：78.3%):
        # that sentence still says whether this is a plan or what happened.
        cost, text = 1.0, text[:text.rindex("。") + 1]
    if role in _TENSE_OF_ROLE:
        # What each column says: 取組内容 and the future direction are plans (…ます。),
        # 取組結果 and 目標達成状況 say what happened (…ました。). Decides between columns
        # of about the same width, where the widths cannot. A state (…ています。) is
        # either: the work under way at the time of writing, or the background of a plan.
        if _STATE_RE.search(text):
            return cost
        past = bool(_PAST_RE.search(text))
        if past != _TENSE_OF_ROLE[role]:
            return cost + 2.0
    return cost


def _deadline(text: str) -> bool:
    """Does ``text`` set a date something is due by (令和３年７月末までに, 令和５年度末までに)?"""
    norm = nfkc(text)
    return "まで" in norm and parse_due(norm) is not None


_SECTIONS_RE = re.compile(r"^[（(][^（）()]+[）)]$")
TARGET_SENTENCE_COST = 0.5
CONTENT_NUMBER_COST = 0.75
_QUANTITY_RE = re.compile(r"[0-9０-９][0-9０-９,，.．]*\s*(?:[万億千]\s*)?(?:人|件|回|か所|ヶ所|箇所|％|%|円|校|団体|世帯|台|冊|棟|橋|品目|種類|事業所|施設|トン|t|km|キロ|日以内|時間|分|割)")
_STATE_RE = re.compile(r"[てで](?:い|おり)(?:ます|る)[。.]?\s*$")
# Past tense ends in た (…ました。, …でした。, …なった。): also the loose た。 a page break
# leaves of 「…しませんでし」.
_PAST_RE = re.compile(r"[ただ][。.]?\s*$|(?:ました|でした)[。.]")
_TENSE_OF_ROLE = {"content": False, "future_direction": False, "results": True, "achievement_status": True}
_EMPTY_COST = {"content": 4.0, "targets": 4.0}


# Line breaking leaves a line short of the edge when the next character may not start a
# line (kinsoku pulls one character down) and measuring widths in cells is approximate:
# this much room is not yet evidence that the line could have gone on.
SLACK = 2.5
_NO_LINE_START = set("、。，．,.）)」』】〕］〉》ー ゃゅょっぁぃぅぇぉャュョッァィゥェォ々・：；！？")


def _set_width(line: _Line) -> int:
    """The line's width inside the column: a closing 。 or 、 may hang past the edge."""
    text = line.text.rstrip()
    return line.width - (display_width(text[-1]) if text and text[-1] in "。、，．" else 0)


def _first_unit_width(text: str) -> int:
    """Cells the next line's first unbreakable piece needs: a run of half-width digits or
    Latin letters stays whole; a character that may not start a line brings the one before."""
    text = squeeze_digit_spaces(text.strip())
    m = re.match(r"[0-9A-Za-z,.%]+", text)
    if m:
        return display_width(m.group(0))
    if not text:
        return 0
    width = display_width(text[0])
    return width * 2 if text[0] in _NO_LINE_START else width


def _tolerance(capacity: float) -> float:
    """How far short of its column's edge a full line may stop (kinsoku, an unsplit number)."""
    return max(4.0, 0.12 * capacity)


def _join_cost(before: _Bullet, capacity: float | None) -> float:
    """The cost of a loose line continuing the cell of ``before``: the line it follows must
    have run to the column's edge. After a full stop a cell rarely goes on without a ・."""
    last = before.lines[-1]
    if _ends_sentence(last.text):
        return 1.0
    if capacity is None:
        return 0.0
    under = capacity - last.width
    tol = _tolerance(capacity)
    return max(0.0, (under - tol) / 2)


def _empty_cost(role: str) -> float:
    return _EMPTY_COST.get(role, 1.5)


def _local_cost(bullets: list[_Bullet], role: str) -> float:
    """First pass: a column is taken to be as wide as its widest line in this row."""
    if not bullets:
        return _empty_cost(role)
    capacity = max(_set_width(ln) for b in bullets for ln in b.lines)
    return sum(_bullet_cost(b, role, capacity) + _ending_cost(b, role) for b in bullets)


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


def _global_cut(block: _Block, roles: tuple[str, ...], capacities: dict[str, float], *,
                sentence_targets: bool = False) -> dict:
    """The row's best cut with the document's column widths: a shortest path over
    (item, column) where columns only move right, ［今後の取組の方向性］ moves from 取組結果 to
    its own part, and a page break lets the columns start over."""
    parts: list[list] = [[]]
    for item in block.items:
        if item == BREAK:
            parts.append([])
        else:
            parts[-1].append(item)
    cut, pages = _cut_parts(block, parts, roles, capacities, sentence_targets, {})
    # Each page is cut before the next is seen: a column whose last bullet was left
    # unfinished as if the page cut it, yet that nothing on the next page goes on, is cut
    # again with its bullet taken as complete.
    not_cut: dict[int, set[str]] = {}
    for p in range(len(pages) - 1):
        going_on = {role for k, (bullet, role) in enumerate(pages[p + 1])
                    if bullet.soft and all(r != role for _, r in pages[p + 1][:k])}
        last = {role: bullet for bullet, role in pages[p]}
        stopped = {role for role, bullet in last.items() if role != "title" and role not in going_on
                   and not _ends_sentence(bullet.lines[-1].text)
                   and _cut_off(bullet, capacities.get(_COLUMN_OF[role]), role)}
        if stopped:
            not_cut[p] = stopped
    if not_cut:
        cut, _ = _cut_parts(block, parts, roles, capacities, sentence_targets, not_cut)
    return cut


def _cut_parts(block: _Block, parts: list[list], roles: tuple[str, ...], capacities: dict[str, float],
               sentence_targets: bool, not_cut: dict[int, set[str]]) -> tuple[dict, list]:
    cut: dict[str, list[_Bullet]] = {role: [] for role in ("title", *roles)}
    pages = []
    marker_seen = False
    finished: set[str] = set()
    results_at = roles.index("results") if "results" in roles else None
    for p, part in enumerate(parts):
        allowed = list(roles)
        if results_at is not None:
            if marker_seen or MARKER not in part:
                # The results cell's text after ［今後の取組の方向性］ is future direction.
                allowed.remove("results" if marker_seen else "future_direction")
        # What each column held before this page break: a cell cut off mid-sentence goes on
        # with a loose line on the next page, never with a new bullet or not at all.
        before = {role: cut[role][-1] for role in allowed if cut.get(role)} if p > 0 else None
        if p > 0:
            # After a page break the row's first column (取組名・担当課名) may go on too.
            allowed.insert(0, "title")
            if block.head:
                before["title"] = _Bullet([block.head[-1]])
        pending = {"future_direction"} if p > 0 and marker_seen and not cut["future_direction"] else set()
        assignment = _path(part, tuple(allowed), capacities, before=before, pending=pending,
                           page_ends=p + 1 < len(parts), sentence_targets=sentence_targets, finished=finished,
                           not_cut=not_cut.get(p, set()))
        for bullet, role in assignment:
            cut[role].append(bullet)
        pages.append(assignment)
        marker_seen = marker_seen or MARKER in part
        finished = _finished_on_page(assignment, MARKER in part, roles)
    return cut, pages


def _finished_on_page(assignment: list, marker: bool, roles: tuple[str, ...]) -> set[str]:
    """The columns a page break did not cut. A row is cut at the same height in every cell,
    so each cell that goes on below filled the page: a cell with fewer lines than the
    tallest was complete (one line less may be an empty paragraph the extraction dropped)."""
    lines: dict[str, int] = {}
    for bullet, role in assignment:
        if role != "title":
            lines[_COLUMN_OF[role]] = lines.get(_COLUMN_OF[role], 0) + len(bullet.lines)
    if marker:
        lines["results"] = lines.get("results", 0) + 1
    tallest = max(lines.values(), default=0)
    return {role for role in roles if lines.get(_COLUMN_OF[role], 0) <= tallest - 2}


def _cut_off(bullet: _Bullet | None, capacity: float | None, role: str = "") -> bool:
    """Did the page end in the middle of this bullet? Its last line then neither ends a
    sentence nor stops short of the column's edge. The title cell is complete only once
    the owning sections' parenthesis closes it."""
    if bullet is None:
        return False
    if role == "title":
        return not bullet.lines[-1].text.rstrip().endswith(("）", ")"))
    if _ends_sentence(bullet.lines[-1].text):
        return False
    return capacity is None or bullet.lines[-1].width >= capacity - _tolerance(capacity)


def _unfinished_cost(role: str) -> float:
    """The cost of a cell the page seems to have cut off not going on after the break. A
    sentence at the column's edge without its full stop must go on; a target, a noun phrase,
    may just as well have ended there."""
    return 1.5 if role == "targets" else 3.0


# What _path charges, in the units of the other costs (a clear mismatch of width or tense
# weighs 2-3, a lean 0.5-1):
# ［今後の取組の方向性］ closed the page before, so the future direction's bullets must be on
# this page: leaving that column empty is as unlikely as a clear mismatch.
PENDING_EMPTY_COST = 3.0
# A cell that ended short of the page's foot was complete: more of it after the break is as
# unlikely.
FINISHED_REOPENED_COST = 3.0
# A loose line after a page break in a column with nothing before it: possible (the cell
# began at the page's foot with an empty line) but a lean against.
LOOSE_WITHOUT_CELL_COST = 1.0
# The title cell is complete once （担当課名） closes it: more title after that is unlikely.
TITLE_REOPENED_COST = 3.0
# In a row's last part, a sentence column whose last line ran to the edge unfinished would
# have gone on: its next line is missing.
UNFINISHED_LAST_COST = 3.0


def _path(items: list, roles: tuple[str, ...], capacities: dict[str, float], *,
          before: dict[str, _Bullet] | None, pending: set[str] = frozenset(), page_ends: bool = False,
          sentence_targets: bool = False, finished: set[str] = frozenset(), not_cut: set[str] = frozenset()):
    """Columns for ``items`` (in reading order) that only move right, at the least cost.

    ``before`` is given for the part of a row after a page break: each column's last bullet
    from the pages before; ``pending`` names columns that must go on here."""
    continuation = before is not None
    before = before or {}
    bullets = [item for item in items if item != MARKER]
    k = len(roles)
    lo = [0] * len(bullets)
    hi = [k - 1] * len(bullets)
    if MARKER in items and "future_direction" in roles:
        # ［今後の取組の方向性］ stands in the results cell: what precedes it is at most the
        # results, what follows at least the future direction.
        ahead = sum(1 for item in items[:items.index(MARKER)] if item != MARKER)
        for i in range(len(bullets)):
            if i < ahead:
                hi[i] = roles.index("future_direction") - 1
            else:
                lo[i] = roles.index("future_direction")

    def empty(r: int) -> float:
        if roles[r] in pending:
            return PENDING_EMPTY_COST
        if roles[r] in finished:
            return 0.0
        if continuation:
            return _unfinished_cost(roles[r]) if _cut_off(before.get(roles[r]), capacities.get(_COLUMN_OF[roles[r]]),
                                                          roles[r]) else 0.0
        return _empty_cost(roles[r])

    def opening(bullet: _Bullet, r: int) -> float:
        """The cost of ``bullet`` being the first in column r on this page."""
        if not continuation:
            return 0.0
        if roles[r] in finished:
            return FINISHED_REOPENED_COST
        prev = before.get(roles[r])
        if bullet.soft:
            if prev is None:
                return LOOSE_WITHOUT_CELL_COST
            if roles[r] == "title":
                return 0.0 if _cut_off(prev, None, "title") else TITLE_REOPENED_COST
            return _join_cost(prev, capacities.get(_COLUMN_OF[roles[r]]))
        return _unfinished_cost(roles[r]) if _cut_off(prev, capacities.get(_COLUMN_OF[roles[r]]), roles[r]) else 0.0

    # 取組内容 lists different things to do; 達成目標 names one of them again as its target.
    # A bullet naming the same thing (休日夜間急患診療所) as an earlier one of this row is
    # rather the first target than more content.
    echoes = [not b.soft and any(not a.soft and _shared_term(a.text, b.text) >= ECHO_TERM
                                 for a in bullets[:i]) for i, b in enumerate(bullets)]

    def closing(i: int, r: int, last: bool) -> float:
        """The cost of bullets[i] ending its bullet in column r (``last``: and the column
        on this page). In a row's last part a column's last line that ran to the edge
        without finishing its sentence would have gone on: its next line is missing. Not
        so a target, a noun phrase that may well end at the edge."""
        bullet = bullets[i]
        capacity = capacities.get(_COLUMN_OF[roles[r]])
        # The page cuts between lines: only a bullet whose last line is full may go on.
        cut = last and page_ends and roles[r] not in not_cut and \
            (capacity is None or bullet.lines[-1].width >= capacity - _tolerance(capacity))
        cost = _ending_cost(bullet, roles[r], continued=cut, sentence_targets=sentence_targets)
        if last and continuation and not page_ends and roles[r] not in ("title", "targets") and \
                _cut_off(bullet, capacities.get(_COLUMN_OF[roles[r]]), roles[r]):
            cost += UNFINISHED_LAST_COST
        return cost

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
                if echoes[i] and roles[r2] == "content":
                    total += ECHO_COST
                joins = bullet.soft and r2 == r
                if r < k and not joins:
                    total += closing(i - 1, r, last=r2 != r)
                if joins:
                    if roles[r2] == "title":
                        # The title cell breaks its lines by hand ((担当課名) starts a line)
                        # and is complete once that parenthesis closes.
                        total += TITLE_REOPENED_COST if not _cut_off(bullets[i - 1], None, "title") else 0.0
                    else:
                        total += _join_cost(bullets[i - 1], capacity)
                elif r2 != r:
                    total += opening(bullet, r2)
                if total < best[i + 1][r2] - 1e-9:
                    best[i + 1][r2] = total
                    back[i + 1][r2] = r
    n = len(bullets)
    if n == 0:
        return []
    ends = [best[n][r] + closing(n - 1, r, last=True) + sum(empty(s) for s in range(r + 1, k)) for r in range(k)]
    r = min(range(k), key=lambda x: (ends[x], x))
    out = []
    for i in range(n, 0, -1):
        out.append((bullets[i - 1], roles[r]))
        r = back[i][r]
    out.reverse()
    return out


ECHO_TERM = 7  # characters: a compound name, longer than words two activities often share (男女共同参画)
ECHO_COST = 0.5
_TERM_RE = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faー々]+")


def _shared_term(a: str, b: str) -> int:
    """The length of the longest run of kanji and katakana that ``a`` and ``b`` share."""
    terms = _TERM_RE.findall(nfkc(b))
    best = 0
    for run in _TERM_RE.findall(nfkc(a)):
        for start in range(len(run)):
            end = start + best + 1
            while end <= len(run) and any(run[start:end] in t for t in terms):
                best = end - start
                end += 1
    return best


def _merge_soft(bullets: list[_Bullet]) -> list[_Bullet]:
    """A soft piece continues the bullet before it in its column; alone, it is a bullet."""
    out: list[_Bullet] = []
    for b in bullets:
        if b.soft and out:
            out[-1] = _Bullet(out[-1].lines + b.lines)
        else:
            out.append(_Bullet(list(b.lines)))
    return out


def _column_widths(blocks: list[_Block], roles: tuple[str, ...]) -> dict[str, float]:
    """Each column's width from the rows cut on their own. A line that wrapped ran to its
    column's edge, so wrapped lines say the width; the median over rows outvotes a row whose
    own cut went wrong (which makes a column as wide as its neighbour). A column that never
    wraps is as wide as its widest line, at least."""
    wrapped: dict[str, list[int]] = {}
    widest: dict[str, int] = {}
    for block in blocks:
        cut = _local_cut(block, roles)
        if cut is None:
            continue
        row_wrapped: dict[str, int] = {}
        for role, group in cut.items():
            col = _COLUMN_OF[role]
            for b in group:
                for k, ln in enumerate(b.lines):
                    width = _set_width(ln)
                    widest[col] = max(widest.get(col, 0), width)
                    if k + 1 < len(b.lines):
                        row_wrapped[col] = max(row_wrapped.get(col, 0), width)
        for col, w in row_wrapped.items():
            wrapped.setdefault(col, []).append(w)
    return {col: statistics.median(wrapped[col]) if col in wrapped else w for col, w in widest.items()}


def _targets_are_sentences(cuts: list[dict]) -> bool:
    """Does the document write its targets as sentences (…とします。)? Read from the rows
    cut with targets leaning to noun phrases: those the widths still put among the targets."""
    targets = [b for cut in cuts for b in _merge_soft(cut.get("targets", []))]
    sentences = sum(1 for b in targets if b.text.endswith("。"))
    return sentences >= 2 and sentences * 2 >= len(targets)


def _segment(blocks: list[_Block], roles: tuple[str, ...]) -> list[Row]:
    # First each row on its own, to learn the columns' widths; then every row again with
    # the widths of the whole document, which one row alone cannot tell.
    capacities = _column_widths(blocks, roles)
    # Every line before a row's first bullet is its title cell's: the widest bounds the
    # title column from below (most titles are short, so a median would undershoot).
    heads = [max(ln.width for ln in block.head) for block in blocks if len(block.head) > 1]
    if heads:
        capacities["title"] = max(heads)
    cuts = [_global_cut(block, roles, capacities) for block in blocks]
    if _targets_are_sentences(cuts):
        # How this city writes its targets is, like the widths, the same in every row.
        cuts = [_global_cut(block, roles, capacities, sentence_targets=True) for block in blocks]
    rows = []
    for block, cut in zip(blocks, cuts, strict=True):
        head = block.head + [ln for b in cut.pop("title", []) for ln in b.lines]
        title, sections = split_sections(join_lines([ln.text for ln in head]))
        row = Row(block.number, title, sections)
        row.origins["title"] = [Origin(first_line=block.line,
                                       last_line=max([ln.number for ln in head] + [block.line]))]
        for role in roles:
            bullets = _merge_soft(cut.get(role, []))
            setattr(row, role, [b.text for b in bullets])
            row.origins[role] = [Origin(cell=CELL_LABEL[role], first_line=b.lines[0].number,
                                        last_line=b.lines[-1].number) for b in bullets]
        rows.append(row)
    return rows
