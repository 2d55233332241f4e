"""How often the text parser reads a report exactly, over many layouts it was not tuned on.

Every report of the test corpus (tests/fixtures/reports/*.json) is laid out again by the
corpus's independent layout model (make_text.py) with column widths shifted, pages of other
heights, rows split across pages or not, hanging indents — and parsed back. Prints the share
read field for field, and the fields that most often go wrong. A measurement, not a test:
`python bench/text_robustness.py [--seed N] [--layouts K] [--held-out]`.

``--held-out`` lays out instead the reports the default run does not (the seed and the
corpus's hand-written texts) from one base layout where 取組内容 and 達成目標 are about as wide
(46 and 44 cells), the hardest case: a check on wording the parser's fixes were not found on.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "reports"))

import make_text  # noqa: E402
from tests.parsers.compare import differences, load_expected  # noqa: E402

from sengen.parsers import ParseError, parse_bytes  # noqa: E402


def variants(base: dict, rng: random.Random, count: int):
    for _ in range(count):
        layout = json.loads(json.dumps(base))
        widths = layout.setdefault("widths", dict(make_text.DEFAULTS["widths"]))
        for key in widths:
            widths[key] = max(16, widths[key] + rng.choice([-6, -4, -2, 0, 2, 4, 6]))
        layout["page_lines"] = rng.choice([18, 22, 26, 30, 36, 44])
        layout["split_rows"] = rng.random() < 0.5
        layout["hanging_indent"] = rng.random() < 0.25
        layout["blank_lines"] = rng.random() < 0.7
        yield layout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layouts", type=int, default=12)
    parser.add_argument("--show", action="store_true", help="print the first differences of each miss")
    parser.add_argument("--held-out", action="store_true", help="the seed and the hand-written reports instead")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    layouts = make_text.load_layouts()
    paths = {name: make_text.HERE / f"{name}.json" for name in layouts}
    if args.held_out:
        base = {"widths": {"title": 26, "content": 46, "targets": 44, "results": 46, "status": 32}}
        paths = {path.stem: path for path in [ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json",
                                              *make_text.HERE.glob("*.json")]
                 if path.stem not in layouts and path.name != "layouts.json"}
        layouts = {name: base for name in paths}
    total = exact = 0
    wrong_fields: collections.Counter[str] = collections.Counter()
    per_report = {}
    for name, base in sorted(layouts.items()):
        path = paths[name]
        want = load_expected(path)
        doc = json.loads(path.read_text(encoding="utf-8"))
        ok = 0
        for layout in variants(base, rng, args.layouts):
            total += 1
            try:
                got = parse_bytes(make_text.render(doc, layout).encode("utf-8"), source=name)
            except ParseError as exc:
                wrong_fields[f"error: {exc.message[:40]}"] += 1
                continue
            diffs = differences(got, want)
            if not diffs:
                exact += 1
                ok += 1
            if diffs and args.show:
                print(name, layout, diffs[:3])
            for d in diffs:
                field = d.split(":")[0]
                field = field.split("].", 1)[-1] if "]." in field else field
                wrong_fields[field.split("[")[0]] += 1
        per_report[name] = ok
    print(f"reports read exactly: {exact}/{total} ({exact / total:.0%})")
    for name, ok in per_report.items():
        print(f"  {name:34s} {ok}/{args.layouts}")
    print("fields most often wrong:", ", ".join(f"{k} ×{v}" for k, v in wrong_fields.most_common(8)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
