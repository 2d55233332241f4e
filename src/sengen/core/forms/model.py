"""What a form (様式) is, as frozen values: the layout of a report is configuration, not code.

A ``Form`` is one programme's printed form (伊勢原市's 部長の目標宣言, another city's 政策宣言…):
who declares (部/課/室), whether items are numbered, where the grade sits and on which scale, the
words its interim review uses, and per document kind (declaration, interim report, achievement
report) a ``Layout``: the title line, the declarer line, the preamble blocks, the table's heading
and its columns in order. Each ``Column`` prints a header ``label`` and carries one or more
``Part``s — the roles of ``sengen.report/2`` it holds, in the order they sit in the cell, and how
each is marked there (the seed's 取組名 cell holds the title, then the sections wrapped in
「（」「）」; its 取組結果 cell holds the results, then the future direction under
「［今後の取組の方向性］」).

Nothing here knows Django: the database stores a form as ``form_to_dict``'s JSON and versions
it; readers, renderers and pages ask these values what to read and print.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sengen.core import workflow

# The roles a column can carry: the field names of sengen.report/2 (per initiative, and
# ``target_grade`` / ``interim_status`` per target), so a column maps to a field without a table
# in between. ``extra`` is a column with no role: its label and items go to the initiative's
# ``extra``, so nothing a city printed is ever dropped.
ROLES = (
    "number", "title", "sections", "content", "targets", "results", "future_direction",
    "achievement_status", "background", "approach", "partners", "self_evaluation", "remarks",
    "grade", "grade_reason", "sdgs", "plan_refs", "interim_status", "target_grade", "extra",
)
# Roles printed once per target, beside each target's bullet, rather than once per initiative.
TARGET_ROLES = ("targets", "target_grade", "interim_status")

# Where the form judges achievement: beside each target, once per initiative, or not at all
# (a declaration-only form, or one whose self-evaluation is free text).
GRADE_PLACEMENTS = ("target", "initiative", "none")

# sengen.report/2's interim statuses, in order from best to worst.
INTERIM_STATUSES = ("on_track", "needs_effort", "at_risk")

# The placeholders a title, declarer line or table heading may hold. Substitution is plain
# replacement of these names (``fill``), never ``str.format``: a department's name such as
# 「{0.__class__}部」 is printed as written, and a template cannot reach an attribute.
PLACEHOLDERS = ("fiscal_year_label", "unit", "director_title", "director_name", "municipality",
                "document_name")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")

# Roles whose items are bullets in the seed's way by default; the others (a number, a title, a
# grade, section names joined by 、) are printed bare unless the form says otherwise.
BULLETED_ROLES = ("content", "targets", "results", "future_direction", "achievement_status", "background",
                  "approach", "partners", "self_evaluation", "remarks", "extra")


def default_bullet(role: str) -> str:
    return "・" if role in BULLETED_ROLES else ""


# The 17 Sustainable Development Goals by number, with the short Japanese names cities print
# beside the tag (真庭市: 【No.17: パートナーシップで目標を達成しよう】).
SDG_GOALS = {
    1: "貧困をなくそう", 2: "飢餓をゼロに", 3: "すべての人に健康と福祉を", 4: "質の高い教育をみんなに",
    5: "ジェンダー平等を実現しよう", 6: "安全な水とトイレを世界中に", 7: "エネルギーをみんなに そしてクリーンに",
    8: "働きがいも経済成長も", 9: "産業と技術革新の基盤をつくろう", 10: "人や国の不平等をなくそう",
    11: "住み続けられるまちづくりを", 12: "つくる責任 つかう責任", 13: "気候変動に具体的な対策を",
    14: "海の豊かさを守ろう", 15: "陸の豊かさも守ろう", 16: "平和と公正をすべての人に",
    17: "パートナーシップで目標を達成しよう",
}
# The placeholders of a preamble block's ``sdg_format``: the goal's number and its name.
SDG_PLACEHOLDERS = ("n", "name")

# How items are marked inside a cell: ・ bullets (the seed), none (one paragraph per line),
# ①②③ (circled numbers, as 南足柄市's 方策), or another mark a form prints.
BULLETS = ("・", "", "①", "●", "○", "◆", "■", "-")

# Preamble block kinds. ``text``: a fixed heading the form prints and the department's items
# under it (部の使命・方針). ``themes``: a heading the form prints, under which the department
# writes several themes, each with its own heading, items and optional SDG tags (真庭市's
# 部局の役割・使命（ミッション）・経営方針); in sengen.report/2 each theme is one ``preamble``
# entry whose ``label`` is the theme's heading.
PREAMBLE_KINDS = ("text", "themes")

# How a layout prints one item. ``table``: one row per item, one cell per column (the seed).
# ``blocks``: each item as a small grid ``block_width`` cells wide, each cell with its label
# above its text, columns filling the grid left to right, top to bottom (a 2 × 2 block of
# 事業名 / 目標 above 年度末達成状況 / 自己評価 is ``blocks`` with ``block_width`` 2). The
# columns, their order and roles are the same either way: only printing differs.
ARRANGEMENTS = ("table", "blocks")


@dataclass(frozen=True)
class Part:
    """One role inside a column's cell and how it is marked there.

    ``wrap``: the role's text is wrapped in these two strings on its own line (the seed's
    sections: 「（」「）」, several names joined by 、). ``heading``: a line printed before the
    role's items, only when it has any (the seed's 「［今後の取組の方向性］」). ``bullet``: the mark
    before each item (see ``BULLETS``). ``label``: for ``extra`` only, the label its items are
    kept under in the report (the column's label when absent).
    """

    role: str
    bullet: str = ""
    wrap: tuple[str, str] | None = None
    heading: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Column:
    """One column of the printed table: its header ``label`` as printed (lines separated by
    ``\\n``: 「取組名\\n（担当課名）」), the parts it carries in order, and its relative
    ``width`` (renderers share the page's width among the columns in proportion)."""

    label: str
    parts: tuple[Part, ...]
    width: float = 1.0

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(part.role for part in self.parts)

    @property
    def label_lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.label.split("\n") if line.strip())

    def part(self, role: str) -> Part | None:
        return next((p for p in self.parts if p.role == role), None)


@dataclass(frozen=True)
class PreambleBlock:
    """A block printed before the table: its heading, its kind (``PREAMBLE_KINDS``), whether the
    department tags it with SDG goal numbers (printed as ``sdg_format``, ``{n}`` the goal's number
    and ``{name}`` its name: 「【No.{n}: {name}】」, filled by ``sdg_tag``), and how its items are
    marked."""

    label: str
    kind: str = "text"
    sdgs: bool = False
    bullet: str = "・"
    sdg_format: str = "【SDGs {n}】"

    def sdg_tag(self, goal: int) -> str:
        """The tag as this block prints it for SDG ``goal`` (1–17)."""
        return PLACEHOLDER_RE.sub(
            lambda m: {"n": str(goal), "name": SDG_GOALS.get(goal, "")}.get(m.group(1), m.group(0)),
            self.sdg_format)


@dataclass(frozen=True)
class Layout:
    """What one document kind of a form looks like.

    ``title``, ``declarer`` and ``table_heading`` are templates with only ``PLACEHOLDERS``
    (filled by ``fill``). ``document_name`` is what this form calls the document (達成状況報告),
    the value of ``{document_name}``. ``declared_on_label``: the form prints a date of declaration
    under this label (南足柄市's 宣言日), else None. ``closing``: blocks the form prints after the
    table (南足柄市's 「組織目標を掲げるに当たって」); sengen.report/2 keeps them in ``preamble`` too,
    told apart by their label, since the document records what was written, not where.
    """

    document: str
    title: str
    columns: tuple[Column, ...]
    declarer: str = "{director_title} {director_name}"
    document_name: str = ""
    preamble: tuple[PreambleBlock, ...] = ()
    closing: tuple[PreambleBlock, ...] = ()
    table_heading: str | None = None
    declared_on_label: str | None = None
    arrangement: str = "table"
    block_width: int = 2

    def fill(self, template: str, values: Mapping[str, str | None], *, missing: str = "") -> str:
        """One of this layout's templates (``title``, ``declarer``, ``table_heading``) filled by
        ``fill``, ``{document_name}`` being this layout's own unless ``values`` gives one."""
        return fill(template, {"document_name": self.document_name, **values}, missing=missing)

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role of the layout, in printed order."""
        return tuple(role for column in self.columns for role in column.roles)

    def column_of(self, role: str) -> Column | None:
        """The column carrying ``role`` (the first, for ``extra``), or None."""
        return next((c for c in self.columns if role in c.roles), None)

    @property
    def number_column(self) -> Column | None:
        return self.column_of("number")


@dataclass(frozen=True)
class GradeDefinition:
    """A grade of a scale a form brings along (as ``core.grading.Grade``, data only)."""

    code: str
    label: str
    evaluation: str
    min_rate: float | None = None


@dataclass(frozen=True)
class ScaleDefinition:
    """A grading scale a form needs that sengen's presets (``core.grading.PRESETS``) lack, so
    whoever stores the form can create it (the database keeps scales; a form names one by code)."""

    code: str
    name: str
    grades: tuple[GradeDefinition, ...]


@dataclass(frozen=True)
class Form:
    """One programme's form (様式). ``code`` names it (``isehara``, ``f2-sengensha``…); the
    version is the database's business, not the form's.

    ``layouts`` maps each document kind the form has to its ``Layout`` (a declaration-only form
    has one). ``scale`` is the grading scale's code (None when ``grade_placement`` is ``none``);
    ``scale_definition`` describes it when it is not one of sengen's presets.
    ``interim_levels`` maps each of ``INTERIM_STATUSES`` to the form's words (概ね順調…), or is
    None when the form has no interim review of its own words.
    """

    code: str
    name: str
    programme: str
    unit_kind: str
    numbered: bool
    number_label: str | None
    grade_placement: str
    scale: str | None
    layouts: Mapping[str, Layout]
    scale_definition: ScaleDefinition | None = None
    interim_levels: Mapping[str, str] | None = None
    description: str = ""

    def layout(self, document: str) -> Layout:
        """The layout of ``document``; KeyError saying which kinds the form has otherwise."""
        try:
            return self.layouts[document]
        except KeyError:
            raise KeyError(f"様式 {self.code} に {document} の形はありません（あるのは "
                           f"{', '.join(self.documents)}）") from None

    @property
    def documents(self) -> tuple[str, ...]:
        """The document kinds the form has, in the order of the year (declaration first)."""
        return tuple(kind for kind in workflow.PHASES if kind in self.layouts)


def placeholders(template: str) -> list[str]:
    """The ``{name}``s a template holds, in order."""
    return PLACEHOLDER_RE.findall(template)


def fill(template: str, values: Mapping[str, str | None], *, missing: str = "") -> str:
    """``template`` with each ``{name}`` of ``PLACEHOLDERS`` replaced by ``values[name]``.

    Plain replacement: a value is inserted as written and never read again, so a value holding
    ``{unit}`` or ``{0.__class__}`` stays that text. A name without a value becomes ``missing``.
    """
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name not in PLACEHOLDERS:
            return m.group(0)  # form_from_dict refuses these; never reached for a checked form
        value = values.get(name)
        return missing if value is None or value == "" else str(value)

    return PLACEHOLDER_RE.sub(one, template)
