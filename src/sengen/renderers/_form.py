"""A report laid out in its form (様式): what every writer of the official table prints, where.

The HTML/PDF table and the XLSX table ask this module the same questions — which layout, which
columns in which order with which labels, what each cell holds part by part, which preamble
blocks come before the table and which after — so the two never disagree about a form. How a
part looks (a <ul>, lines in a wrapped cell) is each writer's business.

The document comes first: a column is printed only from what the report says, and a field the
report has but its form has no column for (a report moved between forms, an ``extra`` column
under a label the form never named) gets a column of its own at the end, labelled in plain
Japanese, so nothing a city wrote is dropped from its own table.

Pure Python: the form is a ``sengen.core.forms.Form`` handed in by the caller (the database's
version for a stored report) or found by ``form_of`` from the document's ``form.code``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from sengen.core import workflow
from sengen.core.forms import (
    INTERIM_STATUSES,
    TARGET_ROLES,
    Column,
    Form,
    Layout,
    Part,
    PreambleBlock,
    form_of,
    scale_of,
)

from . import _doc

# What a column gets labelled when the form has none for a field the report holds.
ROLE_LABELS = {
    "number": "No.", "title": "取組名", "sections": "担当課", "content": "取組内容", "targets": "達成目標",
    "results": "取組結果", "future_direction": "今後の取組の方向性", "achievement_status": "目標達成状況",
    "background": "現状と課題", "approach": "方策・手段", "partners": "協働関係先", "self_evaluation": "自己評価",
    "remarks": "備考", "grade": "評価", "grade_reason": "評価の理由", "sdgs": "SDGs", "plan_refs": "総合計画の施策",
    "interim_status": "中間の進み具合", "target_grade": "評価区分",
}
# Roles checked for a column of their own when the form lacks one, in the order such columns are
# added. Not ``number``/``title`` (every form has them or numbers nothing) and not ``target_grade``:
# a per-target grade is judged data, printed in the form's own grade column where it has one and
# otherwise only in the open data (the seed's table never printed one, and a stored report's
# table must not change because it was judged).
FALLBACK_ROLES = ("sections", "content", "targets", "background", "approach", "partners", "results",
                  "future_direction", "achievement_status", "self_evaluation", "remarks", "grade",
                  "grade_reason", "interim_status", "sdgs", "plan_refs")
V1_ROLES = frozenset(("sections", "content", "targets", "results", "future_direction", "achievement_status"))
SCHEMA_V1 = "sengen.report/1"
# The words of sengen.report/2's interim statuses when the form has none of its own (米子市's,
# the one real form that names them: FAMILIES.md F6).
INTERIM_WORDS = {"on_track": "概ね順調", "needs_effort": "取組強化が必要", "at_risk": "進捗困難"}
# The seed's form labels its number column 「N0.」 (a zero, as the city's word processor typed it);
# sengen's own print has always said 「No.」 there, and readers take either (forms.NUMBER_ALIASES).
PRINTED_LABELS = {"N0.": "No."}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
DECLARED_ON_LABEL = "宣言日"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")


class Piece(NamedTuple):
    """One part of a cell as printed: its items (text as written, without marks) and how they
    are marked — ``marks`` one per item (「・」, 「①」…, or empty strings), ``wrap`` around the
    items joined by 「、」, ``heading`` on its own line before them. ``first``: the part opens
    its cell (a wrapped part after it is set apart)."""

    role: str
    items: list[str]
    marks: tuple[str, ...]
    wrap: tuple[str, str] | None = None
    heading: str | None = None
    first: bool = False


@dataclass(frozen=True)
class Table:
    """A document in its form: the form, the layout of the document's kind, and the columns to
    print (the layout's, then any the report needs beyond them)."""

    form: Form
    layout: Layout
    columns: tuple[Column, ...]
    plain: bool  # nothing beyond what sengen printed before forms: no preamble, heading, blocks
    plans: tuple = ()  # per column, how its cell is made (``_plan``), aligned with ``columns``

    @property
    def blocks(self) -> bool:
        return self.layout.arrangement == "blocks"

    def percent_widths(self) -> list[float]:
        """Each column's share of the width in %; a form whose widths already sum to 100 keeps
        them as written (the seed's, measured from its PDF)."""
        widths = [c.width for c in self.columns]
        total = sum(widths)
        if abs(total - 100) < 1e-6:
            return widths
        return [round(w * 100 / total, 2) for w in widths]


def layout_for(form: Form, kind: str | None) -> Layout:
    """The form's layout for a document kind; a kind the form lacks takes the nearest one of the
    year's (an interim report in a form that has only a year-end layout prints in that), so a
    report is always printable in its city's form."""
    if kind in form.layouts:
        return form.layouts[kind]
    order = list(workflow.PHASES)
    at = order.index(kind) if kind in order else len(order) - 1
    for candidate in order[at:] + order[:at][::-1]:
        if candidate in form.layouts:
            return form.layouts[candidate]
    return next(iter(form.layouts.values()))


def marks(bullet: str, count: int) -> tuple[str, ...]:
    if bullet == "①":
        return tuple(CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})" for i in range(count))
    return (bullet,) * count


