"""How unlikely a bullet is in each column of a row, for the text reader's cut (``text_cells``).

Two kinds of evidence, in one unit (a clear mismatch weighs 2-3, a lean 0.5-1): the widths of
a bullet's lines against the column's width (a wrapped line ran to its column's edge, no line
runs far past it), and what its words say (取組内容 and the future direction are plans,
取組結果 and 目標達成状況 say what happened, 達成目標 names numbers and deadlines). Also how a
cell cut by a page break must go on after it.
"""

from __future__ import annotations

import re

from sengen.core.eras import nfkc, parse_due
from sengen.core.text import display_width, squeeze_digit_spaces

from .text_rows import _Bullet, _Line

_SENTENCE_END = ("。", ".", "」", "）", ")", "！", "？")


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
