"""A table in a known form other than the seed's → ``sengen.report/2``, through the form's Layout.

The seed's form keeps its own readers (``table.py``, exact since the first commit: the seed's
files must read as before, byte for byte). Every other form is read here: a PDF or XLSX reader
finds the header row, ``identify`` names the form and layout, and the reader hands over what it
saw as lines — the lines above the table (title, declarer, date, preamble), each item's cells in
the layout's column order, the lines after the table (closing blocks) — each line with where it
was read. This module then asks the layout what each line is:

* a column's ``Part``s split its cell in order: a part with a ``heading`` starts at that line, a
  ``wrap``ped part is the line wrapped in its two strings, a bulleted part starts at its bullet
  (so 燕市's 取組内容 cell reads as the title line, then ・ content);
* per-target columns (``target_grade``, ``interim_status``) give one value per target, by line;
* the title and declarer templates become patterns giving fiscal year, unit and director;
* preamble and closing blocks are found by their labels; SDG tags as the block prints them
  (``sdg_format``) become goal numbers and leave the text.

Nothing here guesses at another form's wording: what the form does not say is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sengen.core import workflow
from sengen.core.assess import assess
from sengen.core.eras import fiscal_year_label, nfkc, parse_fiscal_year
from sengen.core.forms import SDG_GOALS, Column, Form, Layout, PreambleBlock, label_key, scale_of
from sengen.core.forms.model import PLACEHOLDER_RE
from sengen.core.report import SCHEMA_V2, normalise
from sengen.core.targets import analyse_target
from sengen.core.text import join_lines

from .errors import ParseError
from .table import (
    BULLET_MARKS,
    FY_LABEL_RE,
    Origin,
    _municipality_of_author,
    infer_municipality,
    split_sections,
)

# Circled numbers ①…⑳, the marks 南足柄市's 方策 are numbered with: each starts an item.
_CIRCLED = tuple(chr(c) for c in range(0x2460, 0x2474))
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


# --- cells to parts -----------------------------------------------------------------------------

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


def _items(lines: list[Line], bullet: str, wrapped: bool) -> tuple[list[str], list[Origin]]:
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


# --- the heading ------------------------------------------------------------------------------

def _patterns(template: str) -> tuple[re.Pattern, re.Pattern]:
    """The template as printed (a space is one or more), then loosely (a space may be lost)."""
    return _pattern(template, strict=True), _pattern(template, strict=False)


def _match(patterns: tuple[re.Pattern, ...], text: str) -> re.Match | None:
    for pattern in patterns:
        m = pattern.match(text)
        if m:
            return m
    return None


def _pattern(template: str, strict: bool = False) -> re.Pattern:
    """A title or declarer template as a pattern: each placeholder a named group."""
    out, pos = [], 0
    space = r"\s+" if strict else r"\s*"
    lazy = {"director_name": r".+", "fiscal_year_label": r"(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年\s*度"
            r"|\d{4}\s*年\s*度"}
    seen: set[str] = set()
    for m in PLACEHOLDER_RE.finditer(template):
        out.append(_literal(template[pos:m.start()], space))
        name = m.group(1)
        body = lazy.get(name, r"\S+?")
        out.append(f"(?P<{name}>{body})" if name not in seen else r"\S*?")
        seen.add(name)
        pos = m.end()
    out.append(_literal(template[pos:], space))
    return re.compile(r"^\s*" + "".join(out) + r"\s*$")


def _literal(text: str, space: str = r"\s*") -> str:
    return "".join(space if ch.isspace() else r"\s*" + re.escape(ch) for ch in nfkc(text))


_DATE_RE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")


def _as_written(raw: str, norm: str, m: re.Match, group) -> str | None:
    """The text of ``m``'s ``group`` as the file prints it (令和６年度 stays full-width: text people
    wrote is not rewritten), matched on the NFKC form; without whitespace, as a label is kept."""
    if isinstance(group, str) and group not in m.groupdict() or m.group(group) is None:
        return None
    # NFKC keeps full-width digits and letters one character each; where it changed the length
    # (a ligature, a composed mark) the positions differ and the normalised text is what there is.
    text = raw[m.start(group):m.end(group)] if len(raw) == len(norm) else m.group(group)
    return re.sub(r"\s+", "", text) or None


@dataclass
class _Heading:
    fiscal_year: int | None = None
    fiscal_year_label: str | None = None
    unit: str | None = None
    director_title: str = ""
    director_name: str = ""
    municipality: str | None = None
    declared_on: str | None = None


def _heading(table: FormedTable, lines: list[Line], source: str) -> _Heading:
    layout = table.layout
    h = _Heading()
    title_re = _title_pattern(layout)
    declarer_re = _patterns(layout.declarer)
    for text, _ in lines:
        raw = text.strip()
        norm = nfkc(raw)
        if h.fiscal_year_label is None:
            m = _match(title_re, norm)
            if m:
                h.fiscal_year_label = _as_written(raw, norm, m, "fiscal_year_label")
                h.director_title = _as_written(raw, norm, m, "director_title") or h.director_title
                h.unit = _as_written(raw, norm, m, "unit") or h.unit
                h.municipality = _as_written(raw, norm, m, "municipality") or h.municipality
                continue
        if not h.director_name:
            m = _match(declarer_re, norm)
            if m and (m.groupdict().get("director_title") or m.groupdict().get("director_name")):
                h.director_title = _as_written(raw, norm, m, "director_title") or h.director_title
                # A name keeps its inner space (山田 一郎); only its ends are trimmed.
                name = m.group("director_name") if "director_name" in m.groupdict() else None
                if name is not None and len(raw) == len(norm):
                    name = raw[m.start("director_name"):m.end("director_name")]
                h.director_name = (name or "").strip()
                h.unit = _as_written(raw, norm, m, "unit") or h.unit
                continue
        if layout.declared_on_label and h.declared_on is None and norm.startswith(nfkc(layout.declared_on_label)):
            m = _DATE_RE.search(norm)
            if m:
                h.declared_on = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if h.fiscal_year_label is None:
        # A title worded otherwise than the form's: its fiscal year is still the first one printed.
        for text, _ in lines:
            raw = text.strip()
            m = FY_LABEL_RE.search(nfkc(raw))
            if m:
                h.fiscal_year_label = _as_written(raw, nfkc(raw), m, 0)
                break
    if h.fiscal_year_label is None:
        raise ParseError("no_title_above_table", source=source)
    try:
        h.fiscal_year = parse_fiscal_year(nfkc(h.fiscal_year_label))
    except ValueError as exc:
        raise ParseError("fiscal_year", source=source, part="title", label=h.fiscal_year_label,
                         detail=str(exc)) from None
    if not h.director_title and h.unit:
        h.director_title = f"{h.unit}長"
    if not h.director_title:
        raise ParseError("no_director", source=source, part="heading")
    return h


# --- preamble and closing -------------------------------------------------------------------

def _sdg_re(block: PreambleBlock) -> re.Pattern:
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(block.sdg_format):
        out.append(_literal(block.sdg_format[pos:m.start()]))
        out.append(r"(?P<n>\d{1,2})" if m.group(1) == "n" else r"[^】\]）)]*?")
        pos = m.end()
    out.append(_literal(block.sdg_format[pos:]))
    return re.compile("".join(out))


def _tags(block: PreambleBlock, text: str) -> tuple[str, list[int]]:
    """``text`` without the block's SDG tags, and the goals they name."""
    if not block.sdgs:
        return text, []
    goals: list[int] = []
    pattern = _sdg_re(block)

    def take(m: re.Match) -> str:
        n = int(m.group("n"))
        if n in SDG_GOALS and n not in goals:
            goals.append(n)
        return ""

    return pattern.sub(take, nfkc(text)).strip() if pattern.search(nfkc(text)) else text, goals


