"""The city's book (issue 12): one PDF of a year's fifteen departments against the fifteen
single-report PDFs it replaces, drawn in the same run. The book is one WeasyPrint document
(contents by target-counter, bookmarks, running headers), so it should cost no more than the
reports drawn one by one (goal ≤ 1.00×).

    .venv/bin/python bench/book.py [--repeat N]      # also part of `make bench` (bench/run.py)
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parents[1]
SEED_JSON = ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"
DEPARTMENTS = ("総務部", "企画部", "財務部", "市民生活部", "経済環境部", "保健福祉部", "子ども部", "都市部",
               "建設部", "上下水道部", "消防本部", "教育部", "議会事務局", "会計課", "行政委員会事務局")


def year_of_reports() -> list[tuple[dict, None]]:
    """The seed report once per department, each under its own name and director."""
    seed = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    reports = []
    for name in DEPARTMENTS:
        doc = copy.deepcopy(seed)
        doc["department"] = name
        doc["director"]["title"] = f"{name}長"
        reports.append((doc, None))
    return reports


def main(repeat: int) -> float:
    from pypdf import PdfReader

    from sengen.renderers import render
    from sengen.renderers.book import render_book

    reports = year_of_reports()
    render(reports[0][0], "pdf")  # warm: WeasyPrint's and the font's first load belongs to neither side
    # Interleaved, each the best of its runs: a machine shared with other work (tests, other
    # people's builds) slows both sides alike rather than whichever happened to run second.
    singles = book = float("inf")
    for _ in range(repeat):
        singles = min(singles, best(lambda: [render(doc, "pdf", form=form) for doc, form in reports], 1))
        book = min(book, best(lambda: render_book(reports), 1))
    pages = len(PdfReader(io.BytesIO(render_book(reports))).pages)
    print(f"The city's book: {len(reports)} departments, best of {repeat}")
    print(f"15 single-report PDFs {singles:8.2f} s")
    print(f"one book ({pages} pages) {book:8.2f} s   ratio {book / singles:.2f}× (goal ≤ 1.00)")
    return book / singles


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    sys.exit(0 if main(parser.parse_args().repeat) <= 1.0 else 1)
