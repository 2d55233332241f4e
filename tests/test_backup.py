"""No lost data: a backup restores to the same reports, a restore never overwrites data by
accident, and an import that dies half-way leaves the database as it was. On SQLite and on
PostgreSQL (`make test` runs these on both).

What "the same" means is what citizens and other systems see: every report's
``sengen.report/1`` document, and the number of rows in every table. The restored copy is
read by a separate ``sengen`` process pointed at it, as it would be after a real restore."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from sengen.declarations import backup as backup_module
from sengen.declarations.backup import BackupError
from sengen.declarations.management.commands._base import UsageError
from sengen.declarations.models import Declaration, Target
from sengen.declarations.selectors import report_document
from sengen.declarations.services import _report_rows
from sengen.declarations.services.imports import report_import
from tests.portal.reports import next_year

# Backups are read by other processes (pg_dump, a second sengen): the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT = Path(__file__).resolve().parent.parent

# What a second process prints about a database: every report's document and every table's size.
SNAPSHOT = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "sengen.settings"
django.setup()
from tests.test_backup import snapshot
print(json.dumps(snapshot(), ensure_ascii=False, sort_keys=True))
"""

# An import that dies half-way: the process ends (no exception handler, no rollback call) after
# it has written the declaration, some initiatives and some targets.
CRASH = """
import json, os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "sengen.settings"
django.setup()
from sengen.declarations.services import _report_rows, imports
real, written = _report_rows._target_create, []
def dying(**kwargs):
    written.append(real(**kwargs))
    if len(written) == 5:
        os._exit(9)
    return written[-1]
_report_rows._target_create = dying
imports.report_import(doc=json.load(open(sys.argv[1], encoding="utf-8")))
"""


def snapshot() -> dict:
    """Every report as sengen.report/1, and the row count of every table, as plain JSON."""
    reports = {}
    for declaration in Declaration.objects.select_related("department__municipality", "fiscal_year"):
        key = f"{declaration.department.municipality.name}|{declaration.fiscal_year.year}|{declaration.department.name}"
        reports[key] = report_document(declaration=declaration)
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()
              if model._meta.managed and not model._meta.proxy}
    return json.loads(json.dumps({"reports": reports, "counts": counts}, ensure_ascii=False))


def database_url(name: str | None = None) -> str:
    """A URL for this test's database (or another database ``name`` on the same server)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{name or s['NAME']}"


def run(code_or_args, url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENGEN_")}
    env.update(DATABASE_URL=url, SENGEN_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(CHECKOUT))
    if isinstance(code_or_args, str):
        args = [sys.executable, "-c", code_or_args, *extra]
    else:
        args = [sys.executable, "-m", "sengen.cli", *code_or_args]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=180, cwd=CHECKOUT)


def snapshot_of(url: str, tmp_path: Path) -> dict:
    result = run(SNAPSHOT, url, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def reports(seed_doc):
    """Several reports, years, states and cities: what a restore must bring back."""
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))
    other = copy.deepcopy(seed_doc)
    other["department"] = "総務部"
    other["initiatives"][0]["title"] = "作成中の取組"
    report_import(doc=other, state="draft")
    elsewhere = copy.deepcopy(seed_doc)
    elsewhere["municipality"] = "秦野市"
    report_import(doc=elsewhere)


@pytest.fixture
def new_database(tmp_path):
    """``new_database()`` → the URL of an empty database beside the test's: a new SQLite file,
    or a new database on the same PostgreSQL server (dropped afterwards)."""
    made = []

    def make() -> str:
        name = f"sengen_restore_{uuid.uuid4().hex[:8]}"
        if connection.vendor == "sqlite":
            return database_url(str(tmp_path / f"{name}.sqlite3"))
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return database_url(name)

    yield make
    for name in made:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def backup_suffix() -> str:
    return ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"


def restored(path: Path, new_database, tmp_path: Path) -> dict:
    """What a new database holds after `sengen restore PATH` in a process of its own."""
    url = new_database()
    result = run(["restore", str(path)], url, tmp_path)
    assert result.returncode == 0, result.stderr
    return snapshot_of(url, tmp_path)


def test_a_backup_restored_into_a_fresh_database_gives_back_every_report(reports, new_database, tmp_path):
    original = snapshot()
    assert len(original["reports"]) == 4
    path = tmp_path / f"sengen{backup_suffix()}"
    call_command("backup", str(path))
    assert restored(path, new_database, tmp_path) == original


def test_a_restore_refuses_a_database_with_data_and_changes_nothing(reports, tmp_path, data_dir):
    path = tmp_path / f"sengen{backup_suffix()}"
    call_command("backup", str(path))
    Declaration.objects.filter(department__name="総務部").delete()
    before = snapshot()
    with pytest.raises(UsageError, match="--force"):
        call_command("restore", str(path))
    assert snapshot() == before
    assert not (data_dir / "backups").exists()


def test_a_backup_restores_into_a_freshly_migrated_database_without_force(reports, new_database, tmp_path):
    """docs/operations.md: create the database, `sengen migrate`, `sengen restore`. What migrate
    writes by itself (content types, permissions, the grading presets) is not data to protect."""
    original = snapshot()
    path = tmp_path / f"sengen{backup_suffix()}"
    call_command("backup", str(path))
    url = new_database()
    migrated = run(["migrate", "--verbosity=0"], url, tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    result = run(["restore", str(path)], url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "置き換える前の内容" not in result.stdout  # nothing was there to keep
    assert snapshot_of(url, tmp_path) == original


def as_migrate_leaves_it() -> None:
    """This test's database as `migrate` leaves a new one: its data migration's grading presets
    (a transactional test's flush removed them; post_migrate put back the rest)."""
    import importlib

    importlib.import_module("sengen.declarations.migrations.0002_grading_presets").load_presets(apps, None)


def _account():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="kikaku", password="x" * 20)