def _theme_heading(block: PreambleBlock, cell: list[Line], out: list[dict], theme_open: bool) -> bool:
    """Whether ``cell`` starts a theme of a ``themes`` block: a line bearing an SDG tag where the
    block tags its themes; otherwise the first cell under the label, or a cell after items."""
    if block.sdgs:
        return bool(_sdg_re(block).search(nfkc(cell[0][0])))
    return not theme_open or bool(out and out[-1]["items"])


def _blocks(blocks: tuple[PreambleBlock, ...], cells: list[list[Line]], wrapped: bool,
            stop: set[str], stop_re: re.Pattern | None = None) -> tuple[list[dict], dict[int, Origin]]:
    """The preamble entries ``cells`` hold under ``blocks``' labels, in order, and where each was."""
    labels = {label_key(b.label): b for b in blocks}
    out: list[dict] = []
    origins: dict[int, Origin] = {}
    block: PreambleBlock | None = None
    theme_open = False  # a theme's heading was read and its items may follow
    for cell in cells:
        if not cell:
            continue
        key = label_key(" ".join(t for t, _ in cell))
        if key in labels:
            theme_open = False
            block = labels[key]
            if block.kind == "text":
                out.append({"label": block.label, "items": [], "sdgs": []})
                origins[len(out) - 1] = cell[0][1]
            continue
        if block is None:
            continue
        if key in stop or (stop_re is not None and stop_re.match(nfkc(cell[0][0]).strip())):
            block = None
            continue
        if block.kind == "themes" and _theme_heading(block, cell, out, theme_open):
            # A theme's heading (one line, with its SDG tags where the block has them), then its items.
            theme_open = True
            heading, goals = _tags(block, cell[0][0])
            out.append({"label": heading.strip(), "items": [], "sdgs": goals})
            origins[len(out) - 1] = cell[0][1]
            cell = cell[1:]
        if not out or (block.kind == "themes" and not theme_open):
            continue  # items of a theme whose heading was never printed: nothing to hang them on
        texts, _ = _items(cell, block.bullet, wrapped)
        for text in texts:
            clean, goals = _tags(block, text)
            if clean:
                out[-1]["items"].append(clean)
            out[-1]["sdgs"] += [g for g in goals if g not in out[-1]["sdgs"]]
    return [b for b in out if b["items"] or b["sdgs"] or b["label"]], origins


