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

from sengen.core import opendata, workflow

from . import _doc

# The columns (key, header label) live in core.opendata with their types and descriptions, which
# the year's datapackage.json and sengen's CSV reader share. /2's columns come after /1's and are
# written only for a /2 document.
COLUMNS = tuple((c.key, c.label) for c in opendata.V1)
HEADER = tuple(label for _, label in COLUMNS)
KEYS = tuple(key for key, _ in COLUMNS)
V2_COLUMNS = tuple((c.key, c.label) for c in opendata.V2)
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
        items = _doc.texts(entry.get("items"))
        # A column printed with nothing under it is still the report's: 「label:」 alone.
        extra += [f"{label}: {item}" for item in items] if items else [f"{label}:"]
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


def preamble_cell(doc: dict) -> str | None:
    """The preamble as one cell: per block a 「【label】」 line, a 「SDGs: 11、12」 line when it is
    tagged, then one 「・item」 line per item (an item's own line breaks stay inside it: a line
    not starting 【, SDGs: or ・ continues the item above). parsers/csv_report.py reads it back."""
    lines = []
    for block in _doc.items(doc.get("preamble")):
        lines.append(f"【{_doc.clean(block.get('label'))}】")
        goals = [_doc.clean(n) for n in (block.get("sdgs") or []) if _doc.number(n) is not None]
        if goals:
            lines.append("SDGs: " + "、".join(goals))
        lines += [f"・{item}" for item in _doc.texts(block.get("items"))]
    return "\n".join(lines) or None


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
        # A kind that is no string (a list, from a hostile JSON) cannot be looked up: shown as text.
        "document": (workflow.DOCUMENT_NAMES.get(kind) if isinstance(kind, str) else None) or _doc.clean(kind) or None,
        "department": _doc.clean(doc.get("department")) or None,
        # Who declared: with it the CSV reads back as the whole report (parsers/csv_report.py).
        "director_title": _doc.clean(_doc.mapping(doc.get("director")).get("title")) or None,
        "director_name": _doc.clean(_doc.mapping(doc.get("director")).get("name")) or None,
    }
    if v2:
        named = _doc.mapping(doc.get("form"))
        common.update(form_code=_doc.clean(named.get("code")) or None,
                      form_version=_num_or_text(named.get("version")))
    preamble = preamble_cell(doc) if v2 else None
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
            # Only the report's first row carries the preamble.
            base["preamble"] = preamble
            base.update(unit_kind=_doc.clean(doc.get("unit_kind")) or None,
                        declared_on=_doc.clean(doc.get("declared_on")) or None, **_v2_initiative(ini, form))
        targets = _doc.targets(ini)
        if not targets:
            out.append(tuple(base.get(k) for k in keys))
            base["preamble"] = preamble = None
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
            base["preamble"] = preamble = None
    return out
