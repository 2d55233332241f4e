"""Rebuilding the public site's files after each publication or correction (issue 13).

When ``SENGEN_SITE_DIR`` is set, a process that serves pages (``SENGEN_DRAW_AHEAD``, set by
``sengen.wsgi``: never a command, never a test) runs ``sengen site build $SENGEN_SITE_DIR`` once
a publication commits — the same trigger that draws the downloads ahead (``portal.apps``). The
build is a child process, so the worker answering the staff member is not held; its output
goes to ``$SENGEN_SITE_DIR/.sengen-site.log``. One thread per process runs one build at a time,
and publications that commit while it runs are covered by one more build after it (a folder
import publishing a hundred reports builds twice, not a hundred times); builds of several
processes wait for each other on the tree's lock file (``sengen site build``).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
LOG_NAME = ".sengen-site.log"

_wanted = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def enabled() -> bool:
    return bool(getattr(settings, "SENGEN_SITE_DIR", "")) and getattr(settings, "SENGEN_DRAW_AHEAD", False) \
        and not getattr(settings, "SENGEN_DOWNLOADS_INLINE", False)


def published(sender, instance, created, raw=False, **kwargs) -> None:
    """``post_save`` of ``Publication``: a build once the transaction commits (a rolled-back
    publication never reaches the public side)."""
    if created and not raw and enabled():
        transaction.on_commit(request_build, robust=True)


def request_build() -> None:
    global _thread
    _wanted.set()
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_building, name="sengen-site-build", daemon=True)
            _thread.start()


def command(site_dir: str) -> list[str]:
    arguments = [sys.executable, "-m", "sengen.cli", "site", "build", site_dir]
    base_url = getattr(settings, "SENGEN_SITE_BASE_URL", "")
    return arguments + (["--base-url", base_url] if base_url else [])


def _building() -> None:
    while _wanted.is_set():
        _wanted.clear()  # a publication from here on asks for the next round
        site_dir = settings.SENGEN_SITE_DIR
        try:
            Path(site_dir).mkdir(parents=True, exist_ok=True)
            with open(Path(site_dir) / LOG_NAME, "ab") as out:
                done = subprocess.run(command(site_dir), stdout=out, stderr=subprocess.STDOUT, check=False)
            if done.returncode != 0:
                log.warning("sengen site build %s failed (exit %s): see %s", site_dir, done.returncode, LOG_NAME)
        except OSError:
            log.exception("sengen site build %s could not start", site_dir)