# --- items -----------------------------------------------------------------------------------

def _grade_code(form: Form, text: str) -> str:
    """The grade as the form's scale codes it (its label printed), else the text as written."""
    scale = scale_of(form)
    key = label_key(text)
    if scale is not None:
        for grade in scale.grades:
            if key in (label_key(grade.label), label_key(grade.code)):
                return grade.code
    return text


def _interim(form: Form, text: str) -> str | None:
    key = label_key(text)
    for status, words in (form.interim_levels or {}).items():
        if key == label_key(words):
            return status
    from sengen.core.forms import INTERIM_STATUSES

    return key if key in INTERIM_STATUSES else None


def _number(lines: list[Line]) -> int | None:
    text = nfkc("".join(t for t, _ in lines)).strip().rstrip(".．、)）")
    return int(text) if re.fullmatch(r"\d{1,3}", text) else None


def _item(table: FormedTable, cells: list[list[Line]], fiscal_year: int, base: str,
          prov: dict[str, Origin]) -> dict:
    form, layout = table.form, table.layout
    roles: dict[str, list[Line]] = {}
    extra: list[dict] = []
    for column, lines in zip(layout.columns, cells, strict=False):
        for role, part_lines in split_parts(column, lines).items():
            if role == "extra":
                part = column.part("extra")
                texts, origins = _items(part_lines, part.bullet, table.wrapped)
                if texts:
                    extra.append({"label": part.label or column.label.replace("\n", ""), "items": texts})
                    for j, origin in enumerate(origins):
                        prov[f"{base}.extra[{len(extra) - 1}].items[{j}]"] = origin
                continue
            roles.setdefault(role, []).extend(part_lines)
    for label, lines in zip(table.unknown, cells[len(layout.columns):], strict=False):
        texts, origins = _items(lines, "・", table.wrapped)
        if texts:
            extra.append({"label": label, "items": texts})
    bullets = {p.role: p.bullet for c in layout.columns for p in c.parts}
    item: dict = {"number": _number(roles.get("number", [])) if layout.number_column else None}
    title_lines = roles.get("title", [])
    title = join_lines([t for t, _ in title_lines]).strip()
    sections: list[str] = []
    if "sections" in roles:
        inner = join_lines([t for t, _ in roles["sections"]]).strip()
        part = next(p for c in layout.columns for p in c.parts if p.role == "sections")
        if part.wrap and inner.startswith(part.wrap[0]) and inner.endswith(part.wrap[1]):
            inner = inner[len(part.wrap[0]):len(inner) - len(part.wrap[1])]
        sections = [s.strip() for s in re.split(r"[、,，]", inner) if s.strip()]
    elif title.endswith(("）", ")")) and layout.column_of("title") and len(layout.column_of("title").parts) > 1:
        title, sections = split_sections(title)
    item["title"] = title
    item["sections"] = sections
    if title_lines:
        prov[f"{base}.title"] = title_lines[0][1]
    lists: dict[str, list[str]] = {}
    for role in ("content", "targets", "results", "future_direction", "achievement_status", "background",
                 "approach", "partners", "self_evaluation", "remarks", "plan_refs"):
        texts, origins = _items(roles.get(role, []), bullets.get(role, "・"), table.wrapped)
        lists[role] = texts
        for j, origin in enumerate(origins):
            prov[f"{base}.{role}[{j}]"] = origin
    judged = layout.document != workflow.DECLARATION
    targets = assess(lists["targets"], lists["achievement_status"] if judged else [],
                     lists["results"] if judged else [], fiscal_year=fiscal_year)
    for target in targets:
        relative = analyse_target(target["text"], fiscal_year=fiscal_year).relative
        if relative is not None:
            from sengen.core.numbers import decimal_to_json

            target["relative"] = {"change_percent": decimal_to_json(relative.change_percent),
                                  "baseline": relative.baseline.as_json() if relative.baseline else None}
    per_target = {role: [t.strip() for t, _ in roles.get(role, []) if t.strip()]
                  for role in ("target_grade", "interim_status")}
    for j, target in enumerate(targets):
        if j < len(per_target["target_grade"]):
            target["grade"] = _grade_code(form, per_target["target_grade"][j])
        if j < len(per_target["interim_status"]):
            target["interim_status"] = _interim(form, per_target["interim_status"][j])
    item["content"] = lists["content"]
    item["targets"] = targets
    for role in ("results", "future_direction", "achievement_status", "background", "approach", "partners",
                 "self_evaluation", "remarks", "plan_refs"):
        item[role] = lists[role]
    grade = join_lines([t for t, _ in roles.get("grade", [])]).strip()
    item["grade"] = _grade_code(form, grade) if grade else None
    reason = join_lines([t for t, _ in roles.get("grade_reason", [])]).strip()
    item["grade_reason"] = reason or None
    for role in ("grade", "grade_reason"):
        if item[role] is not None:
            prov[f"{base}.{role}"] = roles[role][0][1]
    for role in ("target_grade", "interim_status"):
        field_name = "grade" if role == "target_grade" else role
        for j, (_, origin) in enumerate(roles.get(role, [])[:len(targets)]):
            prov[f"{base}.targets[{j}].{field_name}"] = origin
    item["sdgs"] = sorted({int(n) for n in re.findall(r"\d{1,2}", nfkc(" ".join(t for t, _ in roles.get("sdgs", []))))
                           if int(n) in SDG_GOALS})
    item["extra"] = extra
    return item


