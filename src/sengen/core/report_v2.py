"""What ``sengen.report/2`` adds to ``/1``, and moving a document between the two versions.

/2 is /1 plus optional fields for the forms other cities print (docs/report-format.md,
FAMILIES.md): a preamble before the table, the declaring unit's kind, the date of declaration,
the form the report was made with; per initiative the columns /1 has no place for, a grade of
the initiative itself, SDG and plan tags and ``extra`` for a column with no role; per target a
relative metric and an interim status. ``report.normalise`` calls the checks below for a /2
document; everything here is reached through ``sengen.core.report`` (``upgrade``, ``downgrade``,
``fits_v1``, ``simplest``), which re-exports it.

Every default below is what a /1 document means by saying nothing, so a /2 document holding only
defaults (and numbered items) says exactly what a /1 document can: that is ``fits_v1``.
"""

from __future__ import annotations

import copy
import datetime
import re
from typing import Any

from sengen.core import limits
from sengen.core.report import (
    SCHEMA_V1,
    SCHEMA_V2,
    ReportError,
    _count,
    _expect,
    _found,
    _kind,
    _number,
    _quantity,
    _shown,
    _string,
    _string_list,
    normalise,
)

INTERIM_STATUSES = ("on_track", "needs_effort", "at_risk")
SDG_GOALS = range(1, 18)

# Defaults, in the order a normalised /2 document holds them. Mutable defaults are copied.
TOP_DEFAULTS: dict[str, Any] = {
    "form": None,
    "unit_kind": None,  # null = 部, as /1 always meant
    "declared_on": None,
    "preamble": [],
}
INITIATIVE_DEFAULTS: dict[str, Any] = {
    "background": [],
    "approach": [],
    "partners": [],
    "self_evaluation": [],
    "remarks": [],
    "grade": None,
    "grade_reason": None,
    "sdgs": [],
    "plan_refs": [],
    "extra": [],
}
TARGET_DEFAULTS: dict[str, Any] = {
    "relative": None,
    "interim_status": None,
}
TEXT_LISTS = ("background", "approach", "partners", "self_evaluation", "remarks")

# Keys a /2 object may hold: anything else is a misspelling that would drop what a city printed.
_TOP_KEYS = {"schema", "municipality", "fiscal_year", "fiscal_year_label", "document", "department",
             "director", "initiatives", *TOP_DEFAULTS}
_INITIATIVE_KEYS = {"number", "title", "sections", "content", "targets", "results", "future_direction",
                    "achievement_status", *INITIATIVE_DEFAULTS}
_TARGET_KEYS = {"text", "metric", "due", "actual", "achievement_rate", "evaluation", "grade", *TARGET_DEFAULTS}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _keys(value: dict, allowed: set[str] | tuple[str, ...], path: str) -> None:
    unknown = sorted(k for k in value if k not in allowed)
    _expect(not unknown, f"sengen.report/2 にない項目です: {_shown(str(unknown[0])) if unknown else ''}"
                         f"（使える項目: {', '.join(sorted(allowed))}）", path)


def _object(value: Any, what: str, path: str) -> dict:
    _expect(isinstance(value, dict), f"{what}のオブジェクトが必要です（{_kind(value)}でした）", path)
    return value


def _list(value: Any, what: str, limit: int, path: str) -> list:
    if value is None:
        return []
    _expect(isinstance(value, list), f"{what}の配列が必要です（{_kind(value)}でした）", path)
    _count(value, limit, what, path)
    return value


def _sdgs(value: Any, path: str) -> list[int]:
    goals = _list(value, "SDGs の目標番号", len(SDG_GOALS), path)
    for i, goal in enumerate(goals):
        _expect(isinstance(goal, int) and not isinstance(goal, bool) and goal in SDG_GOALS,
                f"SDGs の目標番号（1〜17の整数）が必要です（{_found(goal)}でした）", f"{path}[{i}]")
        _expect(goal not in goals[:i], f"SDGs の目標 {goal} が重複しています", f"{path}[{i}]")
    return list(goals)


