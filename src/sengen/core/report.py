"""``sengen.report/1`` and ``/2``: one unit's declaration or achievement report as data.

The document is a plain ``dict`` (what ``json.loads`` gives), so every layer — parsers,
the database, renderers, the API — can exchange it without sharing classes.
``normalise`` is the single gate: it checks the shape the spec defines and fills the
optional fields with their defaults, so two equal reports compare equal
whatever the producer omitted.

``/2`` (any city's form: preamble, initiative grades, unnumbered items, relative targets…) is
``/1`` plus optional fields; its own checks live in ``report_v2``. The document keeps the version
it came in: ``upgrade``, ``downgrade``, ``fits_v1`` and ``simplest`` move between them, and writers
use ``simplest`` so a report /1 can say (the seed) is still written as /1, byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from sengen.core import limits, workflow
from sengen.core.errors import JsonPathError

SCHEMA = "sengen.report/1"  # what /1 writers (parsers, selectors) put in "schema"
SCHEMA_V1 = SCHEMA
SCHEMA_V2 = "sengen.report/2"
SCHEMAS = (SCHEMA_V1, SCHEMA_V2)
DOCUMENT_KINDS = workflow.PHASES
EVALUATIONS = ("achieved", "partially_achieved", "not_achieved", "not_evaluated")

_TARGET_DEFAULTS: dict[str, Any] = {
    "metric": None,
    "due": None,
    "actual": None,
    "achievement_rate": None,
    "evaluation": "not_evaluated",
    "grade": None,
}
_LIST_FIELDS = ("content", "results", "future_direction", "achievement_status")


def gettext_noop(message: str) -> str:
    """Marks ``message`` for Django's makemessages (the staff pages translate it); core imports
    nothing of Django."""
    return message


# What Python's json module says went wrong (its English ``msg``), as a Japanese message says it.
JSON_PROBLEMS = {
    "Expecting value": gettext_noop("値がありません"),
    "Expecting property name enclosed in double quotes": gettext_noop("項目名が二重引用符（\"）で囲まれていません"),
    "Expecting ',' delimiter": gettext_noop("区切りの「,」がありません"),
    "Expecting ':' delimiter": gettext_noop("区切りの「:」がありません"),
    "Unterminated string starting at": gettext_noop("文字列の「\"」が閉じていません"),
    "Extra data": gettext_noop("JSON の後に余分な文字があります"),
    "Invalid control character at": gettext_noop("文字列に制御文字があります"),
    "Invalid \\escape": gettext_noop("文字列の「\\」の使い方が誤っています"),
}


# What json.loads raises besides JSONDecodeError, said as a refusal.
JSON_TOO_DEEP = gettext_noop("JSON の入れ子が深すぎます")
JSON_HUGE_NUMBER = gettext_noop("JSON に桁数が多すぎて読めない数値があります")


class ReportError(JsonPathError):
    """The document does not follow ``sengen.report/1`` (or ``/2``); ``path`` says where
    (``$.initiatives[2].targets[0].metric.value``)."""


def _expect(cond: bool, message: str, path: str) -> None:
    if not cond:
        raise ReportError(message, path)


def _shown(value: Any) -> str:
    """A value as a message quotes it: never longer than a line, whatever the file held."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def _found(value: Any) -> str:
    """What was found instead, for a message: the value if short, else what it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        # Never str() a huge int: Python refuses past 4,300 digits, and the line must stay short.
        return str(value) if abs(value) < 10**20 else "20桁を超える整数"
    if isinstance(value, str | float):
        return _shown(value)
    return _kind(value)


def _string(value: Any, path: str, *, allow_empty: bool = True, limit: int = limits.MAX_LINE_CHARS) -> str:
    _expect(isinstance(value, str), f"文字列が必要です（{_kind(value)}でした）", path)
    # No text format sengen writes (nor PostgreSQL) can hold a NUL; it is never part of a report.
    _expect("\x00" not in value, "NUL 文字は使えません", path)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # JSON's "\ud800" decodes to half of a surrogate pair: no file, page or database can
        # write it, so it is refused here rather than wherever it is first written out.
        raise ReportError(f"文字として表せない符号（対になっていないサロゲート U+{ord(value[exc.start]):04X}）があります"
                          f"（{exc.start + 1}文字目）", path) from None
    _expect(len(value) <= limit, f"{limit:,}文字までです（{len(value):,}文字あります）", path)
    if not allow_empty:
        _expect(value.strip() != "", "空でない文字列が必要です", path)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "真偽値", int: "数値", float: "数値", str: "文字列",
            list: "配列", dict: "オブジェクト"}.get(type(value), type(value).__name__)


def _number(value: Any, path: str, *, digits: int = limits.MAX_VALUE_DIGITS) -> int | float:
    _expect(isinstance(value, int | float) and not isinstance(value, bool),
            f"数値が必要です（{_kind(value)}でした）", path)
    _expect(value == value and value not in (float("inf"), float("-inf")), "有限の数値が必要です", path)
    # Compared, never printed: str() of a 5,000-digit int is refused by Python itself.
    _expect(-(10**digits) < value < 10**digits, f"桁数が多すぎて保存できない数値です（整数部は{digits}桁まで。{_found(value)}でした）", path)
    return value


def _quantity(value: Any, path: str) -> dict | None:
    if value is None:
        return None
    _expect(isinstance(value, dict), f"value と unit を持つオブジェクトが必要です（{_kind(value)}でした）", path)
    _expect("value" in value, "項目 'value' がありません", path)
    return {"value": _number(value["value"], f"{path}.value"),
            "unit": _string(value.get("unit", ""), f"{path}.unit", limit=limits.MAX_UNIT_CHARS)}


def _due(value: Any, path: str) -> str | None:
    if value is None:
        return None
    from sengen.core.eras import parse_iso_due  # local: eras imports nothing from here

    text = _string(value, path, limit=limits.MAX_UNIT_CHARS)
    try:
        parse_iso_due(text)
    except ValueError:
        raise ReportError(f"ISO 形式の日付（YYYY-MM-DD）か年月（YYYY-MM）が必要です（{_shown(text)}でした）",
                          path) from None
    return text


def _count(value: list, limit: int, what: str, path: str) -> None:
    _expect(len(value) <= limit, f"{what}は{limit:,}個までです（{len(value):,}個あります）", path)


def _string_list(value: Any, path: str, *, limit: int = limits.MAX_LINE_CHARS) -> list[str]:
    if value is None:
        return []
    _expect(isinstance(value, list), f"文字列の配列が必要です（{_kind(value)}でした）", path)
    _count(value, limits.MAX_ITEMS, "項目", path)
    return [_string(item, f"{path}[{i}]", limit=limit) for i, item in enumerate(value)]


def _target(value: Any, path: str, v2: bool = False) -> dict:
    _expect(isinstance(value, dict), f"達成目標のオブジェクトが必要です（{_kind(value)}でした）", path)
    _expect("text" in value, "項目 'text' がありません", path)
    target = {"text": _string(value["text"], f"{path}.text", allow_empty=False)}
    for key, default in _TARGET_DEFAULTS.items():
        raw = value.get(key, default)
        where = f"{path}.{key}"
        if key in ("metric", "actual"):
            target[key] = _quantity(raw, where)
        elif key == "due":
            target[key] = _due(raw, where)
        elif key == "achievement_rate":
            target[key] = None if raw is None else _number(raw, where, digits=limits.MAX_RATE_DIGITS)
        elif key == "evaluation":
            raw = default if raw is None else raw
            _expect(isinstance(raw, str) and raw in EVALUATIONS,
                    f"次のいずれかが必要です: {', '.join(EVALUATIONS)}（{_shown(raw)}でした）", where)
            target[key] = raw
        else:  # grade
            target[key] = None if raw is None else _string(raw, where, limit=limits.MAX_UNIT_CHARS)
    if v2:
        target.update(_v2().target_fields(value, path))
    return target


def _initiative(value: Any, path: str, v2: bool = False) -> dict:
    _expect(isinstance(value, dict), f"取組のオブジェクトが必要です（{_kind(value)}でした）", path)
    # /2 reads forms whose items carry no number (F3): null or absent, and position identifies them.
    for key in ("title",) if v2 else ("number", "title"):
        _expect(key in value, f"項目 '{key}' がありません", path)
    number = value.get("number")
    # 0 stays allowed: the staff form and the database column (a positive integer) take it.
    _expect((v2 and number is None)
            or (isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= limits.MAX_NUMBER),
            f"0以上{limits.MAX_NUMBER:,}以下の整数{'か null ' if v2 else ''}が必要です（{_found(number)}でした）",
            f"{path}.number")
    initiative: dict[str, Any] = {
        "number": number,
        "title": _string(value["title"], f"{path}.title", allow_empty=False, limit=limits.MAX_NAME_CHARS),
        "sections": _string_list(value.get("sections"), f"{path}.sections", limit=limits.MAX_NAME_CHARS),
    }
    initiative["content"] = _string_list(value.get("content"), f"{path}.content")
    targets = value.get("targets") or []
    _expect(isinstance(targets, list), f"達成目標の配列が必要です（{_kind(targets)}でした）", f"{path}.targets")
    _count(targets, limits.MAX_TARGETS, "達成目標", f"{path}.targets")
    initiative["targets"] = [_target(t, f"{path}.targets[{i}]", v2) for i, t in enumerate(targets)]
    for key in _LIST_FIELDS[1:]:
        initiative[key] = _string_list(value.get(key), f"{path}.{key}")
    if v2:
        initiative.update(_v2().initiative_fields(value, path))
    return initiative


def _v2():
    """The /2 checks, imported when first needed: report_v2 builds on this module's helpers."""
    from sengen.core import report_v2

    return report_v2


