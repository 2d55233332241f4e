"""Backup and restore of the whole database, while the server keeps running.

- SQLite: sqlite3's online backup API copies a consistent snapshot page by page, whatever the
  server's workers are writing meanwhile (a plain file copy of a database being written can
  be torn). Restoring uses the same API in the other direction.
- PostgreSQL: ``pg_dump`` in its custom format (compressed; ``pg_restore --list`` reads it),
  and ``pg_restore`` piped into ``psql`` inside one transaction that first empties the
  ``public`` schema, so a restore either replaces the whole database or changes nothing.
  The client programs are found as ``tests/pgrun.py`` finds the server's: ``$PG_BINDIR``,
  then Debian's ``/usr/lib/postgresql/<newest>/bin``, then ``PATH`` (pg_dump must be at least
  as new as the server, hence newest first).

Both write the backup to a temporary file beside the target and rename it when it is complete
and checked, so PATH is never a half-written backup. A restore refuses a database that holds
data unless forced, and then first saves what it is about to replace.

Errors a person can act on (a missing program, a file that is not a backup, a database that
is not empty) are ``BackupError``: one line, no traceback.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# What `migrate` writes into a new database by itself: Django's registry of models and their
# permissions (its post_migrate step). sengen's grading presets (migration 0002) are checked
# row by row instead (_only_grading_presets): a city's own or edited scale is its data.
_MIGRATE_MADE = {"contenttypes.ContentType", "auth.Permission"}
_GRADING = {"declarations.GradingScale", "declarations.Grade"}
# The preset forms (様式) migration 0006 writes, with the scales they bring: checked row by row
# too (_only_preset_forms), since a city's own form, or a new version of a preset, is its data.
_FORMS = {"declarations.Form", "declarations.FormVersion"}
# The running server's passing state, not the city's: anonymous sessions, and failed logins,
# which are kept only for the lockout window. A session of someone logged in needs an account,
# and accounts count.
_PASSING_STATE = {"sessions.Session", "security.LoginFailure"}


class BackupError(Exception):
    """A backup or restore that cannot be done, in one line that says why."""


@dataclass(frozen=True)
class Result:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size: int
    safety_copy: Path | None = None  # restore --force: what the database held before


# --------------------------------------------------------------------------- helpers

def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"{vendor} のデータベースのバックアップには対応していません（SQLite と PostgreSQL のみ）")
    return vendor


def kind_of_file(path: Path) -> str:
    """``"sqlite"`` or ``"postgresql"`` from the file's first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        raise BackupError(f"{path}: ファイルがありません") from None
    except OSError as exc:
        raise BackupError(f"{path}: 読めません（{exc.strerror or exc}）") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: sengen backup で作ったバックアップではありません（SQLite のデータベースでも pg_dump の"
                      "カスタム形式でもありません）")


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def _check_target(path: Path) -> Path:
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise BackupError(f"{path}: ディレクトリです。バックアップのファイル名を指定してください")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: ディレクトリがありません")
    if not os.access(path.parent, os.W_OK):
        raise BackupError(f"{path.parent}: 書き込めません")
    return path


