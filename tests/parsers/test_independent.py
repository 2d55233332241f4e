"""The readers on layouts made by an independent generator (tests/fixtures/independent).

A regression guard on the tuning share only (bench/independent.py measures more, and the
held-out share apart); the figures asserted are what the readers reach today."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "independent"))
sys.path.insert(0, str(ROOT / "bench"))

import independent  # noqa: E402
import layout  # noqa: E402

from sengen.parsers import parse_bytes  # noqa: E402

from .compare import differences, load_expected  # noqa: E402

REPORTS = ROOT / "tests" / "fixtures" / "reports"


def _layout(name: str, seed: int, **overrides) -> tuple[dict, dict]:
    raw = json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8"))
    lay = layout.random_layout(random.Random(seed), raw)
    lay.update(overrides)
    return raw, lay


@pytest.mark.parametrize("gap", [0.0, 10.0])
def test_header_repeated_mid_page_is_a_header(gap):
    # A table restarted in the middle of a page: its header row again, right under the last
    # row (one table) or after a gap (a second table on the page, once refused with
    # 「No. の欄に取組の番号がありません（「No.」と書かれています）」).
    raw, lay = _layout("r01-somu-achievement", 2, page="A3L", size=9.0, restart_mid_page=False,
                       restart_at=[1, 2, 3], restart_gap=gap, repeat_header=True)
    data = layout.draw(raw, lay)
    got = parse_bytes(data, source="restarted.pdf")
    assert differences(got, load_expected(REPORTS / "r01-somu-achievement.json")) == []


def test_naive_line_break_leaves_punctuation_in_its_cell():
    # Without kinsoku a 。 or 、 may start a cell's line; only one that starts left of the
    # rule was hung there by the cell on the left.
    raw, lay = _layout("r02-kodomo-achievement", 4, kinsoku=False)
    got = parse_bytes(layout.draw(raw, lay), source="naive.pdf")
    assert differences(got, load_expected(REPORTS / "r02-kodomo-achievement.json")) == []


def test_pdf_reader_accuracy_on_independent_layouts():
    exact = matched = total = 0
    for _label, want, _lay, data in independent.corpus(seed=1, count=12, held_out=False):
        try:
            got = parse_bytes(data, source="independent.pdf")
        except Exception:  # noqa: BLE001 — a refusal counts as every field wrong
            total += independent.score({}, want)[1]
            continue
        m, t, wrong = independent.score(got, want)
        matched, total, exact = matched + m, total + t, exact + (not wrong)
    assert exact >= 10
    assert matched / total >= 0.99
