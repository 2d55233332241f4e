"""What a reader hands over of a table in a known form, and how a header row's cells name its columns.

The PDF, XLSX and text readers each find a form's header row (``header_like`` rows only, offered
to ``identify``), map its cells to the layout's columns (``match_columns``) and give what they saw
as a ``FormedTable``: lines with where each was read. ``formed.to_report`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sengen.core.forms import Column, Form, Layout, label_key

from .table import Origin

# A line is (its text, where it was read).
Line = tuple[str, Origin]


# A header label is a few words; a longer cell is a row's text. Rows holding one are not offered to
# identify(), whose cost grows with the text: a workbook of 32,000-character cells in its first
# rows would otherwise spend the file's whole budget asking which form each row is.
MAX_LABEL_CHARS = 120


def header_like(cells: list[str]) -> bool:
    """Whether ``cells`` can be a header row at all: two labels or more, none of them long."""
    labels = [c for c in cells if c and c.strip()]
    return len(labels) >= 2 and all(len(c) <= MAX_LABEL_CHARS for c in labels)


@dataclass
class FormedTable:
    """What a reader saw of a table in ``form``'s ``layout``.

    ``above`` and ``below``: the lines before the header and after the table, grouped by cell (an
    XLSX cell, or a PDF line — where a reader cannot tell cells apart, each line is one).
    ``items``: one list per item of the lines of each layout column, in the layout's order, plus
    ``unknown``: columns the header printed that the form does not have, kept as ``extra``.
    ``wrapped``: the reader's lines are wrapped by width (PDF), so a line without a bullet
    continues the item above even where the part has no bullet mark.
    """

    form: Form
    layout: Layout
    above: list[list[Line]]
    items: list[list[list[Line]]]
    below: list[list[Line]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    wrapped: bool = False
    author: str | None = None


def column_keys(column: Column) -> set[str]:
    """The keys a header cell of ``column`` may read as: its label whole or line by line."""
    keys = {label_key(column.label), *(label_key(line) for line in column.label_lines)}
    if "number" in column.roles:
        from sengen.core.forms import NUMBER_ALIASES

        keys |= {label_key(a) for a in NUMBER_ALIASES}
    return {k for k in keys if k}


def match_columns(labels: list[str], layout: Layout) -> list[int | None]:
    """For each header cell, the index of the layout column it is (None: not the form's)."""
    out: list[int | None] = []
    taken: set[int] = set()
    for text in labels:
        key = label_key(text)
        found = None
        for i, column in enumerate(layout.columns):
            if i not in taken and key and (key in column_keys(column) or key == label_key(column.label)):
                found = i
                break
        if found is not None:
            taken.add(found)
        out.append(found)
    return out