def normalise(doc: Any) -> dict:
    """Validate ``doc`` (``sengen.report/1`` or ``/2``) and return a new document of the same
    version with every optional field present.

    Raises ``ReportError`` naming the first place that does not follow the format.
    Text is copied as written: normalising text is the parsers' business, not this gate's.
    A /1 document comes out exactly as it always has; unknown keys are ignored in /1 (as they
    always were) and refused in /2, where a misspelt field would silently drop what a city printed.
    """
    from sengen.core.eras import fiscal_year_label

    _expect(isinstance(doc, dict), f"JSON のオブジェクトが必要です（{_kind(doc)}でした）", "$")
    schema = doc.get("schema")
    _expect(isinstance(schema, str) and schema in SCHEMAS,
            f"schema は {SCHEMA_V1!r} か {SCHEMA_V2!r} です（{_found(schema)}でした）", "$.schema")
    v2 = schema == SCHEMA_V2
    if v2:
        _v2().check_top(doc)
    for key in ("fiscal_year", "document", "department", "initiatives"):
        _expect(key in doc, f"項目 '{key}' がありません", "$")
    year = doc["fiscal_year"]
    _expect(isinstance(year, int) and not isinstance(year, bool)
            and limits.MIN_FISCAL_YEAR <= year <= limits.MAX_FISCAL_YEAR,
            f"年度の西暦の開始年（例: 2017。{limits.MIN_FISCAL_YEAR}〜{limits.MAX_FISCAL_YEAR}）が必要です"
            f"（{_found(year)}でした）", "$.fiscal_year")
    _expect(isinstance(doc["document"], str) and doc["document"] in DOCUMENT_KINDS,
            f"次のいずれかが必要です: {', '.join(DOCUMENT_KINDS)}（{_found(doc['document'])}でした）", "$.document")
    municipality = doc.get("municipality")
    director = doc.get("director") or {}
    _expect(isinstance(director, dict), f"title と name を持つオブジェクトが必要です（{_kind(director)}でした）",
            "$.director")
    label = doc.get("fiscal_year_label")
    initiatives = doc["initiatives"]
    _expect(isinstance(initiatives, list), f"取組の配列が必要です（{_kind(initiatives)}でした）", "$.initiatives")
    _count(initiatives, limits.MAX_INITIATIVES, "取組", "$.initiatives")
    out = {
        "schema": schema,
        "municipality": None if municipality is None else _string(municipality, "$.municipality",
                                                                  limit=limits.MAX_NAME_CHARS),
        "fiscal_year": year,
        "fiscal_year_label": fiscal_year_label(year) if label is None else _label(label, year),
        "document": doc["document"],
        "department": _string(doc["department"], "$.department", allow_empty=False, limit=limits.MAX_NAME_CHARS),
        "director": {
            "title": _string(director.get("title") or "", "$.director.title", limit=limits.MAX_NAME_CHARS),
            "name": _string(director.get("name") or "", "$.director.name", limit=limits.MAX_NAME_CHARS),
        },
    }
    if v2:
        out.update(_v2().top_fields(doc))
    out["initiatives"] = [_initiative(item, f"$.initiatives[{i}]", v2) for i, item in enumerate(initiatives)]
    numbers = [i["number"] for i in out["initiatives"] if i["number"] is not None]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    _expect(not dupes, f"取組の番号 {dupes[0] if dupes else ''} が重複しています", "$.initiatives")
    total = _characters(out)
    _expect(total <= limits.MAX_REPORT_CHARS,
            f"報告の文字は全部で{limits.MAX_REPORT_CHARS:,}文字までです（{total:,}文字あります）", "$")
    return out


