"""What the browser import's budget costs: reading an upload in a child started through the
fork server (``read_upload_limited``) against reading it in the web worker itself, as the
staff import did before. Prints each file's times, the difference and the ratio; asserts
nothing (the test suite has no timed assertions).

    .venv/bin/python bench/upload_budget.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEED = ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    from sengen.parsers import parse_with_provenance, source_pages
    from sengen.parsers.limits import read_upload_limited
    from sengen.renderers import render

    def in_process(data: bytes, name: str):
        doc, where = parse_with_provenance(data, source=name)
        return doc, where, source_pages(data)

    files = [("seed.json", SEED.with_suffix(".json").read_bytes()),
             ("seed.txt", SEED.with_suffix(".txt").read_bytes()),
             ("seed.pdf", SEED.with_suffix(".pdf").read_bytes())]
    files.append(("seed.xlsx", render(parse_with_provenance(files[0][1])[0], "xlsx")))

    started = time.perf_counter()
    read_upload_limited(files[0][1], source="warm-up.json")  # starts the fork server
    print(f"first upload after start (fork server starts, imports the readers): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"{'file':<11}{'bytes':>9}{'in-process ms':>15}{'fork server ms':>16}{'overhead ms':>13}{'ratio':>7}")
    overheads = []
    for name, data in files:
        inside = best(lambda d=data, n=name: in_process(d, n), args.repeat)
        child = best(lambda d=data, n=name: read_upload_limited(d, source=n), args.repeat)
        overheads.append(child - inside)
        print(f"{name:<11}{len(data):>9,}{inside * 1000:>15.1f}{child * 1000:>16.1f}"
              f"{(child - inside) * 1000:>13.1f}{child / inside:>7.2f}")
    print(f"cost of the budget: about {statistics.median(overheads) * 1000:.0f} ms an upload (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
