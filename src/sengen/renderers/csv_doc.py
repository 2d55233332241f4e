"""Open-data CSV: what Excel on a city PC opens correctly by double-click.

UTF-8 with BOM (without it Japanese Excel assumes Shift_JIS and shows mojibake), CRLF
line ends, every field quoted only where needed.
"""

from __future__ import annotations

import csv
import io

from sengen.core.opendata import FORMULA_TRIGGERS, QUOTE, QUOTED_STARTS

from .rows import header, rows

__all__ = ["FORMULA_TRIGGERS", "neutralise", "render_csv"]


def neutralise(value) -> str:
    """Text that would start a formula gets a leading ``'``; numbers we wrote stay numbers.

    A negative *number* (``-5``) is data, not an attack: it is written as produced from
    an ``int``/``float``. The same characters in a *text* cell (``-1+2``) are prefixed.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    # A text that begins with ' gets one more, so sengen's CSV reader (parsers/csv_report.py)
    # can take exactly one off and give back the text as written.
    if text.startswith(QUOTED_STARTS):
        return QUOTE + text
    return text


def render_csv(doc: dict, *, form=None) -> bytes:
    """The flat table (rows.py); a /2 document gets /2's columns after /1's, neutralised alike."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header(doc))
    for row in rows(doc, form):
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
