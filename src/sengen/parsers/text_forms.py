"""Side-by-side text (``pdftotext -layout``) of a table in a known form other than the seed's.

The seed's form has its own text readers (text.py, text_columns.py), tuned on its corpus and
kept exactly as they are. For another form the form says what to look for:

1. the header: the first line whose labels (runs separated by two or more spaces) ``identify``
   names as one of the form's layouts; each label stands over its column;
2. between two neighbouring labels, the cut is the position where the fewest body lines have
   text (a gutter: none), the rightmost of those, so a cell's first character stays its own;
3. a row starts at a number in the number column (numbered forms), or after a blank line
   (unnumbered forms: pdftotext leaves one where the rule between two rows ran);
4. the lines before the header (title, declarer, preamble) and after the table (a closing block,
   from its label on) are read by the form as for a PDF (formed.py).

What it cannot tell apart it refuses (``ParseError`` "form_text_columns"), saying which form and
why, rather than guess: the header is not found, or a column has no gutter in any line.
"""

from __future__ import annotations

import re

from sengen.core.eras import nfkc
from sengen.core.forms import Form, identify, label_key

from .errors import FORM_TEXT_WHY, ParseError
from .formed import FormedTable, header_like, match_columns
from .table import Origin

_LABEL_GAP = re.compile(r" {2,}|\t|　")
# A header is named when the form's layout explains this much of the line (identify's score).
HEADER_SCORE = 0.75
_PAGE_NUMBER_RE = re.compile(r"^\s*[-‐－ー―]?\s*\d{1,3}\s*[-‐－ー―]?\s*$")


def _labels(line: str) -> list[tuple[int, str]]:
    """(position, text) of each run of the line separated by two or more spaces."""
    out, pos = [], 0
    for part in _LABEL_GAP.split(line):
        start = line.find(part, pos) if part else pos
        if part.strip():
            out.append((start + len(part) - len(part.lstrip()), part.strip()))
        pos = start + len(part)
    return out


def _header(lines: list[str], form: Form):
    """(line index, labels, layout) of the form's header among ``lines``, best first."""
    best = None
    for i, line in enumerate(lines[:120]):
        labels = _labels(line)
        if not header_like([t for _, t in labels]):
            continue
        found = identify([t for _, t in labels], forms=[form])
        if found and found[0][2] >= HEADER_SCORE and (best is None or found[0][2] > best[3]):
            best = (i, labels, found[0][1], found[0][2])
    return best


def _cuts(labels: list[tuple[int, str]], body: list[str]) -> list[int] | None:
    """Where each column after the first starts. Between two labels, the widest run of positions
    no body line has text at (the gutter down the table; labels may be centred over their
    columns, so a narrow column's number and the title's text may both lie before the next
    label), and the column starts where the run ends."""
    width = max((len(line) for line in body), default=0)
    blank = [all(len(line) <= p or line[p].isspace() for line in body) for p in range(width + 1)]
    cuts = []
    for (left, _), (right, _) in zip(labels, labels[1:], strict=False):
        runs: list[tuple[int, int]] = []  # (start, end) of blank runs, end exclusive, clipped to right
        p = left + 1
        while p <= min(right, width):
            if blank[p]:
                q = p
                while q <= width and blank[q]:
                    q += 1
                runs.append((p, q))
                p = q
            else:
                p += 1
        if not runs:
            return None
        start, end = max(runs, key=lambda r: (min(r[1], right + 1) - r[0], -r[0]))
        cuts.append(min(end, width))
    return cuts


def read_form_text(text: str, form: Form, *, source: str) -> FormedTable:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    found = _header(raw, form)
    if found is None:
        raise ParseError("form_text_columns", source=source, form=form.name, why=FORM_TEXT_WHY["header"])
    start, labels, layout, _ = found
    closing = {label_key(b.label) for b in layout.closing}
    end = next((k for k in range(start + 1, len(raw)) if label_key(raw[k]) in closing), len(raw))
    body_lines = [(k, line) for k, line in enumerate(raw[start + 1:end], start=start + 1)
                  if line.strip() and not _PAGE_NUMBER_RE.match(nfkc(line))
                  and [t for _, t in _labels(line)] != [t for _, t in labels]]
    cuts = _cuts(labels, [line for _, line in body_lines])
    if cuts is None:
        raise ParseError("form_text_columns", source=source, form=form.name,
                         why=FORM_TEXT_WHY["gutter"])
    mapping = match_columns([t for _, t in labels], layout)
    unknown = [t for (_, t), m in zip(labels, mapping, strict=True) if m is None]
    width = len(layout.columns) + len(unknown)
    index_of: list[int] = []
    extra = len(layout.columns)
    for m in mapping:
        if m is None:
            index_of.append(extra)
            extra += 1
        else:
            index_of.append(m)
    number_at = next((k for k, m in enumerate(mapping) if m is not None and "number" in layout.columns[m].roles), None)
    items: list[list[list]] = []
    previous = start
    bounds = [0, *cuts, None]
    for k, line in body_lines:
        cells = [line[bounds[c]:bounds[c + 1]].strip() for c in range(len(labels))]
        if number_at is not None:
            starts = bool(cells[number_at]) and re.fullmatch(r"\d{1,3}[.．]?", nfkc(cells[number_at])) is not None
        else:
            starts = k > previous + 1  # a blank line before: the rule between two rows
        if starts or not items:
            items.append([[] for _ in range(width)])
        for c, cell in enumerate(cells):
            if cell:
                column = layout.columns[index_of[c]].label.replace("\n", "") if index_of[c] < len(layout.columns) \
                    else labels[c][1]
                items[-1][index_of[c]].append((cell, Origin(first_line=k + 1, last_line=k + 1, cell=column)))
        previous = k
    above = [[(line.strip(), Origin(first_line=k + 1, last_line=k + 1))] for k, line in enumerate(raw[:start])
             if line.strip() and not _PAGE_NUMBER_RE.match(nfkc(line))]
    below = [[(line.strip(), Origin(first_line=k + 1, last_line=k + 1))] for k, line in enumerate(raw[end:], start=end)
             if line.strip() and not _PAGE_NUMBER_RE.match(nfkc(line))]
    return FormedTable(form, layout, above, items, below, unknown, wrapped=True)
