"""A form's cell cut into its parts, and a part's lines into its items.

A column's ``Part``s split its cell in order: a part with a ``heading`` starts at that line, a
``wrap``ped part is the line wrapped in its two strings, a bulleted part starts at its bullet (so
燕市's 取組内容 cell reads as the title line, then ・ content). Within a part, a bullet mark starts
an item; without one each line is an item, unless the reader wrapped lines by width (a PDF).
"""

from __future__ import annotations

from sengen.core.eras import nfkc
from sengen.core.forms import Column, label_key
from sengen.core.text import join_lines

from .formed_table import Line
from .table import BULLET_MARKS, Origin

# Circled numbers ①…⑳, the marks 南足柄市's 方策 are numbered with: each starts an item.
_CIRCLED = tuple(chr(c) for c in range(0x2460, 0x2474))


def _starts(part, line: str) -> str | None:
    """The rest of ``line`` when it opens ``part`` (its heading or wrap), else None."""
    text = line.strip()
    if part.heading:
        # Only its heading opens such a part; the heading may share its line with the first item.
        if not label_key(text).startswith(label_key(part.heading)):
            return None
        rest = text[len(part.heading):] if text.startswith(part.heading) else ""
        return rest.strip()
    if part.wrap:
        return text if nfkc(text).startswith(nfkc(part.wrap[0])) else None
    if part.bullet and text.startswith(_marks(part.bullet)):
        return text
    return None


def _marks(bullet: str) -> tuple[str, ...]:
    if bullet == "①":
        return _CIRCLED
    if bullet == "・":
        return BULLET_MARKS
    return (bullet,)


def split_parts(column: Column, lines: list[Line]) -> dict[str, list[Line]]:
    """The cell's lines per role, the parts in the column's order."""
    parts = column.parts
    out: dict[str, list[Line]] = {p.role: [] for p in parts}
    current = 0
    for text, origin in lines:
        for j in range(current + 1, len(parts)):
            rest = _starts(parts[j], text)
            if rest is not None:
                # A part marked by its bullet only claims the line when the part before it is
                # not bulleted the same way (two ・ parts in a row cannot be told apart).
                if not parts[j].heading and not parts[j].wrap and parts[current].bullet == parts[j].bullet:
                    continue
                current = j
                text = rest
                break
        if text.strip():
            out[parts[current].role].append((text, origin))
    return out


def part_items(lines: list[Line], bullet: str, wrapped: bool) -> tuple[list[str], list[Origin]]:
    """A part's lines as its items: a line starting with the bullet mark starts one; without a
    mark each line is an item, unless the reader's lines are wrapped by width (then one item)."""
    groups: list[list[Line]] = []
    marks = _marks(bullet) if bullet else ()
    for line in lines:
        text = line[0].strip()
        starts = (text.startswith(marks) if marks else not wrapped)
        if starts or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    texts, origins = [], []
    for group in groups:
        text = join_lines([t for t, _ in group]).strip()
        for mark in marks:
            if text.startswith(mark):
                text = text[len(mark):].strip()
                break
        if text:
            texts.append(text)
            origins.append(group[0][1])
    return texts, origins
