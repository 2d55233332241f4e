"""National scale: every municipality of Japan, ten years of reports, in one PostgreSQL.

    make bench-national                        # or: .venv/bin/python bench/national.py [--scale 0.1]

1,741 municipalities × 15 departments × 10 fiscal years × 5 initiatives = 1,305,750
initiatives (with 2 targets each, an outcome for each target of the nine years already
reported, one or two sections per initiative, and each initiative carried from the year
before), generated with COPY into a throw-away PostgreSQL server started like tests/pgrun.py
starts one. ``--scale`` takes a fraction of the municipalities (0.1 → 174).

Then it measures, through Django's test client (every middleware, the real views and
templates) what citizens and other systems ask for: a report page, an initiative page (its
history across years and its charts), the JSON and CSV downloads, the portal's search, and the
year and index pages; first as the code and schema are, then with ``Declaration.objects.public()``
written as an EXISTS (``propose_public``), then with an index on initiative titles; and it
times a search over one precomputed text column per initiative with a trigram index (the
design docs/benchmarks-load.md first proposed). Before measuring, it builds the public index
(``publicindex.rebuild``, as migration 0005 does) that search, the year page and the index read,
and times searches of one, two and three characters, long and rare words. Figures are printed;
nothing is asserted.

Everything runs on 127.0.0.1 and the server and its files are removed at the end. Each query
is bounded by a statement timeout and each page by ``--page-timeout`` seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import multiprocessing
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITIES = 1741
DEPARTMENTS = ["総務部", "企画政策部", "財務部", "市民生活部", "保健福祉部", "子ども未来部", "環境部", "経済観光部",
               "都市計画部", "建設部", "上下水道部", "消防本部", "教育部", "議会事務局", "会計管理者"]
SECTIONS = ["課", "推進課", "管理担当"]
FIRST_YEAR, YEARS = 2015, 10
INITIATIVES = 5
PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
               "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
               "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
               "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
               "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]
TOPICS = ["地域コミュニティ", "くらし安心メール", "マイナンバーカード", "市民文化会館", "男女共同参画", "防災訓練",
          "自主防災組織", "子育て支援センター", "放課後児童クラブ", "待機児童", "特定健康診査", "介護予防", "ごみ減量",
          "再生可能エネルギー", "公共交通", "コミュニティバス", "空き家対策", "商店街", "観光案内所", "ふるさと納税",
          "公民館", "図書館", "学校給食", "英語教育", "ICT教育", "道路舗装", "橋りょう長寿命化", "下水道接続",
          "水道管更新", "消防団", "救急講習", "ハザードマップ", "窓口サービス", "電子申請", "行財政改革",
          "公共施設マネジメント", "シティプロモーション", "移住定住", "農業振興", "森林整備"]
ACTIONS = ["の推進", "の充実", "の強化", "の利用拡大", "の見直し", "の整備", "の普及", "の活性化"]
UNITS = [("人", 100, 20000), ("件", 5, 500), ("回", 2, 60), ("％", 10, 95), ("団体", 3, 80), ("箇所", 2, 40)]
EVALUATIONS = ["achieved", "achieved", "partially_achieved", "not_achieved"]
# Searches a citizen types: two-character words (most of Japanese), longer names, a number
# as people type it, a word in only a few reports, and one in none.
SEARCHES = ["防災", "マイナンバーカード", "再生可能エネルギー", "１２,０００", "シティプロモーション 移住", "該当しない語句"]
# What the public index (declarations.publicindex) is measured with: one character, two (the
# bigram index's reason to be), three, a long word, two rare words together, and no hit.
INDEX_SEARCHES = ["市", "防災", "公民館", "マイナンバーカード", "シティプロモーション 移住", "１２,０００", "該当しない語句"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the 1,741 municipalities (default 1)")
    p.add_argument("--samples", type=int, default=12, help="pages of each kind measured (default 12)")
    p.add_argument("--search-samples", type=int, default=9, help="times each search is timed (default 9)")
    p.add_argument("--baseline", metavar="TREE", help="a source tree of sengen (e.g. `git archive` of an "
                   "earlier commit) whose search and initiative pages are timed on the same data, interleaved")
    p.add_argument("--warm-only", action="store_true", help=argparse.SUPPRESS)  # the child of --baseline
    p.add_argument("--filters", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--page-timeout", type=float, default=60, help="seconds before a page is given up (60)")
    p.add_argument("--shared-buffers", default="2GB", help="PostgreSQL shared_buffers (default 2GB)")
    p.add_argument("--skip-proposed", action="store_true", help="do not build the proposed search column")
    p.add_argument("--keep", metavar="DIR", help="keep the server's files in DIR (made if new); a DIR kept "
                   "before is used as it is: no loading, so a change of code is measured on the same data "
                   "in minutes, not the loading's half hour")
    p.add_argument("--build-only", action="store_true", help="stop once the data and index are built "
                   "(with --keep: make the data set for later runs)")
    p.add_argument("--only", choices=["pages", "search", "warm"], help="measure only this: the pages of "
                   "random reports, the searches (by the public index), or the --baseline rounds")
    args = p.parse_args(argv)
    args.scale = max(0.001, min(args.scale, 1.0))
    return args


def say(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def timed(label: str):
    started = time.perf_counter()
    yield
    say(f"  {label}: {time.perf_counter() - started:.1f} s")


# --------------------------------------------------------------------------- the server

def _pgrun():
    spec = importlib.util.spec_from_file_location("pgrun", ROOT / "tests" / "pgrun.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def postgres(shared_buffers: str, keep: str | None = None):
    """A throw-away PostgreSQL server, as tests/pgrun.py makes one, tuned for bulk loading and
    reading a database of a few GB: durability off (it is thrown away), bigger memory. With
    ``keep``, its files stay in that directory, and a server kept there before starts again on
    its data. Yields the URL, the directory and whether the data was there already."""
    pg = _pgrun()
    bindir = pg.find_bindir()
    account = pg.server_account()
    if keep:
        workdir = os.path.abspath(keep)
        os.makedirs(workdir, exist_ok=True)
    else:
        workdir = tempfile.mkdtemp(prefix="sengen-national-", dir=pg.temp_parent(account))
    server = None
    try:
        datadir, log_path = os.path.join(workdir, "data"), os.path.join(workdir, "server.log")
        # Only a load that finished leaves this mark: a half-loaded directory is loaded again.
        loaded = os.path.exists(os.path.join(workdir, "loaded"))
        if keep and not loaded:
            shutil.rmtree(datadir, ignore_errors=True)
        if account is not None:
            os.chown(workdir, account.pw_uid, account.pw_gid)
        os.chmod(workdir, 0o700)
        env = pg.server_env(account, workdir)
        if not loaded:
            subprocess.run([os.path.join(bindir, "initdb"), "-D", datadir, "-U", pg.SUPERUSER, "--auth=trust",
                            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], cwd=workdir, env=env,
                           check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, **pg.as_account(account))
        port = pg.free_port()
        with open(log_path, "ab") as log:
            if account is not None:
                os.chown(log_path, account.pw_uid, account.pw_gid)
            server = subprocess.Popen(
                [os.path.join(bindir, "postgres"), "-D", datadir, "-p", str(port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={workdir}",
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "wal_level=minimal", "-c", "max_wal_senders=0", "-c", "max_wal_size=8GB",
                 "-c", "checkpoint_timeout=30min", "-c", f"shared_buffers={shared_buffers}",
                 "-c", "maintenance_work_mem=1GB", "-c", "work_mem=64MB", "-c", "max_connections=20",
                 "-c", "max_parallel_workers_per_gather=2", "-c", "max_parallel_maintenance_workers=2"],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                **pg.as_account(account))
        pg.wait_ready(bindir, port, server, log_path)
        say(f"PostgreSQL {os.path.basename(os.path.dirname(bindir))} on 127.0.0.1:{port} ({workdir})")
        yield f"postgres://{pg.SUPERUSER}@127.0.0.1:{port}/postgres", workdir, loaded
    finally:
        pg.stop(server)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------- data

def fw(n: int) -> str:
    """Full-width digits with thousands separators, as reports write numbers (１２,０００)."""
    return f"{n:,}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def era_year(year: int) -> str:
    from sengen.core.eras import fiscal_year_label

    return fiscal_year_label(year)


class Copier:
    """COPY rows into a model's table: the columns given, plus every other column with its
    model default (so that fields other engineers add do not break the generator)."""

    def __init__(self, cursor, model, columns: list[str]):
        from django.db.models import JSONField

        self.cursor, self.model = cursor, model
        self.columns = list(columns)
        now = dt.datetime.now(dt.UTC)
        tail = []
        for field in model._meta.concrete_fields:
            if field.column in self.columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
                if isinstance(field, JSONField):
                    value = json.dumps(value)
            elif field.null:
                value = None
            elif field.get_internal_type() in ("CharField", "TextField", "SlugField"):
                value = ""
            else:
                raise SystemExit(f"national.py: {model._meta.label}.{field.name} needs a value")
            self.columns.append(field.column)
            tail.append(value)
        self.tail = tuple(tail)
        self.rows = 0

    def __enter__(self):
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self._copy = self.cursor.copy(f'COPY "{self.model._meta.db_table}" ({cols}) FROM STDIN')
        self.copy = self._copy.__enter__()
        return self

    def write(self, row: tuple) -> None:
        self.copy.write_row(row + self.tail)
        self.rows += 1

    def __exit__(self, *exc):
        return self._copy.__exit__(*exc)


def ids(m: int, d: int, y: int, n: int = 0) -> tuple[int, int, int]:
    """Declaration, initiative and first target ids of (municipality, department, year, number):
    computed, so that every table is written in one pass and carried_from links the same
    initiative a year earlier."""
    declaration = (m * len(DEPARTMENTS) + d) * YEARS + y + 1
    initiative = (declaration - 1) * INITIATIVES + n + 1
    return declaration, initiative, 2 * initiative - 1


def director(i: int, d: int) -> str:
    return f"職員 {i % 97}{d}"


class Row:
    """One initiative of the data set and everything written about it, the same in every pass."""

    __slots__ = ("i", "d", "y", "n", "declaration", "initiative", "target", "topic", "other", "unit", "goal",
                 "actual", "label")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    reported = property(lambda self: self.y < YEARS - 1)  # the last year is this year's declaration
    phase = property(lambda self: "achievement_report" if self.reported else "declaration")
    action = property(lambda self: ACTIONS[(self.i + self.d + self.n) % len(ACTIONS)])
    title = property(lambda self: f"{self.topic}{self.action}")
    rate = property(lambda self: round(self.actual / self.goal, 4))

    @property
    def content(self) -> list[str]:
        return [f"{self.topic}について、{self.other}と連携しながら取組を進めます。",
                f"{self.label}は{fw(self.goal)}{self.unit}を目標に、市民への周知を図ります。"]

    @property
    def results(self) -> list[str]:
        return [f"{self.topic}に関する説明会を{fw(self.goal % 29 + 2)}回開催し、{self.other}の関係団体とも協議を"
                "重ねました。"] if self.reported else []

    @property
    def future_direction(self) -> list[str]:
        return [f"引き続き{self.title}に取り組みます。"] if self.reported else []

    @property
    def achievement_status(self) -> list[str]:
        return [f"{self.topic}の実績は{fw(self.actual)}{self.unit}となりました。"] if self.reported else []

    @property
    def target_texts(self) -> tuple[str, str]:
        return (f"{self.label}末時点の{self.topic}の目標：{fw(self.goal)}{self.unit}",
                f"{self.other}計画の策定（{self.label}中）")

    @property
    def evaluations(self) -> tuple[str, str]:
        return ("achieved" if self.actual >= self.goal else "not_achieved",
                EVALUATIONS[(self.i + self.d + self.y + self.n) % len(EVALUATIONS)])

    def sections(self) -> list[str]:
        base = DEPARTMENTS[self.d].removesuffix("部")
        return [f"{base}{SECTIONS[(self.n + s) % 3]}" for s in range(1 + self.n % 2)]

    def document_initiative(self) -> dict:
        first, second = self.target_texts
        evaluations = self.evaluations if self.reported else ("not_evaluated", "not_evaluated")
        year = FIRST_YEAR + self.y
        return {
            "number": self.n + 1, "title": self.title, "sections": self.sections(), "content": self.content,
            "targets": [
                {"text": first, "metric": {"value": self.goal, "unit": self.unit}, "due": f"{year + 1}-03-31",
                 "actual": {"value": self.actual, "unit": self.unit} if self.reported else None,
                 "achievement_rate": self.rate if self.reported else None, "evaluation": evaluations[0],
                 "grade": None},
                {"text": second, "metric": None, "due": None, "actual": None, "achievement_rate": None,
                 "evaluation": evaluations[1], "grade": None},
            ],
            "results": self.results, "future_direction": self.future_direction,
            "achievement_status": self.achievement_status,
        }


def generate(municipalities: int) -> dict[str, int]:
    """Write the whole data set; returns the rows per table."""
    from django.db import connection

    from sengen.declarations import models as m

    rng = random.Random(20170401)
    no_time_limit()
    scale_id = m.GradingScale.objects.order_by("id").values_list("id", flat=True).first()
    counts = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        cities = [f"{PREFECTURES[i % len(PREFECTURES)]}第{i + 1:04d}市" for i in range(municipalities)]
        with Copier(cursor, m.Municipality, ["id", "name", "grading_scale_id"]) as c:
            for i, name in enumerate(cities):
                c.write((i + 1, name, scale_id))
        with Copier(cursor, m.FiscalYear, ["id", "municipality_id", "year"]) as c:
            for i in range(municipalities):
                for y in range(YEARS):
                    c.write((i * YEARS + y + 1, i + 1, FIRST_YEAR + y))
        with Copier(cursor, m.Department, ["id", "municipality_id", "name", "director_title"]) as c:
            for i in range(municipalities):
                for d, name in enumerate(DEPARTMENTS):
                    c.write((i * len(DEPARTMENTS) + d + 1, i + 1, name, f"{name}長"))
        with Copier(cursor, m.Section, ["id", "department_id", "name"]) as c:
            for dep in range(municipalities * len(DEPARTMENTS)):
                base = DEPARTMENTS[dep % len(DEPARTMENTS)].removesuffix("部")
                for s, suffix in enumerate(SECTIONS):
                    c.write((dep * len(SECTIONS) + s + 1, dep + 1, f"{base}{suffix}"))
        labels = {FIRST_YEAR + y: era_year(FIRST_YEAR + y) for y in range(YEARS)}
        now = dt.datetime.now(dt.UTC)
        drafts: set[int] = set()
        with Copier(cursor, m.Declaration, ["id", "department_id", "fiscal_year_id", "fiscal_year_label",
                                            "director_title", "director_name", "phase", "state",
                                            "published_at"]) as c:
            for i in range(municipalities):
                for d, name in enumerate(DEPARTMENTS):
                    for y in range(YEARS):
                        declaration, _, _ = ids(i, d, y)
                        phase = "declaration" if y == YEARS - 1 else "achievement_report"
                        # One report in fifty is still being written: never public.
                        state = "draft" if rng.random() < 0.02 else "published"
                        if state == "draft":
                            drafts.add(declaration)
                        c.write((declaration, i * len(DEPARTMENTS) + d + 1, i * YEARS + y + 1,
                                 labels[FIRST_YEAR + y], f"{name}長", director(i, d),
                                 phase, state, now if state == "published" else None))
        counts["declarations"] = municipalities * len(DEPARTMENTS) * YEARS

        # Initiatives, their sections, targets and outcomes: one COPY each, in order (a COPY is
        # a transaction, and foreign keys are checked when it ends). Whatever is random comes
        # from seeds of the row's own ids, so each pass makes the same numbers and words.
        def rows():
            for i in range(municipalities):
                city_rng = random.Random(i)
                # Each city has its own two topics per initiative, kept over the years.
                plans = [[city_rng.sample(TOPICS, 2) for _ in range(INITIATIVES)] for _ in DEPARTMENTS]
                for d in range(len(DEPARTMENTS)):
                    for y in range(YEARS):
                        for n in range(INITIATIVES):
                            declaration, initiative, target = ids(i, d, y, n)
                            own = random.Random(initiative)
                            unit, low, high = UNITS[(d + n) % len(UNITS)]
                            goal = own.randint(low, high)
                            topic, other = plans[d][n]
                            yield Row(i, d, y, n, declaration, initiative, target, topic, other, unit, goal,
                                      int(goal * own.uniform(0.6, 1.25)), labels[FIRST_YEAR + y])

        def dumps(value) -> str:
            return json.dumps(value, ensure_ascii=False)

        with Copier(cursor, m.Initiative, ["id", "declaration_id", "position", "number", "title", "content",
                                           "results", "future_direction", "achievement_status",
                                           "carried_from_id"]) as c:
            for r in rows():
                c.write((r.initiative, r.declaration, r.n, r.n + 1, r.title, dumps(r.content), dumps(r.results),
                         dumps(r.future_direction), dumps(r.achievement_status),
                         r.initiative - INITIATIVES if r.y else None))
            counts["initiatives"] = c.rows
        with Copier(cursor, m.InitiativeSection, ["id", "initiative_id", "section_id", "position"]) as c:
            for r in rows():
                department = r.i * len(DEPARTMENTS) + r.d + 1
                for s in range(1 + r.n % 2):
                    c.write((c.rows + 1, r.initiative, (department - 1) * len(SECTIONS) + (r.n + s) % 3 + 1, s))
            counts["initiative_sections"] = c.rows
        with Copier(cursor, m.Target, ["id", "initiative_id", "position", "text", "kind", "value", "unit",
                                       "direction", "due_date", "due_precision"]) as c:
            for r in rows():
                first, second = r.target_texts
                c.write((r.target, r.initiative, 0, first, "numeric", r.goal, r.unit, "higher",
                         dt.date(FIRST_YEAR + r.y + 1, 3, 31), "fiscal_year_end"))
                c.write((r.target + 1, r.initiative, 1, second, "qualitative", None, "", None, None, ""))
            counts["targets"] = c.rows
        with Copier(cursor, m.Outcome, ["id", "target_id", "actual_value", "actual_unit", "achievement_rate",
                                        "evaluation"]) as c:
            for r in rows():
                if r.reported:
                    c.write((r.target, r.target, r.actual, r.unit, r.rate, r.evaluations[0]))
                    c.write((r.target + 1, r.target + 1, None, "", None, r.evaluations[1]))
            counts["outcomes"] = c.rows
        # What citizens read: the document as published, one publication per published report
        # (the portal reads these, not the live rows).
        with Copier(cursor, m.Publication, ["id", "declaration_id", "phase", "version", "document",
                                            "published_at"]) as c:
            initiatives = []
            for r in rows():
                initiatives.append(r.document_initiative())
                if r.n < INITIATIVES - 1:
                    continue
                if r.declaration not in drafts:
                    c.write((c.rows + 1, r.declaration, r.phase, 1, dumps({
                        "schema": "sengen.report/1", "municipality": cities[r.i], "fiscal_year": FIRST_YEAR + r.y,
                        "fiscal_year_label": r.label, "document": r.phase, "department": DEPARTMENTS[r.d],
                        "director": {"title": f"{DEPARTMENTS[r.d]}長", "name": director(r.i, r.d)},
                        "initiatives": initiatives}), now))
                initiatives = []
            counts["publications"] = c.rows
        for model in (m.Municipality, m.FiscalYear, m.Department, m.Section, m.Declaration, m.Initiative,
                      m.InitiativeSection, m.Target, m.Outcome, m.Publication):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT max(id) FROM {table}), 1))")
    return counts


# --------------------------------------------------------------------------- measuring

def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _get_in_child(path: str, queue) -> None:
    from django.test import Client

    started = time.perf_counter()
    response = Client().get(path)
    queue.put((response.status_code, time.perf_counter() - started, len(response.content)))


def get(path: str, timeout: float) -> tuple[int, float, int]:
    """GET through Django's test client in a forked child, given up after ``timeout`` seconds
    (a page that draws a chart of 26,000 departments must not hang the benchmark)."""
    return run_in_child(_get_in_child, path, timeout)


def get_here(client, path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    response = client.get(path)
    return response.status_code, time.perf_counter() - started, len(response.content)


def published_reports(n: int, seed: int) -> list[tuple[str, int, str]]:
    """``n`` published year-end reports picked at random: (city, year, department)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        cursor.execute("""
            SELECT m.name, f.year, dep.name FROM declarations_declaration d
            JOIN declarations_department dep ON dep.id = d.department_id
            JOIN declarations_municipality m ON m.id = dep.municipality_id
            JOIN declarations_fiscalyear f ON f.id = d.fiscal_year_id
            WHERE d.state = 'published' AND d.phase = 'achievement_report'
            ORDER BY random() LIMIT %s""", [n])
        return cursor.fetchall()


