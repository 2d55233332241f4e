"""sengen's own open-data CSV → the report it was written from: what ``sengen export --format
csv`` and the portal's CSV download write reads back as ``sengen.report/1``, or ``/2`` for a
report in a city's own form (docs/report-format.md, "The open-data CSV"; docs/parsers.md).

The CSV is one row per target under the header of ``core.opendata.V1`` (and ``V2`` after it for a
/2 report); an initiative's own cells repeat on each of its rows, and an initiative without
targets has one row with 目標番号 empty. A new initiative starts where 目標番号 is empty or 1.
Lists were written one item per line (担当課 and SDGs joined with 「、」), evaluations as words
(達成 …), and text that would start a formula with one ``'`` more, which is taken off again.

A /2 report's CSV names its form (様式, 様式の版) and carries its preamble (前文, on the first row);
the form's definition is not in the file: it is looked up by code among the forms the reader is
offered (the city's registered ones, then the presets), and only its words are needed here — an
initiative's grade and a target's interim status are written in the form's words and read back
to what the report holds. Refused, saying which line and which column and what was expected: the
year-wide CSV of several reports, a /2 CSV written before the form's columns, a header that is
not sengen's, a form nobody registered, a value of the wrong kind or past the report's limits.
"""

from __future__ import annotations

import csv
import io
import math
import re

from sengen.core import opendata, workflow
from sengen.core.forms import presets, scale_of
from sengen.core.report import ReportError, normalise

from .errors import CSV_EXPECTED, ParseError

V1_LABELS = tuple(c.label for c in opendata.V1)
V1_KEYS = tuple(c.key for c in opendata.V1)
V2_LABELS = tuple(c.label for c in opendata.V2)
V2_KEYS = tuple(c.key for c in opendata.V2)
LABELS = {c.key: c.label for c in (*opendata.V1, *opendata.V2)}
# Before the declaring director got columns of their own, sengen's CSV ended at 目標達成状況.
WITHOUT_DIRECTOR = V1_LABELS[:-2]
# A /2 report's CSV before it named its form and carried its preamble: it cannot be the report.
V2_WITHOUT_FORM = V2_LABELS[:V2_KEYS.index("form_code")]
NUMBER_KEYS = frozenset(c.key for c in (*opendata.V1, *opendata.V2) if c.type in ("integer", "number"))
# The cells that say which report a row belongs to: the same on every row of one report.
REPORT_KEYS = ("municipality", "fiscal_year", "fiscal_year_label", "document", "department",
               "director_title", "director_name")
V2_REPORT_KEYS = ("unit_kind", "declared_on", "form_code", "form_version")
INITIATIVE_KEYS = ("number", "title", "sections", "content", "results", "future_direction", "achievement_status")
V2_INITIATIVE_KEYS = ("background", "approach", "partners", "self_evaluation", "remarks", "initiative_grade",
                      "grade_reason", "sdgs", "plan_refs", "extra")
V2_LISTS = ("background", "approach", "partners", "self_evaluation", "remarks", "plan_refs")
EVALUATIONS = {label: code for code, label in opendata.EVALUATION_LABELS.items()}
DOCUMENTS = {name: code for code, name in workflow.DOCUMENT_NAMES.items()}
# The interim words a form without its own prints (renderers/_form.py's INTERIM_WORDS).
INTERIM_WORDS = {"on_track": "概ね順調", "needs_effort": "取組強化が必要", "at_risk": "進捗困難"}
_INTEGER = re.compile(r"-?[0-9]+")
_SDG = re.compile(r"[0-9]{1,2}")

# Which column a report's JSON path comes from, so a value normalise refuses is placed at its
# row and column: the document's field → the CSV's key.
_TOP_CELLS = {"municipality": "municipality", "fiscal_year": "fiscal_year", "fiscal_year_label": "fiscal_year_label",
              "document": "document", "department": "department", "director": "director_title",
              "director.title": "director_title", "director.name": "director_name", "unit_kind": "unit_kind",
              "declared_on": "declared_on", "form": "form_code", "form.code": "form_code",
              "form.version": "form_version", "preamble": "preamble"}
