"""A workbook opened safely, and each sheet's cells as text (the XLSX readers' first stage).

A workbook is a zip of XML. The zip's directory is checked before anything is inflated
(``limits.check_zip``); openpyxl parses XML through defusedxml (entity declarations are
refused), in read-only mode, and only the first ``MAX_ROWS`` rows and ``MAX_COLS`` columns of
a sheet are looked at. What read-only mode does not keep (merged ranges, the printed page
header) is read from the sheet's XML through the same parser. What Excel saves that is no
workbook (a password-protected file, an old .xls, a Word document) is refused by name.

``xlsx`` reads the seed's table from the sheets, ``xlsx_forms`` a table in another known form.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .errors import ParseError
from .limits import check_zip

MAX_ROWS = 5000  # a report of 60 initiatives, one bullet per row, is a few hundred
MAX_COLS = 200  # Excel 方眼紙 uses many narrow columns, but not thousands
HEADER_SCAN_ROWS = 60  # the header is near the top: title, director, a few notes at most

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# The stream every Word 97-2003 document has, named in the compound file's directory.
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def refuse_ole(data: bytes, *, source: str) -> None:
    """An OLE2 compound file is what Excel saves a password-protected .xlsx as, and what an
    old .xls is: neither can be read without Excel, so say which it is."""
    if not data.startswith(_OLE_MAGIC):
        return
    if _ENCRYPTION_INFO in data:
        raise ParseError("xlsx_encrypted", source=source)
    if _WORD_STREAM in data:
        raise ParseError("doc_not_xlsx", source=source)
    raise ParseError("xls", source=source)


def _unsafe_xml(exc: BaseException | None) -> bool:
    """defusedxml refused the XML, here or in an exception openpyxl wrapped it in."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__module__.startswith("defusedxml"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _open_workbook(data: bytes, source: str):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ParseError("xlsx_broken", source=source) from None
    with archive:
        check_zip(archive, source=source)
        names = set(archive.namelist())
    if not any(n.endswith("workbook.xml") for n in names):
        what = ("word" if any(n.startswith("word/") for n in names)
                else "powerpoint" if any(n.startswith("ppt/") for n in names)
                else "zip")
        raise ParseError(f"{what}_not_xlsx", source=source)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged part
        if _unsafe_xml(exc):
            raise ParseError("xlsx_unsafe", source=source) from None
        raise ParseError("xlsx_unreadable", source=source, error=type(exc).__name__) from None


def _sheet_extras(ws) -> tuple[list[tuple[int, int, int, int]], list[str]]:
    """What read-only sheets do not keep, read from the sheet's XML (through defusedxml,
    like the cells): every merged range as (min_col, min_row, max_col, max_row), and the
    text of the printed page header, where some cities put the title and the director."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    header_tags = {f"{{{SHEET_MAIN_NS}}}{name}" for name in ("firstHeader", "oddHeader")}
    merges: list[tuple[int, int, int, int]] = []
    headers: list[str] = []
    try:
        source = ws._get_source()
    except Exception:  # not a read-only sheet of the kind we know: merges then stay unknown
        return merges, headers
    with source:
        for _, element in iterparse(source):
            if element.tag == merge_tag and element.get("ref") and len(merges) <= MAX_ROWS * 4:
                try:
                    merges.append(range_boundaries(element.get("ref")))
                except (ValueError, TypeError):
                    pass
            elif element.tag in header_tags and element.text and not headers:
                headers = _page_header_lines(element.text[:2000])
            element.clear()
    return merges, headers


_HEADER_CODE_RE = re.compile(r'&(?:"[^"]*"|\d+|[LCRPNDTFAZGBIUESXKH+-]|(?=&))', re.IGNORECASE)


def _page_header_lines(text: str) -> list[str]:
    """``&C&14平成29年度 …&R市民生活部長 竹内 克則`` → its sections' texts, codes removed."""
    parts = re.split(r"&[LCR]", text)
    out = []
    for part in parts:
        plain = _HEADER_CODE_RE.sub("", part).replace("&&", "&")
        out += _lines(plain)
    return out


def _text(value) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    # Excel escapes a carriage return inside a cell as _x000D_; a line break is a line break.
    return text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass
class _Sheet:
    title: str
    rows: dict[int, dict[int, str]]  # row → column → text (non-empty cells only)
    merges: list[tuple[int, int, int, int]]
    page_header: list[str] = field(default_factory=list)


def _read_sheet(ws, source: str) -> _Sheet:
    rows: dict[int, dict[int, str]] = {}
    max_col = min(ws.max_column or MAX_COLS, MAX_COLS) if isinstance(ws.max_column, int) else MAX_COLS
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=max_col, values_only=True),
                               start=1):
        cells = {c: t for c, t in ((c, _text(v)) for c, v in enumerate(values, start=1)) if t.strip()}
        if cells:
            if r > MAX_ROWS:
                raise ParseError("xlsx_rows", source=source, sheet=ws.title, limit=MAX_ROWS)
            rows[r] = cells
    merges, page_header = _sheet_extras(ws)
    return _Sheet(ws.title, rows, merges, page_header)


def _spans(merges, row: int) -> dict[int, range]:
    """Column → the columns its merged range covers, for ranges that start in ``row``'s column."""
    out = {}
    for min_col, min_row, max_col, max_row in merges:
        if min_row <= row <= max_row and max_col > min_col:
            out[min_col] = range(min_col, max_col + 1)
    return out


def _ref(sheet: str, col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    name = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{get_column_letter(col)}{row}"


def _cells_of(sheet: _Sheet, r: int) -> list[tuple[int, str]]:
    return sorted(sheet.rows.get(r, {}).items())