_PASSES: list[str] = []


def measure_pages(label: str, args) -> dict[str, str]:
    """Report, initiative and download pages of random published reports: latency and the
    number of SQL queries each page makes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    say(f"\n{label}:")
    _PASSES.append(label)
    client = Client()
    rng = random.Random(3)
    reports = published_reports(args.samples, seed=1)
    results = {}
    suffixes = {"report": lambda: "", "initiative": lambda: f"{rng.randrange(INITIATIVES) + 1}/",
                "json": lambda: "download/json/", "csv": lambda: "download/csv/"}
    get_here(client, f"/reports/{reports[0][1]}/{quote(reports[0][2])}/?municipality={quote(reports[0][0])}")
    for kind, suffix in suffixes.items():
        timings, statuses, queries = [], set(), []
        for city, year, department in reports:
            # A parameter of its own for each pass: the portal keeps whole pages (portal.pagecache),
            # and a later pass must measure the page's work, not the kept bytes (charts, drawn
            # in the first pass, do come from their cache afterwards).
            path = f"/reports/{year}/{quote(department)}/{suffix()}?municipality={quote(city)}&pass={len(_PASSES)}"
            with CaptureQueriesContext(connection) as captured:
                status, seconds, _ = get_here(client, path)
            statuses.add(status)
            timings.append(seconds * 1000)
            queries.append(len(captured))
        results[kind] = (f"p50 {percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
                         f"max {max(timings):.0f} ms, {percentile(queries, 50):.0f} queries "
                         f"(status {', '.join(map(str, sorted(statuses)))})")
        say(f"  {kind:<11} {results[kind]}")
    return results


def measure_slow(args, searches: list[str]) -> dict[str, str]:
    """Pages that read across all cities: the portal's search, the year page, the index. Each
    is given ``--page-timeout`` seconds at most."""
    from django.db import connection

    from sengen.portal.search import search_public

    say("\nsearch, year and index pages (each at most --page-timeout seconds):")
    results = {}
    # Each search several times (each in a fresh child: no page or query result is reused), as
    # p50 / p95; then a common word narrowed by the filters (issue 13).
    for query, narrowing in [(q, "") for q in searches] + FILTERED:
        timings, statuses = [], set()
        for _ in range(args.search_samples):
            status, seconds, size = get(f"/search/?q={quote(query)}{narrowing}", args.page_timeout)
            statuses.add(status)
            timings.append(seconds * 1000)
            if status <= 0:
                break
        name = f"search {query}{narrowing}"
        results[name] = (f"p50 {percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms "
                         f"(status {', '.join(map(str, sorted(statuses)))})" if min(statuses) > 0
                         else f"gave up after {max(timings) / 1000:.0f} s")
        say(f"  {name!r:<40} {results[name]}")
    sql, params = search_public(query=SEARCHES[1]).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    scans = sorted({line.strip().split(" on ")[0].lstrip("-> ").strip() + " on " + line.split(" on ")[1].split()[0]
                    for line in plan if " on declarations_publicentry" in line or " using " in line})
    say(f"  the search's plan over declarations_publicentry: {'; '.join(scans)}")
    year = FIRST_YEAR + YEARS - 2
    city = published_reports(1, seed=2)[0][0]
    for name, path in (("year page", f"/years/{year}/"), ("year page, one city", f"/years/{year}/?municipality="
                                                          f"{quote(city)}"), ("index", "/")):
        status, seconds, size = get(path, args.page_timeout)
        results[name] = (f"{seconds * 1000:.0f} ms, {size // 1024} KiB (status {status})" if status > 0
                         else f"gave up after {seconds:.0f} s")
        say(f"  {name:<11} {results[name]}")
    # The chart of one city's year: drawn on the first request, from the cache after (one
    # process here; each gunicorn worker has its own cache unless CACHES says otherwise).
    from django.test import Client

    client = Client()
    for attempt in ("first", "second"):
        status, seconds, size = get_here(client, f"/years/{year}/?municipality={quote(city)}")
        results[f"year page, one city, {attempt} request"] = f"{seconds * 1000:.0f} ms (status {status})"
        say(f"  year page, one city, {attempt} request: {seconds * 1000:.0f} ms")
    status, seconds, _ = run_in_child(_year_selector, year, args.page_timeout)
    results["year selector only"] = (f"{seconds * 1000:.0f} ms" if status > 0 else f"gave up after {seconds:.0f} s")
    say(f"  year_public() alone (no chart, no template): {results['year selector only']}")
    return results


# A common word narrowed by the filters (issue 13): a year, a department, and filters alone.
FILTERED = [("公民館", f"&year={FIRST_YEAR + YEARS - 2}"), ("マイナンバーカード", f"&department={quote('市民生活部')}"),
            ("", f"&year={FIRST_YEAR + YEARS - 2}&evaluation=achieved&kind=numeric")]


def measure_warm(args) -> dict[str, str]:
    """The search page and the initiative page as a server's worker answers them once warm (its
    templates loaded, its connection open): in this process, each request with a parameter of
    its own so that no kept page (portal.pagecache) answers it. Initiative pages twice: their
    charts drawn, then from the chart cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, tag, results = Client(), secrets.token_hex(4), {}
    searches = [(q, "") for q in INDEX_SEARCHES] + (FILTERED if args.filters else [])
    for query, narrowing in searches:
        timings = []
        for i in range(args.search_samples + 1):
            status, seconds, _ = get_here(client, f"/search/?q={quote(query)}{narrowing}&sample={tag}{i}")
            if i:  # the first loads the page's templates
                timings.append(seconds * 1000)
        results[f"search {query}{narrowing}"] = (f"p50 {percentile(timings, 50):.0f} ms, "
                                                 f"p95 {percentile(timings, 95):.0f} ms (status {status})")
    reports = published_reports(args.samples, seed=1)
    for attempt in ("charts drawn", "charts from the cache"):
        timings, queries = [], []
        for i, (city, year, department) in enumerate(reports):
            path = (f"/reports/{year}/{quote(department)}/{i % INITIATIVES + 1}/?municipality={quote(city)}"
                    f"&sample={tag}{attempt[7]}")
            with CaptureQueriesContext(connection) as captured:
                status, seconds, _ = get_here(client, path)
            timings.append(seconds * 1000)
            queries.append(len(captured))
        results[f"initiative, {attempt}"] = (f"p50 {percentile(timings, 50):.0f} ms, p95 "
                                             f"{percentile(timings, 95):.0f} ms, {percentile(queries, 50):.0f} "
                                             f"queries (status {status})")
    return results


