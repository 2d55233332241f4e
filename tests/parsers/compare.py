"""Comparing a parsed report with its expected data, field for field.

Text is compared without white space (the spec's rule); a target field the expected
document leaves out must come out as its default (null, or not_evaluated)."""

from __future__ import annotations

import json
from pathlib import Path

from sengen.core.report import normalise
from sengen.core.text import compact


def load_expected(path: Path) -> dict:
    return normalise(json.loads(path.read_text(encoding="utf-8")))


def declaration_of(report: dict) -> dict:
    """The declaration a year-end report was made from: its initiatives and targets (text,
    metric, due) without results, normalised — what a round trip of a declaration compares."""
    doc = {**report, "document": "declaration", "initiatives": []}
    for ini in report["initiatives"]:
        targets = [{"text": t["text"], "metric": t["metric"], "due": t["due"]} for t in ini["targets"]]
        doc["initiatives"].append({**ini, "targets": targets, "results": [], "future_direction": [],
                                   "achievement_status": []})
    return normalise(doc)


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return compact(a) == compact(b)
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 1e-9
    return a == b


def differences(got, want, path: str = "$") -> list[str]:
    """Every place where ``got`` differs from ``want``, as readable lines."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for key in sorted(set(want) | set(got)):
            if key not in got:
                out.append(f"{path}.{key}: missing")
            elif key not in want:
                out.append(f"{path}.{key}: unexpected {got[key]!r}")
            else:
                out += differences(got[key], want[key], f"{path}.{key}")
        return out
    if isinstance(want, list) and isinstance(got, list):
        out = [f"{path}: {len(got)} items, expected {len(want)}"] if len(got) != len(want) else []
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            out += differences(g, w, f"{path}[{i}]")
        return out
    return [] if _same(got, want) else [f"{path}: {got!r}, expected {want!r}"]
