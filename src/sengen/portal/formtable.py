"""A report as its city's official table: the columns, labels and order of the report's form
(様式), cell by cell, for the report page's table and its phone cards.

The seed's form keeps its own hand-written template (``portal/report.html``: a /1 report's page
is unchanged); every other form is printed from its ``Layout`` here, so a city whose form has
達成基準 / 達成度 reads those words, in that order, with the preamble before the table. Values
only: the template escapes everything (a label or an item is data, never markup).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sengen.core import forms as core_forms
from sengen.core import workflow
from sengen.core.forms import DEFAULT_FORM, Form, Layout, Part
from sengen.renderers._form import PRINTED_LABELS, label_lines

# Roles whose value is a list of strings on the initiative (bullets in the cell).
LIST_ROLES = ("content", "results", "future_direction", "achievement_status", "background", "approach",
              "partners", "self_evaluation", "remarks", "plan_refs")

# The words for an interim status when the form has none of its own (F6's, the shared part).
DEFAULT_INTERIM_WORDS = core_forms.preset_parts()["interim_levels"]["yonago"]


@dataclass
class CellPart:
    """One role inside a cell: ``kind`` says how the template prints it (``number``, ``title``,
    ``sections``, ``list``, ``targets``, ``grade``, ``text``, ``sdgs``); ``heading`` a line before
    its items (the seed's ［今後の取組の方向性］)."""

    role: str
    kind: str
    items: list[Any] = field(default_factory=list)
    heading: str = ""
    bullet: str = ""
    wrap: tuple[str, str] = ("", "")
    value: Any = None

    @property
    def empty(self) -> bool:
        return not self.items and self.value in (None, "")


@dataclass
class Cell:
    label: str
    label_lines: tuple[str, ...]
    parts: list[CellPart]

    @property
    def heading_only(self) -> bool:
        """Only the number and the title: a phone card says them in its heading instead."""
        return all(p.kind in ("number", "title") for p in self.parts)


@dataclass
class Row:
    initiative: dict
    cells: list[Cell]


@dataclass
class Table:
    form: Form
    layout: Layout
    heading: str
    columns: list[tuple[str, ...]]
    widths: list[float]
    rows: list[Row]
    preamble: list[dict]  # {"label", "items", "sdgs": [(n, tag)]} in the document's order
    closing: list[dict]

    @property
    def number_label(self) -> str:
        """What the phone cards print before an item's number: the table's own header word, so
        a city's copy of the seed's form reads 「No.」 as the table does, not its typo 「N0.」."""
        label = self.form.number_label or "No."
        return PRINTED_LABELS.get(label, label)


def seed_form() -> Form:
    return core_forms.presets()[DEFAULT_FORM]


def is_seed_form(form: Form) -> bool:
    return form.code == DEFAULT_FORM


def form_of(doc: dict, forms: dict[str, Form] | None = None) -> Form:
    """The form ``doc`` names (its ``form.code`` among ``forms`` or the presets), else the seed's."""
    resolve = getattr(core_forms, "form_of", None)  # engineer W3's helper, when it has landed
    if resolve is not None:
        return resolve(doc, forms)
    ref = doc.get("form") or {}
    code = ref.get("code") if isinstance(ref, dict) else None
    known = {**core_forms.presets(), **(forms or {})}
    return known.get(code) or core_forms.presets()[DEFAULT_FORM]


def _part(part: Part, column_label: str, initiative: dict, *, interim_levels, with_results: bool,
          per_target: bool = True) -> CellPart:
    role = part.role
    bullet = part.bullet
    heading = part.heading or ""
    wrap = part.wrap or ("", "")
    if role == "number":
        return CellPart(role, "number", value=initiative.get("number"))
    if role == "title":
        return CellPart(role, "title", value=initiative.get("title", ""))
    if role == "sections":
        return CellPart(role, "sections", value="、".join(initiative.get("sections") or []), wrap=wrap,
                        heading=heading)
    if role in LIST_ROLES:
        return CellPart(role, "list", items=list(initiative.get(role) or []), heading=heading, bullet=bullet)
    if role in ("targets", "target_grade", "interim_status"):
        items = []
        for target in initiative.get("targets") or []:
            interim = target.get("interim_status") or ""
            items.append({"target": target, "interim": (interim_levels or DEFAULT_INTERIM_WORDS).get(interim, interim),
                          "show_text": role == "targets", "show_status": with_results and role != "interim_status" and (
                              per_target or target.get("actual") is not None
                              or (target.get("evaluation") or "not_evaluated") != "not_evaluated"),
                          "show_interim": role in ("targets", "interim_status") and bool(interim)})
        return CellPart(role, "targets", items=items, heading=heading, bullet=bullet)
    if role == "grade":
        return CellPart(role, "grade", value=initiative.get("grade") or "",
                        items=[initiative["grade_reason"]] if initiative.get("grade_reason") else [],
                        heading=heading)
    if role == "grade_reason":
        return CellPart(role, "text", value=initiative.get("grade_reason") or "", heading=heading)
    if role == "sdgs":
        return CellPart(role, "sdgs", items=list(initiative.get("sdgs") or []), heading=heading)
    if role == "extra":
        label = part.label or column_label
        items = next((list(e.get("items") or []) for e in initiative.get("extra") or [] if e.get("label") == label), [])
        return CellPart(role, "list", items=items, heading=heading, bullet=bullet or "・")
    return CellPart(role, "text", value="")


def official_table(doc: dict, form: Form) -> Table:
    """``doc`` (sengen.report/1 or /2, normalised; targets may carry a ``status``) laid out in
    ``form``'s layout for its document kind: one row per initiative, one cell per column, each cell
    its parts in order. A grade whose role has no column (an initiative grade on a form printing
    grades per target) still shows, after the last column's parts, so nothing judged is hidden."""
    kind = doc.get("document") or workflow.ACHIEVEMENT_REPORT
    try:
        layout = form.layout(kind)
    except KeyError:
        layout = form.layout(form.documents[-1])
    with_results = kind != workflow.DECLARATION
    values = {"fiscal_year_label": doc.get("fiscal_year_label", ""), "unit": doc.get("department", ""),
              "director_title": (doc.get("director") or {}).get("title", ""),
              "director_name": (doc.get("director") or {}).get("name", ""),
              "municipality": doc.get("municipality") or ""}
    rows = []
    roles = set(layout.roles)
    for initiative in doc.get("initiatives") or []:
        cells = []
        for column in layout.columns:
            # A form grading each initiative shows a target's status only where the report
            # says something of it (a figure, an evaluation): else every target reads 評価なし.
            parts = [_part(p, column.label, initiative, interim_levels=form.interim_levels, with_results=with_results,
                           per_target=form.grade_placement == "target") for p in column.parts]
            cells.append(Cell(column.label, column.label_lines, parts))
        if cells and "grade" not in roles and initiative.get("grade"):
            cells[-1].parts.append(_part(Part("grade"), "", initiative, interim_levels=None, with_results=True))
        rows.append(Row(initiative, cells))
    heading = layout.fill(layout.table_heading, values) if layout.table_heading else ""
    # A block with nothing under it that only repeats the table's heading (a reader keeps the
    # heading line it found) is printed once, as the heading.
    blocks = [_preamble(block, layout) for block in doc.get("preamble") or []
              if block.get("items") or block.get("sdgs") or not heading or block.get("label", "") not in heading]
    closing_labels = {b.label for b in layout.closing}
    return Table(
        form=form, layout=layout,
        heading=heading,
        # Headers as the PDF prints them (renderers._form.label_lines): 「No.」 for the seed's 「N0.」.
        columns=[label_lines(c) for c in layout.columns], widths=[c.width for c in layout.columns],
        rows=rows,
        preamble=[b for b in blocks if b["label"] not in closing_labels],
        closing=[b for b in blocks if b["label"] in closing_labels])


def _preamble(block: dict, layout: Layout) -> dict:
    """A preamble entry with its SDG tags printed as the form's block prints them."""
    defined = next((b for b in (*layout.preamble, *layout.closing) if b.label == block.get("label")), None)
    tag = defined.sdg_tag if defined is not None else core_forms.PreambleBlock(label="").sdg_tag
    return {"label": block.get("label", ""), "items": list(block.get("items") or []),
            "sdgs": [tag(n) for n in block.get("sdgs") or []]}


def title_line(doc: dict, form: Form) -> str:
    """The form's title line for ``doc`` (「平成27年度 環境部長の目標宣言 達成状況報告」)."""
    table = official_table({**doc, "initiatives": []}, form)
    layout = table.layout
    return layout.fill(layout.title, {
        "fiscal_year_label": doc.get("fiscal_year_label", ""), "unit": doc.get("department", ""),
        "director_title": (doc.get("director") or {}).get("title", ""),
        "director_name": (doc.get("director") or {}).get("name", ""),
        "municipality": doc.get("municipality") or ""}).strip()


def percentages(widths: list[float]) -> list[str]:
    """Relative column widths as CSS percentages (one decimal, summing to about 100)."""
    total = sum(widths) or 1
    return [f"{w * 100 / total:.1f}" for w in widths]