def _labelled(value: Any, path: str, *, sdgs: bool) -> dict:
    """A block with a printed label and its bullets: a preamble block, or an ``extra`` column."""
    what = "前文の見出しと項目" if sdgs else "列の見出しと項目"
    block = _object(value, what, path)
    _keys(block, ("label", "items", "sdgs") if sdgs else ("label", "items"), path)
    _expect("label" in block, "項目 'label' がありません", path)
    out = {"label": _string(block["label"], f"{path}.label", allow_empty=False, limit=limits.MAX_NAME_CHARS),
           "items": _string_list(block.get("items"), f"{path}.items")}
    if sdgs:
        out["sdgs"] = _sdgs(block.get("sdgs"), f"{path}.sdgs")
    return out


def check_top(doc: dict) -> None:
    """What /2 refuses before the fields /1 shares are read: unknown keys, a director not an object."""
    _keys(doc, _TOP_KEYS, "$")
    director = doc.get("director")
    _expect(director is None or isinstance(director, dict),
            f"title と name を持つオブジェクトが必要です（{_kind(director)}でした）", "$.director")
    if director:
        _keys(director, ("title", "name"), "$.director")


def top_fields(doc: dict) -> dict:
    """The /2 top-level fields of ``doc``, checked, with defaults."""
    out: dict[str, Any] = {}
    form = doc.get("form")
    if form is not None:
        _object(form, "様式（code と version）", "$.form")
        _keys(form, ("code", "version"), "$.form")
        _expect("code" in form, "項目 'code' がありません", "$.form")
        # A reader knows a file's form by its labels, never which version of it: a version absent
        # or null means "the form's latest when the report is stored" (the importer resolves it).
        version = form.get("version")
        _expect(version is None or (isinstance(version, int) and not isinstance(version, bool)
                                    and 1 <= version <= limits.MAX_NUMBER),
                f"1以上{limits.MAX_NUMBER:,}以下の整数か null が必要です（{_found(version)}でした）", "$.form.version")
        form = {"code": _string(form["code"], "$.form.code", allow_empty=False, limit=limits.MAX_UNIT_CHARS),
                "version": version}
    out["form"] = form
    kind = doc.get("unit_kind")
    out["unit_kind"] = None if kind is None else _string(kind, "$.unit_kind", allow_empty=False,
                                                         limit=limits.MAX_UNIT_CHARS)
    out["declared_on"] = _date(doc.get("declared_on"), "$.declared_on")
    blocks = _list(doc.get("preamble"), "前文の項目", limits.MAX_ITEMS, "$.preamble")
    out["preamble"] = [_labelled(b, f"$.preamble[{i}]", sdgs=True) for i, b in enumerate(blocks)]
    return out


def _date(value: Any, path: str) -> str | None:
    if value is None:
        return None
    text = _string(value, path, limit=limits.MAX_UNIT_CHARS)
    try:
        # fromisoformat alone also takes 20170501 and week dates: the format promises YYYY-MM-DD.
        ok = bool(_ISO_DATE.fullmatch(text)) and datetime.date.fromisoformat(text) is not None
    except ValueError:
        ok = False
    _expect(ok, f"ISO 形式の日付（YYYY-MM-DD）が必要です（{_shown(text)}でした）", path)
    return text


def initiative_fields(value: dict, path: str) -> dict:
    """The /2 fields of one initiative, checked, with defaults."""
    _keys(value, _INITIATIVE_KEYS, path)
    # /1 has always taken any falsy ``targets`` as none; /2 says what it means.
    targets = value.get("targets")
    _expect(targets is None or isinstance(targets, list), f"達成目標の配列が必要です（{_kind(targets)}でした）",
            f"{path}.targets")
    out: dict[str, Any] = {key: _string_list(value.get(key), f"{path}.{key}") for key in TEXT_LISTS}
    grade = value.get("grade")
    out["grade"] = None if grade is None else _string(grade, f"{path}.grade", allow_empty=False,
                                                      limit=limits.MAX_UNIT_CHARS)
    reason = value.get("grade_reason")
    out["grade_reason"] = None if reason is None else _string(reason, f"{path}.grade_reason")
    out["sdgs"] = _sdgs(value.get("sdgs"), f"{path}.sdgs")
    out["plan_refs"] = _string_list(value.get("plan_refs"), f"{path}.plan_refs", limit=limits.MAX_NAME_CHARS)
    columns = _list(value.get("extra"), "列", limits.MAX_ITEMS, f"{path}.extra")
    out["extra"] = [_labelled(c, f"{path}.extra[{i}]", sdgs=False) for i, c in enumerate(columns)]
    return out