def _city_scale():
    from sengen.declarations.models import GradingScale

    GradingScale.objects.create(code="city-own", name="市独自の4段階")


def _edited_preset():
    from sengen.declarations.models import Grade

    grade = Grade.objects.order_by("pk").first()
    grade.label += "（市の表記）"
    grade.save()


def _report():
    report_import(doc=json.loads((CHECKOUT / "tests/fixtures/seed/h29-shiminseikatsu-achievement.json")
                                 .read_text(encoding="utf-8")))


def _audit_entry():
    from sengen.declarations.models import AuditEntry

    AuditEntry.objects.create(action="fiscal_year.open", object_type="fiscalyear", object_id="1")


@pytest.mark.parametrize("change", [_account, _city_scale, _edited_preset, _report, _audit_entry])
def test_a_migrated_database_holding_anything_more_is_still_refused(change, tmp_path, data_dir):
    as_migrate_leaves_it()
    assert not backup_module.database_has_data()
    path = tmp_path / f"sengen{backup_suffix()}"
    call_command("backup", str(path))
    change()
    before = snapshot()
    with pytest.raises(UsageError, match="--force"):
        call_command("restore", str(path))
    assert snapshot() == before


def test_restore_force_brings_the_backup_back_and_keeps_what_it_replaced(reports, tmp_path, data_dir,
                                                                         new_database):
    original = snapshot()
    path = tmp_path / f"sengen{backup_suffix()}"
    call_command("backup", str(path))
    Declaration.objects.filter(department__name="総務部").delete()
    damaged = snapshot()

    call_command("restore", str(path), "--force")
    assert snapshot() == original
    (safety,) = (data_dir / "backups").iterdir()
    assert safety.name.startswith("before-restore-")
    assert restored(safety, new_database, tmp_path) == damaged


def test_the_backup_file_is_replaced_only_by_a_complete_backup(reports, tmp_path, monkeypatch):
    path = tmp_path / f"sengen{backup_suffix()}"
    path.write_bytes(b"yesterday's backup")
    failing = "_sqlite_backup" if connection.vendor == "sqlite" else "_pg_backup"

    def fail(target, alias):
        Path(target).write_bytes(b"half a backup")
        raise BackupError("disk full")

    monkeypatch.setattr(backup_module, failing, fail)
    with pytest.raises(UsageError, match="disk full"):
        call_command("backup", str(path))
    assert path.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("content, message", [
    (b"not a backup at all", "バックアップではありません"),
    (None, "ファイルがありません"),
])
def test_a_file_that_is_not_a_backup_is_refused_in_one_line(db, tmp_path, content, message):
    path = tmp_path / "x.bak"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        call_command("restore", str(path))


def test_a_backup_of_the_other_database_kind_is_refused(db, tmp_path):
    path = tmp_path / "other.bak"
    path.write_bytes(b"PGDMP\x01\x0e\x00" if connection.vendor == "sqlite" else b"SQLite format 3\x00" + b"\0" * 100)
    with pytest.raises(UsageError, match="のバックアップです"):
        call_command("restore", str(path))


def test_missing_postgresql_programs_are_named_with_what_to_install(monkeypatch):
    monkeypatch.setattr(backup_module, "_candidate_dirs", lambda: [])
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match="pg_dump が見つかりません.*postgresql-client"):
        backup_module.pg_tool("pg_dump")


# --------------------------------------------------------------------------- crashes mid-import

def changed_report(seed_doc) -> dict:
    doc = copy.deepcopy(seed_doc)
    for initiative in doc["initiatives"]:
        initiative["title"] += "（改訂）"
        for target in initiative["targets"]:
            target["text"] += "（改訂）"
    doc["initiatives"].append({**copy.deepcopy(doc["initiatives"][0]), "number": 99})
    return doc


