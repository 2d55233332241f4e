"""`sengen parse` and `sengen import DIR` as a shell runs them, on the tester's hostile files:
exit status 2, one line per file, never a traceback (issue 9.4)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed" / "h29-shiminseikatsu-achievement"
KYOIKU = FIXTURES / "reports" / "h30-kyoiku-achievement.json"


def _hostile_files(folder: Path) -> dict[str, str]:
    """File name → what its line must say."""
    seed = SEED.with_suffix(".json").read_text("utf-8")
    files = {
        "surrogate.json": (seed.replace('"市民生活部"', '"\\ud800"', 1), "サロゲート"),
        "huge-number.json": (seed.replace('"number": 1,', '"number": ' + "1" + "0" * 30 + ",", 1), "20桁を超える整数"),
        "long-number.json": ('{"schema": "sengen.report/1", "fiscal_year": ' + "9" * 5000 + "}", "桁数が多すぎて読めない"),
        "deep.json": ('{"initiatives": ' + "[" * 100_000 + "]" * 100_000 + "}", "入れ子が深すぎます"),
        "wrong-year.json": (seed.replace('"fiscal_year": 2017', '"fiscal_year": 1926', 1), "fiscal_year は 1926"),
    }
    for name, (text, _) in files.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (folder / "cut.pdf").write_bytes(SEED.with_suffix(".pdf").read_bytes()[:5000])
    return {**{name: said for name, (_, said) in files.items()},
            "scan.pdf": "PNG の画像で、報告の PDFではありません", "cut.pdf": "PDF として読めません"}


@pytest.fixture(scope="module")
def sengen(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    command = Path(sys.executable).with_name("sengen")
    command = [str(command)] if command.exists() else [sys.executable, "-m", "sengen.cli"]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SENGEN_DATA_DIR"] = str(data)

    def run(*args):
        return subprocess.run([*command, *map(str, args)], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=300)

    assert run("migrate", "-v", "0").returncode == 0
    return run


def test_sengen_parse_refuses_each_hostile_file_with_one_line(sengen, tmp_path):
    expected = _hostile_files(tmp_path)
    for name, said in expected.items():
        result = sengen("parse", tmp_path / name)
        assert result.returncode == 2, (name, result.stderr[-500:])
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], (name, lines)
        assert lines[0].startswith(f"sengen parse: エラー: {tmp_path / name}")


def test_sengen_import_dir_stores_the_good_files_and_says_one_line_per_hostile_one(sengen, tmp_path):
    expected = _hostile_files(tmp_path)
    shutil.copy(KYOIKU, tmp_path / "good.json")
    result = sengen("import", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if ": 読み込めません: " in line]
    assert sorted(Path(line.split(": ")[0]).name for line in errors) == sorted(expected)
    for line in errors:
        assert expected[Path(line.split(": ")[0]).name] in line, line
    assert f"{tmp_path / 'good.json'}: 登録しました: 平成30年度 教育部" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == f"{len(expected) + 1} ファイル: 読み込み 1（登録 1）、失敗 {len(expected)}"
    exported = sengen("export", "--fiscal-year", "2018", "--department", "教育部")
    assert exported.returncode == 0 and json.loads(exported.stdout)["department"] == "教育部"