def target_fields(value: dict, path: str) -> dict:
    """The /2 fields of one target, checked, with defaults."""
    _keys(value, _TARGET_KEYS, path)
    for key in ("metric", "actual"):
        if isinstance(value.get(key), dict):
            _keys(value[key], ("value", "unit"), f"{path}.{key}")
    relative = value.get("relative")
    where = f"{path}.relative"
    if relative is not None:
        _object(relative, "相対目標（change_percent と baseline）", where)
        _keys(relative, ("change_percent", "baseline"), where)
        _expect("change_percent" in relative, "項目 'change_percent' がありません", where)
        baseline = relative.get("baseline")
        if isinstance(baseline, dict):
            _keys(baseline, ("value", "unit"), f"{where}.baseline")
        # Same digit limit as a value: a percentage is stored in the same kind of decimal column.
        relative = {"change_percent": _number(relative["change_percent"], f"{where}.change_percent"),
                    "baseline": _quantity(baseline, f"{where}.baseline")}
    status = value.get("interim_status")
    _expect(status is None or (isinstance(status, str) and status in INTERIM_STATUSES),
            f"次のいずれかか null が必要です: {', '.join(INTERIM_STATUSES)}（{_found(status)}でした）",
            f"{path}.interim_status")
    return {"relative": relative, "interim_status": status}


# --- between versions


def upgrade(doc: Any) -> dict:
    """See ``sengen.core.report.upgrade``."""
    n = normalise(doc)
    return n if n["schema"] == SCHEMA_V2 else normalise(dict(n, schema=SCHEMA_V2))


def _misfit(doc: dict) -> tuple[str, str] | None:
    """(JSON path, what) of the first thing in normalised /2 ``doc`` that /1 cannot say."""
    for key, default in TOP_DEFAULTS.items():
        if doc[key] != default:
            return f"$.{key}", key
    for i, item in enumerate(doc["initiatives"]):
        path = f"$.initiatives[{i}]"
        if item["number"] is None:
            return f"{path}.number", "番号のない取組"
        for key, default in INITIATIVE_DEFAULTS.items():
            if item[key] != default:
                return f"{path}.{key}", key
        for j, target in enumerate(item["targets"]):
            for key, default in TARGET_DEFAULTS.items():
                if target[key] != default:
                    return f"{path}.targets[{j}].{key}", key
    return None


def fits_v1(doc: Any) -> bool:
    """See ``sengen.core.report.fits_v1``."""
    n = normalise(doc)
    return n["schema"] == SCHEMA_V1 or _misfit(n) is None


def downgrade(doc: Any) -> dict:
    """See ``sengen.core.report.downgrade``."""
    n = normalise(doc)
    if n["schema"] == SCHEMA_V1:
        return n
    misfit = _misfit(n)
    if misfit:
        raise ReportError(f"sengen.report/1 では表せません（{misfit[1]}）", misfit[0])
    out = {k: copy.deepcopy(v) for k, v in n.items() if k not in TOP_DEFAULTS}
    out["schema"] = SCHEMA_V1
    for item in out["initiatives"]:
        for key in INITIATIVE_DEFAULTS:
            del item[key]
        for target in item["targets"]:
            for key in TARGET_DEFAULTS:
                del target[key]
    return normalise(out)


def simplest(doc: Any) -> dict:
    """See ``sengen.core.report.simplest``."""
    n = normalise(doc)
    return downgrade(n) if fits_v1(n) else n
