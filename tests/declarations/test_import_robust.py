"""``sengen import DIR`` goes on past whatever one file's store step raises, and says each
file's line as soon as it is final (issue 9.4)."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError

from sengen.declarations import importing
from sengen.declarations.models import Declaration, Department, Initiative


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args, stderr=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def _reports(seed_doc, count: int) -> list[dict]:
    docs = []
    for n in range(count):
        doc = copy.deepcopy(seed_doc)
        doc["department"] = f"第{n}部"
        docs.append(doc)
    return docs


@pytest.fixture
def folder(tmp_path, seed_doc):
    path = tmp_path / "reports"
    path.mkdir()
    for n, doc in enumerate(_reports(seed_doc, 10)):
        (path / f"{n:02d}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [
    '"\\ud800"',  # a lone surrogate: a traceback of UnicodeEncodeError when stored
    None,  # a number past every integer column: OverflowError / DataError when stored
])
def test_one_hostile_file_among_ten_good_ones_fails_alone(folder, seed_doc, bad):
    doc = copy.deepcopy(seed_doc)
    doc["department"] = "第06部の偽物"
    text = json.dumps(doc, ensure_ascii=False)
    if bad is None:
        text = text.replace('"number": 3,', '"number": ' + "9" * 30 + ",", 1)
    else:
        text = text.replace('"第06部の偽物"', bad)
    (folder / "06a-hostile.json").write_text(text, "utf-8")
    status, out, err = run(folder)
    assert status == 2
    assert Declaration.objects.count() == 10
    hostile = [line for line in err.splitlines() if "06a-hostile.json" in line]
    assert len(hostile) == 1 and "読み込めません" in hostile[0]
    assert "$.department" in hostile[0] or "$.initiatives[2].number" in hostile[0]
    assert "Traceback" not in err + out
    assert out.splitlines()[-1] == "11 ファイル: 読み込み 10（登録 10）、失敗 1"


@pytest.mark.django_db
@pytest.mark.parametrize("exc, words", [
    (DataError("value out of range for type integer"), "保存できませんでした（value out of range for type integer）"),
    (IntegrityError("UNIQUE constraint failed"), "保存できませんでした（UNIQUE constraint failed）"),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), "保存できませんでした（Python int too large"),
    (RuntimeError("a bug"), "予期しないエラーで保存できませんでした（RuntimeError）"),
])
def test_whatever_a_store_step_raises_the_next_file_is_stored(folder, monkeypatch, caplog, exc, words):
    real = importing.report_import

    def report_import(*, doc, **kwargs):
        if doc["department"] == "第3部":
            Department.objects.create(municipality=Department.objects.first().municipality, name="半端")
            raise exc
        return real(doc=doc, **kwargs)

    monkeypatch.setattr(importing, "report_import", report_import)
    status, out, err = run(folder)
    assert status == 2
    line = next(line for line in err.splitlines() if "03.json" in line)
    assert words in line
    assert "Traceback" not in err + out
    assert Declaration.objects.count() == 9  # the nine others
    assert not Department.objects.filter(name="半端").exists()  # nothing of the refused file is left
    if isinstance(exc, RuntimeError):
        logged = [r for r in caplog.records if r.name == "sengen.import" and r.exc_info]
        assert logged and logged[0].exc_info[1] is exc  # the operator gets the traceback


@pytest.mark.django_db
def test_each_line_is_written_when_its_file_is_stored_not_at_the_end(folder, monkeypatch):
    real = importing.report_import
    seen: list[str] = []
    out = io.StringIO()

    def report_import(*, doc, **kwargs):
        seen.append(out.getvalue())
        return real(doc=doc, **kwargs)

    monkeypatch.setattr(importing, "report_import", report_import)
    (folder / "00-broken.json").write_text("{", "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(folder), stdout=out, stderr=err)
    # The broken file was said before anything was stored, and when the 10th file is stored
    # the nine before it have their lines already.
    assert "00-broken.json: 読み込めません" in err.getvalue()
    assert seen[9].count("登録しました") == 9


@pytest.mark.django_db
def test_ctrl_c_midway_has_said_what_was_stored(folder, monkeypatch):
    real = importing.report_import

    def report_import(*, doc, **kwargs):
        if doc["department"] == "第4部":
            raise KeyboardInterrupt
        return real(doc=doc, **kwargs)

    monkeypatch.setattr(importing, "report_import", report_import)
    status, out, err = run(folder)
    assert status == 130
    assert [line.split(": ")[0].rsplit("/", 1)[-1] for line in out.splitlines()] == [
        "00.json", "01.json", "02.json", "03.json"]
    assert "中断しました" in err and "4 ファイルを保存しました" in err
    assert Declaration.objects.count() == 4
    assert not Initiative.objects.filter(declaration__department__name="第4部").exists()


@pytest.mark.django_db
def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(folder):
    status, out, err = run(folder, stderr=Terminal())
    assert status == 0
    assert "\r読み取り [" in err and "\r保存 [" in err and "10/10" in err
    assert err.endswith("\r\x1b[K")  # the bar is gone when the summary is written
    assert "\r" not in out
    status, out, err = run(folder)
    assert err == "" and "\r" not in out
