"""Serve a directory with Debian's nginx on 127.0.0.1, as a city's web server serves the static site.

    with nginx_serving(root, workdir) as base_url:   # "http://127.0.0.1:PORT"
        ...

runs ``nginx -p WORKDIR -c WORKDIR/nginx.conf -g 'daemon off; …'`` in the foreground with a
configuration written into WORKDIR (its logs, pid file and temporary directories there too), on a
free port, and stops it when the block ends. Nothing of the machine's own nginx set-up is used but
its ``mime.types``: the static site must work on a plain server, so the test server adds nothing
the deployment example (deploy/nginx-static.conf.example) does not have.

Why it looks like this:
- CI runs as root. nginx's master then hands the pages to workers running as ``user``; the
  directories pytest makes are private to root, so the workers run as root here (``user root``),
  which is harmless for a server on 127.0.0.1 that lives for one test session.
- `make test` installs nginx (the ``nginx`` target); :func:`nginx_binary` says why it cannot run
  when it is missing, so the fixture can skip (or fail under CI) with that reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIME_TYPES = Path("/etc/nginx/mime.types")
START_TIMEOUT = 20  # seconds


def nginx_binary() -> str:
    """The nginx executable, or :class:`FileNotFoundError` saying how to get it."""
    found = os.environ.get("SENGEN_NGINX") or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        raise FileNotFoundError("nginx not found (PATH, /usr/sbin): `make nginx` installs Debian's nginx package")
    if not MIME_TYPES.is_file():
        raise FileNotFoundError(f"{MIME_TYPES} missing: Debian's nginx package (or nginx-common) provides it")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DEFAULT_SITE = """        index index.html;
        location / {
            try_files $uri $uri/ =404;
        }
"""


def example_site_lines(example: Path) -> str:
    """The lines between ``# BEGIN site`` and ``# END site`` of a deploy/*.conf.example: what a
    city puts in its server block, served by the tests as written."""
    text = example.read_text(encoding="utf-8")
    try:
        start = text.index("# BEGIN site\n") + len("# BEGIN site\n")
        return text[start:text.index("# END site", start)]
    except ValueError:
        raise ValueError(f"{example}: no '# BEGIN site' … '# END site' lines") from None


def config(root: Path, workdir: Path, port: int, workers: str = "1", site: str = DEFAULT_SITE) -> str:
    """The whole configuration: one server, ``root`` as its document root, ``site`` the rest of
    its block. ``workers="auto"`` (a worker a core, more connections) is how
    bench/throughput.py measures the machine's limit."""
    user = "user root root;\n" if os.geteuid() == 0 else ""
    connections = 64 if workers == "1" else 1024
    return f"""{user}worker_processes {workers};
error_log {workdir}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/css text/plain application/javascript application/json
                  application/atom+xml text/csv;
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
{site}    }}
}}
"""


@contextmanager
def nginx_serving(root: Path, workdir: Path, workers: str = "1", site: str = DEFAULT_SITE) -> Iterator[str]:
    """Serves ``root`` until the block ends; yields the base URL (no trailing slash). ``site``:
    the server block's directives besides listen and root (:func:`example_site_lines`)."""
    binary = nginx_binary()
    root, workdir = Path(root).resolve(), Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(config(root, workdir, port, workers, site), encoding="utf-8")
    command = [binary, "-p", f"{workdir}/", "-c", str(conf), "-e", str(workdir / "error.log"),
               "-g", f"daemon off; pid {workdir}/nginx.pid;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_listening(process, port, workdir)
        yield f"http://127.0.0.1:{port}"
    finally:
        # SIGQUIT would wait for open keep-alive connections of a browser; SIGTERM stops at once.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_until_listening(process: subprocess.Popen, port: int, workdir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            log = workdir / "error.log"
            if log.is_file():
                errors += log.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"nginx exited with status {process.returncode}: {errors.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port} within {START_TIMEOUT} s")