_INITIATIVE_CELLS = {**{k: k for k in INITIATIVE_KEYS + V2_INITIATIVE_KEYS}, "grade": "initiative_grade",
                     "targets": "target"}
_TARGET_CELLS = {"text": "target", "metric": "metric_value", "metric.unit": "metric_unit", "due": "due",
                 "actual": "actual_value", "actual.unit": "actual_unit", "achievement_rate": "achievement_rate",
                 "evaluation": "evaluation", "grade": "grade", "relative": "relative_change",
                 "relative.change_percent": "relative_change", "relative.baseline": "relative_baseline_value",
                 "relative.baseline.unit": "relative_baseline_unit", "interim_status": "interim_status"}


def is_sengen_csv(text: str) -> bool:
    """Whether ``text`` begins with the header sengen's CSV writes (any version of it)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return first.startswith(",".join(WITHOUT_DIRECTOR))


def _unquote(cell: str) -> str:
    if cell.startswith(opendata.QUOTE) and cell[1:].startswith(opendata.QUOTED_STARTS):
        return cell[1:]
    return cell


def _number(cell: str) -> int | float | str | None:
    if cell == "":
        return None
    try:
        # int() refuses more than 4,300 digits (ValueError): such a cell stays text, and the
        # report's limits refuse it at its JSON path like any value past them.
        value = int(cell) if _INTEGER.fullmatch(cell) else float(cell)
    except ValueError:
        return _unquote(cell)  # a producer's text where a number belongs: normalise says where
    return value if isinstance(value, int) or math.isfinite(value) else cell


def _lines(cell: str) -> list[str]:
    return cell.split("\n") if cell else []


def _quantity(value, unit: str) -> dict | None:
    if value is None:
        return None
    return {"value": value, "unit": unit}


def _header_keys(header: list[str], source: str) -> tuple[str, ...]:
    """The keys of ``header``'s columns; a header that is not one sengen writes is refused at the
    first column that differs, naming the label expected there."""
    labels = tuple(header)
    if labels in (V1_LABELS, WITHOUT_DIRECTOR):
        return V1_KEYS[:len(labels)]
    if labels == V1_LABELS + V2_LABELS:
        return V1_KEYS + V2_KEYS
    if labels == V1_LABELS + V2_WITHOUT_FORM:
        raise ParseError("csv_v2", source=source, line=1)
    expected = V1_LABELS + V2_LABELS if len(labels) > len(V1_LABELS) else V1_LABELS
    for i, want in enumerate(expected):
        if i >= len(labels):
            raise ParseError("csv_column_missing", source=source, line=1, label=want, index=i + 1)
        if labels[i] != want:
            raise ParseError("csv_column", source=source, line=1, index=i + 1, expected=want, found=labels[i][:50])
    raise ParseError("csv_column_extra", source=source, line=1, index=len(expected) + 1,
                     found=labels[len(expected)][:50])


def _records(text: str, source: str) -> tuple[tuple[str, ...], list[tuple[int, dict]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        keys = _header_keys(next(reader, []), source)
        out = []
        # The line a record starts on, as an editor numbers them (a cell may hold line breaks).
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(record):
                continue
            if len(record) != len(keys):
                raise ParseError("csv_cells", source=source, line=line, count=len(record), expected=len(keys))
            out.append((line, {k: (_number(v) if k in NUMBER_KEYS else _unquote(v))
                               for k, v in zip(keys, record, strict=True)}))
    except csv.Error as exc:
        raise ParseError("csv_syntax", source=source, line=reader.line_num, detail=str(exc)) from None
    if not out:
        raise ParseError("csv_no_rows", source=source)
    return keys, out


class _Form:
    """The words of the form a /2 CSV names, read back to what the report holds."""

    def __init__(self, code: str | None, line: int, source: str, form=None, forms=None):
        known = list(forms) if forms is not None else []
        known += [f for f in presets().values() if all(f.code != k.code for k in known)]
        if form is not None and code is not None and form.code != code:
            raise ParseError("csv_form_other", source=source, line=line, cell=LABELS["form_code"],
                             name=code, form=form.code)
        if form is None and code is not None:
            # The city's registered forms come first in ``forms`` (declarations.forms_known).
            form = next((f for f in known if f.code == code), None)
            if form is None:
                raise ParseError("csv_form_unknown", source=source, line=line, cell=LABELS["form_code"],
                                 name=code, known="、".join(sorted({f.code for f in known})))
        self.form = form
        scale = scale_of(form) if form is not None else None
        self.grades = {name: g.code for g in scale.grades for name in (g.label, g.code)} if scale else None
        levels = (form.interim_levels if form is not None else None) or {}
        self.interim = {**{s: s for s in INTERIM_WORDS}, **{w: s for s, w in INTERIM_WORDS.items()},
                        **{w: s for s, w in levels.items()}}


def _sdgs(cell: str, where: dict) -> list[int]:
    goals = cell.split("、") if cell else []
    if not all(_SDG.fullmatch(g) for g in goals):
        raise ParseError("csv_value", **where, expected=CSV_EXPECTED["sdgs"], found=cell[:50])
    return [int(g) for g in goals]


def _extra(cell: str, where: dict) -> list[dict]:
    """「label: item」 lines back to ``extra`` (an entry without items was written 「label:」);
    consecutive lines of one label are one entry, a line with neither continues the item above."""
    out: list[dict] = []
    for line in _lines(cell):
        label, sep, item = line.partition(": ")
        if sep:
            if out and out[-1]["label"] == label:
                out[-1]["items"].append(item)
            else:
                out.append({"label": label, "items": [item]})
        elif line.endswith(":") and line[:-1]:
            out.append({"label": line[:-1], "items": []})
        elif out and out[-1]["items"]:
            out[-1]["items"][-1] += "\n" + line
        else:
            raise ParseError("csv_value", **where, expected=CSV_EXPECTED["extra"], found=line[:50])
    return out


def _preamble(cell: str, where: dict) -> list[dict]:
    """The 前文 cell (renderers/rows.py's ``preamble_cell``) back to the report's blocks."""
    blocks: list[dict] = []
    for line in _lines(cell):
        if line.startswith("【") and line.endswith("】") and len(line) >= 2:
            blocks.append({"label": line[1:-1], "items": [], "sdgs": []})
        elif blocks and line.startswith("SDGs: ") and not blocks[-1]["items"] and not blocks[-1]["sdgs"]:
            blocks[-1]["sdgs"] = _sdgs(line[len("SDGs: "):], where)
        elif blocks and line.startswith("・"):
            blocks[-1]["items"].append(line[1:])
        elif blocks and blocks[-1]["items"]:
            blocks[-1]["items"][-1] += "\n" + line  # an item's own line break
        else:
            raise ParseError("csv_value", **where, expected=CSV_EXPECTED["preamble"], found=line[:50])
    return blocks


def _word(words: dict | None, cell, where: dict) -> str | None:
    """A grade or an interim status as the form words it, back to what the report holds; as
    written where the form's words are not known here (a scale only the database has)."""
    if cell in ("", None):
        return None
    if words is None or cell in words:
        return words[cell] if words is not None else cell
    raise ParseError("csv_word", **where, known=" / ".join(dict.fromkeys(words)), found=str(cell)[:50])


def _target(row: dict, words: _Form | None, where: dict) -> dict:
    evaluation = row["evaluation"]
    target = {
        "text": row["target"],
        "metric": _quantity(row["metric_value"], row["metric_unit"]),
        "due": row["due"] or None,
        "actual": _quantity(row["actual_value"], row["actual_unit"]),
        "achievement_rate": row["achievement_rate"],
        "evaluation": EVALUATIONS.get(evaluation, evaluation or "not_evaluated"),
        "grade": row["grade"] or None,
    }
    if words is not None:
        change, baseline = row["relative_change"], _quantity(row["relative_baseline_value"],
                                                             row["relative_baseline_unit"])
        target["relative"] = (None if change is None and baseline is None
                              else {"change_percent": change, "baseline": baseline})
        target["interim_status"] = _word(words.interim, row["interim_status"],
                                         dict(where, cell=LABELS["interim_status"]))
    return target


def _initiative(own: dict, words: _Form | None, where: dict) -> dict:
    out = {
        "number": own["number"],
        "title": own["title"],
        "sections": own["sections"].split("、") if own["sections"] else [],
        "content": _lines(own["content"]),
        "targets": [],
        "results": _lines(own["results"]),
        "future_direction": _lines(own["future_direction"]),
        "achievement_status": _lines(own["achievement_status"]),
    }
    if words is not None:
        out.update({key: _lines(own[key]) for key in V2_LISTS})
        out["grade"] = _word(words.grades, own["initiative_grade"],
                             dict(where, cell=LABELS["initiative_grade"]))
        out["grade_reason"] = own["grade_reason"] or None
        out["sdgs"] = _sdgs(own["sdgs"], dict(where, cell=LABELS["sdgs"]))
        out["extra"] = _extra(own["extra"], dict(where, cell=LABELS["extra"]))
    return out


def _place(path: str, places: dict[str, tuple[int, str]]) -> dict:
    """The row and column a refused JSON path was read from: its longest prefix that names one."""
    while path:
        if path in places:
            line, key = places[path]
            return {"line": line, "cell": LABELS[key]}
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return {}


def parse_csv(text: str, *, source: str = "<csv>", form=None, forms=None) -> dict:
    """The report sengen's CSV ``text`` holds, normalised; ``ParseError`` with the line (and the
    column) otherwise. ``forms``: the forms a /2 report's 様式 is looked up among (the city's
    registered ones first), presets when None; ``form``: the one it must be in."""
    keys, records = _records(text, source)
    v2 = "form_code" in keys
    first_line, first = records[0]
    places: dict[str, tuple[int, str]] = {f"$.{path}": (first_line, key) for path, key in _TOP_CELLS.items()}
    places["$"] = (first_line, "municipality")
    words = None
    if v2:
        code = first["form_code"] or None
        words = _Form(code, first_line, source, form=form, forms=forms)
    initiatives: list[dict] = []
    report_keys = REPORT_KEYS + (V2_REPORT_KEYS if v2 else ())
    own_keys = INITIATIVE_KEYS + (V2_INITIATIVE_KEYS if v2 else ())
    for line, row in records:
        for key in report_keys:
            if row.get(key, "") != first.get(key, ""):
                raise ParseError("csv_several_reports", source=source, line=line, first=first_line, what=LABELS[key])
        if v2 and line != first_line and row["preamble"] not in ("", first["preamble"]):
            raise ParseError("csv_several_reports", source=source, line=line, first=first_line,
                             what=LABELS["preamble"])
        own = {key: row[key] for key in own_keys}
        if row["target_number"] in (None, 1) or not initiatives or own != initiatives[-1][0]:
            path = f"$.initiatives[{len(initiatives)}]"
            where = {"source": source, "line": line}
            initiatives.append((own, _initiative(own, words, where)))
            places[path] = (line, "title")
            places.update({f"{path}.{field}": (line, key) for field, key in _INITIATIVE_CELLS.items()})
        if row["target_number"] is not None:
            targets = initiatives[-1][1]["targets"]
            path = f"$.initiatives[{len(initiatives) - 1}].targets[{len(targets)}]"
            places[path] = (line, "target")
            places.update({f"{path}.{field}": (line, key) for field, key in _TARGET_CELLS.items()})
            targets.append(_target(row, words, {"source": source, "line": line}))
    document = first["document"]
    doc = {
        "schema": "sengen.report/2" if v2 else "sengen.report/1",
        "municipality": first["municipality"] or None,
        "fiscal_year": first["fiscal_year"],
        "fiscal_year_label": first["fiscal_year_label"],
        "document": DOCUMENTS.get(document, document),
        "department": first["department"],
        "director": {"title": first.get("director_title", ""), "name": first.get("director_name", "")},
        "initiatives": [initiative for _, initiative in initiatives],
    }
    if v2:
        code, version = first["form_code"], first["form_version"]
        doc.update(form=None if not code else {"code": code, "version": version},
                   unit_kind=first["unit_kind"] or None, declared_on=first["declared_on"] or None,
                   preamble=_preamble(first["preamble"], {"source": source, "line": first_line,
                                                          "cell": LABELS["preamble"]}))
    try:
        return normalise(doc)
    except ReportError as exc:
        raise ParseError("report_refused", source=source, path=exc.path, detail=exc.message,
                         **_place(exc.path, places)) from None
