"""Text as extracted from a report: joining wrapped lines back into what was written.

PDF-to-text tools break a cell's text at the column edge and put spaces around half-width
digits inside Japanese (``平成 29 年度``). Neither is part of what the author wrote, so both
are undone here — and nothing else is: other spaces, full-width digits and punctuation stay.
"""

from __future__ import annotations

import re
import unicodedata

# A space that a text extraction put between a half-width number and Japanese text.
_DIGIT_SPACE_RE = re.compile(
    r"(?<=[0-9,.%])[ \t]+(?=[^\x00-\x7f\uff61-\uff9f])"  # 29 年 → 29年
    r"|(?<=[^\x00-\x7f\uff61-\uff9f\s])[ \t]+(?=[0-9])"  # 平成 29 → 平成29
)
BULLET = "・"
_WIDE = frozenset("WF")


def squeeze_digit_spaces(text: str) -> str:
    return _DIGIT_SPACE_RE.sub("", text)


def join_lines(lines: list[str]) -> str:
    """One cell's wrapped lines back into one string.

    Japanese needs no space at a line break; two Latin words do, so a space is kept only
    between ASCII letters."""
    out = ""
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            out += " "
        out += piece
    return squeeze_digit_spaces(out)


def display_width(text: str) -> int:
    """Width in half-width cells: a column's line length is measured in these, since a
    full-width character takes two and a half-width digit one."""
    return sum(2 if unicodedata.east_asian_width(c) in _WIDE or unicodedata.east_asian_width(c) == "A"
               and not c.isascii() else 1 for c in text)


def compact(text: str) -> str:
    """Text without any white space: how texts are compared across layouts."""
    return re.sub(r"\s+", "", text)
