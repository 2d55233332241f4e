"""Both readers' field accuracy on layouts nobody here made.

    .venv/bin/python bench/independent.py [--seed 1] [--count 40] [--held-out] [--show N]

Each report is laid out as a PDF by ``tests/fixtures/independent/layout.py`` (ReportLab,
drawn by hand: its own column widths, fonts, line breaking, rules, header rows repeated at
page breaks and mid-page, rows split across pages), then read

- by the PDF reader (``parse_bytes`` on the PDF), and
- by the text reader on the PDF's text as a city gets it: ``pdftotext -layout`` and plain
  ``pdftotext`` (Debian's poppler-utils; skipped with a message when it is not installed)
  and pdfminer's ``pdf2txt`` (its default layout analysis).

Every field of the expected document (each string of each list, title, sections, each
target's text, metric, due date, evaluation …) is compared with what was read at the same
place; a field read that the document does not have counts as a wrong one. Prints, per
reader: files read exactly, fields matched / total, files refused (with their messages) and
files read with wrong fields (the worst outcome: nothing said it went wrong).

The tuning share and the held-out share (``--held-out``) differ in documents and in layout
parameter ranges (``HELD_OUT_DOCUMENTS``, ``HELD_OUT`` in layout.py); the held-out share was
never looked at while the readers were tuned.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "independent"))

import layout  # noqa: E402
from tests.parsers.compare import _same, load_expected  # noqa: E402

from sengen.parsers import ParseError, parse_bytes  # noqa: E402


def documents(held_out: bool) -> dict[str, Path]:
    paths = [p for p in sorted((ROOT / "tests" / "fixtures" / "reports").glob("*.json")) if p.name != "layouts.json"]
    paths.append(ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json")
    paths += sorted((layout.HERE / "docs").glob("*.json"))
    return {p.stem: p for p in paths if (p.stem in layout.HELD_OUT_DOCUMENTS) == held_out}


def leaves(value, path: str = "$") -> dict[str, object]:
    """Every field of a document by its JSON path: each string of a list, each key of a target."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, sub in value.items():
            out.update(leaves(sub, f"{path}.{key}"))
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for i, sub in enumerate(value):
            out.update(leaves(sub, f"{path}[{i}]"))
        return out or {path: []}
    return {path: value}


def score(got: dict, want: dict) -> tuple[int, int, list[str]]:
    """(fields matched, fields in all, the first wrong ones)."""
    g, w = leaves(got), leaves(want)
    matched = sum(1 for k, v in w.items() if k in g and _same(g[k], v))
    wrong = [f"{k}: {g.get(k)!r} ≠ {v!r}" for k, v in w.items() if not (k in g and _same(g[k], v))]
    extra = [k for k in g if k not in w]
    return matched, len(w) + len(extra), wrong + [f"{k}: unexpected" for k in extra]


def pdftotext(data: bytes, *, keep_layout: bool) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if keep_layout else []), str(src), "-"]
        return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout.decode("utf-8")


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    return extract_text(io.BytesIO(data), laparams=LAParams())


def readers() -> dict[str, object]:
    out: dict[str, object] = {"pdf": None}
    if shutil.which("pdftotext"):
        out["text (pdftotext -layout)"] = lambda d: pdftotext(d, keep_layout=True)
        out["text (pdftotext)"] = lambda d: pdftotext(d, keep_layout=False)
    else:
        print("pdftotext not found (Debian's poppler-utils): its two text extractions are skipped", file=sys.stderr)
    out["text (pdfminer)"] = pdfminer_text
    return out


def corpus(seed: int, count: int, held_out: bool):
    """``count`` (name, expected, layout, PDF) laid out from seed ``seed``."""
    docs = documents(held_out)
    rng = random.Random(f"{seed}-{'held-out' if held_out else 'tuning'}")
    names = sorted(docs)
    for i in range(count):
        name = names[i % len(names)]
        raw = json.loads(docs[name].read_text(encoding="utf-8"))
        lay = layout.random_layout(rng, raw, held_out=held_out)
        yield f"{name}#{i}", load_expected(docs[name]), lay, layout.draw(raw, lay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=40, help="layouts (PDFs) to make")
    parser.add_argument("--held-out", action="store_true", help="the held-out documents and layout ranges")
    parser.add_argument("--show", type=int, default=0, help="print the first N wrong fields of each miss")
    parser.add_argument("--only", default="", help="only the readers whose name contains this")
    parser.add_argument("--keep", type=Path, help="write each PDF and text here")
    args = parser.parse_args(argv)
    share = "held-out" if args.held_out else "tuning"
    print(f"independent layouts, {share} share, seed {args.seed}, {args.count} PDFs")
    stats = {name: collections.Counter() for name in readers() if args.only in name}
    refusals: dict[str, collections.Counter] = {name: collections.Counter() for name in stats}
    for label, want, lay, data in corpus(args.seed, args.count, args.held_out):
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{label}.pdf").write_bytes(data)
        for name, extract in readers().items():
            if name not in stats:
                continue
            s = stats[name]
            s["files"] += 1
            source = f"{label}.pdf" if extract is None else f"{label}.txt"
            payload = data if extract is None else extract(data).encode("utf-8")
            if args.keep and extract is not None:
                (args.keep / f"{label}.{name.split('(')[1].rstrip(')').replace(' ', '')}.txt").write_bytes(payload)
            _, total, _ = score({}, want)
            try:
                got = parse_bytes(payload, source=source)
            except ParseError as exc:
                s["refused"] += 1
                s["total"] += total
                refusals[name][exc.message.split(": ", 1)[-1][:70]] += 1
                continue
            matched, total, wrong = score(got, want)
            s["matched"] += matched
            s["total"] += total
            if wrong:
                s["wrong"] += 1
                if args.show:
                    print(f"  {name} {label} {json.dumps({k: lay[k] for k in ('page', 'font', 'size', 'kinsoku')})}")
                    for line in wrong[:args.show]:
                        print(f"      {line[:160]}")
            else:
                s["exact"] += 1
    print(f"{'reader':<28}{'exact':>10}{'fields':>16}{'%':>8}{'refused':>9}{'wrong':>7}")
    for name, s in stats.items():
        pct = 100 * s["matched"] / s["total"] if s["total"] else 0.0
        print(f"{name:<28}{s['exact']:>5}/{s['files']:<4}{s['matched']:>8}/{s['total']:<7}{pct:>7.1f}%"
              f"{s['refused']:>9}{s['wrong']:>7}")
    for name, counts in refusals.items():
        for message, n in counts.most_common(4):
            print(f"  {name} refused ×{n}: {message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
