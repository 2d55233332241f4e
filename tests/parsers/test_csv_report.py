"""sengen's own CSV reads back as the report it was written from, grades included; what it cannot
be (several reports, someone else's columns) is refused with the line that says so. A /2 report's
CSV: test_csv_report_v2.py. Also: a workbook sengen wrote gives back the grades its official
table does not print."""

from __future__ import annotations

import copy

import pytest

from sengen.core.report import normalise
from sengen.parsers import ParseError, parse_bytes
from sengen.renderers import render

from ..renderers.helpers import HOSTILE, load_seed

GRADES = ["A", "B", "計画通り", None, "評価不能"]


def graded_seed() -> dict:
    doc = normalise(load_seed())
    for i, initiative in enumerate(doc["initiatives"]):
        for j, target in enumerate(initiative["targets"]):
            target["grade"] = GRADES[(i + j) % len(GRADES)]
    return normalise(doc)


def test_the_seed_with_grades_reads_back_identical():
    doc = graded_seed()
    back = parse_bytes(render(doc, "csv"), source="seed.csv")
    assert back == doc
    assert [t["grade"] for i in back["initiatives"] for t in i["targets"]] == \
        [t["grade"] for i in doc["initiatives"] for t in i["targets"]]


@pytest.mark.parametrize("payload", sorted(set(HOSTILE.values()) | {"'quoted", "''twice", "-5"}))
def test_text_that_would_be_a_formula_reads_back_as_written(payload):
    doc = graded_seed()
    doc["initiatives"][0]["title"] = payload.replace("\r", "")
    doc["initiatives"][1]["content"] = [payload.replace("\r", "").replace("\n", "")]
    doc["initiatives"][2]["targets"][0]["grade"] = payload.strip()[:50] or "A"
    doc = normalise(doc)
    data = render(doc, "csv")
    assert b"\n=" not in data and b",=" not in data  # still neutralised for spreadsheets
    assert parse_bytes(data, source="hostile.csv") == doc


def test_an_initiative_without_targets_and_several_sections_reads_back():
    doc = graded_seed()
    doc["initiatives"].insert(1, {"number": 7, "title": "目標のない取組", "sections": ["甲課", "乙課"],
                                  "content": ["一つ目", "二つ目"], "targets": [], "results": [],
                                  "future_direction": [], "achievement_status": []})
    doc = normalise(doc)
    assert parse_bytes(render(doc, "csv"), source="x.csv") == doc


def test_a_declaration_reads_back():
    doc = graded_seed()
    doc["document"] = "declaration"
    for initiative in doc["initiatives"]:
        initiative.update(results=[], future_direction=[], achievement_status=[])
        for target in initiative["targets"]:
            target.update(actual=None, achievement_rate=None, evaluation="not_evaluated", grade=None)
    doc = normalise(doc)
    assert parse_bytes(render(doc, "csv"), source="x.csv") == doc


def test_a_csv_of_before_the_director_columns_still_reads():
    doc = graded_seed()
    text = render(doc, "csv").decode("utf-8-sig")
    old = "\r\n".join(line.rsplit(",", 2)[0] for line in text.split("\r\n") if line)  # no director cells
    back = parse_bytes(("\ufeff" + old + "\r\n").encode(), source="old.csv")
    assert back["director"] == {"title": "", "name": ""}
    assert back["initiatives"] == doc["initiatives"]


def test_the_year_wide_csv_of_two_departments_is_refused_at_the_line():
    one = graded_seed()
    two = copy.deepcopy(one)
    two["department"] = "総務部"
    first = render(one, "csv").decode("utf-8-sig")
    second = render(two, "csv").decode("utf-8-sig").split("\r\n", 1)[1]
    with pytest.raises(ParseError) as err:
        parse_bytes(("\ufeff" + first + second).encode(), source="year.csv")
    assert err.value.code == "csv_several_reports"
    assert err.value.line == first.count("\n") + 1  # lines as an editor counts them
    assert "「部」" in str(err.value)


def test_a_row_with_a_cell_missing_says_which_line():
    text = render(graded_seed(), "csv").decode("utf-8-sig").split("\r\n")
    text[2] = text[2].rsplit(",", 1)[0]
    with pytest.raises(ParseError) as err:
        parse_bytes("\r\n".join(text).encode("utf-8-sig"), source="cut.csv")
    assert err.value.code == "csv_cells" and err.value.line == 3


def test_the_header_alone_is_refused():
    header = render(graded_seed(), "csv").split(b"\r\n", 1)[0] + b"\r\n"
    with pytest.raises(ParseError) as err:
        parse_bytes(header, source="empty.csv")
    assert err.value.code == "csv_no_rows"


def test_a_bad_number_is_refused_at_its_json_path():
    text = render(graded_seed(), "csv").decode("utf-8-sig").replace("伊勢原市,2017,", "伊勢原市,二〇一七,")
    with pytest.raises(ParseError) as err:
        parse_bytes(text.encode("utf-8-sig"), source="bad.csv")
    assert err.value.code == "report_refused" and err.value.path == "$.fiscal_year"


def test_a_workbook_gives_back_the_grades_its_table_does_not_print():
    doc = graded_seed()
    back = parse_bytes(render(doc, "xlsx"), source="seed.xlsx")
    assert [t["grade"] for i in back["initiatives"] for t in i["targets"]] == \
        [t["grade"] for i in doc["initiatives"] for t in i["targets"]]


def test_a_workbook_whose_table_was_edited_keeps_the_table_and_takes_no_grade():
    import io

    from openpyxl import load_workbook

    doc = graded_seed()
    wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
    sheet = wb["データ"]
    sheet.cell(row=2, column=11).value = "書き換えた達成目標"  # 達成目標 of the first row
    out = io.BytesIO()
    wb.save(out)
    back = parse_bytes(out.getvalue(), source="edited.xlsx")
    assert all(t["grade"] is None for i in back["initiatives"] for t in i["targets"])


@pytest.mark.parametrize("name", ["f2-kankyo-achievement.json", "f7-tsubame-achievement.json"])
def test_a_workbook_in_another_form_keeps_its_target_and_initiative_grades(name):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "v2" / name
    doc = normalise(json.loads(path.read_text(encoding="utf-8")))
    targets = [t for i in doc["initiatives"] for t in i["targets"]]
    for k, target in enumerate(targets):
        target["grade"] = ["A", "B", None][k % 3]
    doc = normalise(doc)
    back = parse_bytes(render(doc, "xlsx"), source=name.replace(".json", ".xlsx"))
    assert [t["grade"] for i in back["initiatives"] for t in i["targets"]] == \
        [t["grade"] for i in doc["initiatives"] for t in i["targets"]]
    assert [i["grade"] for i in back["initiatives"]] == [i["grade"] for i in doc["initiatives"]]


@pytest.mark.parametrize("cell", ["9" * 5000, "1e999", "nan"])
def test_a_number_past_what_python_reads_is_refused_not_a_crash(cell):
    text = render(graded_seed(), "csv").decode("utf-8-sig").replace("伊勢原市,2017,", f"伊勢原市,{cell},")
    with pytest.raises(ParseError) as err:
        parse_bytes(text.encode("utf-8-sig"), source="huge.csv")
    assert err.value.code == "report_refused" and err.value.path == "$.fiscal_year"
