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


def rows(doc: dict) -> list[tuple]:
    """Data rows (without the header), in document order, one per target."""
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
        targets = _doc.targets(ini)
        if not targets:
            out.append(tuple(base.get(k) for k in KEYS))
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
            out.append(tuple(row.get(k) for k in KEYS))
    return out
