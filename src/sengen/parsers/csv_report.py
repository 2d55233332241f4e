"""sengen's own open-data CSV → ``sengen.report/1``: what ``sengen export --format csv`` and the
portal's CSV download write reads back as the report (docs/report-format.md, "The open-data CSV").

The CSV is one row per target under the header of ``core.opendata.V1``; an initiative's own cells
repeat on each of its rows, and an initiative without targets has one row with 目標番号 empty. A
new initiative starts where 目標番号 is empty or 1. Lists were written one item per line (担当課
joined with 「、」), evaluations as words (達成 …), and text that would start a formula with one
``'`` more, which is taken off again. Only the year-wide CSV of several reports, a /2 document's
CSV (its form and preamble are not in the table) and a CSV with other columns are refused, with
the line that says so.
"""

from __future__ import annotations

import csv
import io
import math
import re

from sengen.core import opendata, workflow
from sengen.core.report import ReportError, normalise

from .errors import ParseError

V1_LABELS = tuple(c.label for c in opendata.V1)
V1_KEYS = tuple(c.key for c in opendata.V1)
V2_LABELS = tuple(c.label for c in opendata.V2)
# Before the declaring director got columns of their own, sengen's CSV ended at 目標達成状況.
WITHOUT_DIRECTOR = V1_LABELS[:-2]
NUMBER_KEYS = frozenset(c.key for c in opendata.V1 if c.type in ("integer", "number"))
# The cells that say which report a row belongs to: the same on every row of one report.
REPORT_KEYS = ("municipality", "fiscal_year", "fiscal_year_label", "document", "department",
               "director_title", "director_name")
INITIATIVE_KEYS = ("number", "title", "sections", "content", "results", "future_direction", "achievement_status")
EVALUATIONS = {label: code for code, label in opendata.EVALUATION_LABELS.items()}
DOCUMENTS = {name: code for code, name in workflow.DOCUMENT_NAMES.items()}
_INTEGER = re.compile(r"-?[0-9]+")


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
    return {"value": value, "unit": unit or None}


def _records(text: str, source: str) -> tuple[list[str], list[tuple[int, dict]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader)
        if tuple(header) not in (V1_LABELS, WITHOUT_DIRECTOR):
            if tuple(header[:len(V1_LABELS)]) == V1_LABELS and tuple(header[len(V1_LABELS):]) == V2_LABELS:
                raise ParseError("csv_v2", source=source)
            raise ParseError("csv_header", source=source, line=1, expected="、".join(V1_LABELS))
        keys = V1_KEYS[:len(header)]
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
    return header, out


def _target(row: dict) -> dict:
    evaluation = row["evaluation"]
    return {
        "text": row["target"],
        "metric": _quantity(row["metric_value"], row["metric_unit"]),
        "due": row["due"] or None,
        "actual": _quantity(row["actual_value"], row["actual_unit"]),
        "achievement_rate": row["achievement_rate"],
        "evaluation": EVALUATIONS.get(evaluation, evaluation or "not_evaluated"),
        "grade": row["grade"] or None,
    }


def parse_csv(text: str, *, source: str = "<csv>") -> dict:
    """The report sengen's CSV ``text`` holds, normalised; ``ParseError`` with the line otherwise."""
    _, records = _records(text, source)
    first_line, first = records[0]
    initiatives: list[dict] = []
    for line, row in records:
        for key in REPORT_KEYS:
            if row.get(key, "") != first.get(key, ""):
                raise ParseError("csv_several_reports", source=source, line=line, first=first_line,
                                 what=next(c.label for c in opendata.V1 if c.key == key))
        own = {key: row[key] for key in INITIATIVE_KEYS}
        if row["target_number"] in (None, 1) or not initiatives or own != initiatives[-1]["_own"]:
            initiatives.append({"_own": own, "targets": []})
        if row["target_number"] is not None:
            initiatives[-1]["targets"].append(_target(row))
    document = first["document"]
    doc = {
        "schema": "sengen.report/1",
        "municipality": first["municipality"] or None,
        "fiscal_year": first["fiscal_year"],
        "fiscal_year_label": first["fiscal_year_label"],
        "document": DOCUMENTS.get(document, document),
        "department": first["department"],
        "director": {"title": first.get("director_title", ""), "name": first.get("director_name", "")},
        "initiatives": [{
            "number": ini["_own"]["number"],
            "title": ini["_own"]["title"],
            "sections": ini["_own"]["sections"].split("、") if ini["_own"]["sections"] else [],
            "content": _lines(ini["_own"]["content"]),
            "targets": ini["targets"],
            "results": _lines(ini["_own"]["results"]),
            "future_direction": _lines(ini["_own"]["future_direction"]),
            "achievement_status": _lines(ini["_own"]["achievement_status"]),
        } for ini in initiatives],
    }
    try:
        return normalise(doc)
    except ReportError as exc:
        raise ParseError("report_refused", source=source, path=exc.path, detail=exc.message) from None
