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

Opening the workbook safely and reading its sheets' cells is ``xlsx_workbook``'s (which says
how a hostile file is kept in bounds); a table in another city's known form is
``xlsx_forms``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sengen.core.eras import nfkc
from sengen.core.text import compact, join_lines

from .errors import ParseError
from .table import BULLET_MARKS, Origin, ReportTable, Row, bullet_text, read_heading, split_sections
from .text import _MARKER_RE, header_labels
from .xlsx_forms import _form_header, _formed, _header_cells
from .xlsx_workbook import (
    HEADER_SCAN_ROWS,
    _cells_of,
    _lines,
    _open_workbook,
    _read_sheet,
    _ref,
    _Sheet,
    _spans,
    _unsafe_xml,
    refuse_ole,
)

# Named here too: tests/parsers/test_limits.py reads the sheet's bound from this module.
from .xlsx_workbook import MAX_ROWS as MAX_ROWS

_BRACKETS_RE = re.compile(r"[\[\]【】〔〕<>〈〉《》「」［］]")
_NUMBER_RE = re.compile(r"(\d{1,3})[.．、)）]?")
_NUMBER_LABELS = {"No.", "NO.", "N0.", "No", "番号"}
_TITLE_LABELS = {"取組名", "取組名(担当課名)"}
_SECTION_LABELS = {"担当課名", "(担当課名)"}


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
