"""The management commands, called in process (``call_command``) against the test database."""

import json

import pytest

from sengen.core.report import dumps, normalise
from sengen.declarations.models import Declaration, Initiative, Municipality
from sengen.declarations.services.imports import report_import
from sengen.parsers import parse_path

from .helpers import refused, run

# parse ---------------------------------------------------------------------------------

def test_parse_prints_the_report_as_canonical_json(seed_txt_path):
    assert run("parse", str(seed_txt_path)) == dumps(parse_path(seed_txt_path))


@pytest.mark.django_db
def test_parse_stores_nothing(seed_json_path):
    run("parse", str(seed_json_path))
    assert Declaration.objects.count() == 0


def test_parse_of_a_missing_file_is_a_refused(tmp_path):
    error = refused("parse", str(tmp_path / "missing.txt"))
    assert "missing.txt" in str(error)


def test_parse_of_a_text_that_is_no_report_is_a_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("買い物リスト\n・牛乳\n", encoding="utf-8")
    assert "notes.txt" in str(refused("parse", str(path)))


# import --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_import_stores_the_report_and_says_so_in_one_line(seed_json_path, seed_doc):
    out = run("import", str(seed_json_path))
    assert out.count("\n") == 1
    assert out.startswith("登録しました: 平成29年度 市民生活部 達成状況報告（取組 5 件、達成目標 9 件")
    declaration = Declaration.objects.get()
    assert declaration.source == str(seed_json_path)


@pytest.mark.django_db
def test_import_of_the_same_report_again_never_duplicates(seed_json_path, seed_txt_path):
    run("import", str(seed_json_path))
    assert run("import", str(seed_json_path)).startswith("変更はありません")
    # The same report read from its text and from its PDF: same department and year.
    run("import", str(seed_txt_path))
    run("import", str(seed_json_path.with_suffix(".pdf")))
    assert Declaration.objects.count() == 1
    assert Initiative.objects.count() == 5


@pytest.mark.django_db
def test_import_can_store_a_draft(seed_json_path):
    run("import", str(seed_json_path), "--state", "draft")
    assert Declaration.objects.get().state == "draft"


@pytest.mark.django_db
def test_import_of_a_broken_report_stores_nothing(tmp_path, seed_doc):
    seed_doc["initiatives"][0]["targets"][0]["metric"] = {"value": "many", "unit": "人"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(seed_doc, ensure_ascii=False), encoding="utf-8")
    error = refused("import", str(path))
    assert "$.initiatives[0].targets[0].metric.value" in str(error)
    assert Declaration.objects.count() == 0 and Municipality.objects.count() == 0


@pytest.mark.django_db
def test_import_of_a_value_the_database_cannot_hold_is_a_refused(tmp_path, seed_doc):
    seed_doc["initiatives"][1]["targets"][0]["metric"]["value"] = 0.1234567
    path = tmp_path / "precise.json"
    path.write_text(json.dumps(seed_doc, ensure_ascii=False), encoding="utf-8")
    assert "小数点以下は6桁まで" in str(refused("import", str(path)))
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
def test_import_of_a_missing_file_is_a_refused(tmp_path):
    refused("import", str(tmp_path / "nope.json"))
    assert Declaration.objects.count() == 0


# demo ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_demo_loads_the_packaged_seed_and_is_idempotent(seed_doc):
    assert run("demo").startswith("登録しました")
    assert run("demo").startswith("変更はありません")
    declaration = Declaration.objects.get(department__municipality__name="伊勢原市")  # 架空市 has its own
    assert declaration.state == "published"
    assert declaration.version == 1
    from sengen.declarations.selectors import report_document

    assert report_document(declaration=declaration) == normalise(seed_doc)


# export --------------------------------------------------------------------------------

@pytest.fixture
def seeded(db, seed_doc):
    return report_import(doc=seed_doc).declaration


def test_export_json_to_stdout_gives_back_the_imported_report(seeded, seed_doc):
    out = run("export", "--fiscal-year", "2017", "--department", "市民生活部", "--format", "json", "-o", "-")
    assert out == dumps(seed_doc)


def test_export_accepts_the_fiscal_year_as_people_write_it(seeded, seed_doc):
    assert run("export", "--fiscal-year", "平成２９年度", "--department", "市民生活部") == dumps(seed_doc)


def test_export_writes_the_file_named_by_o(seeded, seed_doc, tmp_path):
    path = tmp_path / "report.json"
    assert run("export", "--fiscal-year", "2017", "--department", "市民生活部", "-o", str(path)) == ""
    assert path.read_text(encoding="utf-8") == dumps(seed_doc)


@pytest.mark.parametrize("fmt, magic", [
    ("csv", b"\xef\xbb\xbf"),   # UTF-8 with BOM, so that Excel opens it correctly
    ("xlsx", b"PK\x03\x04"),    # a zip
    ("html", b"<!"),
])
def test_export_writes_every_open_data_format(seeded, tmp_path, fmt, magic):
    path = tmp_path / f"report.{fmt}"
    run("export", "--fiscal-year", "2017", "--department", "市民生活部", "--format", fmt, "-o", str(path))
    assert path.read_bytes().startswith(magic)


def test_export_of_an_unknown_department_is_a_refused(seeded):
    error = refused("export", "--fiscal-year", "2017", "--department", "総務部")
    assert "総務部" in str(error)


def test_export_of_an_unknown_year_is_a_refused(seeded):
    assert "2016" in str(refused("export", "--fiscal-year", "2016", "--department", "市民生活部"))


def test_export_of_a_binary_format_to_stdout_is_a_refused(seeded):
    assert "-o" in str(refused("export", "--fiscal-year", "2017", "--department", "市民生活部",
                                   "--format", "xlsx"))


def test_export_to_an_unwritable_place_is_a_usage_error_and_leaves_nothing(seeded, tmp_path):
    refused("export", "--fiscal-year", "2017", "--department", "市民生活部",
                "-o", str(tmp_path / "no-such-dir" / "r.json"))
    target = tmp_path / "a-directory"
    target.mkdir()
    refused("export", "--fiscal-year", "2017", "--department", "市民生活部", "-o", str(target))
    assert list(target.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory"]


@pytest.mark.pdf
def test_export_pdf_writes_a_pdf(seeded, tmp_path):
    path = tmp_path / "report.pdf"
    run("export", "--fiscal-year", "2017", "--department", "市民生活部", "--format", "pdf", "-o", str(path))
    assert path.read_bytes().startswith(b"%PDF-")


def test_export_writes_through_a_pipe_and_leaves_it_a_pipe(seeded, seed_doc, tmp_path):
    """-o names a FIFO (or a device): it is written through, not replaced by a regular file
    (as root, -o /dev/null used to replace the machine's /dev/null)."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        assert run("export", "--fiscal-year", "2017", "--department", "市民生活部", "-o", str(fifo)) == ""
    finally:
        if reader.is_alive():  # the old code replaced the pipe: open it once so the reader ends
            with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK) if stat.S_ISFIFO(fifo.lstat().st_mode)
                      else os.devnull, "wb"):
                pass
        reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received == [dumps(seed_doc).encode("utf-8")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_export_through_a_symbolic_link_replaces_the_file_it_points_to(seeded, seed_doc, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run("export", "--fiscal-year", "2017", "--department", "市民生活部", "-o", str(link))
    assert link.is_symlink() and real.read_text("utf-8") == dumps(seed_doc)
