"""A form's preamble and closing blocks: the cells above and below its table, found by their labels.

A ``text`` block is its label's paragraphs; a ``themes`` block is themes, each a heading line
(with its SDG tags where the block prints them, ``sdg_format``, which become goal numbers and
leave the text) and its items. The table's own header or heading ends the last block.
"""

from __future__ import annotations

import re

from sengen.core.eras import nfkc
from sengen.core.forms import SDG_GOALS, PreambleBlock, label_key
from sengen.core.forms.model import PLACEHOLDER_RE

from .formed_heading import literal_pattern
from .formed_parts import part_items
from .formed_table import Line
from .table import Origin


def _sdg_re(block: PreambleBlock) -> re.Pattern:
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(block.sdg_format):
        out.append(literal_pattern(block.sdg_format[pos:m.start()]))
        out.append(r"(?P<n>\d{1,2})" if m.group(1) == "n" else r"[^】\]）)]*?")
        pos = m.end()
    out.append(literal_pattern(block.sdg_format[pos:]))
    return re.compile("".join(out))


def _tags(block: PreambleBlock, text: str) -> tuple[str, list[int]]:
    """``text`` without the block's SDG tags, and the goals they name."""
    if not block.sdgs:
        return text, []
    goals: list[int] = []
    pattern = _sdg_re(block)

    def take(m: re.Match) -> str:
        n = int(m.group("n"))
        if n in SDG_GOALS and n not in goals:
            goals.append(n)
        return ""

    return pattern.sub(take, nfkc(text)).strip() if pattern.search(nfkc(text)) else text, goals


def _theme_heading(block: PreambleBlock, cell: list[Line], out: list[dict], theme_open: bool) -> bool:
    """Whether ``cell`` starts a theme of a ``themes`` block: a line bearing an SDG tag where the
    block tags its themes; otherwise the first cell under the label, or a cell after items."""
    if block.sdgs:
        return bool(_sdg_re(block).search(nfkc(cell[0][0])))
    return not theme_open or bool(out and out[-1]["items"])


def read_blocks(blocks: tuple[PreambleBlock, ...], cells: list[list[Line]], wrapped: bool,
                stop: set[str], stop_re: re.Pattern | None = None) -> tuple[list[dict], dict[int, Origin]]:
    """The preamble entries ``cells`` hold under ``blocks``' labels, in order, and where each was."""
    labels = {label_key(b.label): b for b in blocks}
    out: list[dict] = []
    origins: dict[int, Origin] = {}
    block: PreambleBlock | None = None
    theme_open = False  # a theme's heading was read and its items may follow
    for cell in cells:
        if not cell:
            continue
        key = label_key(" ".join(t for t, _ in cell))
        if key in labels:
            theme_open = False
            block = labels[key]
            if block.kind == "text":
                out.append({"label": block.label, "items": [], "sdgs": []})
                origins[len(out) - 1] = cell[0][1]
            continue
        if block is None:
            continue
        if key in stop or (stop_re is not None and stop_re.match(nfkc(cell[0][0]).strip())):
            block = None
            continue
        if block.kind == "themes" and _theme_heading(block, cell, out, theme_open):
            # A theme's heading (one line, with its SDG tags where the block has them), then its items.
            theme_open = True
            heading, goals = _tags(block, cell[0][0])
            out.append({"label": heading.strip(), "items": [], "sdgs": goals})
            origins[len(out) - 1] = cell[0][1]
            cell = cell[1:]
        if not out or (block.kind == "themes" and not theme_open):
            continue  # items of a theme whose heading was never printed: nothing to hang them on
        texts, _ = part_items(cell, block.bullet, wrapped)
        for text in texts:
            clean, goals = _tags(block, text)
            if clean:
                out[-1]["items"].append(clean)
            out[-1]["sdgs"] += [g for g in goals if g not in out[-1]["sdgs"]]
    return [b for b in out if b["items"] or b["sdgs"] or b["label"]], origins