def _extra(initiative: dict, label: str) -> list[str]:
    out: list[str] = []
    for entry in _doc.items(initiative.get("extra")):
        if _doc.clean(entry.get("label")) == label:
            out += _doc.texts(entry.get("items"))
    return out


def _grade_label(form: Form, code) -> str:
    if code is None:
        return ""
    text = _doc.clean(code)
    scale = scale_of(form)
    if scale is not None:
        for grade in scale.grades:
            if grade.code == text:
                return grade.label
    return text


def interim_word(form: Form, status) -> str:
    text = _doc.clean(status)
    if not text:
        return ""
    levels = form.interim_levels or INTERIM_WORDS
    return levels.get(text) or INTERIM_WORDS.get(text, text)


_TEXT_ROLES = frozenset(("content", "results", "future_direction", "achievement_status", "background", "approach",
                         "partners", "self_evaluation", "remarks", "plan_refs"))


def role_items(initiative: dict, role: str, form: Form, part: Part | None = None, column: Column | None = None) -> list[str]:
    """What the report says for ``role`` on one initiative, as printed lines (text as written;
    a grade or an interim status in the form's words)."""
    if role in _TEXT_ROLES:  # the common case first: a list of strings as written
        return _doc.texts(initiative.get(role))
    if role == "number":
        number = initiative.get("number")
        return [] if number is None else [_doc.clean(number)]
    if role == "title":
        title = _doc.clean(initiative.get("title"))
        return [title] if title else []
    if role == "sections":
        sections = "、".join(s for s in _doc.texts(initiative.get("sections")) if s)
        return [sections] if sections else []
    if role == "targets":
        return [_doc.clean(t.get("text")) for t in _doc.targets(initiative)]
    if role == "target_grade":
        return [_grade_label(form, t.get("grade")) for t in _doc.targets(initiative)]
    if role == "interim_status":
        return [interim_word(form, t.get("interim_status")) for t in _doc.targets(initiative)]
    if role == "grade":
        label = _grade_label(form, initiative.get("grade"))
        return [label] if label else []
    if role == "grade_reason":
        reason = _doc.clean(initiative.get("grade_reason"))
        return [reason] if reason else []
    if role == "sdgs":
        goals = [_doc.clean(n) for n in (initiative.get("sdgs") or []) if _doc.number(n) is not None]
        return ["、".join(goals)] if goals else []
    if role == "extra":
        label = (part.label if part is not None and part.label else None) or (column.label if column else "")
        return _extra(initiative, label)
    return _doc.texts(initiative.get(role))


@functools.cache
def _plan(column: Column) -> tuple[tuple[Part, bool, bool], ...]:
    """Per part of a column: the part, whether it opens the cell, whether it is printed per target
    (worked out once per column: asked for every cell)."""
    return tuple((part, i == 0, part.role in TARGET_ROLES and part.role != "targets")
                 for i, part in enumerate(column.parts))