def database_has_data(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Does the database hold anything a restore would destroy: reports, accounts, audit
    records, a city's grading scale… A database holding only what `sengen migrate` wrote into
    it (content types, permissions, the grading presets as the migration made them) is empty,
    as is one without sengen's tables."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        label = model._meta.label
        if label in _MIGRATE_MADE | _PASSING_STATE | _GRADING | _FORMS or model._meta.db_table not in tables:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._default_manager.using(alias).exists():
            return True
    return not (_only_grading_presets(alias, tables) and _only_preset_forms(alias, tables))


def _only_preset_forms(alias: str, tables: set[str]) -> bool:
    """Are the forms stored exactly the presets migration 0006 writes (or fewer), each at its
    first version as the migration wrote it?"""
    from sengen.core.forms import form_to_dict, presets

    form_model = apps.get_model("declarations", "Form")
    version_model = apps.get_model("declarations", "FormVersion")
    if not {form_model._meta.db_table, version_model._meta.db_table} <= tables:
        return True
    preset_forms = presets()
    forms = {pk: (municipality_id, code) for pk, municipality_id, code
             in form_model._default_manager.using(alias).values_list("pk", "municipality_id", "code")}
    if any(municipality_id is not None or code not in preset_forms for municipality_id, code in forms.values()):
        return False
    for form_id, version, definition in version_model._default_manager.using(alias).values_list(
            "form_id", "version", "definition"):
        if version != 1 or definition != form_to_dict(preset_forms[forms[form_id][1]]):
            return False
    return True


def _only_grading_presets(alias: str, tables: set[str]) -> bool:
    """Are the grading scales stored exactly the presets migrations 0002 and 0006 write (or fewer)?"""
    from decimal import Decimal

    from sengen.core.forms import presets as form_presets
    from sengen.core.grading import PRESETS

    scale_model = apps.get_model("declarations", "GradingScale")
    grade_model = apps.get_model("declarations", "Grade")
    if not {scale_model._meta.db_table, grade_model._meta.db_table} <= tables:
        return True
    presets = {scale.code: (scale.name, {(grade.code, grade.label, order, grade.min_rate, grade.evaluation)
                                         for order, grade in enumerate(scale.grades)})
               for scale in PRESETS.values()}
    for form in form_presets().values():
        scale = form.scale_definition
        if scale is not None and scale.code not in presets:
            presets[scale.code] = (scale.name, {
                (grade.code, grade.label, order, None if grade.min_rate is None else Decimal(str(grade.min_rate)),
                 grade.evaluation) for order, grade in enumerate(scale.grades)})
    stored: dict[int, tuple[str, str, set]] = {
        pk: (code, name, set()) for pk, code, name
        in scale_model._default_manager.using(alias).values_list("pk", "code", "name")}
    for scale_id, *grade in grade_model._default_manager.using(alias).values_list(
            "scale_id", "code", "label", "order", "min_rate", "evaluation"):
        stored[scale_id][2].add(tuple(grade))
    return all(presets.get(code) == (name, grades) for code, name, grades in stored.values())


def safety_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


# --------------------------------------------------------------------------- PostgreSQL tools

def _candidate_dirs() -> list[str]:
    dirs = []
    if os.environ.get("PG_BINDIR"):
        dirs.append(os.environ["PG_BINDIR"])
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                   key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0, reverse=True)
    return dirs


def pg_tool(name: str) -> str:
    """The path of ``pg_dump``, ``pg_restore`` or ``psql``; BackupError when there is none."""
    for directory in _candidate_dirs():
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} が見つかりません: PostgreSQL のクライアント（Debian: apt-get install postgresql-client）を"
                      "入れるか、PG_BINDIR にその bin ディレクトリを指定してください")


_LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "options", "application_name",
                  "connect_timeout", "target_session_attrs", "service", "passfile"}


