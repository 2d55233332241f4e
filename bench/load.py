"""Load on the public site: many citizens at once, through gunicorn, on this machine only.

    make bench-load                          # or: .venv/bin/python bench/load.py [options]
    .venv/bin/python bench/load.py --clients 50 --duration 60 --db postgres

Makes a throw-away data directory and database (SQLite, or PostgreSQL on a throw-away server
started by tests/pgrun.py with ``--db postgres``), loads reports generated from the seed
report (``--cities`` × 15 departments × ``--years``) through ``services.imports.report_import``,
starts gunicorn with deploy/gunicorn.conf.py on 127.0.0.1 on a free port, and drives the
public pages with ``--clients`` concurrent clients (threads, one keep-alive connection each)
for ``--duration`` seconds: the index, year pages, report pages, initiative pages (with their
charts), search and the CSV/JSON downloads, in the proportions of ``MIX``. The PDF download
is measured apart, a few at a time: it costs a hundred times a page.

With ``--hostile N`` (default 4), a hostile report is among the data — a published report at the
limits of core/limits.py (titles and bullets of unbroken runs as long as allowed, the report's
text near its total) — and the run is made twice in the same invocation: once as above, once
with N more clients hammering that report's PDF download without pause (ignoring Retry-After).
It prints the throughput of the other pages in each run and their ratio (the goal: within 10 %).
``--hostile 0`` makes one run without it.

Prints throughput, errors, p50/p95/p99 latency (overall and per kind of page) and the
server's resident memory (master and workers, from /proc) over the run, so that a leak shows
as a rising line. Nothing is asserted: a benchmark, not a test. Everything stays on 127.0.0.1
and stops at ``--duration`` (and ``--max-requests``), whatever happens.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SEED = ROOT / "tests" / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"

DEPARTMENTS = ["総務部", "企画部", "財務部", "市民生活部", "保健福祉部", "子ども部", "環境部", "経済環境部",
               "都市部", "建設部", "上下水道部", "消防本部", "教育部", "議会事務局", "会計課"]
CITIES = ["伊勢原市", "秦野市", "厚木市", "平塚市", "藤沢市", "小田原市", "大和市", "海老名市"]
SEARCH_WORDS = ["公民", "防災", "くらし安心メール", "市民", "12,000", "審議会", "ホームページ", "改修",
                "存在しない言葉", "マイナンバー 交付"]

# Share of requests per kind of page: what citizens read most, reports and their rows.
MIX = {"index": 10, "year": 10, "report": 30, "initiative": 25, "search": 15, "csv": 5, "json": 5}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50, at most 500)")
    p.add_argument("--duration", type=float, default=60, help="seconds of load (default 60, at most 900)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    p.add_argument("--cities", type=int, default=2, help=f"cities of generated reports (at most {len(CITIES)})")
    p.add_argument("--years", type=int, default=4, help="fiscal years per department (default 4)")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    p.add_argument("--worker-class", default=None, help="gunicorn worker class (sync, gthread)")
    p.add_argument("--threads", type=int, default=None, help="threads per worker (gthread)")
    p.add_argument("--pdf", type=int, default=5, help="PDF downloads to time apart (default 5; 0 skips)")
    p.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite",
                   help="sqlite (default), postgres (a throw-away server), env (DATABASE_URL as set)")
    p.add_argument("--hostile", type=int, default=4,
                   help="clients hammering a hostile report's PDF in a second run (default 4; 0: one run, none)")
    p.add_argument("--kept", type=float, default=20,
                   help="seconds of each wrk run of bench/throughput.py (the limit, the cached portal, the "
                        "built site under nginx) after the runs above; 0 skips them")
    p.add_argument("--cache", choices=["locmem", "file", "redis"], default="file",
                   help="the servers' cache: a directory the workers share (default: SENGEN_CACHE_DIR, as "
                        "deploy/sengen.env.example sets it), each worker's own (Django's default, 500 "
                        "entries) or a Redis server from Debian started for the run (SENGEN_CACHE_URL), as "
                        "several application servers share one")
    p.add_argument("--only-kept", action="store_true", help="skip the mix runs; only bench/throughput.py's")
    p.add_argument("--kept-also", action="append", default=[], metavar="SETTINGS",
                   help="another gunicorn on the same data and cache, measured in the same kept-pages run "
                        "after the first (before/after in one invocation): SENGEN_GUNICORN_* settings, e.g. "
                        "'SENGEN_GUNICORN_WORKER_CLASS=sync SENGEN_GUNICORN_MAX_REQUESTS=2000'; repeatable")
    p.add_argument("--seed", type=int, default=1, help="random seed of the request mix")
    p.add_argument("--mix", default="", help="change shares of the mix, e.g. year=0,search=30 "
                   f"(default {','.join(f'{k}={v}' for k, v in MIX.items())})")
    args = p.parse_args(argv)
    for item in filter(None, args.mix.split(",")):
        kind, _, weight = item.partition("=")
        if kind not in MIX or not weight.isdigit():
            p.error(f"--mix: {item!r}: expected KIND=WEIGHT with KIND one of {', '.join(MIX)}")
        MIX[kind] = int(weight)
    args.kept_also = [_gunicorn_settings(p, text) for text in args.kept_also]
    args.clients = max(1, min(args.clients, 500))
    args.duration = max(1.0, min(args.duration, 900.0))
    args.cities = max(1, min(args.cities, len(CITIES)))
    return args


def _gunicorn_settings(parser, text: str) -> dict[str, str]:
    """``NAME=VALUE`` pairs of deploy/gunicorn.conf.py's environment; anything else is refused
    (this changes the server measured, never the application's settings)."""
    settings = {}
    for item in text.split():
        name, sep, value = item.partition("=")
        if not sep or not name.startswith("SENGEN_GUNICORN_") or not value:
            parser.error(f"--kept-also: {item!r}: expected SENGEN_GUNICORN_NAME=VALUE")
        settings[name] = value
    if not settings:
        parser.error("--kept-also: no setting given")
    return settings


# --------------------------------------------------------------------------- data

def generated_reports(cities: int, years: int) -> list[dict]:
    from sengen.core.eras import fiscal_year_label

    seed = json.loads(SEED.read_text(encoding="utf-8"))
    docs = []
    for city in CITIES[:cities]:
        for department in DEPARTMENTS:
            for year in range(2017, 2017 + years):
                doc = copy.deepcopy(seed)
                doc["municipality"] = city
                doc["department"] = department
                doc["director"]["title"] = f"{department}長"
                doc["fiscal_year"], doc["fiscal_year_label"] = year, fiscal_year_label(year)
                for initiative in doc["initiatives"]:
                    initiative["title"] = f"{initiative['title']}（{department}）"
                docs.append(doc)
    return docs


HOSTILE_DEPARTMENT = "負荷試験部"


def hostile_report() -> dict:
    """A report at the limits a real report never reaches: what costs WeasyPrint the most
    (unbroken runs as long as a title and a bullet may be) and as much of it as one report may
    hold."""
    from sengen.core.limits import MAX_LINE_CHARS, MAX_NAME_CHARS, MAX_REPORT_CHARS

    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["department"] = HOSTILE_DEPARTMENT
    doc["director"]["title"] = f"{HOSTILE_DEPARTMENT}長"
    base, doc["initiatives"] = doc["initiatives"][0], []
    budget = MAX_REPORT_CHARS - 10_000  # room for the targets' and other texts
    number = 0
    while budget > MAX_NAME_CHARS + 9 * MAX_LINE_CHARS:
        number += 1
        item = copy.deepcopy(base)
        item["number"], item["title"] = number, "Ｗ" * MAX_NAME_CHARS
        item["content"] = ["W" * MAX_LINE_CHARS] * 3
        item["results"] = ["W" * MAX_LINE_CHARS] * 3
        item["achievement_status"] = ["W" * MAX_LINE_CHARS] * 3
        item["future_direction"] = []
        budget -= MAX_NAME_CHARS + 9 * MAX_LINE_CHARS
        doc["initiatives"].append(item)
    return doc


def load_data(args) -> list[dict]:
    import django

    django.setup()
    from django.core.management import call_command

    from sengen.declarations.services.imports import report_import

    call_command("migrate", verbosity=0)
    docs = generated_reports(args.cities, args.years)
    started = time.perf_counter()
    for doc in docs:
        report_import(doc=doc)
    if args.hostile:
        hostile = hostile_report()
        hostile["municipality"] = docs[0]["municipality"]
        report_import(doc=hostile)
        text = sum(len(i["title"]) + sum(len(x) for k in ("content", "results", "achievement_status") for x in i[k])
                   for i in hostile["initiatives"])
        print(f"hostile report: {HOSTILE_DEPARTMENT}, {len(hostile['initiatives'])} initiatives, "
              f"{text:,} characters of unbroken runs")
    elapsed = time.perf_counter() - started
    print(f"data: {len(docs)} reports ({len(docs) * 5} initiatives) imported in {elapsed:.1f} s "
          f"({len(docs) / elapsed:.1f} reports/s)")
    from django.db import connections

    connections.close_all()
    return docs


def urls_for(docs: list[dict]) -> dict[str, list[str]]:
    years = sorted({d["fiscal_year"] for d in docs})
    several = len({d["municipality"] for d in docs}) > 1
    urls: dict[str, list[str]] = defaultdict(list)
    urls["index"].append("/")
    urls["year"] += [f"/years/{y}/" for y in years]
    for doc in docs:
        base = f"/reports/{doc['fiscal_year']}/{quote(doc['department'])}/"
        query = f"?municipality={quote(doc['municipality'])}" if several else ""
        urls["report"].append(base + query)
        urls["initiative"] += [f"{base}{i['number']}/{query}" for i in doc["initiatives"]]
        urls["csv"].append(f"{base}download/csv/{query}")
        urls["json"].append(f"{base}download/json/{query}")
        urls["pdf"].append(f"{base}download/pdf/{query}")
    hostile = docs[0]
    query = f"?municipality={quote(hostile['municipality'])}" if several else ""
    urls["hostile"].append(f"/reports/{hostile['fiscal_year']}/{quote(HOSTILE_DEPARTMENT)}/download/pdf/{query}")
    urls["search"] += [f"/search/?q={quote(w)}" for w in SEARCH_WORDS]
    return urls


# --------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(args, port: int, env: dict) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=open(f"{env['SENGEN_DATA_DIR']}/gunicorn-{port}.log", "wb"),
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}); see its log")
        try:
            status, _ = request_once(port, "/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


class Redis:
    def __init__(self, process: subprocess.Popen, url: str, version: str):
        self.process, self.url, self.version = process, url, version


def start_redis(workdir: str) -> Redis:
    """Debian's redis-server on a free loopback port, in memory only, for this run."""
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server not found: `make bench-tools` installs Debian's redis-server")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise SystemExit("redis-server did not listen within 20 s")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.split()[2]
    return Redis(process, f"redis://127.0.0.1:{port}/0", version.removeprefix("v="))


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: finish the requests in flight
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # A download still being drawn (python -m sengen.renderers, a worker's child) is in the
    # server's own session: it goes with the server.
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def request_once(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def process_tree(root: int) -> list[int]:
    """``root`` and its children (gunicorn's workers), from /proc."""
    pids = [root]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == root:
            pids.append(int(entry))
    return pids


def _proc_kib(path: str, key: str) -> int:
    """The ``key`` line of a /proc memory file, in KiB; 0 once the process has gone."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid: int) -> int:
    return _proc_kib(f"/proc/{pid}/status", "VmRSS:")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (utime + stime, in clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read().rsplit(b")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])
        except OSError:
            continue
    return total / ticks


def pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (preloaded code) counted once across workers."""
    return _proc_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


class MemorySampler(threading.Thread):
    def __init__(self, root: int, every: float = 1.0):
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.samples: list[tuple[float, int, int, int, int]] = []  # t, rss, pss, workers, max worker rss
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def run(self):
        while not self.stop.is_set():
            pids = process_tree(self.root)
            rss = [rss_kib(p) for p in pids]
            self.samples.append((time.monotonic() - self.t0, sum(rss), sum(pss_kib(p) for p in pids),
                                 len(pids) - 1, max(rss[1:] or [0])))
            self.stop.wait(self.every)


# --------------------------------------------------------------------------- clients

def drive(port: int, urls: dict[str, list[str]], args, hostile: int = 0) -> tuple[list, int, float]:
    """``args.clients`` clients on the mix, plus ``hostile`` clients that request the hostile
    report's PDF over and over (their requests are kind "hostile")."""
    kinds = [k for k in MIX if urls.get(k) and MIX[k] > 0]
    weights = [MIX[k] for k in kinds]
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    count = [0]
    deadline = time.monotonic() + args.duration

    def client(index: int):
        rng = random.Random(args.seed * 1000 + index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        while time.monotonic() < deadline:
            with lock:
                if count[0] >= args.max_requests:
                    break
                count[0] += 1
            kind = "hostile" if index >= args.clients else rng.choices(kinds, weights)[0]
            path = rng.choice(urls[kind])
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append((kind, status, time.perf_counter() - started))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients + hostile)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.duration + 180)
    return results, count[0], time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def report(results, elapsed: float, sampler: MemorySampler) -> float:
    """Prints the run; returns the throughput of the pages other than the hostile PDF."""
    hostile = [r for r in results if r[0] == "hostile"]
    results = [r for r in results if r[0] != "hostile"]
    if hostile:
        statuses = defaultdict(int)
        for r in hostile:
            statuses[r[1]] += 1
        print(f"\nhostile PDF requests: {len(hostile)} ("
              + ", ".join(f"{s or 'conn-error'}: {n}" for s, n in sorted(statuses.items()))
              + f"), p50 {percentile([r[2] * 1000 for r in hostile], 50):.0f} ms")
    ok = [r for r in results if 200 <= r[1] < 400]
    errors = len(results) - len(ok)
    print(f"\nrequests: {len(results)} in {elapsed:.1f} s = {len(results) / elapsed:.1f} req/s; "
          f"errors: {errors} ({100 * errors / max(1, len(results)):.2f} %)")
    statuses = defaultdict(int)
    for r in results:
        statuses[r[1]] += 1
    print("status codes: " + ", ".join(f"{s or 'conn-error'}: {n}" for s, n in sorted(statuses.items())))
    print(f"\n{'kind':<11}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    by_kind = defaultdict(list)
    for kind, _, latency in ok:
        by_kind[kind].append(latency * 1000)
    for kind in [*MIX, "all"]:
        values = [r[2] * 1000 for r in ok] if kind == "all" else by_kind.get(kind, [])
        if not values:
            continue
        print(f"{kind:<11}{len(values):>7}{len(values) / elapsed:>8.1f}{percentile(values, 50):>9.0f}"
              f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}{max(values):>9.0f}")
    samples = sampler.samples
    if samples:
        print("\nserver memory (gunicorn master + workers), sampled every second:")
        print(f"{'t s':>6}{'workers':>9}{'RSS MiB':>9}{'PSS MiB':>9}{'max worker RSS':>16}")
        step = max(1, len(samples) // 12)
        for i in sorted(set(range(0, len(samples), step)) | {len(samples) - 1}):
            t, rss, pss, workers, biggest = samples[i]
            print(f"{t:>6.0f}{workers:>9}{rss / 1024:>9.0f}{pss / 1024:>9.0f}{biggest / 1024:>16.0f}")
        third = max(1, len(samples) // 3)
        early = sum(s[2] for s in samples[:third]) / third
        late = sum(s[2] for s in samples[-third:]) / third
        print(f"PSS first third {early / 1024:.0f} MiB, last third {late / 1024:.0f} MiB "
              f"({100 * (late - early) / early:+.1f} %)")
    return len(ok) / elapsed


def service_times(port: int, urls: dict[str, list[str]], per_kind: int = 10) -> None:
    """One request at a time: what each kind of page costs with no queue in front of it."""
    print(f"\nservice time, one client, {per_kind} requests per kind (ms):")
    print(f"{'kind':<11}{'p50':>8}{'max':>8}{'KiB':>8}")
    for kind in MIX:
        latencies, size = [], 0
        for path in (urls[kind] * per_kind)[:per_kind]:
            started = time.perf_counter()
            _, size = request_once(port, path)
            latencies.append((time.perf_counter() - started) * 1000)
        print(f"{kind:<11}{percentile(latencies, 50):>8.0f}{max(latencies):>8.0f}{size // 1024:>8}")


def time_pdfs(port: int, urls: list[str], n: int) -> None:
    if n <= 0 or not urls:
        return
    latencies, sizes = [], []
    for path in urls[:n]:
        # A PDF not drawn yet answers 503 while a child draws it: timed until the file arrives.
        started = time.perf_counter()
        status, size = request_once(port, path)
        while status == 503 and time.perf_counter() - started < 120:
            time.sleep(0.1)
            status, size = request_once(port, path)
        latencies.append((time.perf_counter() - started) * 1000)
        sizes.append(size if status == 200 else -status)
    print(f"\nPDF download, one at a time until the file: {n} requests, p50 {percentile(latencies, 50):.0f} ms, "
          f"max {max(latencies):.0f} ms, {sum(s for s in sizes if s > 0) // max(1, len(sizes)) // 1024} KiB each")


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    args = parse_args(argv)
    if args.db == "postgres" and not os.environ.get("DATABASE_URL"):
        # Re-run under a throw-away PostgreSQL server (tests/pgrun.py), reading DATABASE_URL.
        rest = [a for a in (argv if argv is not None else sys.argv[1:]) if a not in ("--db", "postgres")]
        rest = [a for a in rest if not a.startswith("--db=")]
        return subprocess.call([sys.executable, str(ROOT / "tests" / "pgrun.py"), "--", sys.executable,
                                __file__, "--db", "env", *rest])
    workdir = tempfile.mkdtemp(prefix="sengen-load-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENGEN_")}
    env.update({"SENGEN_DATA_DIR": workdir, "SENGEN_SECRET_KEY": secrets.token_urlsafe(50),
                "SENGEN_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "sengen.settings"})
    if args.db == "sqlite":
        env.pop("DATABASE_URL", None)
    os.environ.clear()
    os.environ.update(env)
    server = redis = None
    others: list[subprocess.Popen] = []
    try:
        database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
        print(f"sengen load benchmark: {os.cpu_count()} CPUs, {database}, {args.clients} clients, "
              f"{args.duration:.0f} s")
        docs = load_data(args)
        urls = urls_for(docs)
        if args.cache == "file":
            env["SENGEN_CACHE_DIR"] = os.environ["SENGEN_CACHE_DIR"] = os.path.join(workdir, "cache")
            print(f"cache: files in {env['SENGEN_CACHE_DIR']} (shared by every worker)")
        if args.cache == "redis":
            redis = start_redis(workdir)
            env["SENGEN_CACHE_URL"] = os.environ["SENGEN_CACHE_URL"] = redis.url
            print(f"cache: Redis {redis.version} on {redis.url} (shared by every worker)")
        port = free_port()
        server = start_gunicorn(args, port, env)
        workers = len(process_tree(server.pid)) - 1
        print("mix: " + ", ".join(f"{k} {v}" for k, v in MIX.items()))
        print(f"gunicorn on 127.0.0.1:{port}: {workers} workers "
              f"({args.worker_class or 'config default'}{f', {args.threads} threads' if args.threads else ''})")
        # Warm-up: the first chart, PDF and template of each worker are slower (fonts, caches).
        for kind in MIX:
            for path in urls[kind][:workers]:
                request_once(port, path)
        if args.only_kept:
            args.hostile, args.pdf = 0, 0
        else:
            service_times(port, urls)
        time_pdfs(port, urls["pdf"], args.pdf)
        throughput = {}
        for hostile in ([] if args.only_kept else [0, args.hostile] if args.hostile else [0]):
            if args.hostile:
                print(f"\n=== run {'with' if hostile else 'without'} {hostile or ''} clients hammering the hostile "
                      f"report's PDF ===")
            sampler = MemorySampler(server.pid)
            sampler.start()
            cpu_before = cpu_seconds(process_tree(server.pid))
            results, _, elapsed = drive(port, urls, args, hostile=hostile)
            cpu_used = cpu_seconds(process_tree(server.pid)) - cpu_before
            sampler.stop.set()
            sampler.join()
            throughput[hostile] = report(results, elapsed, sampler)
            print(f"server CPU: {cpu_used:.1f} s over {elapsed:.1f} s of load = "
                  f"{1000 * cpu_used / max(1, len(results)):.1f} ms CPU per request "
                  f"(machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        if args.kept:
            import throughput as kept

            also = []
            for settings in args.kept_also:  # the same data and cache; the options above do not apply
                other_port = free_port()
                others.append(start_gunicorn(argparse.Namespace(workers=None, worker_class=None, threads=None),
                                             other_port, {**env, **settings}))
                also.append((" ".join(f"{k.removeprefix('SENGEN_GUNICORN_')}={v}" for k, v in settings.items()),
                             other_port))
            kept.run(gunicorn_port=port, env=env, clients=args.clients, seconds=args.kept,
                     request_once=request_once, label=f", cache {args.cache}", also=also)
        if args.hostile and throughput:
            without, with_ = throughput[0], throughput[args.hostile]
            print(f"\nother pages: {without:.1f} req/s without, {with_:.1f} req/s with {args.hostile} clients on the "
                  f"hostile PDF: ratio {with_ / without:.3f} ({100 * (with_ / without - 1):+.1f} %; goal within 10 %)")
        return 0
    finally:
        for other in others:
            stop_gunicorn(other)
        if server is not None:
            stop_gunicorn(server)
        if redis is not None:
            redis.process.terminate()
            redis.process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