def cell(initiative: dict, column: Column, form: Form, plan=None) -> list[Piece]:
    """The parts of one cell, in the order the form prints them (parts with nothing said are
    left out; per-target parts keep a line per target, even an empty one, to stay beside it).
    ``plan``: the column's ``Table.plans`` entry, when the caller has it (no lookup per cell)."""
    out: list[Piece] = []
    for part, first, per_target in plan if plan is not None else _plan(column):
        items = role_items(initiative, part.role, form, part, column)
        if not items or (per_target and not any(items)):
            continue
        out.append(Piece(part.role, items, marks(part.bullet, len(items)), part.wrap, part.heading, first))
    return out


def _has(doc: dict, role: str) -> bool:
    """Whether any initiative says something for ``role`` (read straight from the fields: this
    runs for every role the layout lacks, on every render)."""
    for initiative in _doc.initiatives(doc):
        if role == "interim_status":
            if any(t.get("interim_status") for t in _doc.targets(initiative)):
                return True
        elif role == "targets":
            if _doc.targets(initiative):
                return True
        elif initiative.get(role) not in (None, "", [], ()):
            return True
    return False


_MISSING: dict[int, tuple[Form, tuple[str, ...]]] = {}


def _missing_roles(form: Form) -> tuple[str, ...]:
    """FALLBACK_ROLES none of the form's layouts prints, worked out once per form (kept by id
    beside the form itself: a Form holds a mapping and is not hashable)."""
    known = _MISSING.get(id(form))
    if known is not None and known[0] is form:
        return known[1]
    printed = {role for layout in form.layouts.values() for role in layout.roles}
    roles = tuple(role for role in FALLBACK_ROLES if role not in printed)
    if len(_MISSING) > 256:
        _MISSING.clear()
    _MISSING[id(form)] = (form, roles)
    return roles


def _fallback_columns(doc: dict, form: Form, layout: Layout) -> list[Column]:
    # A role another of the form's documents prints is that document's (a declaration's results
    # belong to the year-end report, as the seed's four-column declaration has always shown).
    have = set(layout.roles)
    missing = _missing_roles(form)
    if doc.get("schema") == SCHEMA_V1:
        # A /1 document has none of /2's fields (normalise refuses them): only /1's can lack a column.
        missing = tuple(role for role in missing if role in V1_ROLES)
        if not missing:
            return []
    out: list[Column] = []
    for role in missing:
        # (the future direction is in ``have`` once a results column was added: printed there,
        # under its heading, as the seed prints it)
        if role in have or not _has(doc, role):
            continue
        if role == "results":
            parts = (Part("results", "・"), Part("future_direction", "・", heading="［今後の取組の方向性］"))
            have.add("future_direction")
        elif role == "sections":
            parts = (Part("sections", ""),)
        else:
            parts = (Part(role, "・" if role in _doc_bulleted() else ""),)
        out.append(Column(ROLE_LABELS[role], parts, 1.0))
    named = {(p.label or c.label) for c in layout.columns for p in c.parts if p.role == "extra"}
    seen: list[str] = []
    for initiative in _doc.initiatives(doc):
        for entry in _doc.items(initiative.get("extra")):
            label = _doc.clean(entry.get("label"))
            if label and label not in named and label not in seen:
                seen.append(label)
    out += [Column(label, (Part("extra", "・", label=label),), 1.0) for label in seen]
    if out:
        average = sum(c.width for c in layout.columns) / max(len(layout.columns), 1)
        out = [Column(c.label, c.parts, average * 0.8) for c in out]
    return out


def _doc_bulleted() -> tuple[str, ...]:
    from sengen.core.forms.model import BULLETED_ROLES

    return BULLETED_ROLES


def table(doc: dict, form: Form | None = None) -> Table:
    form = form if form is not None else form_of(doc)
    layout = layout_for(form, doc.get("document"))
    extra = _fallback_columns(doc, form, layout)
    plain = (not layout.preamble and not layout.closing and not layout.table_heading
             and layout.arrangement == "table" and not _doc.items(doc.get("preamble"))
             and not doc.get("declared_on") and not layout.declared_on_label)
    columns = tuple(layout.columns) + tuple(extra)
    return Table(form, layout, columns, plain, tuple(_plan(c) for c in columns))


# Cached per column (a frozen value): asked once per cell of every row.
@functools.cache
def label_lines(column: Column) -> tuple[str, ...]:
    return tuple(PRINTED_LABELS.get(line, line) if column.roles[:1] == ("number",) else line
                 for line in column.label_lines) or ("",)


