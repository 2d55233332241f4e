"""Reports as cities type them in Excel: the official table on a worksheet.

Above the table the title (``平成29年度 市民生活部長の目標宣言 達成状況報告``) and the director
(``市民生活部長 竹内 克則``, often right-aligned or split over two cells); then a header row
(No. / 取組名（担当課名） / 取組内容 / 達成目標 / 取組結果［今後の取組の方向性］ / 目標達成状況; a
declaration has the first four) and one row per initiative, with the bullets of a cell on
lines of their own (Alt+Enter). What varies from city to city is handled here:

* merged cells: a header cell merged over several columns (Excel 方眼紙) names all of them;
  a No. or title merged down over several rows leaves the rows below with an empty No.
  cell, and a row with an empty No. continues the row above (one bullet per physical row,
  or a row split for printing);
* a header on two rows (取組名 above （担当課名）); the header repeated further down;
* 今後の取組の方向性 inside the results cell after ［今後の取組の方向性］, or in a column of its
  own; 担当課名 inside the title cell or in a column of its own;
* notes below the table (``※ …``), blank spacer rows, columns the table does not know;
* the title and director typed into the printed page header instead of the sheet.

Cells become the same ``ReportTable`` the PDF and text readers build, so targets are read
and judged the same way (``table.to_report``).

Safety: a workbook is a zip of XML. The zip's directory is checked before anything is
inflated (``limits.check_zip``); openpyxl parses XML through defusedxml (entity
declarations are refused), in read-only mode, and only the first ``MAX_ROWS`` rows and
``MAX_COLS`` columns of a sheet are looked at.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sengen.core.eras import nfkc
from sengen.core.text import compact, join_lines

from .errors import ParseError
from .limits import check_zip
from .table import BULLET_MARKS, Origin, ReportTable, Row, bullet_text, read_heading, split_sections
from .text import _MARKER_RE, header_labels

MAX_ROWS = 5000  # a report of 60 initiatives, one bullet per row, is a few hundred
MAX_COLS = 200  # Excel 方眼紙 uses many narrow columns, but not thousands
HEADER_SCAN_ROWS = 60  # the header is near the top: title, director, a few notes at most

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# The stream every Word 97-2003 document has, named in the compound file's directory.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_BRACKETS_RE = re.compile(r"[\[\]【】〔〕<>〈〉《》「」［］]")
_NUMBER_RE = re.compile(r"(\d{1,3})[.．、)）]?")
_NUMBER_LABELS = {"No.", "NO.", "N0.", "No", "番号"}
_TITLE_LABELS = {"取組名", "取組名(担当課名)"}
_SECTION_LABELS = {"担当課名", "(担当課名)"}


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


# --- the workbook ---------------------------------------------------------------------------

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


# --- the header ------------------------------------------------------------------------------

def _roles_of(text: str) -> tuple[set[str] | None, str | None]:
    """The header labels a cell consists of and the column role they name; (None, None) when
    the cell is not a header label."""
    plain = _BRACKETS_RE.sub("", nfkc(text))
    labels = header_labels(plain) if compact(plain) else None
    if not labels:
        return None, None
    if "取組内容" in labels:
        return labels, "content"
    if "達成目標" in labels:
        return labels, "targets"
    if "取組結果" in labels:
        return labels, "results"
    if labels == {"今後の取組の方向性"}:
        return labels, "future_direction"
    if labels & {"目標達成状況", "達成状況"}:
        return labels, "achievement_status"
    if labels & _TITLE_LABELS:
        return labels, "title"
    if labels <= _SECTION_LABELS:
        return labels, "sections"
    if labels & _NUMBER_LABELS:
        return labels, "number"
    return labels, None


@dataclass
class _Header:
    row: int
    last_row: int  # the header's second row, where it has one
    roles: dict[int, str]  # column → role
    labels: set[str] = field(default_factory=set)


def _spans(merges, row: int) -> dict[int, range]:
    """Column → the columns its merged range covers, for ranges that start in ``row``'s column."""
    out = {}
    for min_col, min_row, max_col, max_row in merges:
        if min_row <= row <= max_row and max_col > min_col:
            out[min_col] = range(min_col, max_col + 1)
    return out


