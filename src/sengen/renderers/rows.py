"""The report as one flat table for open data: one row per target (達成目標).

CSV and XLSX share these rows, so the two downloads never disagree (Decidim's users
complain that theirs do). An initiative without targets still gets one row: dropping
it would silently shorten the city's list of promises.

Cells are ``str`` (text as written), ``int``/``float`` (numbers the report states) or
``None`` (nothing stated). Formula neutralisation is the writers' job because it
differs: CSV has no types, XLSX does.
"""

from __future__ import annotations

from typing import Any

from sengen.core import workflow

from . import _doc

COLUMNS = (
    ("municipality", "自治体"),
    ("fiscal_year", "年度"),
    ("fiscal_year_label", "年度（和暦）"),
    ("document", "文書"),
    ("department", "部"),
    ("number", "No."),
    ("title", "取組名"),
    ("sections", "担当課"),
    ("content", "取組内容"),
    ("target_number", "目標番号"),
    ("target", "達成目標"),
    ("metric_value", "目標値"),
    ("metric_unit", "単位"),
    ("due", "期限"),
    ("actual_value", "実績値"),
    ("actual_unit", "実績の単位"),
    ("achievement_rate", "達成率（実績÷目標）"),
    ("evaluation", "評価"),
    ("grade", "評価区分"),
    ("results", "取組結果"),
    ("future_direction", "今後の取組の方向性"),
    ("achievement_status", "目標達成状況"),
)
HEADER = tuple(label for _, label in COLUMNS)
KEYS = tuple(key for key, _ in COLUMNS)
# What sengen.report/2 adds, as columns after /1's: written only for a /2 document, so every
# /1 report's CSV (the seed's among them) keeps its columns byte for byte. Grades and interim
# statuses in the form's words, as the table prints them; ``extra`` as 「label: item」 lines.
V2_COLUMNS = (
    ("unit_kind", "組織の区分"),
    ("declared_on", "宣言日"),
    ("background", "現状と課題"),
    ("approach", "方策・手段"),
    ("partners", "協働関係先"),
    ("self_evaluation", "自己評価"),
    ("remarks", "備考"),
    ("initiative_grade", "取組の評価"),
    ("grade_reason", "評価の理由"),
    ("sdgs", "SDGs"),
    ("plan_refs", "総合計画の施策"),
    ("extra", "その他の欄"),
    ("relative_change", "増減の目標（％）"),
    ("relative_baseline_value", "基準値"),
    ("relative_baseline_unit", "基準値の単位"),
    ("interim_status", "中間の進み具合"),
)
V2_SCHEMA = "sengen.report/2"


def is_v2(doc: dict) -> bool:
    return doc.get("schema") == V2_SCHEMA


def columns(doc: dict) -> tuple[tuple[str, str], ...]:
    """The flat table's (key, header label) for ``doc``: /1's, and /2's after them for a /2 document."""
    return COLUMNS + V2_COLUMNS if is_v2(doc) else COLUMNS


def header(doc: dict) -> tuple[str, ...]:
    return tuple(label for _, label in columns(doc))


def _num_or_text(value: Any) -> int | float | str | None:
    """A number stays a number; anything else a producer put there stays visible as text."""
    if value is None:
        return None
    n = _doc.number(value)
    return n if n is not None else _doc.clean(value)


def _quantity(value: Any) -> tuple[Any, str | None]:
    q = _doc.mapping(value)
    unit = q.get("unit")
    return _num_or_text(q.get("value")), (_doc.clean(unit) if unit is not None else None)


def _joined(value: Any, sep: str) -> str:
    return sep.join(_doc.texts(value))


def _evaluation(value: Any) -> str | None:
    if value is None:
        return None
    text = _doc.clean(value)
    return _doc.EVALUATION_LABELS.get(text, text)


def _v2_initiative(ini: dict, form) -> dict:
    from . import _form

    extra = []
    for entry in _doc.items(ini.get("extra")):
        label = _doc.clean(entry.get("label"))
        extra += [f"{label}: {item}" for item in _doc.texts(entry.get("items"))]
    return {
        **{role: _joined(ini.get(role), "\n") for role in ("background", "approach", "partners", "self_evaluation",
                                                              "remarks")},
        "initiative_grade": (_form.role_items(ini, "grade", form) or [None])[0],
        "grade_reason": _doc.clean(ini.get("grade_reason")) or None,
        "sdgs": "、".join(_doc.clean(n) for n in (ini.get("sdgs") or []) if _doc.number(n) is not None) or None,
        "plan_refs": _joined(ini.get("plan_refs"), "\n"),
        "extra": "\n".join(extra),
    }


def _v2_target(t: dict, form) -> dict:
    from . import _form

    relative = _doc.mapping(t.get("relative"))
    value, unit = _quantity(relative.get("baseline"))
    return {
        "relative_change": _num_or_text(relative.get("change_percent")),
        "relative_baseline_value": value,
        "relative_baseline_unit": unit,
        "interim_status": _form.interim_word(form, t.get("interim_status")) or None,
    }


def rows(doc: dict, form=None) -> list[tuple]:
    """Data rows (without the header), in document order, one per target; with /2's columns
    for a /2 document (``form``: the report's form, for grades and statuses in its words)."""
    v2 = is_v2(doc)
    keys = tuple(key for key, _ in columns(doc))
    if v2 and form is None:
        from sengen.core.forms import form_of

        form = form_of(doc)
    kind = doc.get("document")
    common = {
        "municipality": _doc.clean(doc.get("municipality")) or None,
        "fiscal_year": _num_or_text(doc.get("fiscal_year")),
        "fiscal_year_label": _doc.fiscal_year_label(doc) or None,
        "document": workflow.DOCUMENT_NAMES.get(kind, _doc.clean(kind) or None),
        "department": _doc.clean(doc.get("department")) or None,
    }
    out: list[tuple] = []
    for ini in _doc.initiatives(doc):
        base = dict(common)
        base.update(
            number=_num_or_text(ini.get("number")),
            title=_doc.clean(ini.get("title")),
            sections=_joined(ini.get("sections"), "、"),
            content=_joined(ini.get("content"), "\n"),
            results=_joined(ini.get("results"), "\n"),
            future_direction=_joined(ini.get("future_direction"), "\n"),
            achievement_status=_joined(ini.get("achievement_status"), "\n"),
        )
        if v2:
            base.update(unit_kind=_doc.clean(doc.get("unit_kind")) or None,
                        declared_on=_doc.clean(doc.get("declared_on")) or None, **_v2_initiative(ini, form))
        targets = _doc.targets(ini)
        if not targets:
            out.append(tuple(base.get(k) for k in keys))
            continue
        for i, t in enumerate(targets, start=1):
            metric_value, metric_unit = _quantity(t.get("metric"))
            actual_value, actual_unit = _quantity(t.get("actual"))
            due = t.get("due")
            grade = t.get("grade")
            row = dict(base)
            row.update(
                target_number=i,
                target=_doc.clean(t.get("text")),
                metric_value=metric_value,
                metric_unit=metric_unit,
                due=_doc.clean(due) if due is not None else None,
                actual_value=actual_value,
                actual_unit=actual_unit,
                achievement_rate=_num_or_text(t.get("achievement_rate")),
                evaluation=_evaluation(t.get("evaluation")),
                grade=_doc.clean(grade) if grade is not None else None,
            )
            if v2:
                row.update(_v2_target(t, form))
            out.append(tuple(row.get(k) for k in keys))
    return out
