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

# The usual 2 × cores + 1: while one worker waits on the database another uses the CPU. Each
# worker holds a copy of Django, matplotlib and WeasyPrint (~100 MB, see docs/benchmarks-load.md),
# so memory, not CPU, is what to watch on a small server.
workers = _int("SENGEN_GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = os.environ.get("SENGEN_GUNICORN_WORKER_CLASS", "sync")
threads = _int("SENGEN_GUNICORN_THREADS", 1)

# A report's PDF takes a second or two to render; anything past 60 s is stuck, not slow.
timeout = _int("SENGEN_GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# Load the application once in the master: workers share its memory pages, start fast, and a
# broken configuration fails at start rather than in each worker.
preload_app = True
# Replace each worker after this many requests (spread so they do not all restart together):
# a slow leak in a library (fonts, matplotlib caches) can never grow without bound.
max_requests = _int("SENGEN_GUNICORN_MAX_REQUESTS", 2000)
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
