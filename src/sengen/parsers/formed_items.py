"""One row of a form's table → one initiative of ``sengen.report/2``, with where each value was read.

Each column's cell is cut into its parts (``formed_parts``); targets are read and judged as the
seed's are (``core.assess``), and per-target columns (``target_grade``, ``interim_status``) give one
value per target, by line, coded by the form's scale and interim levels.
"""

from __future__ import annotations

import re

from sengen.core import workflow
from sengen.core.assess import assess
from sengen.core.eras import nfkc
from sengen.core.forms import SDG_GOALS, Form, label_key, scale_of
from sengen.core.targets import analyse_target
from sengen.core.text import join_lines

from .formed_parts import part_items, split_parts
from .formed_table import FormedTable, Line
from .table import Origin, split_sections


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


def read_item(table: FormedTable, cells: list[list[Line]], fiscal_year: int, base: str,
              prov: dict[str, Origin]) -> dict:
    """The initiative one row's ``cells`` hold; where each value was read goes into ``prov`` under
    ``base`` (its JSON path)."""
    form, layout = table.form, table.layout
    roles: dict[str, list[Line]] = {}
    extra: list[dict] = []
    for column, lines in zip(layout.columns, cells, strict=False):
        for role, part_lines in split_parts(column, lines).items():
            if role == "extra":
                part = column.part("extra")
                texts, origins = part_items(part_lines, part.bullet, table.wrapped)
                if texts:
                    extra.append({"label": part.label or column.label.replace("\n", ""), "items": texts})
                    for j, origin in enumerate(origins):
                        prov[f"{base}.extra[{len(extra) - 1}].items[{j}]"] = origin
                continue
            roles.setdefault(role, []).extend(part_lines)
    for label, lines in zip(table.unknown, cells[len(layout.columns):], strict=False):
        texts, origins = part_items(lines, "・", table.wrapped)
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
        texts, origins = part_items(roles.get(role, []), bullets.get(role, "・"), table.wrapped)
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
