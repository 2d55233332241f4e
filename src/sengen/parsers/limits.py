"""Limits that keep an unusable file from costing more than a clear refusal.

A report is a few pages: a few hundred kilobytes of PDF, a workbook of a few dozen
kilobytes. Files people upload can be anything, though, and three kinds hurt a reader
that trusts them:

* **XLSX bombs**: a workbook is a zip; a few kilobytes can declare gigabytes of XML.
  ``check_zip`` reads only the zip's directory (what every entry claims it inflates to)
  and refuses before openpyxl inflates anything. Claims are binding: ``zipfile``, which
  openpyxl reads through, stops each entry at its declared size (and then fails its CRC),
  so an entry cannot inflate past what was checked here.
* **Files that take forever**: a PDF with a pathological content stream, a table of
  thousands of tiny ruled cells. pdfminer and pdfplumber are pure Python with no hook to
  stop them midway, and a check between pages misses a single slow page. So
  ``parse_path_limited`` runs the whole parse in a child process with a wall-clock budget
  and a memory cap, and kills it when either runs out: robust whatever the reader is
  doing, at the cost of one ``fork`` per file (milliseconds on Linux).
* **Threads**: a web server (runserver, gunicorn's threads) must not ``fork`` itself: the
  child would inherit locks other threads held at that instant. ``read_upload_limited``
  (the staff's browser import) starts its child through a fork server instead: a small
  process, started on first use and reused, that has imported the readers once and forks
  the child from itself. Same budget, same refusals.
* **Memory**: the child's address space is capped (``RLIMIT_AS``), so a flate bomb inside a
  PDF stream ends the child with ``MemoryError``, not the machine.

Everything refused here is a ``ParseError``: one line, the file, what was wrong.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import signal
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

from .errors import ParseError

# --- XLSX (zip) -------------------------------------------------------------------------------

# A report's workbook: a handful of sheets, styles, shared strings. Even a city's whole
# year in one book stays far below these.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL = 100 * 1024 * 1024  # bytes all entries inflate to, together
# XML compresses well, up to some tens of times for repetitive sheets; a bomb is hundreds
# or thousands. The ratio is only judged for entries large enough to matter.
ZIP_MAX_RATIO = 200
ZIP_RATIO_FLOOR = 1024 * 1024

# --- any file -----------------------------------------------------------------------------

PARSE_SECONDS = 60.0
# On top of what the parent process already maps: pdfplumber on a long report needs a few
# hundred MiB at most.
PARSE_MEMORY = 1024 * 1024 * 1024


def check_zip(archive: zipfile.ZipFile, *, source: str) -> None:
    """Refuse a zip whose directory promises more than a report workbook can hold."""
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ParseError("zip_entries", source=source, count=len(entries), limit=ZIP_MAX_ENTRIES)
    total = 0
    for info in entries:
        total += info.file_size
        if info.file_size > ZIP_RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > ZIP_MAX_RATIO:
                raise ParseError("zip_ratio", source=source, name=info.filename, ratio=ratio, size=info.file_size,
                                 limit=ZIP_MAX_RATIO)
    if total > ZIP_MAX_TOTAL:
        raise ParseError("zip_total", source=source, total=total, limit=ZIP_MAX_TOTAL)


# --- PDF ---------------------------------------------------------------------------------------

def check_pdf_pages(data: bytes, *, source: str, max_pages: int) -> None:
    """Refuse a PDF of too many pages from its page tree's /Count, before pdfplumber builds
    a Page for each (20,000 blank pages take some 15 s to build). A file whose catalogue
    cannot be read is left to the reader, which says what is wrong with it."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
    except Exception:  # encrypted, broken, odd: the reader's messages say which
        return
    if isinstance(count, int) and count > max_pages:
        raise ParseError("pdf_pages", source=source, count=count, limit=max_pages)


# --- a budget for one parse -------------------------------------------------------------------

def _context():
    # fork: the child has the parent's imports already (no second start-up of pdfplumber),
    # and needs nothing pickled but the result. Elsewhere spawn, which is slower but works.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


_server_lock = threading.Lock()
_server_context = None


def _threadsafe_context():
    """A context whose children are not forked from this (threaded) process: the fork server,
    started on the first call and reused (it imports the readers once, so a child starts in
    milliseconds), else spawn."""
    global _server_context
    with _server_lock:
        if _server_context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                # Only heard before the server starts. The readers' libraries, which they
                # import lazily, load once here rather than in every child (openpyxl alone
                # takes some 0.2 s); no Django, so the server has no database connection.
                context.set_forkserver_preload(["sengen.parsers", "pdfplumber", "openpyxl",
                                                "pdfminer.pdfdocument"])
            else:
                context = multiprocessing.get_context("spawn")
            _server_context = context
        return _server_context