def warm_rounds(args) -> dict[str, dict[str, str]]:
    """``measure_warm`` of the baseline tree and of this one, each in a fresh process, twice and
    interleaved (baseline, current, baseline, current), so that a busy spell of a shared machine
    lands on both."""
    out = {}
    trees = [("baseline", Path(args.baseline).resolve()), ("current", ROOT)]
    for round_ in (1, 2):
        for label, tree in trees:
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            command = [sys.executable, str(Path(__file__).resolve()), "--warm-only", "--samples", str(args.samples),
                       "--search-samples", str(args.search_samples)] + (["--filters"] if label == "current" else [])
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
            if done.returncode:
                say(f"  {label} round {round_} failed:\n{done.stderr[-2000:]}")
                continue
            out[f"{label} {round_}"] = json.loads(done.stdout.strip().splitlines()[-1])
            say(f"  {label}, round {round_} ({tree}):")
            for key, value in out[f"{label} {round_}"].items():
                say(f"    {key:<40} {value}")
    return out


def _year_selector(year: int, queue) -> None:
    from sengen.portal.selectors import year_public

    started = time.perf_counter()
    summary = year_public(fiscal_year=year)
    queue.put((len(summary["rows"]) or len(summary["cities"]), time.perf_counter() - started, 0))


def run_in_child(target, argument, timeout: float) -> tuple[int, float, int]:
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=target, args=(argument, queue))
    started = time.perf_counter()
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return 0, time.perf_counter() - started, 0
    return queue.get() if not queue.empty() else (-1, time.perf_counter() - started, 0)


