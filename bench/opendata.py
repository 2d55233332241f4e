"""The year's open-data ZIP (issue 12, part 3): the demo years (伊勢原市's FY2017 seed report, 架空市's
two reports in its own form, as `sengen demo` loads them) and a generated fifteen-department year
(bench/book.py's), against the same departments' CSV, XLSX and JSON drawn one by one in the same
run — what a citizen downloads separately today. The ZIP adds the year-wide CSV, the
datapackage.json with a hash of every file, and restamping each workbook (goal ≤ 1.50×: the
figures of a shared two-core machine vary by ±25 % from run to run).

    .venv/bin/python bench/opendata.py [--repeat N]      # also part of `make bench` (bench/run.py)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from importlib import resources

from book import year_of_reports
from timing import best

CREATED = datetime(2018, 6, 1, 9, 0, 0)


def demo_years() -> dict[str, list[tuple[dict, None]]]:
    def load(name: str) -> dict:
        return json.loads(resources.files("sengen").joinpath("demo", name).read_text(encoding="utf-8"))

    return {"demo 伊勢原市 (1 department)": [(load("h29-shiminseikatsu-achievement.json"), None)],
            "demo 架空市 (2, own form)": [(load(n), None) for n in ("kakuu-h29-kankyo-achievement.json",
                                                                    "kakuu-h29-kenkofukushi-declaration.json")]}


def main(repeat: int) -> float:
    from sengen.renderers import render
    from sengen.renderers.opendata import year_zip

    years = {**demo_years(), "generated (15 departments)": year_of_reports()}
    print(f"The year's open-data ZIP against each department's CSV + XLSX + JSON, best of {repeat}")
    print(f"{'year':<30}{'singles s':>10}{'ZIP s':>9}{'ratio':>8}{'ZIP KiB':>9}")
    worst = 0.0
    for name, reports in years.items():
        args = {"municipality": reports[0][0].get("municipality") or "", "fiscal_year": reports[0][0]["fiscal_year"],
                "fiscal_year_label": reports[0][0]["fiscal_year_label"], "created": CREATED}
        year_zip(reports, **args)  # warm: openpyxl's first import belongs to neither side
        singles = packed = float("inf")
        for _ in range(repeat):  # interleaved: a busy spell slows both sides alike
            singles = min(singles, best(lambda r=reports: [render(doc, fmt, form=form) for doc, form in r
                                                           for fmt in ("csv", "xlsx", "json")], 1))
            packed = min(packed, best(lambda r=reports, a=args: year_zip(r, **a), 1))
        size = len(year_zip(reports, **args)) / 1024
        worst = max(worst, packed / singles)
        print(f"{name:<30}{singles:>10.3f}{packed:>9.3f}{packed / singles:>7.2f}×{size:>9.0f}")
    print(f"worst ratio {worst:.2f}× (goal ≤ 1.50)")
    return worst


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    sys.exit(0 if main(parser.parse_args().repeat) <= 1.50 else 1)