def test_an_import_that_fails_half_way_leaves_the_data_as_it_was(reports, seed_doc, monkeypatch):
    before = snapshot()
    real, written = _report_rows._target_create, []

    def failing(**kwargs):
        written.append(real(**kwargs))
        if len(written) == 5:
            raise RuntimeError("the disk is full")
        return written[-1]

    monkeypatch.setattr(_report_rows, "_target_create", failing)
    with pytest.raises(RuntimeError):
        report_import(doc=changed_report(seed_doc))
    assert len(written) == 5  # rows were written before it failed…
    assert snapshot() == before  # …and none of them stayed
    assert not Target.objects.filter(text__endswith="（改訂）").exists()


def test_an_import_into_a_new_department_that_fails_leaves_no_trace(reports, seed_doc, monkeypatch):
    before = snapshot()
    doc = copy.deepcopy(seed_doc)
    doc["department"] = "新設部"
    monkeypatch.setattr(_report_rows, "_sections_set", lambda **kwargs: (_ for _ in ()).throw(OSError("gone")))
    with pytest.raises(OSError):
        report_import(doc=doc)
    assert snapshot() == before


def database_for_another_process(tmp_path: Path) -> str:
    """The URL under which another process reads and writes this test's (committed) data."""
    if connection.vendor == "sqlite":
        # The tests' SQLite database lives in memory; another process needs a file.
        target = tmp_path / "crash.sqlite3"
        call_command("backup", str(target))
        return database_url(str(target))
    return database_url()


def test_a_process_killed_in_the_middle_of_an_import_leaves_the_data_as_it_was(reports, seed_doc, tmp_path):
    """The process ends with no chance to roll back (os._exit, as on SIGKILL or a power cut):
    the database's own transaction must undo what it wrote."""
    url = database_for_another_process(tmp_path)
    before = snapshot_of(url, tmp_path)
    doc_path = tmp_path / "changed.json"
    doc_path.write_text(json.dumps(changed_report(seed_doc), ensure_ascii=False), encoding="utf-8")

    result = run(CRASH, url, tmp_path, str(doc_path))
    assert result.returncode == 9, result.stderr
    assert snapshot_of(url, tmp_path) == before


# A writer that keeps importing whole reports (one transaction each) into a SQLite file.
WRITER = """
import copy, json, os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "sengen.settings"
django.setup()
from sengen.declarations.services.imports import report_import
doc = json.load(open(sys.argv[1], encoding="utf-8"))
for year in range(2030, 2030 + int(sys.argv[2])):
    one = copy.deepcopy(doc)
    one["fiscal_year"], one["fiscal_year_label"] = year, f"{year}年度"
    report_import(doc=one)
    print(year, flush=True)
"""

BACKUP_CHECK = """
import json, os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
per_report = db.execute(
    "SELECT d.id, count(i.id) FROM declarations_declaration d "
    "LEFT JOIN declarations_initiative i ON i.declaration_id = d.id GROUP BY d.id").fetchall()
print(json.dumps([n for _, n in per_report]))
"""


def test_a_sqlite_backup_taken_while_reports_are_written_holds_only_whole_reports(reports, seed_doc, tmp_path):
    """The online backup while another process imports: every copy is a consistent database,
    with each report whole (its five initiatives) or absent, never half-written."""
    if connection.vendor != "sqlite":
        pytest.skip("the online backup API is SQLite's; pg_dump's snapshot is PostgreSQL's own guarantee")
    live = tmp_path / "live.sqlite3"
    call_command("backup", str(live))
    url = database_url(str(live))
    doc_path = tmp_path / "seed.json"
    doc_path.write_text(json.dumps(seed_doc, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENGEN_")}
    env.update(DATABASE_URL=url, SENGEN_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(CHECKOUT))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(doc_path), "500"], env=env, cwd=CHECKOUT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "2030"  # the writer is under way
        copies = []
        for n in range(3):
            copy_path = tmp_path / f"copy{n}.sqlite3"
            result = run(["backup", str(copy_path)], url, tmp_path)
            assert result.returncode == 0, result.stderr
            copies.append(copy_path)
        assert writer.poll() is None, "the writer finished before the backups: nothing was tested"
    finally:
        writer.kill()  # mid-import, too: the copies are already taken
        writer.wait(timeout=60)
    sizes = []
    for copy_path in copies:
        checked = subprocess.run([sys.executable, "-c", BACKUP_CHECK, str(copy_path)], capture_output=True,
                                 text=True, timeout=60)
        assert checked.returncode == 0, checked.stderr
        per_report = json.loads(checked.stdout)
        assert set(per_report) == {5}, per_report  # no report half-imported in any copy
        sizes.append(len(per_report))
    assert sizes[0] > 4 and sizes == sorted(set(sizes))  # each copy taken while the writer went on