def _mapped_bytes() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _cap_memory(extra: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time budget still holds
        return
    mapped = _mapped_bytes()
    if mapped is None:
        return
    limit = mapped + extra
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _cap_cpu(seconds: float) -> None:
    # A backstop to the parent's wall clock: should the parent die or stall, a runaway child
    # still stops (SIGXCPU) a little after its budget.
    try:
        import resource
    except ImportError:
        return
    soft = math.ceil(seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _no_core_dump() -> None:
    # A child stopped by its CPU limit (SIGXCPU) would otherwise leave a core file: the
    # uploaded report's bytes, on the server's disk.
    try:
        import resource
    except ImportError:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))


def _child(conn, func: Callable, args: tuple, memory: int, seconds: float) -> None:
    try:
        _no_core_dump()
        _cap_memory(memory)
        _cap_cpu(seconds)
        result = func(*args)
    except ParseError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", ParseError("memory_limit", mib=memory // 2**20)))
    except BaseException as exc:  # a reader's bug must still end in one line, not a hang
        conn.send(("error", ParseError("reader_failed", error=f"{type(exc).__name__}: {exc}"[:300])))
    else:
        conn.send(("ok", result))
    finally:
        conn.close()


def call_with_budget(func: Callable, *args, source: str, seconds: float = PARSE_SECONDS,
                     memory: int = PARSE_MEMORY, threaded: bool = False):
    """``func(*args)`` in a child process that gets ``seconds`` of wall time and ``memory``
    bytes more than the parent maps; its ``ParseError`` is raised here as it was raised there.
    ``threaded``: the caller may run threads (a web server), so the child is not forked from
    it but from the fork server; ``func`` and ``args`` must then pickle (a module's function)."""
    ctx = _threadsafe_context() if threaded else _context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, func, args, memory, seconds), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise ParseError("time_limit", source=source, seconds=seconds)
        try:
            message = receive.recv()
        except EOFError:
            child.join(5)
            if child.exitcode == -getattr(signal, "SIGXCPU", 0):
                raise ParseError("time_limit", source=source, seconds=seconds) from None
            raise ParseError("no_answer", source=source, exitcode=child.exitcode) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if message[0] == "ok":
        return message[1]
    error = message[1]
    raise error if error.source else error.at(source)


def _parse_path(path: str, form, forms) -> dict:
    from . import parse_path

    return parse_path(path, form=form, forms=forms)


def _parse_path_with_provenance(path: str, form, forms) -> tuple[dict, dict[str, dict]]:
    from . import parse_path_with_provenance

    return parse_path_with_provenance(path, form=form, forms=forms)


def parse_path_limited(path: str | Path, *, seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY,
                       form=None, forms=None) -> dict:
    """``parse_path`` within a time and memory budget (see the module's docstring); ``form`` and
    ``forms`` as ``parse_path`` takes them (frozen values: they pickle to the child)."""
    forms = None if forms is None else tuple(forms)
    return call_with_budget(_parse_path, str(path), form, forms, source=str(path), seconds=seconds, memory=memory)


def parse_path_with_provenance_limited(path: str | Path, *, seconds: float = PARSE_SECONDS,
                                       memory: int = PARSE_MEMORY, form=None,
                                       forms=None) -> tuple[dict, dict[str, dict]]:
    """``parse_path_with_provenance`` within the same budget."""
    forms = None if forms is None else tuple(forms)
    return call_with_budget(_parse_path_with_provenance, str(path), form, forms, source=str(path),
                            seconds=seconds, memory=memory)


def _read_upload(data: bytes, source: str, form=None, forms=None) -> tuple[dict, dict[str, dict], list[str]]:
    from . import parse_with_provenance, source_pages

    doc, where = parse_with_provenance(data, source=source, form=form, forms=forms)
    return doc, where, source_pages(data)


def read_upload_limited(data: bytes, *, source: str, seconds: float | None = None,
                        memory: int | None = None, form=None,
                        forms=None) -> tuple[dict, dict[str, dict], list[str]]:
    """An uploaded file read for review from a web server's thread: the report, its provenance
    and the file's text page by page, within the budget ``sengen import`` gives a file.
    ``form`` / ``forms`` as ``parse_bytes`` takes them (a city's stored forms, to recognise)."""
    forms = None if forms is None else tuple(forms)
    return call_with_budget(_read_upload, data, source, form, forms, source=source, threaded=True,
                            seconds=PARSE_SECONDS if seconds is None else seconds,
                            memory=PARSE_MEMORY if memory is None else memory)