def _label(value: Any, year: int) -> str:
    """The fiscal year as the source labels it, which must name ``year``: 平成29年度, 平成２９年度,
    令和元年度, H29年度 and 2017年度 all name 2017."""
    from sengen.core.eras import fiscal_year_label, parse_fiscal_year

    path = "$.fiscal_year_label"
    # As long as a unit: 令和元年度 is five characters, and the database keeps fifty.
    label = _string(value, path, allow_empty=False, limit=limits.MAX_UNIT_CHARS)
    try:
        named = parse_fiscal_year(label)
    except ValueError:
        raise ReportError(f"年度の表記に年度（例: {fiscal_year_label(year)}、{year}年度）がありません"
                          f"（{_shown(label)}でした）", path) from None
    _expect(named == year, f"年度の表記「{label}」は{named}年度ですが、fiscal_year は {year}"
                           f"（{fiscal_year_label(year)}）です", path)
    return label


def _characters(value: Any) -> int:
    """All the text of a normalised document, in characters."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_characters(v) for v in value.values())
    if isinstance(value, list):
        return sum(_characters(v) for v in value)
    return 0


def dumps(doc: dict) -> str:
    """Canonical JSON text: the same report always gives the same bytes (export → parse → export)."""
    return json.dumps(normalise(doc), ensure_ascii=False, indent=2) + "\n"


def loads(text: str | bytes, source: str | None = None) -> dict:
    """Parse JSON text and ``normalise`` it; errors carry ``source`` (a file name) and a JSON path."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReportError(f"UTF-8 のテキストではありません（{exc.start + 1}バイト目）", "$", source) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = JSON_PROBLEMS.get(exc.msg, exc.msg)
        raise ReportError(f"JSON の文法に合いません: {exc.lineno}行目、{exc.colno}文字目（{problem}）", "$",
                          source) from None
    except RecursionError:
        raise ReportError(JSON_TOO_DEEP, "$", source) from None
    except ValueError:  # an integer of more than 4,300 digits, which Python refuses to read
        raise ReportError(JSON_HUGE_NUMBER, "$", source) from None
    try:
        return normalise(raw)
    except ReportError as exc:
        raise ReportError(exc.message, exc.path, source) from None


def upgrade(doc: Any) -> dict:
    """``doc`` (/1 or /2) as a normalised ``sengen.report/2`` document; nothing is lost, and
    ``downgrade(upgrade(d)) == normalise(d)`` for every /1 document ``d``."""
    return _v2().upgrade(doc)


def fits_v1(doc: Any) -> bool:
    """Whether ``doc`` (/1 or /2, valid) says nothing that ``sengen.report/1`` cannot: every /2
    field at its default and every initiative numbered. Raises ``ReportError`` if ``doc`` is invalid."""
    return _v2().fits_v1(doc)


def downgrade(doc: Any) -> dict:
    """``doc`` as a normalised ``sengen.report/1`` document; ``ReportError`` at the JSON path of
    the first field /1 cannot say (``downgrade`` never drops anything silently)."""
    return _v2().downgrade(doc)


def simplest(doc: Any) -> dict:
    """``doc`` normalised in the oldest version that says all of it: /1 when it fits, else /2.
    What exporters write, so a report /1 can say (the seed) stays byte for byte what it was."""
    return _v2().simplest(doc)
