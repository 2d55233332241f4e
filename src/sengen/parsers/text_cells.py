"""Each row of an extracted text cut into its cells, and the rows assembled (the text
reader's last stage).

With the document's column widths (``text_widths``), a row's bullets are placed in columns by
a shortest path over (bullet, column), columns only moving right, at the least cost
(``text_costs``). A page break inside a row lets the columns start over: each column's
leftover lines after it are placed by the same path, where a cell the page cut must go on.
"""

from __future__ import annotations

from sengen.core.text import join_lines

from .table import Origin, Row, split_sections
from .text_costs import (
    ECHO_COST,
    ECHO_TERM,
    _bullet_cost,
    _cut_off,
    _empty_cost,
    _ending_cost,
    _ends_sentence,
    _join_cost,
    _shared_term,
    _tolerance,
    _unfinished_cost,
)
from .text_rows import _COLUMN_OF, BREAK, CELL_LABEL, MARKER, _Block, _Bullet, _merge_soft
from .text_widths import _column_widths


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
