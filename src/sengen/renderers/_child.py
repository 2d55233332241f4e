"""What the renderers' child processes share: the web app draws a year's book or ZIP in
``python -m sengen.renderers.<module> [--nice N]`` so a long drawing costs no worker and can be
killed. stdin is JSON with ``reports``: ``[{"document", "form": a form definition or null}]``
and the drawing's own arguments; stdout is the file; a failure is one line on stderr, exit 2."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable


def child_main(prog: str, draw: Callable[[dict, list[tuple[dict, object]]], bytes], argv: list[str] | None) -> int:
    """Runs ``draw(arguments, reports)`` on what stdin holds, ``reports`` as (document, Form or None)."""
    from sengen.core.forms import form_from_dict

    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--nice", type=int, default=0, help="lower this process's CPU priority by N")
    if (nice := parser.parse_args(argv).nice):
        os.nice(nice)
    try:
        args = json.loads(sys.stdin.buffer.read())
        reports = [(r["document"], None if r.get("form") is None else form_from_dict(r["form"], source="stdin: form"))
                   for r in args["reports"]]
        data = draw(args, reports)
    except Exception as exc:  # noqa: BLE001 — one line for the parent's log, not a traceback
        print(f"{type(exc).__name__}: {exc}"[:500], file=sys.stderr)
        return 2
    sys.stdout.buffer.write(data)
    return 0