@functools.cache
def column_class(column: Column) -> str:
    role = column.roles[0] if column.roles else "extra"
    return {"number": "no", "achievement_status": "status"}.get(role, role.replace("_", "-"))


def _values(doc: dict, layout: Layout) -> dict:
    title, name = _doc.director(doc)
    unit = _doc.clean(doc.get("department")).strip()
    kind = doc.get("document")
    return {
        "fiscal_year_label": _doc.fiscal_year_label(doc),
        "unit": unit,
        "director_title": title,
        "director_name": name,
        "municipality": _doc.clean(doc.get("municipality")).strip(),
        "document_name": layout.document_name or workflow.DOCUMENT_NAMES.get(kind, ""),
    }


def _filled(layout: Layout, template: str, values: dict) -> str:
    # A value the report lacks goes with the blank before it: 「{director_title} {director_name}」
    # without a name is the title alone, not the title and a trailing blank. (Values hold no
    # NUL: _doc.clean removes control characters.)
    text = layout.fill(template, values, missing="\x00")
    return re.sub(r" ?\x00", "", text).strip()


def title(doc: dict, layout: Layout) -> str:
    text = _filled(layout, layout.title, _values(doc, layout))
    # A report naming neither year nor director: the document's name, as before forms.
    return text.lstrip("の") if text else _doc.title(doc)


def declarer(doc: dict, layout: Layout) -> str:
    values = _values(doc, layout)
    if not values["director_title"] and not values["director_name"]:
        return ""
    return _filled(layout, layout.declarer, values)


def table_heading(doc: dict, layout: Layout) -> str:
    return _filled(layout, layout.table_heading, _values(doc, layout)) if layout.table_heading else ""


def declared_on(doc: dict, layout: Layout) -> tuple[str, str] | None:
    """(label, date as printed: 2025年5月1日) when the report states a date of declaration."""
    raw = _doc.clean(doc.get("declared_on"))
    if not raw:
        return None
    m = _ISO_DATE.match(raw)
    shown = raw
    if m:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            shown = f"{day.year}年{day.month}月{day.day}日"
        except ValueError:
            pass
    return layout.declared_on_label or DECLARED_ON_LABEL, shown


@dataclass(frozen=True)
class Block:
    """A preamble or closing block as printed: the form's heading, and the report's entries under
    it (one for a ``text`` block, each theme for a ``themes`` block; an entry the form has no
    block for is printed under its own label)."""

    heading: str | None
    block: PreambleBlock
    entries: tuple[dict, ...]


def blocks(doc: dict, layout: Layout) -> tuple[list[Block], list[Block]]:
    """(before the table, after it)."""
    entries = _doc.items(doc.get("preamble"))
    used: set[int] = set()

    def take(label: str) -> list[dict]:
        found = [e for i, e in enumerate(entries) if i not in used and _doc.clean(e.get("label")) == label]
        used.update(i for i, e in enumerate(entries) if e in found)
        return found

    before = [[b, take(b.label)] for b in layout.preamble]
    after = [Block(b.label, b, tuple(take(b.label))) for b in layout.closing]
    themes = next((pair for pair in before if pair[0].kind == "themes"), None)
    rest = [e for i, e in enumerate(entries) if i not in used]
    out = []
    for b, found in before:
        if b.kind == "themes" and themes is not None and b is themes[0]:
            found = found + rest
            rest = []
        out.append(Block(b.label, b, tuple(found)))
    for entry in rest:
        out.append(Block(None, PreambleBlock(_doc.clean(entry.get("label"))), (entry,)))
    return out, after


def entry_items(block: Block, entry: dict) -> tuple[list[str], list[str]]:
    """(the entry's items with their marks, its SDG tags as the block prints them)."""
    items = _doc.texts(entry.get("items"))
    goals = [n for n in (entry.get("sdgs") or []) if isinstance(n, int) and not isinstance(n, bool)]
    return items, [block.block.sdg_tag(n) for n in goals]


def interim_levels(form: Form) -> list[str]:
    levels = form.interim_levels or INTERIM_WORDS
    return [levels.get(s, INTERIM_WORDS[s]) for s in INTERIM_STATUSES]
