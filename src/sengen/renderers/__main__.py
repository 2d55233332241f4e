"""``python -m sengen.renderers FORMAT [--nice N]``: a sengen.report/1 document on stdin, the
file on stdout; with ``--with-form``, stdin is ``{"document": …, "form": <form_to_dict>}``
(a city's own form, which the child cannot find from the document alone). The web app draws PDFs and workbooks in this child process
(sengen.portal.downloads), so a long drawing costs no worker and can be killed."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import FORMATS, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sengen.renderers")
    parser.add_argument("format", choices=sorted(FORMATS))
    parser.add_argument("--nice", type=int, default=0, help="lower this process's CPU priority by N")
    parser.add_argument("--with-form", action="store_true",
                        help='stdin is {"document": ..., "form": a form definition}')
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    try:
        doc = json.loads(sys.stdin.buffer.read())
        form = None
        if args.with_form:
            from sengen.core.forms import form_from_dict

            doc, form = doc["document"], form_from_dict(doc["form"], source="stdin: form")
        data = render(doc, args.format, form=form)
    except Exception as exc:  # noqa: BLE001 — one line for the parent's log, not a traceback
        print(f"{type(exc).__name__}: {exc}"[:500], file=sys.stderr)
        return 2
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
