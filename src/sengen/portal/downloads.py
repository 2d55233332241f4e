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

The key is the document, the form it is laid out in when that is not the one the document
itself names (a city's own stored form: two forms never share a file, and a new version of the
form is another key) and the renderers' own code (a deploy that changes the layout draws anew,
even with a shared cache on disk).

Publishing or correcting a report draws its PDF and XLSX ahead (``draw_ahead``, started by the
portal app once the transaction commits), one file at a time in one background thread, so the
first citizen to ask rarely meets the 503.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from sengen.core import forms as core_forms
from sengen.core.report import dumps, normalise
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


def own_form(doc: dict, form: core_forms.Form | None) -> core_forms.Form | None:
    """``form`` when the renderers could not find it from ``doc`` alone (a city's own stored
    form, or a version other than the preset's), else None: a preset or the seed's form is what
    ``core.forms.form_of`` gives the renderers anyway, and leaving it out keeps the keys (and the
    files drawn) of every report in a preset as they were."""
    if form is None or form == core_forms.form_of(doc):
        return None
    return form


def cache_key(doc: dict, fmt: str, form: core_forms.Form | None = None) -> str:
    form = own_form(doc, form)
    # The definition itself, not a database id: an id can name another definition after a
    # restore, and the same definition stored twice draws the same file.
    shape = "" if form is None else core_forms.form_to_json(form)
    material = f"{fmt}\n{_renderers_stamp()}\n{dumps(doc)}\n{shape}".encode()
    return f"sengen:download:{hashlib.sha256(material).hexdigest()}"


def render_out_of_process(doc: dict, fmt: str, form: core_forms.Form | None = None) -> bytes:
    """The file, drawn by ``python -m sengen.renderers`` (pure Python, no Django): a child has its
    own memory and GIL, can be niced, and can be killed when it overruns. A form the child could
    not find from the document (``own_form``) goes with it on stdin (``--with-form``)."""
    command = [sys.executable, "-m", "sengen.renderers", fmt, "--nice", str(RENDER_NICE)]
    payload = dumps(doc)
    if form is not None:
        command.append("--with-form")
        payload = json.dumps({"document": normalise(doc), "form": core_forms.form_to_dict(form)}, ensure_ascii=False)
    done = subprocess.run(command, input=payload.encode(), capture_output=True,
                          timeout=RENDER_BUDGET_SECONDS, check=False)
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError((said[-1] if said else f"exit status {done.returncode}")[:500])
    return done.stdout


# --------------------------------------------------------------------------- one drawing per key

# The claim outlives the budget a little, so a worker killed mid-drawing does not leave the key
# claimed for ever, nor free it while the child may still be running.
CLAIM_SECONDS = RENDER_BUDGET_SECONDS + 30
_held: set[str] = set()  # the claims this process holds, released at exit (see _release_held)


def _lock_path(key: str) -> Path | None:
    """Where the claim of ``key`` is a file, or None when the cache's own ``add`` is atomic.

    Django's file-based cache (SENGEN_CACHE_DIR, shared by the gunicorn workers) implements
    ``add`` as "has_key, then set": two workers missing the same key at once would both claim it
    and both draw. There the claim is a file created with O_CREAT|O_EXCL in the cache's
    directory, which the kernel creates for exactly one process (the cache's own files end in
    .djcache, so its culling and clear() leave these alone). The local-memory cache's ``add``
    holds its lock (and is one process's anyway); memcached's and Redis's are atomic on the
    server."""
    config = settings.CACHES.get("default", {})
    if not config.get("BACKEND", "").endswith(".FileBasedCache"):
        return None
    return Path(config["LOCATION"]) / f"sengen-drawing-{key.rsplit(':', 1)[-1]}.lock"


def _claim(key: str) -> bool:
    """Whether this process is the one to draw ``key`` (every other process is refused until
    ``_release``, or until the claim is older than CLAIM_SECONDS: its worker died mid-drawing)."""
    path = _lock_path(key)
    if path is None:
        claimed = cache.add(f"{key}:drawing", True, CLAIM_SECONDS)
    else:
        claimed = _claim_file(path)
    if claimed:
        _held.add(key)
    return claimed


