"""Grades from sengen's own workbook: the official table of many forms (the seed's among them)
prints no grade per target, but the workbook sengen writes carries the open-data sheet データ
beside it, one row per target with 評価区分. Reading a workbook back, the grades the table lacks
are taken from that sheet, so an XLSX round trip keeps every grade.

The sheet is trusted only where it tells the same report as the table: every row's 取組名 and
達成目標 in the table's order. A workbook someone edited (a target reworded in the table, rows
added) keeps what the table says and no grade from the sheet; a grade the table prints wins.
"""

from __future__ import annotations

import copy
import io

from sengen.core import opendata
from sengen.core.report import ReportError, normalise

DATA_SHEET = "データ"
_LABELS = {c.key: c.label for c in opendata.V1}


def _sheet_rows(data: bytes) -> list[tuple] | None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if DATA_SHEET not in wb.sheetnames:
            return None
        # The parse's own budget (limits.py) bounds the time; the sheet of a report is short.
        return list(wb[DATA_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()


def with_grades(report: dict, data: bytes) -> dict:
    """``report`` (read from the workbook ``data``'s table) with the grades of its データ sheet
    filled in where the table gave none; unchanged where the sheet is not sengen's or differs."""
    try:
        rows = _sheet_rows(data)
    except Exception:  # noqa: BLE001 — the table was read; a sheet beside it adds, never refuses
        return report
    if not rows:
        return report
    header = [str(v) if v is not None else "" for v in rows[0]]
    try:
        at = {key: header.index(_LABELS[key]) for key in ("title", "target_number", "target", "grade")}
    except ValueError:
        return report
    sheet = [(row[at["title"]] or "", row[at["target"]] or "", row[at["grade"]])
             for row in rows[1:] if len(row) > max(at.values()) and row[at["target_number"]] is not None]
    table = [(initiative, target) for initiative in report["initiatives"] for target in initiative["targets"]]
    if len(sheet) != len(table) or any((str(title), str(text)) != (initiative["title"], target["text"])
                                       for (title, text, _), (initiative, target) in zip(sheet, table, strict=True)):
        return report
    filled = copy.deepcopy(report)
    targets = [target for initiative in filled["initiatives"] for target in initiative["targets"]]
    for (_, _, grade), target in zip(sheet, targets, strict=True):
        if target.get("grade") is None and grade not in (None, ""):
            target["grade"] = str(grade)
    try:
        return normalise(filled)  # a grade typed into the sheet meets the same limits as any
    except ReportError:
        return report
