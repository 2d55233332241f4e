"""Pages kept and pages as files, against the limit of this machine (issue 13, `make bench-load`).

Three runs in one invocation, each with wrk (Debian's; a C load generator, so the client is not
what is measured) at the same clients for the same seconds:

1. **the limit**: nginx serving one static file — a report page's own HTML — over and over;
2. **the dynamic portal with its page cache**: gunicorn (deploy/gunicorn.conf.py) on the same
   HTML pages, warmed once each, so the run measures kept pages (sengen.portal.pagecache);
3. **the built site**: ``sengen site build`` of the same data under nginx, the same pages as files.

Each is reported as requests per second, p50/p99 latency and errors, and 2 and 3 as ratios to 1
(goals: the built site ≥ 0.9× the limit; the cached portal ≥ 1,000 req/s at 50 clients with no
error and p99 ≤ 50 ms). Called by bench/load.py after its own runs, with its data and server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.nginx import nginx_serving  # noqa: E402  (one nginx runner for the tests and this bench)


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise FileNotFoundError("wrk not found: `make bench-tools` installs Debian's wrk")
    return found


def wrk(base_url: str, paths: list[str], *, clients: int, seconds: float, threads: int = 2) -> dict:
    """Runs wrk over ``paths`` in turn (a Lua script walks the list); returns requests/s,
    latency percentiles in ms and the count of errors (non-2xx/3xx and socket errors)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        listed = ",\n".join('  "' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        script.write(textwrap.dedent("""\
            local paths = {
            %s
            }
            local counter = 0
            request = function()
              counter = counter + 1
              return wrk.format("GET", paths[(counter %% #paths) + 1])
            end
            """) % listed)
    try:
        out = subprocess.run([wrk_binary(), f"-t{threads}", f"-c{clients}", f"-d{max(1, int(seconds))}s",
                              "--latency", "--timeout", "10s", "-s", script.name, base_url],
                             capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(out)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    result = {"rps": 0.0, "requests": 0, "errors": 0, "p50": float("nan"), "p99": float("nan")}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    for p in ("50", "99"):
        if m := re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
            result[f"p{p}"] = _ms(m.group(1), m.group(2))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] += sum(int(x) for x in m.groups())
    return result


def site_pages(site: Path) -> list[str]:
    """The built site's Japanese HTML pages as URL paths (``/years/2017/index.html``), sorted:
    the same pages in both runs (English pages are the same work under ``en/``)."""
    from urllib.parse import quote

    pages = []
    for path in sorted(site.rglob("index.html")):
        relative = path.relative_to(site).as_posix()
        if relative.startswith(("static/", "pagefind/", "api/", "en/", "search/")):
            continue
        pages.append("/" + quote(relative))
    return pages


def dynamic_path(static_path: str) -> str:
    """The portal's URL of a built page: ``/cities/X/reports/…/index.html`` is
    ``/reports/…/?municipality=X`` (sengen.portal.site.paths writes a city's pages so)."""
    path = static_path[: -len("index.html")] if static_path.endswith("/index.html") else static_path
    if path.startswith("/cities/"):
        city, _, rest = path[len("/cities/"):].partition("/")
        return f"/{rest}?municipality={city}"
    return path


def line(name: str, r: dict, limit: dict | None = None) -> str:
    ratio = f"  {r['rps'] / limit['rps']:.3f}× the limit" if limit and limit["rps"] else ""
    return (f"{name:<34}{r['rps']:>10,.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
            f"errors {r['errors']}{ratio}")


def run(*, gunicorn_port: int, env: dict, clients: int, seconds: float, request_once, label: str = "",
        also: list[tuple[str, int]] = ()) -> dict:
    """The three runs; ``request_once(port, path) -> (status, bytes)`` warms and checks pages.
    ``also``: other gunicorn servers (a label of their settings, a port) on the same data, each
    measured like the first right after it: a before/after of the server's settings in one run."""
    work = Path(tempfile.mkdtemp(prefix="sengen-throughput-"))
    try:
        site = work / "site"
        build = subprocess.run([str(Path(sys.executable).parent / "sengen"), "site", "build", str(site)],
                               env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if build.returncode != 0:
            raise SystemExit(f"sengen site build failed ({build.returncode}): {build.stderr.strip()[-2000:]}")
        static_pages = site_pages(site)
        dynamic = []
        for page in static_pages:
            status, _ = request_once(gunicorn_port, dynamic_path(page))
            if status == 200:
                dynamic.append(dynamic_path(page))
        print(f"\n=== kept pages and files{label}: {len(static_pages)} pages of the built site, "
              f"{len(dynamic)} of them answered 200 by the portal; wrk, {clients} clients, {seconds:.0f} s each ===")
        for port in [gunicorn_port, *(port for _, port in also)]:
            for path in dynamic:  # warm: every page kept once (each worker's first look still misses
                request_once(port, path)  # with a per-process cache; the run absorbs that)
        limit_dir = work / "limit"
        limit_dir.mkdir()
        sample = site / static_pages[min(2, len(static_pages) - 1)].lstrip("/")
        from urllib.parse import unquote

        shutil.copy(unquote(str(sample)), limit_dir / "page.html")
        results = {}
        with nginx_serving(limit_dir, work / "nginx-limit", workers="auto") as base:
            results["limit"] = wrk(base, ["/page.html"], clients=clients, seconds=seconds)
        results["portal"] = wrk(f"http://127.0.0.1:{gunicorn_port}", dynamic, clients=clients, seconds=seconds)
        for name, port in also:
            results[name] = wrk(f"http://127.0.0.1:{port}", dynamic, clients=clients, seconds=seconds)
        with nginx_serving(site, work / "nginx-site", workers="auto") as base:
            results["site"] = wrk(base, static_pages, clients=clients, seconds=seconds)
        size = (limit_dir / "page.html").stat().st_size
        print(line(f"nginx, one static file ({size // 1024} KB)", results["limit"]))
        print(line("portal through gunicorn, cached", results["portal"], results["limit"]))
        for name, _ in also:
            print(line(f"  the same, {name}", results[name], results["limit"]))
        print(line("built site under nginx", results["site"], results["limit"]))
        portal, site_r = results["portal"], results["site"]
        print(f"goals: built site ≥ 0.9× the limit: {site_r['rps'] / results['limit']['rps']:.3f}×; "
              f"cached portal ≥ 1,000 req/s, 0 errors, p99 ≤ 50 ms: {portal['rps']:,.0f} req/s, "
              f"{portal['errors']} errors, p99 {portal['p99']:.1f} ms")
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)
