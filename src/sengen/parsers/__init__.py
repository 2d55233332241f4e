"""Reports in the formats cities have them → ``sengen.report/1`` (``/2`` for other forms).

A PDF or XLSX table in the seed's form reads as it always has (``table.py``: /1). A table in
another known form — named by its header labels among ``forms`` (``core.forms.presets()`` unless
given), or forced with ``form`` — is read through that form's layout (``formed.py``) into
``sengen.report/2`` naming the form.

``parse_path`` picks the reader by content, not by name alone: a ``.txt`` that is really
JSON still reads. Every reader raises ``ParseError`` with the file, the place and what was
expected; nothing here touches the database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath

from sengen.core.report import JSON_PROBLEMS, ReportError, normalise

from .csv_report import is_sengen_csv, parse_csv
from .data_sheet import with_grades
from .errors import EXPECTED, FILE_KINDS, ParseError
from .formed import FormedTable
from .formed import to_report as formed_report
from .limits import check_pdf_pages
from .pdf import MAX_PAGES, parse_pdf
from .table import ReportTable, provenance, to_report
from .text import parse_text
from .xlsx import parse_xlsx, refuse_ole

__all__ = ["ParseError", "parse_path", "parse_bytes", "parse_with_provenance", "parse_path_with_provenance",
           "source_pages", "MAX_BYTES"]

# A report is a few pages of text; anything far larger is not one, and reading it whole
# would only cost memory.
MAX_BYTES = 20 * 1024 * 1024


def _decode(data: bytes, source: str) -> str:
    for encoding in ("utf-8-sig", "cp932", "euc_jp"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("encoding", source=source)


# Magic bytes of files people mistake for a report (a scan saved as .pdf, a web page saved
# as .txt); checked first so the refusal says what the file is, not that it fails to decode.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"BM", "bmp"), (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"), (b"MZ", "exe"), (b"\x7fELF", "exe"),
    (b"{\\rtf", "rtf"),
)
_MARKUP = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:(?P<html>!doctype\s+html|html[\s>])|(?P<xml>\?xml))",
                     re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str | None:
    """What kind of non-report file ``data`` is (a key of ``FILE_KINDS``), or None."""
    for magic, kind in _MAGIC:
        # Two letters could begin a text too (BM…, MZ…); those files also hold NULs early on.
        if data.startswith(magic) and (len(magic) > 2 or b"\x00" in data[:64]):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    m = _MARKUP.match(data[:4096])
    if m:
        return "html" if m.group("html") else "xml"
    return None


def _refuse_other_kinds(data: bytes, source: str) -> None:
    kind = sniff(data)
    if kind is not None:
        suffix = PurePath(source).suffix.lower()
        raise ParseError("not_a_report", source=source, kind=FILE_KINDS[kind],
                         expected=EXPECTED.get(suffix, EXPECTED[""]))


def _read(data: bytes, source: str, form=None, forms=None) -> ReportTable | FormedTable | dict:
    """The report's table as its reader found it, or a JSON report as it is."""
    if len(data) > MAX_BYTES:
        raise ParseError("too_large", source=source, size=len(data), limit=MAX_BYTES)
    head = data[:8].lstrip()
    if head.startswith(b"%PDF"):
        check_pdf_pages(data, source=source, max_pages=MAX_PAGES)
        try:
            return parse_pdf(data, source=source, form=form, forms=forms)
        except (ParseError, MemoryError, RecursionError):
            raise
        except Exception as exc:
            # pdfminer reads a damaged stream lazily, page by page, and says so with whatever
            # it meets (ValueError: Ascii85 overflow, AssertionError, PDFNotImplementedError):
            # the file is a broken PDF, said as such, not a reader's crash.
            raise ParseError("pdf_unreadable", source=source, error=type(exc).__name__) from None
    if head.startswith(b"PK\x03\x04"):
        return parse_xlsx(data, source=source, form=form, forms=forms)
    refuse_ole(data, source=source)
    _refuse_other_kinds(data, source)
    text = _decode(data, source)
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        try:
            raw = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise ParseError("json", source=source, line=exc.lineno, column=exc.colno, detail=exc.msg,
                             problem=JSON_PROBLEMS.get(exc.msg, exc.msg)) from None
        except RecursionError:
            raise ParseError("json_depth", source=source) from None
        except ValueError:  # an integer of more than 4,300 digits, which Python refuses to read
            raise ParseError("json_number", source=source) from None
        try:
            return normalise(raw)
        except ReportError as exc:
            raise ParseError("report_format", source=source, path=exc.path, detail=exc.message) from None
    if "\x00" in text:
        raise ParseError("binary", source=source)
    if is_sengen_csv(text):
        return parse_csv(text, source=source, form=form, forms=forms)
    return parse_text(text, source=source, form=form, forms=forms)