def _claim_file(path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            pass
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            continue  # released meanwhile: try once more
        if age < CLAIM_SECONDS:
            return False
        # Stale. Renaming it aside succeeds for one process only; the winner then claims afresh.
        # (Two workers that both read the same stale age in the same instant may still both
        # draw: one extra drawing of the same file, never a wrong one.)
        aside = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.stale")
        try:
            path.rename(aside)
        except FileNotFoundError:
            return False  # another process took it over
        aside.unlink(missing_ok=True)
    return False


def _release(key: str) -> None:
    _held.discard(key)
    path = _lock_path(key)
    if path is None:
        cache.delete(f"{key}:drawing")
    else:
        path.unlink(missing_ok=True)


@atexit.register
def _release_held() -> None:
    """A process that exits mid-drawing (``sengen import`` ending, a worker restarted) abandons
    its drawings: their claims go with it, so the next request starts the drawing again rather
    than answering "being drawn" until the claim goes stale."""
    for key in list(_held):
        try:
            _release(key)
        except Exception:  # noqa: BLE001 — at exit, a claim left behind only goes stale
            pass


def _draw(key: str, doc: dict, fmt: str, form: core_forms.Form | None = None) -> None:
    # Called with two arguments when there is no form of its own (tests stand in for it).
    _keep(key, fmt, lambda: render_out_of_process(doc, fmt) if form is None else render_out_of_process(doc, fmt, form))


def _keep(key: str, fmt: str, make) -> None:
    """Draws with ``make`` (in the caller's thread) and keeps the file, or the failure, under ``key``."""
    try:
        data = make()
    except Exception as exc:  # noqa: BLE001 — whatever went wrong, the URL must not retry per request
        log.warning("drawing %s %s failed: %s", fmt, key, exc)
        cache.set(f"{key}:failed", str(exc)[:500] or type(exc).__name__, FAILED_SECONDS)
    else:
        cache.set(key, data, RENDERED_SECONDS)
    finally:
        _release(key)


_threads: list[threading.Thread] = []


def wait_for_drawings(timeout: float | None = None) -> None:
    """Waits for the drawings this process started, ahead ones included (tests; a clean shutdown)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while _threads:
        _threads.pop().join(timeout)
    while _ahead.unfinished_tasks and (deadline is None or time.monotonic() < deadline):
        time.sleep(0.01)


# --------------------------------------------------------------------------- drawing ahead

# One queue and one thread: a folder import that publishes a thousand reports draws them one
# after another, not two thousand child processes at once.
_ahead: queue.Queue[tuple[dict | str, str, core_forms.Form | None]] = queue.Queue()
_ahead_lock = threading.Lock()
_ahead_thread: threading.Thread | None = None


def _drawing_ahead() -> None:
    while True:
        doc, fmt, form = _ahead.get()
        try:
            # A year's ZIP comes as its payload (draw_year_ahead), a report's file as its document.
            key = year_cache_key(doc) if fmt == YEAR_ZIP else cache_key(doc, fmt, form)
            # A request may have drawn it, or be drawing it, meanwhile; a failure stays failed.
            if cache.get(key) is None and cache.get(f"{key}:failed") is None and _claim(key):
                if fmt == YEAR_ZIP:
                    _keep(key, fmt, functools.partial(year_zip_out_of_process, doc))
                else:
                    _draw(key, doc, fmt, form)
        except Exception:  # noqa: BLE001 — ahead of time is a favour: the request draws it anyway
            log.exception("drawing ahead %s failed", fmt)
        finally:
            _ahead.task_done()


def draw_ahead(doc: dict, form: core_forms.Form | None = None) -> None:
    """Queues the PDF and XLSX of ``doc`` (a public document) in ``form`` (the declaration's:
    ``portal.selectors.report_form``) to be drawn in the background.
    Skipped when downloads are drawn inline (tests, scripts): there the request draws at once."""
    if getattr(settings, "SENGEN_DOWNLOADS_INLINE", False):
        return
    form = own_form(doc, form)
    for fmt in sorted(RENDERED_FORMATS):
        _ahead.put((doc, fmt, form))
    _start_drawing_ahead()


def draw_year_ahead(year) -> None:
    """Queues the year's ZIP (``declarations.opendata.YearReports``, read by the caller in its own
    thread: the drawing thread touches no database) after the files queued before it."""
    if getattr(settings, "SENGEN_DOWNLOADS_INLINE", False):
        return
    _ahead.put((year_payload(year), YEAR_ZIP, None))
    _start_drawing_ahead()


def _start_drawing_ahead() -> None:
    global _ahead_thread
    with _ahead_lock:
        if _ahead_thread is None or not _ahead_thread.is_alive():
            _ahead_thread = threading.Thread(target=_drawing_ahead, name="sengen-draw-ahead", daemon=True)
            _ahead_thread.start()


def _render_here(doc: dict, fmt: str, form: core_forms.Form | None) -> bytes:
    # Without a form of its own the call is the one it always was (tests stand in for it).
    return render_document(doc, fmt) if form is None else render_document(doc, fmt, form=form)


def download(doc: dict, fmt: str, form: core_forms.Form | None = None) -> bytes | Pending:
    """The file's bytes, or ``Pending`` when it is being drawn or could not be. ``form`` is the
    form the report is laid out in (the declaration's; None: the one the document names)."""
    form = own_form(doc, form)
    if fmt not in RENDERED_FORMATS:
        return _render_here(doc, fmt, form)
    key = cache_key(doc, fmt, form)
    data = cache.get(key)
    if data is not None:
        return data
    if getattr(settings, "SENGEN_DOWNLOADS_INLINE", False):
        # Tests and one-off scripts: drawn here and now, as before.
        data = _render_here(doc, fmt, form)
        cache.set(key, data, RENDERED_SECONDS)
        return data
    if cache.get(f"{key}:failed") is not None:
        return Pending(failed=True, retry_after=FAILED_SECONDS)
    if _claim(key):
        thread = threading.Thread(target=_draw, args=(key, doc, fmt, form), name=f"sengen-draw-{fmt}", daemon=True)
        _threads.append(thread)
        thread.start()
    return Pending(failed=False, retry_after=RETRY_AFTER_SECONDS)


# --------------------------------------------------------------------------- the year's ZIP

YEAR_ZIP = "zip"

def year_payload(year) -> str:
    """What the child (``python -m sengen.renderers.opendata``) reads: a ``declarations.opendata.
    YearReports`` as JSON, each report with its form's definition."""
    return json.dumps({
        "reports": [{"document": doc, "form": core_forms.form_to_dict(form)} for doc, form in year.reports],
        **year.zip_arguments(), "created": year.created.isoformat(),
    }, ensure_ascii=False, sort_keys=True)


def year_cache_key(payload: str) -> str:
    """The year's publications (their documents and forms), its date and license, and the
    renderers' code: a new publication or correction is another ZIP."""
    material = f"zip\n{_renderers_stamp()}\n{payload}".encode()
    return f"sengen:download:{hashlib.sha256(material).hexdigest()}"


def year_zip_out_of_process(payload: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "sengen.renderers.opendata", "--nice", str(RENDER_NICE)],
                          input=payload.encode(), capture_output=True, timeout=RENDER_BUDGET_SECONDS, check=False)
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError((said[-1] if said else f"exit status {done.returncode}")[:500])
    return done.stdout


def year_zip_download(year) -> bytes | Pending:
    """The year's ZIP (``declarations.opendata.year_reports``), or ``Pending`` while a child
    process draws it (a year's fifteen workbooks take seconds), as for a report's PDF."""
    payload = year_payload(year)
    key = year_cache_key(payload)
    data = cache.get(key)
    if data is not None:
        return data
    if getattr(settings, "SENGEN_DOWNLOADS_INLINE", False):
        from sengen.renderers.opendata import year_zip

        data = year_zip(year.reports, **year.zip_arguments())
        cache.set(key, data, RENDERED_SECONDS)
        return data
    if cache.get(f"{key}:failed") is not None:
        return Pending(failed=True, retry_after=FAILED_SECONDS)
    if _claim(key):
        thread = threading.Thread(target=_keep, args=(key, YEAR_ZIP, lambda: year_zip_out_of_process(payload)),
                                  name="sengen-draw-zip", daemon=True)
        _threads.append(thread)
        thread.start()
    return Pending(failed=False, retry_after=RETRY_AFTER_SECONDS)