def _pg_connection(alias: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the database, and the environment carrying its password
    (an environment variable, not an argument other users could read in ``ps``)."""
    from psycopg.conninfo import make_conninfo

    s = connections[alias].settings_dict
    params = {"dbname": s.get("NAME") or "postgres"}
    if s.get("USER"):
        params["user"] = s["USER"]
    if s.get("HOST"):
        params["host"] = s["HOST"]
    if s.get("PORT"):
        params["port"] = str(s["PORT"])
    for key, value in (s.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS and isinstance(value, str | int):
            params[key] = str(value)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PG_BINDIR"}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return make_conninfo(**params), env


def _run(args: list[str], *, env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, stdout=kwargs.pop("stdout", subprocess.PIPE),
                            stderr=subprocess.PIPE, **kwargs)
    if result.returncode != 0:
        message = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        detail = next((line for line in message if "error" in line.lower()), message[0] if message else "")
        raise BackupError(f"{what}に失敗しました（{detail or f'{os.path.basename(args[0])}: {result.returncode}'}）")
    return result


# --------------------------------------------------------------------------- backup

def backup(path: str | os.PathLike, *, alias: str = DEFAULT_DB_ALIAS) -> Result:
    """Write a backup of the database to ``path`` (replacing a file there once the new backup
    is complete)."""
    path = _check_target(Path(path))
    engine = engine_of(alias)
    partial = _partial(path)
    try:
        if engine == "sqlite":
            _sqlite_backup(partial, alias)
        else:
            _pg_backup(partial, alias)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Result(path=path, engine=engine, size=path.stat().st_size)


def _sqlite_backup(target: Path, alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # One step: the copy is the database as of one moment. The server's writers wait for
        # the few milliseconds a city's database takes (busy_timeout), none of them fails.
        connection.connection.backup(destination)
        ok = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"バックアップの検査に失敗しました: {ok}")
    finally:
        destination.close()


def _pg_backup(target: Path, alias: str) -> None:
    conninfo, env = _pg_connection(alias)
    _run([pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}", f"--dbname={conninfo}"],
         env=env, what="バックアップ")
    # A dump pg_restore cannot list is no backup.
    _run([pg_tool("pg_restore"), "--list", str(target)], env=env, what="バックアップの検査")


# --------------------------------------------------------------------------- restore

def restore(path: str | os.PathLike, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> Result:
    """Replace the database's contents with the backup at ``path``.

    Refuses a database that holds data unless ``force``; then what it held is first backed up
    to ``DATA_DIR/backups/before-restore-<time>…`` (``Result.safety_copy``)."""
    path = Path(path).expanduser().resolve()
    engine = engine_of(alias)
    kind = kind_of_file(path)
    if kind != engine:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"{path}: {names[kind]} のバックアップです。このサーバーのデータベースは {names[engine]} です")
    if engine == "sqlite":
        _sqlite_check(path)
    else:
        conninfo, env = _pg_connection(alias)
        _run([pg_tool("pg_restore"), "--list", str(path)], env=env, what="バックアップの読み取り")
        pg_tool("psql")  # missing psql: say so before anything is touched
    safety = None
    if database_has_data(alias):
        if not force:
            raise BackupError("データベースにはすでにデータがあります。置き換えるには --force を付けてください"
                              f"（置き換える前の内容は {safety_dir()} に保存されます）")
        directory = safety_dir()
        directory.mkdir(parents=True, exist_ok=True)
        suffix = ".sqlite3" if engine == "sqlite" else ".pgdump"
        safety = backup(directory / f"before-restore-{_stamp()}{suffix}", alias=alias).path
    if engine == "sqlite":
        _sqlite_restore(path, alias)
    else:
        _pg_restore(path, alias)
    return Result(path=path, engine=engine, size=path.stat().st_size, safety_copy=safety)


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = source.execute("PRAGMA integrity_check").fetchone()[0]
            has_migrations = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: 壊れたバックアップです（{exc}）") from None
    if ok != "ok":
        raise BackupError(f"{path}: 壊れたバックアップです（{ok}）")
    if not has_migrations:
        raise BackupError(f"{path}: sengen のデータベースではありません")


def _sqlite_restore(path: Path, alias: str) -> None:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("トランザクションの中では復元できません")
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The backup API replaces every page of the destination in one step: other
        # connections see the old database or the restored one, never a mix.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()  # forget anything cached about the replaced database


def _pg_restore(path: Path, alias: str) -> None:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("トランザクションの中では復元できません")
    connection.close()  # hold no lock on what is about to be dropped
    conninfo, env = _pg_connection(alias)
    # pg_restore writes the dump as SQL; psql runs it after emptying the schema, inside one
    # transaction: tables a newer version added go too, and a failure changes nothing. The
    # SQL streams from one to the other (a city's dump need not fit in memory), and COMMIT is
    # sent only after pg_restore has finished without error: if it stops half-way, psql reaches
    # the end of its input inside the transaction, and the server rolls it back.
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        psql = subprocess.Popen(
            [pg_tool("psql"), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
             "--output=/dev/null", f"--dbname={conninfo}"],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err)
        dump = subprocess.Popen([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
                                env=env, stdout=subprocess.PIPE, stderr=restore_err)
        try:
            psql.stdin.write(b"BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
            shutil.copyfileobj(dump.stdout, psql.stdin, 1024 * 1024)
            dump.stdout.close()
            if dump.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error: its status and message say which
        finally:
            dump.stdout.close()
            try:
                psql.stdin.close()
            except BrokenPipeError:
                pass
        dump_status, psql_status = dump.wait(), psql.wait()
        for status, err, program in ((dump_status, restore_err, "pg_restore"), (psql_status, psql_err, "psql")):
            if status != 0:
                err.seek(0)
                lines = err.read().decode("utf-8", "replace").strip().splitlines()
                detail = next((line for line in lines if "error" in line.lower()),
                              lines[0] if lines else f"{program}: {status}")
                raise BackupError(f"復元に失敗しました。データベースは元のままです（{detail}）")