def _report(read: ReportTable | FormedTable, source: str) -> tuple[dict, dict[str, dict] | None]:
    """The table as a report (and, for a form's table, its provenance); what the gate refuses in
    it (a 101st initiative, a bullet past core/limits.py) is a refusal of this file like any
    other, not a reader's failure."""
    try:
        if isinstance(read, FormedTable):
            return formed_report(read, source)
        return to_report(read), None
    except ReportError as exc:
        raise ParseError("report_refused", source=source, path=exc.path, detail=exc.message) from None


def _with_sheet_grades(report: dict, data: bytes) -> dict:
    """A workbook sengen wrote carries the grades its table does not print (data_sheet.py)."""
    if data[:8].lstrip().startswith(b"PK\x03\x04"):
        return with_grades(report, data)
    return report


def parse_bytes(data: bytes, *, source: str = "<input>", form=None, forms=None) -> dict:
    """The report ``data`` holds. ``forms``: the known forms (``core.forms.Form``) a table may be
    in, presets when None; ``form``: the one it is in, whatever its header says."""
    read = _read(data, source, form, forms)
    return read if isinstance(read, dict) else _with_sheet_grades(_report(read, source)[0], data)


def parse_with_provenance(data: bytes, *, source: str = "<input>", form=None,
                          forms=None) -> tuple[dict, dict[str, dict]]:
    """The report and, for each value read from a table, where it was read: JSON path →
    {file, page, cell, first_line, last_line}. A JSON report is its own source."""
    read = _read(data, source, form, forms)
    if isinstance(read, dict):
        return read, {"$": {"file": source}}
    report, where = _report(read, source)
    return _with_sheet_grades(report, data), where if where is not None else provenance(read, source)


def source_pages(data: bytes) -> list[str]:
    """The text people compare a reading with: each PDF page's text, or the file as text."""
    if data[:8].lstrip().startswith(b"%PDF"):
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    for encoding in ("utf-8-sig", "cp932", "euc_jp"):
        try:
            return [data.decode(encoding)]
        except UnicodeDecodeError:
            continue
    return [""]


def _read_file(path: Path) -> bytes:
    source = str(path)
    try:
        if path.is_dir():
            raise ParseError("folder", source=source)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ParseError("too_large", source=source, size=size, limit=MAX_BYTES)
        return path.read_bytes()
    except FileNotFoundError:
        raise ParseError("no_such_file", source=source) from None
    except PermissionError:
        raise ParseError("permission", source=source) from None
    except OSError as exc:
        raise ParseError("os_error", source=source, reason=exc.strerror or type(exc).__name__) from None


def parse_path(path: str | Path, *, form=None, forms=None) -> dict:
    path = Path(path)
    return parse_bytes(_read_file(path), source=str(path), form=form, forms=forms)


def parse_path_with_provenance(path: str | Path, *, form=None, forms=None) -> tuple[dict, dict[str, dict]]:
    path = Path(path)
    return parse_with_provenance(_read_file(path), source=str(path), form=form, forms=forms)
