"""gunicorn settings for sengen: ``gunicorn -c deploy/gunicorn.conf.py``.

Behind nginx (deploy/nginx.conf.example), which serves /static/, terminates TLS and buffers
slow clients, so plain synchronous workers are right: each request is short CPU work (render
a page, query the database) and nginx hands over whole requests. Every value can be changed
from the environment without editing this file (SENGEN_GUNICORN_*).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "sengen.wsgi:application"
bind = os.environ.get("SENGEN_GUNICORN_BIND", "127.0.0.1:8000")

# cores + 1: one more than the CPUs, so that a worker waiting on the database leaves none idle.
# Not the usual 2 × cores + 1: most public pages are kept (sengen.portal.pagecache), and on 2
# cores 5 sync workers answered kept pages with a longer tail than 3 (p99 49–64 ms against
# 37–43) and fewer pages of the uncached mix (234 a second against 347; docs/benchmarks-load.md). Each worker holds a copy of Django, matplotlib
# and WeasyPrint (~110 MB): fewer is also less memory on a small server.
workers = _int("SENGEN_GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("SENGEN_GUNICORN_WORKER_CLASS", "sync")
threads = _int("SENGEN_GUNICORN_THREADS", 1)

# A report's PDF takes a second or two to render; anything past 60 s is stuck, not slow.
timeout = _int("SENGEN_GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# Load the application once in the master: workers share its memory pages, start fast, and a
# broken configuration fails at start rather than in each worker.
preload_app = True
# A leak (fonts, matplotlib caches, a library's) is bounded by what it leaks: a worker whose
# resident memory has grown past SENGEN_GUNICORN_MAX_WORKER_MB (a worker holds ~110 MB; 0: never)
# is replaced after the request it is answering. Counted in requests instead, the bound fired
# every ~3 s per worker at 2,000 requests under load (a kept page takes ~1 ms), each time a fresh
# process: p99 of kept pages 1–3 s instead of 37–43 ms (docs/benchmarks-load.md). The count
# stays, a hundred times higher, as a backstop for what memory does not show.
_max_worker_mb = _int("SENGEN_GUNICORN_MAX_WORKER_MB", 512)
max_requests = _int("SENGEN_GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = max_requests // 10

# Header limits: nothing sengen serves needs long request lines or many headers.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Only the local proxy may say which client and scheme a request came from (the same list
# Django trusts, SENGEN_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("SENGEN_TRUSTED_PROXIES", "127.0.0.1")

# Access log off by default (nginx keeps one; two logs of every request fill a small disk);
# SENGEN_GUNICORN_ACCESS_LOG=- writes it to stdout (journald), or give a file.
accesslog = os.environ.get("SENGEN_GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("SENGEN_GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("SENGEN_GUNICORN_LOG_LEVEL", "info")
proc_name = "sengen"


def _resident_mb() -> float:
    """This process's resident memory (Linux, /proc); 0 where that cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def pre_request(worker, req):
    # Read every 100 requests: a leak grows over thousands, and a read costs ~10 µs. Not at a
    # fresh worker's first request: set below what a worker holds at start, the bound would
    # replace every worker after one request instead of after a hundred.
    if (_max_worker_mb and worker.nr and not worker.nr % 100
            and (resident := _resident_mb()) > _max_worker_mb):
        worker.log.info("Worker holds %.0f MB (SENGEN_GUNICORN_MAX_WORKER_MB=%d): replaced after this request",
                        resident, _max_worker_mb)
        # gunicorn's own way out of max_requests, taken by the request now starting: the answer
        # is sent with "Connection: close" and the arbiter starts a fresh worker.
        worker.max_requests = 0
