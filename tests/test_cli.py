"""The ``sengen`` command as a person runs it: a separate process, its own SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sengen.cli import main
from sengen.core.report import dumps

SENGEN = Path(sys.executable).with_name("sengen")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def sengen(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SENGEN_DATA_DIR"] = str(data_dir)
    command = [str(SENGEN)] if SENGEN.exists() else [sys.executable, "-m", "sengen.cli"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=120)


def assert_one_line_usage_error(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_migrate_import_export_round_trip(data_dir, seed_json_path, seed_doc):
    assert sengen("migrate", "-v", "0", data_dir=data_dir).returncode == 0
    assert (data_dir / "sengen.sqlite3").exists()  # the default database lives in SENGEN_DATA_DIR

    imported = sengen("import", str(seed_json_path), data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("登録しました")

    again = sengen("demo", data_dir=data_dir)  # the packaged copy of the same seed
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("変更はありません")

    exported = sengen("export", "--fiscal-year", "2017", "--department", "市民生活部", "-o", "-", data_dir=data_dir)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == dumps(seed_doc)


@pytest.mark.parametrize("args", [
    ("parse", "/no/such/report.txt"),
    ("parse",),
    ("parse", "a.txt", "b.txt"),
    ("export", "--fiscal-year", "2017"),
    ("export", "--fiscal-year", "去年", "--department", "市民生活部"),
    ("export", "--fiscal-year", "2017", "--department", "市民生活部", "--format", "docx"),
    ("import", "--state", "secret", "x.json"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_status_2(data_dir, args):
    assert_one_line_usage_error(sengen(*args, data_dir=data_dir))


def test_a_command_on_a_database_not_yet_created_says_to_migrate(data_dir, seed_json_path):
    result = sengen("import", str(seed_json_path), data_dir=data_dir)
    assert_one_line_usage_error(result)
    assert "sengen migrate" in result.stderr


def test_export_of_an_unknown_department_is_exit_2(data_dir):
    assert sengen("migrate", "-v", "0", data_dir=data_dir).returncode == 0
    result = sengen("export", "--fiscal-year", "2017", "--department", "総務部", data_dir=data_dir)
    assert_one_line_usage_error(result)
    assert "総務部" in result.stderr


def test_main_in_process_reports_bad_input_in_one_line(capsys, seed_json_path):
    with pytest.raises(SystemExit) as info:
        main(["parse", str(seed_json_path.with_name("missing.txt"))])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("sengen parse: エラー:") and err.count("\n") == 1
