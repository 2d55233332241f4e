"""The year's open data from the database: `sengen export --all` and ``year_zip_bytes`` write what
citizens read (published only, unless --draft), and its CSV and XLSX import back to the same
reports, grades included; bad input is one line and exit status 2."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest

from sengen.core.report import normalise
from sengen.declarations.models import Declaration
from sengen.declarations.opendata import year_reports, year_zip_bytes
from sengen.declarations.selectors import DeclarationNotFound, report_document
from sengen.declarations.services.imports import report_import
from sengen.parsers import parse_bytes

from .helpers import refused, run

pytestmark = pytest.mark.django_db

DEPARTMENTS = ["総務部", "市民生活部", "消防本部", "総務/企画部"]
GRADES = ["A", "B", "C", None]


def department_doc(seed_doc: dict, name: str, shift: int = 0) -> dict:
    doc = copy.deepcopy(seed_doc)
    doc["department"] = name
    doc["director"]["title"] = f"{name}長"
    for i, initiative in enumerate(doc["initiatives"]):
        for j, target in enumerate(initiative["targets"]):
            target["grade"] = GRADES[(i + j + shift) % len(GRADES)]
    return doc


@pytest.fixture
def year(seed_doc):
    for k, name in enumerate(DEPARTMENTS):
        report_import(doc=department_doc(seed_doc, name, k), state="published")
    report_import(doc=department_doc(seed_doc, "未公開部"), state="draft")


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _without_city(doc: dict) -> dict:
    return {**normalise(doc), "municipality": None}


def test_the_published_year_has_every_published_department_and_no_draft(year):
    names = _zip(year_zip_bytes(None, 2017)).namelist()
    stems = sorted(n.removeprefix("departments/").removesuffix(".csv") for n in names
                   if n.startswith("departments/") and n.endswith(".csv"))
    assert stems == sorted(["総務部", "市民生活部", "消防本部", "総務_企画部"])
    package = json.loads(_zip(year_zip_bytes("伊勢原市", 2017)).read("datapackage.json"))
    assert package["title"] == "平成29年度 伊勢原市 目標宣言・達成状況報告"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_the_license_is_the_setting(year, settings):
    settings.SENGEN_OPEN_DATA_LICENSE = "CC0-1.0"
    package = json.loads(_zip(year_zip_bytes(None, 2017)).read("datapackage.json"))
    assert package["licenses"][0]["name"] == "CC0-1.0"


def test_an_unchanged_year_rebuilds_to_the_same_bytes_and_a_publication_changes_it(year, seed_doc):
    first = year_zip_bytes(None, 2017)
    assert year_zip_bytes(None, 2017) == first
    report_import(doc=department_doc(seed_doc, "消防本部", 3), state="published")
    assert year_zip_bytes(None, 2017) != first


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_department_imports_back_to_the_same_report_grades_included(year, fmt):
    archive = _zip(year_zip_bytes(None, 2017))
    stored = {d.department.name: d for d in Declaration.objects.public().select_related("department")}
    for name in sorted(n for n in archive.namelist() if n.startswith("departments/") and n.endswith(f".{fmt}")):
        doc = parse_bytes(archive.read(name), source=name)
        original = report_document(declaration=stored[doc["department"]])
        # Into another city, so the import stores it anew rather than finding the same report.
        copy_of = report_import(doc={**doc, "municipality": "比較市"}, state="published").declaration
        again = report_document(declaration=copy_of)
        grades = [t["grade"] for i in again["initiatives"] for t in i["targets"]]
        assert grades == [t["grade"] for i in original["initiatives"] for t in i["targets"]]
        assert any(grades)
        if fmt == "csv":
            assert _without_city(again) == _without_city(original)


def test_csv_import_back_into_the_same_city_changes_nothing(year):
    archive = _zip(year_zip_bytes(None, 2017))
    doc = parse_bytes(archive.read("departments/市民生活部.csv"), source="市民生活部.csv")
    assert report_import(doc=doc, state="published").action == "unchanged"


def test_export_all_writes_the_zip_with_a_line_per_department(year, tmp_path):
    path = tmp_path / "2017.zip"
    out = run("export", "--fiscal-year", "平成29年度", "--all", "-o", str(path))
    lines = out.strip().splitlines()
    assert lines[0] == "市民生活部: 達成状況報告（departments/市民生活部.csv / .xlsx / .json）"
    assert len(lines) == len(DEPARTMENTS) + 1
    assert lines[-1].startswith(f"伊勢原市 平成29年度の4部（公開中の内容）を {path} に書き出しました")
    assert path.read_bytes() == year_zip_bytes(None, 2017)


def test_export_all_draft_adds_the_unpublished(year, tmp_path):
    path = tmp_path / "draft.zip"
    out = run("export", "--fiscal-year", "2017", "--all", "--draft", "-o", str(path))
    assert "未公開部: 目標宣言" in out or "未公開部: 達成状況報告" in out
    assert "departments/未公開部.csv" in _zip(path.read_bytes()).namelist()


@pytest.mark.parametrize("args, says", [
    (["--all"], "-o でファイルを指定"),
    (["--all", "-o", "x.zip", "--department", "総務部"], "--department とは一緒に指定できません"),
    (["--all", "-o", "x.zip", "--format", "csv"], "--format は指定しません"),
    ([], "--department で部を指定してください"),
    (["--all", "-o", "x.zip", "--municipality", "どこか市"], "どこか市の2017年度に書き出せる"),
])
def test_export_all_refuses_bad_input_in_one_line(year, tmp_path, monkeypatch, args, says):
    monkeypatch.chdir(tmp_path)
    assert says in str(refused("export", "--fiscal-year", "2017", *args))
    assert not (tmp_path / "x.zip").exists()


def test_a_year_with_nothing_published_is_refused(seed_doc, tmp_path):
    report_import(doc=department_doc(seed_doc, "未公開部"), state="draft")
    assert "書き出せる目標宣言・報告はありません" in str(refused("export", "--fiscal-year", "2017", "--all",
                                                             "-o", str(tmp_path / "x.zip")))
    with pytest.raises(DeclarationNotFound):
        year_reports(fiscal_year=2017)


def test_two_cities_need_the_city_named(year, seed_doc):
    report_import(doc={**department_doc(seed_doc, "総務部"), "municipality": "架空市"}, state="published")
    with pytest.raises(DeclarationNotFound, match="自治体を指定してください"):
        year_reports(fiscal_year=2017)
    assert year_reports(fiscal_year=2017, municipality="架空市").municipality == "架空市"


def test_sengen_import_reads_the_zips_csv_files_from_a_folder(year, tmp_path):
    folder = tmp_path / "back"
    folder.mkdir()
    archive = _zip(year_zip_bytes(None, 2017))
    for name in archive.namelist():
        if name.startswith("departments/") and name.endswith(".csv"):
            (folder / name.removeprefix("departments/")).write_bytes(archive.read(name))
    out = run("import", str(folder))
    assert out.count("変更はありません") == len(DEPARTMENTS), out
