"""Which form a file is in, from its header row: the labels a PDF or XLSX reader found.

Header cells as readers see them differ from the labels a form prints: a PDF's word processor
spaced the letters (「取 組 名」), a workbook typed full-width or half-width brackets, one cell
carries two labels on two lines (「取組名\\n（担当課名）」) or on one (「取組名(担当課名)」), a
two-row header gives the second line as a cell of its own, and the number column is 「N0.」,
「No.」, 「NO」 or 「番号」 whatever the form prints. So both sides are reduced to *label keys*
(NFKC, no whitespace, no brackets; any number label is one key), and each cell is cut into the
keys of a layout it consists of, longest first.

A layout's score is how well the row and the layout explain each other (an F1 score): the share
of the layout's label lines found in the row, and the share of the row's characters that belong
to the layout's labels. 1.0 is a perfect match; a declaration's four columns inside a report's
six score below the report's six. Ties (the seed's interim and achievement reports print the same
header) are left to the reader, which tells them apart by the title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .model import Form, Layout

# What any number column is called, whatever the form prints: the seed's text extraction reads
# its 「No.」 as 「N0.」 (a zero), other cities print 番号 or №.
NUMBER_ALIASES = ("no.", "no", "n0.", "n0", "番号", "№", "ナンバー")
_NUMBER_KEY = "#number"
# Brackets of every kind a header puts around a label (（担当課名）, ［今後の取組の方向性］, 【】…).
_BRACKETS_RE = re.compile(r"[()\[\]{}<>（）［］｛｝〔〕【】〈〉《》「」『』〘〙〚〛]")
_SPACE_RE = re.compile(r"\s+")
# Below this, a layout explains too little of the row to be named at all.
MIN_SCORE = 0.3


def label_key(text: str) -> str:
    """A header label as compared: NFKC, lower case, without whitespace or brackets."""
    return _BRACKETS_RE.sub("", _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))).lower()


def _vocabulary(layout: Layout) -> dict[str, str]:
    """Surface key → label key of the layout's label lines; a number column answers to every alias."""
    vocab: dict[str, str] = {}
    for column in layout.columns:
        if "number" in column.roles:
            for alias in (*NUMBER_ALIASES, label_key(column.label)):
                vocab[label_key(alias)] = _NUMBER_KEY
            continue
        for line in column.label_lines:
            key = label_key(line)
            if key:
                vocab[key] = key
    return vocab


def _cut(cell: str, surfaces: list[str], vocab: dict[str, str]) -> tuple[set[str], int, int]:
    """The layout's label keys ``cell`` holds, the characters they cover and the cell's length.

    Longest label first at each position; a character no label starts at counts against the
    match (a column the form does not print, or another form's wording)."""
    text = label_key(cell)
    found: set[str] = set()
    covered = 0
    i = 0
    while i < len(text):
        for surface in surfaces:
            if text.startswith(surface, i):
                found.add(vocab[surface])
                covered += len(surface)
                i += len(surface)
                break
        else:
            i += 1
    return found, covered, len(text)


def score(labels: Iterable[str], layout: Layout) -> float:
    """How well the header cells ``labels`` match ``layout``: 0.0 (nothing) to 1.0 (exactly)."""
    vocab = _vocabulary(layout)
    surfaces = sorted(vocab, key=len, reverse=True)
    wanted = set(vocab.values())
    found: set[str] = set()
    covered = total = 0
    for cell in labels:
        keys, c, t = _cut(cell, surfaces, vocab)
        found |= keys
        covered += c
        total += t
    if not wanted or not total or not found:
        return 0.0
    recall = len(found & wanted) / len(wanted)
    precision = covered / total
    return round(2 * recall * precision / (recall + precision), 4)


def identify(labels: list[str], document: str | None = None, *,
             forms: Iterable[Form] | None = None) -> list[tuple[Form, Layout, float]]:
    """The known forms' layouts that the header row ``labels`` (one string per header cell, as a
    reader found it; several rows' cells may be given together) can be, best first.

    ``document`` restricts the answer to that document kind when the reader already knows it.
    ``forms`` are the candidates (the database's forms, in the next wave); the presets by default.
    Layouts scoring under ``MIN_SCORE`` are left out, so an empty list means "no known form".
    Equal scores keep the candidates' order (a city's own forms before the presets, if so given),
    then the year's order of document kinds.
    """
    from sengen.core import workflow

    if forms is None:
        from .presets import presets

        forms = presets().values()
    cells = [label for label in labels if isinstance(label, str) and label_key(label)]
    found = []
    for rank, form in enumerate(forms):
        for kind in form.documents:
            if document is not None and kind != document:
                continue
            layout = form.layouts[kind]
            s = score(cells, layout)
            if s >= MIN_SCORE:
                found.append((-s, rank, workflow.PHASES.index(kind), form, layout, s))
    found.sort(key=lambda item: item[:3])
    return [(form, layout, s) for *_, form, layout, s in found]