def _continues(cells: list[list[Line]], layout: Layout) -> bool:
    """A row that goes on from the row above (a page break split it, or a number merged down):
    in a numbered form its number cell is empty; in an unnumbered one it has no title."""
    index = next((i for i, c in enumerate(layout.columns) if "number" in c.roles), None)
    if index is not None:
        return not any(t.strip() for t, _ in (cells[index] if index < len(cells) else []))
    at = next((i for i, c in enumerate(layout.columns) if "title" in c.roles), None)
    if at is None or at >= len(cells):
        return False
    return not split_parts(layout.columns[at], cells[at]).get("title")


def _title_pattern(layout: Layout) -> tuple[re.Pattern, re.Pattern]:
    name = layout.document_name or workflow.DOCUMENT_NAMES.get(layout.document, "")
    return _patterns(layout.title.replace("{document_name}", name))


def _by_title(table: FormedTable) -> Layout:
    """Of the form's layouts printing the same columns (an interim and a year-end report often
    do), the one whose title the file prints; the header's choice when none or several match."""
    labels = [c.label for c in table.layout.columns]
    same = [lay for lay in table.form.layouts.values() if [c.label for c in lay.columns] == labels]
    if len(same) < 2:
        return table.layout
    lines = [nfkc(t).strip() for cell in table.above for t, _ in cell]
    titled = [lay for lay in same if any(_match(_title_pattern(lay), line) for line in lines)]
    return titled[0] if len(titled) == 1 else table.layout


