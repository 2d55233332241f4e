"""The year's open-data ZIP: a valid Frictionless Data Package, the same bytes on a rebuild, file
names that are never a path nor a collision, and files that read back as the reports."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from sengen.core.report import normalise
from sengen.parsers import parse_bytes
from sengen.renderers.opendata import department_stems, safe_stem, year_zip

from .helpers import HOSTILE, load_seed

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"
CREATED = datetime(2018, 6, 1, 9, 30, 0)
NAMES = ["市民生活部", "../../etc/passwd", "総務/企画部", "総務_企画部", "ABC", "abc", "CON", "..", " . ",
         "=HYPERLINK(\"x\")", "部" * 200]


def _report(department: str, grade_seed: int = 0) -> dict:
    doc = normalise(load_seed())
    doc["department"] = department
    for i, initiative in enumerate(doc["initiatives"]):
        for j, target in enumerate(initiative["targets"]):
            target["grade"] = ["A", "B", None, "計画通り"][(i + j + grade_seed) % 4]
    return normalise(doc)


def _year(reports, **kwargs) -> bytes:
    args = {"municipality": "伊勢原市", "fiscal_year": 2017, "fiscal_year_label": "平成29年度",
            "created": CREATED, **kwargs}
    return year_zip(reports, **args)


@pytest.fixture(scope="module")
def reports():
    out = [(_report(name, k), None) for k, name in enumerate(NAMES)]
    f2 = normalise(json.loads((V2 / "f2-kankyo-achievement.json").read_text(encoding="utf-8")))
    f2["municipality"], f2["fiscal_year"], f2["fiscal_year_label"] = "伊勢原市", 2017, "平成29年度"
    out.append((normalise(f2), None))
    return out


@pytest.fixture(scope="module")
def archive(reports) -> bytes:
    return _year(reports)


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_package_validates_with_frictionless(archive, tmp_path):
    frictionless = pytest.importorskip("frictionless", reason="frictionless is in the test extra")
    _open(archive).extractall(tmp_path)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resource/name", "rowNumber", "type", "note"])[:10]
    assert len(report.tasks) == 1 + 3 * len(NAMES + ["環境部"])


def test_a_changed_cell_makes_the_package_invalid(archive, tmp_path):
    """The check can fail: a CSV edited after packing no longer matches its hash and size."""
    frictionless = pytest.importorskip("frictionless", reason="frictionless is in the test extra")
    _open(archive).extractall(tmp_path)
    path = tmp_path / "departments" / "市民生活部.csv"
    path.write_bytes(path.read_bytes().replace("伊勢原市".encode(), "伊勢原村".encode(), 1))
    assert not frictionless.validate(tmp_path / "datapackage.json").valid


def test_a_rebuild_gives_the_same_bytes_in_any_order(reports, archive):
    import time

    # Two seconds later: a ZIP entry's time has a two-second resolution, and openpyxl stamps a
    # workbook with the moment it is saved; a rebuild in the same instant would prove nothing.
    time.sleep(2.1)
    assert _year(list(reversed(reports))) == archive
    assert _year(reports, created=datetime(2018, 6, 2)) != archive


def test_names_are_never_a_path_and_never_collide(archive):
    names = _open(archive).namelist()
    assert len(names) == len(set(n.casefold() for n in names)) == 2 + 3 * len(NAMES + ["環境部"])
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name
        assert all(p not in ("", ".", "..") and not p.startswith((".", " ")) for p in parts), name
        assert len(parts) <= 2 and len(parts[-1].encode()) < 255
    assert "departments/市民生活部.csv" in names and "year.csv" in names and "datapackage.json" in names


def test_stems():
    assert safe_stem("../../etc/passwd") == "_.._etc_passwd"
    assert safe_stem("..") == "_"
    assert safe_stem("con") == "_con"
    assert safe_stem("a\u202eb") == "ab"  # a bidi override could make a name read as another
    # Sorted, "B" comes first and keeps its name; the same name twice gets _2, _3.
    assert department_stems(["b", "B", "a/b", "a_b", "b"]) == ["b_2", "B", "a_b", "a_b_2", "b_3"]


def test_every_department_csv_and_workbook_reads_back_with_its_grades(reports, archive):
    zf = _open(archive)
    package = json.loads(zf.read("datapackage.json"))
    by_title = {}
    for resource in package["resources"]:
        by_title.setdefault(resource["title"], []).append(resource["path"])
    seed_reports = [doc for doc, _ in reports if doc["schema"] == "sengen.report/1"]
    for doc in seed_reports:
        csv_path, xlsx_path, json_path = sorted(by_title[f"{doc['department']} 平成29年度"],
                                                key=lambda p: ("csv", "xlsx", "json").index(p.rsplit(".", 1)[1]))
        assert parse_bytes(zf.read(csv_path), source=csv_path) == doc
        grades = [t["grade"] for i in parse_bytes(zf.read(xlsx_path), source=xlsx_path)["initiatives"]
                  for t in i["targets"]]
        assert grades == [t["grade"] for i in doc["initiatives"] for t in i["targets"]]
        assert normalise(json.loads(zf.read(json_path))) == doc


def test_the_year_csv_has_every_departments_rows_and_guards_formulas(reports, archive):
    table = list(csv.reader(io.StringIO(_open(archive).read("year.csv").decode("utf-8-sig"), newline="")))
    header, body = table[0], table[1:]
    assert header[:5] == ["自治体", "年度", "年度（和暦）", "文書", "部"]
    assert "取組の評価" in header  # /2's columns, as one report is /2
    assert len(body) == sum(max(1, len(i["targets"])) for doc, _ in reports for i in doc["initiatives"])
    # A name that would start a formula is written with a ' in front (the department 「=HYPERLINK…」).
    assert {row[4].removeprefix("'") for row in body} == {doc["department"] for doc, _ in reports}
    assert all(len(row) == len(header) for row in body)
    assert not [c for row in body for c in row if c.startswith(("=", "+", "@"))]


def test_the_package_describes_columns_license_and_date(archive):
    package = json.loads(_open(archive).read("datapackage.json"))
    assert package["created"] == "2018-06-01T09:30:00Z"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    year = package["resources"][0]
    assert year["path"] == "year.csv" and year["encoding"] == "utf-8-sig"
    fields = {f["name"]: f for f in year["schema"]["fields"]}
    assert fields["年度"]["type"] == "integer" and fields["目標値"]["type"] == "number"
    assert fields["宣言日"]["type"] == "date" and fields["期限"]["type"] == "string"
    assert fields["達成率（実績÷目標）"]["title"] == "Achievement rate (actual / target)"
    assert "実績値÷目標値" in fields["達成率（実績÷目標）"]["description"]
    other = json.loads(_open(_year([(_report("市民生活部"), None)], license="CC0-1.0")).read("datapackage.json"))
    assert other["licenses"] == [{"name": "CC0-1.0", "title": "CC0 1.0",
                                  "path": "https://creativecommons.org/publicdomain/zero/1.0/"}]


def test_hostile_text_stays_text_in_the_year_csv():
    doc = _report("市民生活部")
    doc = copy.deepcopy(doc)
    doc["initiatives"][0]["title"] = HOSTILE["formula"]
    data = _open(_year([(normalise(doc), None)])).read("year.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in data and ",=HYPERLINK" not in data


def test_the_child_process_draws_the_same_zip_and_fails_in_one_line():
    import subprocess
    import sys

    from sengen.core.forms import form_to_dict, presets

    doc = _report("市民生活部")
    payload = {"reports": [{"document": doc, "form": form_to_dict(presets()["f1-isehara"])}],
               "municipality": "伊勢原市", "fiscal_year": 2017, "fiscal_year_label": "平成29年度",
               "created": CREATED.isoformat(), "license": "CC-BY-4.0"}
    command = [sys.executable, "-m", "sengen.renderers.opendata", "--nice", "1"]
    done = subprocess.run(command, input=json.dumps(payload, ensure_ascii=False).encode(), capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == _year([(doc, presets()["f1-isehara"])])
    broken = subprocess.run(command, input=b"{not json", capture_output=True, timeout=120, check=False)
    assert broken.returncode == 2 and broken.stdout == b""
    assert len(broken.stderr.decode().strip().splitlines()) == 1