def _header_at(sheet: _Sheet, r: int) -> _Header | None:
    cells = sheet.rows.get(r, {})
    roles: dict[int, str] = {}
    labels: set[str] = set()
    unknown = 0
    spans = _spans(sheet.merges, r)
    for col, text in cells.items():
        found, role = _roles_of(text)
        if found is None:
            unknown += 1
            continue
        labels |= found
        if role:
            for c in spans.get(col, (col,)):
                roles.setdefault(c, role)
    present = set(roles.values())
    # Cells the table does not know (備考) are allowed, a few; a row of other words is not a
    # header (sengen's flat データ sheet names 取組内容 and 達成目標 among twenty others).
    if not {"content", "targets"} <= present or unknown > min(2, len(present) // 2):
        return None
    if "sections" in present and "title" not in present:
        for col, role in roles.items():
            if role == "sections":
                roles[col] = "title"
    return _Header(r, r, roles, labels)


def _find_header(sheet: _Sheet) -> _Header | None:
    for r in sorted(sheet.rows):
        if r > HEADER_SCAN_ROWS:
            break
        header = _header_at(sheet, r)
        if header is None:
            continue
        # A second header row below (（担当課名）, ［今後の取組の方向性］) adds to the first.
        below = sheet.rows.get(r + 1, {})
        if below and all(_roles_of(t)[0] is not None for t in below.values()):
            spans = _spans(sheet.merges, r + 1)
            for col, text in below.items():
                found, role = _roles_of(text)
                header.labels |= found
                if role and role != "sections":
                    for c in spans.get(col, (col,)):
                        header.roles.setdefault(c, role)
                elif role == "sections" and col not in header.roles:
                    header.roles[col] = "sections"
            header.last_row = r + 1
        return header
    return None


# --- rows ------------------------------------------------------------------------------------

@dataclass
class _RawRow:
    number: int
    row: int
    # role → its lines, each with the cell it was read from (目標宣言!E7)
    cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def lines(self, role: str) -> list[str]:
        return [line for line, _ in self.cells.get(role, [])]


def _ref(sheet: str, col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    name = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{get_column_letter(col)}{row}"


def _raw_rows(sheet: _Sheet, header: _Header, source: str) -> list[_RawRow]:
    rows: list[_RawRow] = []
    for r in sorted(sheet.rows):
        if r <= header.last_row:
            continue
        cells = sheet.rows[r]
        if _header_at(sheet, r) is not None:  # the header again, repeated for printing
            continue
        by_role: dict[str, list[tuple[str, str]]] = {}
        for col in sorted(cells):
            role = header.roles.get(col)
            if role:
                ref = _ref(sheet.title, col, r)
                by_role.setdefault(role, []).extend((line, ref) for line in _lines(cells[col]))
        number_text = nfkc(compact(" ".join(line for line, _ in by_role.pop("number", []))))
        if not number_text:
            if not any(by_role.values()):
                continue
            if rows:
                # The row above goes on: a No. merged down, or a row split for printing.
                for role, lines in by_role.items():
                    rows[-1].cells.setdefault(role, []).extend(lines)
                continue
            # A No. computed by a formula that Excel never calculated (the file was written by a
            # program) has no value to read.
            raise ParseError("xlsx_no_first_number", source=source, sheet=sheet.title, row=r)
        m = _NUMBER_RE.fullmatch(number_text)
        if not m:
            if not any(by_role.values()):
                continue  # a note below or between the rows (※ …), written across the table
            raise ParseError("no_number", source=source, sheet=sheet.title, row=r, found=number_text[:40])
        if not any(by_role.values()) and r > header.last_row + 1 and rows:
            # A numbered row left empty: the blank workbook numbers more rows than a department
            # fills (renderers.xlsx_blank), and a row of a number alone says nothing.
            continue
        rows.append(_RawRow(int(m.group(1)), r, by_role))
    return rows


def _bullets(lines: list[tuple[str, str]]) -> tuple[list[str], list[Origin]]:
    """A cell's bullets, each with the cell its first line is in."""
    groups: list[list[tuple[str, str]]] = []
    for line in lines:
        if line[0].startswith(BULLET_MARKS) or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    texts, origins = [], []
    for group in groups:
        text = bullet_text([line for line, _ in group])
        if text:
            texts.append(text)
            origins.append(Origin(cell=group[0][1]))
    return texts, origins


def _split_results(lines: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    for i, (line, ref) in enumerate(lines):
        m = _MARKER_RE.match(nfkc(line))
        if m:
            rest = line[len(line) - len(m.group("rest")):] if m.group("rest") else ""
            return lines[:i], ([(rest, ref)] if rest else []) + lines[i + 1:]
    return lines, []


def _title_and_sections(raw: _RawRow) -> tuple[str, list[str]]:
    title, sections = split_sections(join_lines(raw.lines("title")))
    own = join_lines(raw.lines("sections"))
    if own:
        inner = own.strip()
        if inner[:1] in "（(" and inner[-1:] in "）)":
            inner = inner[1:-1]
        sections += [s.strip() for s in re.split(r"[、,，\s]+", inner) if s.strip()]
    return title, sections


def _title_lines(sheet: _Sheet, header: _Header) -> list[str]:
    """Rows above the header: a row of single-line cells is one line (a director split over
    two cells reads 市民生活部長 竹内 克則); cells of several lines give each line. A title
    printed in the page header comes after them, where the sheet itself has none."""
    out = []
    for r in sorted(sheet.rows):
        if r >= header.row:
            break
        texts = [sheet.rows[r][c] for c in sorted(sheet.rows[r])]
        if all(len(_lines(t)) <= 1 for t in texts):
            line = " ".join(t.strip() for t in texts if t.strip())
            if line:
                out.append(line)
        else:
            for t in texts:
                out += _lines(t)
    return out + sheet.page_header


def _report_sheets(wb, source: str, sheets: list[_Sheet] | None = None) -> list[tuple[_Sheet, _Header]]:
    found = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        sheet = _read_sheet(ws, source)
        if sheets is not None:
            sheets.append(sheet)
        header = _find_header(sheet)
        if header is not None:
            found.append((sheet, header))
    return found


# --- a table in another known form (formed.py) ------------------------------------------------

# A row is a form's header when its layout explains this much of it (identify's score): the
# blank workbook's header scores 1.0; a title line that happens to hold one label scores far less.
FORM_HEADER_SCORE = 0.75


def _cells_of(sheet: _Sheet, r: int) -> list[tuple[int, str]]:
    return sorted(sheet.rows.get(r, {}).items())


def _header_cells(sheet: _Sheet, first: int, last: int) -> list[tuple[int, str]]:
    """The header's cells by column, a two-row header's lines joined (取組 above （所管課）)."""
    cells: dict[int, list[str]] = {}
    for r in range(first, last + 1):
        for col, text in _cells_of(sheet, r):
            cells.setdefault(col, []).append(text)
    return [(col, "\n".join(texts)) for col, texts in sorted(cells.items())]


def _form_header(sheets: list[_Sheet], candidates, forced) -> tuple | None:
    """(sheet, first row, last row, form, layout) of the best-explained header among the sheets'
    first rows: one row, or two where the second holds the rest of the labels."""
    from sengen.core.forms import identify

    from .formed import header_like

    best = None
    for sheet in sheets:
        for r in sorted(sheet.rows):
            if r > HEADER_SCAN_ROWS:
                break
            for last in (r, r + 1):
                if last not in sheet.rows:
                    continue
                cells = [t for _, t in _header_cells(sheet, r, last)]
                if not header_like(cells):
                    continue
                found = identify(cells, forms=[forced] if forced is not None else candidates)
                # A second row must make the match better, not merely keep it (the first item).
                if found and found[0][2] >= FORM_HEADER_SCORE and (best is None or found[0][2] > best[5]):
                    best = (sheet, r, last, found[0][0], found[0][1], found[0][2])
    return best[:5] if best else None


def _is_block_label(sheet: _Sheet, r: int, keys: set[str]) -> bool:
    from sengen.core.forms import label_key

    cells = sheet.rows.get(r, {})
    return len(cells) == 1 and label_key(next(iter(cells.values()))) in keys


def _formed(sheet: _Sheet, header_row: int, last_row: int, form, layout, author):
    from sengen.core.forms import label_key

    from .formed import FormedTable, match_columns

    header = _header_cells(sheet, header_row, last_row)
    matched = match_columns([t for _, t in header], layout)
    col_of: dict[int, int] = {}
    unknown: list[str] = []
    for (col, text), index in zip(header, matched, strict=True):
        if index is not None:
            col_of[col] = index
        else:
            col_of[col] = len(layout.columns) + len(unknown)
            unknown.append(text.replace("\n", ""))
    spans = _spans(sheet.merges, header_row)
    for col, index in list(col_of.items()):
        for c in spans.get(col, ()):
            col_of.setdefault(c, index)
    width = len(layout.columns) + len(unknown)
    closing = {label_key(b.label) for b in layout.closing}
    above = []
    for r in sorted(sheet.rows):
        if r >= header_row:
            break
        cells = _cells_of(sheet, r)
        if len(cells) > 1 and all(len(_lines(t)) <= 1 for _, t in cells):
            # A label and its value side by side (宣言日 | 2025-05-01) read as one line.
            above.append([(" ".join(t.strip() for _, t in cells), Origin(cell=_ref(sheet.title, cells[0][0], r)))])
            continue
        above += [[(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)] for col, text in cells]
    above += [[(line, Origin(cell="page header"))] for line in sheet.page_header]
    items, below = [], []
    in_table = True
    for r in sorted(sheet.rows):
        if r <= last_row:
            continue
        if in_table and _is_block_label(sheet, r, closing):
            in_table = False
        if not in_table:
            below += [[(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)]
                      for col, text in _cells_of(sheet, r)]
            continue
        cells: list[list] = [[] for _ in range(width)]
        for col, text in _cells_of(sheet, r):
            index = col_of.get(col)
            if index is not None:
                cells[index] += [(line, Origin(cell=_ref(sheet.title, col, r))) for line in _lines(text)]
        items.append(cells)
    return FormedTable(form, layout, above, items, below, unknown, wrapped=False, author=author)


def parse_xlsx(data: bytes, *, source: str = "<xlsx>", form=None, forms=None):
    """The workbook's table: a ``ReportTable`` in the seed's form (read as it always was), or a
    ``FormedTable`` in another of ``forms`` (the candidates; ``core.forms.presets()`` when None),
    named by its header labels; ``form`` forces one."""
    from sengen.core.forms import DEFAULT_FORM, identify, presets

    refuse_ole(data, source=source)
    candidates = list(forms) if forms is not None else list(presets().values())
    others = [f for f in candidates if f.code != DEFAULT_FORM]
    forced = form if form is not None and form.code != DEFAULT_FORM else None
    wb = _open_workbook(data, source)
    sheets: list[_Sheet] = []
    formed = None
    try:
        try:
            found = _report_sheets(wb, source, sheets)
            if forced is not None:
                formed = _form_header(sheets, others, forced)
                if formed is None:
                    raise ParseError("form_not_this", source=source, form=forced.name,
                                     labels=" / ".join(t for s in sheets[:1] for r in sorted(s.rows)[:1]
                                                       for _, t in _cells_of(s, r))[:200])
            elif others and (form is None):
                if found:
                    # The seed's header names 取組内容 and 達成目標; a form whose labels explain
                    # the row better (a city's own columns around them) is that form.
                    sheet, header = found[0]
                    cells = [t for _, t in _header_cells(sheet, header.row, header.last_row)]
                    ranked = identify(cells, forms=candidates)
                    if ranked and ranked[0][0].code != DEFAULT_FORM:
                        formed = (sheet, header.row, header.last_row, ranked[0][0], ranked[0][1])
                else:
                    formed = _form_header(sheets, others, None)
        except ParseError:
            raise
        except Exception as exc:
            if _unsafe_xml(exc):
                raise ParseError("xlsx_unsafe", source=source) from None
            raise ParseError("xlsx_unreadable", source=source, error=type(exc).__name__) from None
        author = wb.properties.creator if wb.properties and isinstance(wb.properties.creator, str) else None
        sheet_names = [ws.title for ws in wb.worksheets]
    finally:
        wb.close()
    if formed is not None:
        return _formed(*formed, author)
    if not found:
        raise ParseError("xlsx_no_table", source=source, sheets="、".join(f"「{n}」" for n in sheet_names[:10]))
    if len(found) > 1:
        names = "、".join(f"「{s.title}」" for s, _ in found[:10])
        raise ParseError("xlsx_several_tables", source=source, count=len(found), sheets=names)
    sheet, header = found[0]
    raw_rows = _raw_rows(sheet, header, source)
    if not raw_rows:
        raise ParseError("xlsx_no_initiatives", source=source, sheet=sheet.title, row=header.last_row + 1)
    title_lines = _title_lines(sheet, header)
    body = "\n".join(line for raw in raw_rows for lines in raw.cells.values() for line, _ in lines)
    labels = {label for label in header.labels if label in ("取組内容", "達成目標", "取組結果", "目標達成状況", "達成状況")}
    try:
        heading = read_heading(title_lines, labels, body, source=source, author=author)
    except ParseError as exc:
        # The heading is read from the rows above the header: say which.
        raise exc.at(source, sheet=sheet.title, **({"row": 1, "last_row": header.row - 1} if header.row > 1
                                                  else {})) from None
    out = []
    for raw in raw_rows:
        title, sections = _title_and_sections(raw)
        if not title:
            raise ParseError("no_title_cell", source=source, sheet=sheet.title, row=raw.row, number=raw.number)
        results, future = _split_results(raw.cells.get("results", []))
        future += raw.cells.get("future_direction", [])
        row = Row(number=raw.number, title=title, sections=sections)
        row.origins["title"] = [Origin(cell=raw.cells["title"][0][1])]
        for name, lines in (("content", raw.cells.get("content", [])), ("targets", raw.cells.get("targets", [])),
                            ("results", results), ("future_direction", future),
                            ("achievement_status", raw.cells.get("achievement_status", []))):
            texts, origins = _bullets(lines)
            setattr(row, name, texts)
            row.origins[name] = origins
        out.append(row)
    return ReportTable(heading, out)