# The one index the pages' queries looked as if they needed: the initiative page looks for the
# same initiative in other years by title. Measured, it changes nothing (the department's own
# declarations are found first, by the existing indexes); kept to show that.
INDEXES = [
    ("initiative title (other years of an initiative)",
     "CREATE INDEX IF NOT EXISTS declarations_initiative_title_idx ON declarations_initiative (title)"),
]

# The proposed search: one text per initiative (title, sections, every bullet, targets), kept by
# the services on each write; one ILIKE per word on one table, a trigram index for words of
# three characters or more. Built here with SQL to time the reads it allows.
PROPOSED = [
    ("trigram extension", "CREATE EXTENSION IF NOT EXISTS pg_trgm"),
    ("(a kept data set's table of an earlier run)", "DROP TABLE IF EXISTS bench_search"),
    ("search text table (CREATE TABLE AS)", """
        CREATE TABLE bench_search AS
        SELECT i.id AS initiative_id, i.declaration_id,
               lower(concat_ws(' ', i.title, i.content::text, i.results::text, i.future_direction::text,
                     i.achievement_status::text,
                     (SELECT string_agg(t.text, ' ') FROM declarations_target t WHERE t.initiative_id = i.id),
                     (SELECT string_agg(s.name, ' ') FROM declarations_initiativesection l
                        JOIN declarations_section s ON s.id = l.section_id WHERE l.initiative_id = i.id))) AS text
        FROM declarations_initiative i"""),
    ("its primary key", "ALTER TABLE bench_search ADD PRIMARY KEY (initiative_id)"),
    ("trigram index on it", "CREATE INDEX bench_search_trgm ON bench_search USING gin (text gin_trgm_ops)"),
    ("analyze", "ANALYZE bench_search"),
]
PROPOSED_QUERY = """
    SELECT count(*) OVER (), i.id FROM bench_search b
    JOIN declarations_initiative i ON i.id = b.initiative_id
    JOIN declarations_declaration d ON d.id = i.declaration_id
    JOIN declarations_fiscalyear f ON f.id = d.fiscal_year_id
    JOIN declarations_department dep ON dep.id = d.department_id
    WHERE d.state = 'published' AND {conditions}
    ORDER BY f.year DESC, dep.name, i.position LIMIT 20"""


