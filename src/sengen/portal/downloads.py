"""PDF and XLSX downloads, drawn outside the request and kept.

Drawing a report's PDF takes WeasyPrint about a second, and a report at the limits of
core/limits.py tens of seconds: drawn inside the request, a few clients on one URL would hold
every gunicorn worker (issue 9.2 measured throughput falling from 16.4 to 2.5 requests/s). So a
request never draws. On a cache miss it claims the key (``cache.add``, one claim for every
worker that shares the cache), starts one drawing in a child process and answers 503 with
Retry-After; every request until the file is ready gets the same answer without starting
another. The child runs at a lower CPU priority, within a time budget, and is killed past it; a
drawing that failed or ran out of time is remembered for a while, so the same URL does not
start it again on every request.

The key is the document and the renderers' own code (a deploy that changes the layout draws
anew, even with a shared cache on disk).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from sengen.core.report import dumps
from sengen.renderers import render as render_document

log = logging.getLogger(__name__)

RENDERED_FORMATS = {"pdf", "xlsx"}
RENDERED_SECONDS = 24 * 3600
# A report at the limits takes WeasyPrint 40–60 s on a busy two-core server; past this it is
# stuck or hostile, and the child is killed.
RENDER_BUDGET_SECONDS = 180
# How long a failed drawing is remembered: the same document is not tried again before that
# (a corrected report is another document, another key, and is drawn at once).
FAILED_SECONDS = 3600
# What a 503 tells the client to wait: most reports are drawn in a second or two.
RETRY_AFTER_SECONDS = 5
# The child yields the CPU to the workers answering pages.
RENDER_NICE = 10


@dataclass(frozen=True)
class Pending:
    """Not ready: being drawn (``failed`` False) or failed recently (``failed`` True)."""

    failed: bool
    retry_after: int


@functools.cache
def _renderers_stamp() -> str:
    """A digest of every file of sengen.renderers (code, templates, styles) and of the versions
    of the libraries that draw the files."""
    from importlib import metadata, resources

    digest = hashlib.sha256(" ".join(metadata.version(n) for n in ("weasyprint", "openpyxl")).encode())
    root = resources.files("sengen.renderers")
    for path in sorted((p for p in Path(str(root)).rglob("*") if p.is_file() and "__pycache__" not in p.parts),
                       key=str):
        digest.update(path.relative_to(str(root)).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(doc: dict, fmt: str) -> str:
    material = f"{fmt}\n{_renderers_stamp()}\n{dumps(doc)}".encode()
    return f"sengen:download:{hashlib.sha256(material).hexdigest()}"


def render_out_of_process(doc: dict, fmt: str) -> bytes:
    """The file, drawn by ``python -m sengen.renderers`` (pure Python, no Django): a child has its
    own memory and GIL, can be niced, and can be killed when it overruns."""
    command = [sys.executable, "-m", "sengen.renderers", fmt, "--nice", str(RENDER_NICE)]
    done = subprocess.run(command, input=dumps(doc).encode(), capture_output=True,
                          timeout=RENDER_BUDGET_SECONDS, check=False)
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError((said[-1] if said else f"exit status {done.returncode}")[:500])
    return done.stdout


def _draw(key: str, doc: dict, fmt: str) -> None:
    try:
        data = render_out_of_process(doc, fmt)
    except Exception as exc:  # noqa: BLE001 — whatever went wrong, the URL must not retry per request
        log.warning("drawing %s %s failed: %s", fmt, key, exc)
        cache.set(f"{key}:failed", str(exc)[:500] or type(exc).__name__, FAILED_SECONDS)
    else:
        cache.set(key, data, RENDERED_SECONDS)
    finally:
        cache.delete(f"{key}:drawing")


_threads: list[threading.Thread] = []


def wait_for_drawings(timeout: float | None = None) -> None:
    """Waits for the drawings this process started (tests; a clean shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


def download(doc: dict, fmt: str) -> bytes | Pending:
    """The file's bytes, or ``Pending`` when it is being drawn or could not be."""
    if fmt not in RENDERED_FORMATS:
        return render_document(doc, fmt)
    key = cache_key(doc, fmt)
    data = cache.get(key)
    if data is not None:
        return data
    if getattr(settings, "SENGEN_DOWNLOADS_INLINE", False):
        # Tests and one-off scripts: drawn here and now, as before.
        data = render_document(doc, fmt)
        cache.set(key, data, RENDERED_SECONDS)
        return data
    if cache.get(f"{key}:failed") is not None:
        return Pending(failed=True, retry_after=FAILED_SECONDS)
    # The claim outlives the budget a little, so a worker killed mid-drawing does not leave the
    # key claimed for ever, nor free it while the child may still be running.
    if cache.add(f"{key}:drawing", True, RENDER_BUDGET_SECONDS + 30):
        thread = threading.Thread(target=_draw, args=(key, doc, fmt), name=f"sengen-draw-{fmt}", daemon=True)
        _threads.append(thread)
        thread.start()
    return Pending(failed=False, retry_after=RETRY_AFTER_SECONDS)
