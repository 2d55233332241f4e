"""The columns' widths of an extracted text, from each row cut on its own (``text_cells``'s
first pass).

Every cut of a row into its columns is tried, taking each column to be as wide as its widest
line in that row; a line that wrapped in the best cut ran to its column's edge, so the median
over rows of a column's widest wrapped line is its width. The widths are the same in every row,
which one row alone cannot tell: the second pass cuts every row again with them.
"""

from __future__ import annotations

import statistics
from itertools import combinations_with_replacement

from .text_costs import _bullet_cost, _empty_cost, _ending_cost, _set_width
from .text_rows import _COLUMN_OF, BREAK, MARKER, _Block, _Bullet


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