def propose_public() -> None:
    """Replace ``DeclarationQuerySet.public()`` in this process with the form proposed in
    docs/benchmarks-load.md: an EXISTS per row instead of a join to publications made DISTINCT.

    The current form, used as ``declaration__in=Declaration.objects.public()``, makes PostgreSQL
    build the set of all public declarations (a scan of the table and a hash of 261,150 ids) in
    every query that uses it; the EXISTS form lets it check only the rows the query reaches."""
    from django.db.models import Exists, OuterRef, Q

    from sengen.declarations.models import DeclarationQuerySet, Publication, PublicationState

    def public(self):
        return self.filter(Q(state=PublicationState.PUBLISHED)
                           | Exists(Publication.objects.filter(declaration=OuterRef("pk"))))

    DeclarationQuerySet.public = public


def same_document(declaration_id: int | None = None) -> bool:
    """The generated live rows and the generated publication say the same thing."""
    from sengen.core.report import normalise
    from sengen.declarations.models import Declaration, Publication
    from sengen.declarations.selectors import report_document

    declaration = Declaration.objects.filter(state="published").order_by("?").first()
    publication = Publication.objects.get(declaration=declaration)
    return normalise(publication.document) == report_document(declaration=declaration)


def no_time_limit() -> None:
    """Loading and building indexes take minutes: lift this session's statement timeout (the
    one DATABASE_URL sets for the pages)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


def run_ddl(steps) -> None:
    from django.db import connection

    no_time_limit()
    with connection.cursor() as cursor:
        for label, sql in steps:
            with timed(label):
                cursor.execute(sql)


def proposed_search(query: str) -> tuple[float, int]:
    import unicodedata

    from django.db import connection

    from sengen.portal.search import _variants, search_terms

    conditions, params = [], []
    for term in search_terms(query):
        variants = sorted(_variants(term))
        conditions.append("(" + " OR ".join(["b.text LIKE %s"] * len(variants)) + ")")
        params += ["%" + unicodedata.normalize("NFC", v).lower().replace("\\", "\\\\").replace("%", "\\%")
                   .replace("_", "\\_") + "%" for v in variants]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PROPOSED_QUERY.format(conditions=" AND ".join(conditions) or "true"), params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, rows[0][0] if rows else 0


def warm_only(args) -> int:
    """The child of ``--baseline``: the database is the parent's (DATABASE_URL), the code the
    tree PYTHONPATH names; prints ``measure_warm``'s results as one JSON line. The tree's
    application is loaded as a WSGI server loads it (``sengen.wsgi``), so what that module does
    when a server starts (since 2026-12: freezing the loaded objects out of the collector's sight)
    counts, as it does for citizens."""
    import sengen.wsgi  # noqa: F401  (django.setup() and what a served process does at start)

    print(json.dumps(measure_warm(args), ensure_ascii=False), flush=True)
    return 0


def load(municipalities: int) -> None:
    """Migrate, COPY the data set, and build the public index as migration 0005 does."""
    from django.core.management import call_command
    from django.db import connection

    from sengen.declarations import publicindex

    with timed("migrate"):
        call_command("migrate", verbosity=0)
    say("loading:")
    with timed("COPY"):
        counts = generate(municipalities)
    say("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    with timed("VACUUM ANALYZE"):
        no_time_limit()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        say(f"  database size: {cursor.fetchone()[0]}")
    say(f"  publication documents agree with the live rows: {same_document()}")
    with timed("public index (publicindex.rebuild, what migration 0005 does)"):
        no_time_limit()
        built = publicindex.rebuild()
    say(f"  indexed: {built['declarations']:,} declarations, {built['initiatives']:,} initiatives")
    with timed("ANALYZE of the index"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE declarations_publicentry")
            cursor.execute("ANALYZE declarations_publicsummary")
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('declarations_publicentry'))")
            say(f"  declarations_publicentry with its indexes: {cursor.fetchone()[0]}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.warm_only:
        return warm_only(args)
    municipalities = max(1, round(MUNICIPALITIES * args.scale))
    started = time.perf_counter()
    say(f"sengen national benchmark: {municipalities} municipalities × {len(DEPARTMENTS)} departments × "
        f"{YEARS} years × {INITIATIVES} = {municipalities * len(DEPARTMENTS) * YEARS * INITIATIVES:,} initiatives "
        f"({os.cpu_count()} CPUs)")
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    say(f"code: {commit.stdout.strip() or 'unknown'}")
    with postgres(args.shared_buffers, args.keep) as (url, workdir, loaded):
        os.environ.update({
            # A statement that runs this long is a finding, not a result to wait for.
            "DATABASE_URL": url + "?options=-c%20statement_timeout%3D" + str(int(args.page_timeout * 1000)),
            "SENGEN_DATA_DIR": workdir + "/sengen", "SENGEN_SECRET_KEY": secrets.token_urlsafe(50),
            "SENGEN_ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "sengen.settings",
        })
        os.environ.pop("SENGEN_DEBUG", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if loaded:
            say(f"the data kept in {workdir} (no loading; delete the directory to load again)")
            with timed("migrate (what the code has since added)"):
                call_command("migrate", verbosity=0)
        else:
            load(municipalities)
            if args.keep:
                Path(workdir, "loaded").write_text(f"{municipalities}\n")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM declarations_municipality")
            kept = cursor.fetchone()[0]
        if kept != municipalities:
            say(f"  note: the data holds {kept:,} municipalities (--scale asked for {municipalities:,})")
        if args.build_only:
            say(f"\ntotal {time.perf_counter() - started:.0f} s")
            return 0
        if args.only == "search":
            measure_slow(args, INDEX_SEARCHES)
            say(f"\ntotal {time.perf_counter() - started:.0f} s")
            return 0
        if args.baseline:
            say(f"\nsearch and initiative pages, warm, this tree against {args.baseline} (same data):")
            warm_rounds(args)
        if args.only == "warm":
            if not args.baseline:
                say("\nsearch and initiative pages, warm, this tree:")
                import sengen.wsgi  # noqa: F401  (as --warm-only: what a served process does at start)

                args.filters = True
                for key, value in measure_warm(args).items():
                    say(f"    {key:<40} {value}")
            say(f"\ntotal {time.perf_counter() - started:.0f} s")
            return 0
        results = {"before": measure_pages("pages of random published reports, as the code and schema are "
                                           "(before)", args)}
        slow = {"index": measure_slow(args, INDEX_SEARCHES)} if args.only != "pages" else {}
        propose_public()
        results["public() as EXISTS"] = measure_pages("the same pages with public() as EXISTS (proposed code "
                                                      "change)", args)
        say("\nadding indexes:")
        run_ddl(INDEXES)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE declarations_initiative")
        results["+ title index"] = measure_pages("the same pages with public() as EXISTS and the title index", args)

        if not args.skip_proposed and args.only is None:
            say("\nproposed search (one text column per initiative, trigram index):")
            run_ddl(PROPOSED)
            for query in SEARCHES:
                seconds, hits = proposed_search(query)
                seconds2, _ = proposed_search(query)
                say(f"  search {query!r:<26} {min(seconds, seconds2) * 1000:.0f} ms ({hits:,} hits)")

        if args.keep:  # a kept data set is measured next time as the code and schema are
            run_ddl([("dropping the title index", "DROP INDEX IF EXISTS declarations_initiative_title_idx"),
                     ("dropping the proposed search table", "DROP TABLE IF EXISTS bench_search")])
        say("\nsummary:")
        for kind in results["before"]:
            for label, values in results.items():
                say(f"  {kind:<11} {label:<20} {values[kind]}")
        for label, values in slow.items():
            for key, value in values.items():
                say(f"  {key:<26} {label:<7} {value}")
        say(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