def to_report(table: FormedTable, source: str) -> tuple[dict, dict[str, dict]]:
    """The report and its provenance (JSON path → where it was read)."""
    table.layout = _by_title(table)
    layout, form = table.layout, table.form
    prov: dict[str, Origin] = {}
    above = [line for cell in table.above for line in cell]
    heading = _heading(table, above, source)
    stop = {label_key(c.label) for c in layout.columns}
    # The table's heading (「2. 今年度の取り組み」) ends the last preamble block.
    stop_re = _pattern(layout.table_heading) if layout.table_heading else None
    preamble, pre_origins = _blocks(layout.preamble, table.above, table.wrapped, stop, stop_re)
    closing, close_origins = _blocks(layout.closing, table.below, table.wrapped, stop)
    rows: list[list[list[Line]]] = []
    for cells in table.items:
        if not any(t.strip() for lines in cells for t, _ in lines):
            continue
        if rows and _continues(cells, layout):
            for k, lines in enumerate(cells):
                rows[-1][k] = rows[-1][k] + lines
            continue
        rows.append([list(lines) for lines in cells])
    initiatives = []
    for cells in rows:
        # A pre-numbered row of a blank workbook left empty is not an item.
        body = [lines for column, lines in zip(layout.columns, cells, strict=False) if "number" not in column.roles]
        body += cells[len(layout.columns):]
        if not any(t.strip() for lines in body for t, _ in lines):
            continue
        i = len(initiatives)
        initiatives.append(_item(table, cells, heading.fiscal_year, f"$.initiatives[{i}]", prov))
    if not initiatives:
        raise ParseError("form_no_items", source=source, form=form.name)
    for i, item in enumerate(initiatives):
        if not item["title"]:
            raise ParseError("form_no_title", source=source, form=form.name, item=i + 1,
                             label=(layout.column_of("title").label.replace("\n", "")
                                    if layout.column_of("title") else "?"))
        if layout.number_column is not None and item["number"] is None:
            raise ParseError("form_no_number", source=source, form=form.name, item=i + 1)
    for k, origin in pre_origins.items():
        prov[f"$.preamble[{k}]"] = origin
    for k, origin in close_origins.items():
        prov[f"$.preamble[{len(preamble) + k}]"] = origin
    body_text = "\n".join(t for cells in rows for lines in cells for t, _ in lines)
    department = heading.unit or (heading.director_title[:-1] if heading.director_title.endswith("長")
                                  else heading.director_title)
    doc = normalise({
        "schema": SCHEMA_V2,
        "form": {"code": form.code, "version": None},
        "municipality": heading.municipality or _municipality_of_author(table.author) or infer_municipality(body_text),
        "fiscal_year": heading.fiscal_year,
        "fiscal_year_label": heading.fiscal_year_label or fiscal_year_label(heading.fiscal_year),
        "document": layout.document,
        "unit_kind": form.unit_kind,
        "declared_on": heading.declared_on,
        "department": department,
        "director": {"title": heading.director_title, "name": heading.director_name},
        "preamble": preamble + closing,
        "initiatives": initiatives,
    })
    return doc, {path: origin.as_json(source) for path, origin in prov.items()}
