"""Every preset form reads: a report written for the tests in each form, laid out three ways by
other engines than sengen's (sengen's blank workbook filled through openpyxl, a workbook typed
with openpyxl, a PDF drawn by ReportLab), parses to its expected JSON field for field.

The expected documents are tests/fixtures/forms/<form code>.json (fictional departments,
realistic Japanese); the layouts print them from those same files (form_layouts.py), so what a
reader drops, merges or misreads shows as a difference. F1 is the seed's form: its files are the
seed's corpus (test_seed.py, test_pdf.py, test_xlsx.py); here its filled blank reads as /1.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sengen.core.forms import DEFAULT_FORM, form_from_dict, presets
from sengen.parsers import ParseError, parse_bytes, parse_with_provenance

from .form_layouts import cell_texts, filled_blank, form_pdf, plain_xlsx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
PRESET_REPORTS = ("f2-sengensha", "f3-seisaku", "f4-minamiashigara", "f7-tsubame")
LAYOUTS = {"blank": filled_blank, "xlsx": plain_xlsx, "pdf": form_pdf}


def expected(code: str) -> dict:
    return json.loads((FIXTURES / f"{code}.json").read_text(encoding="utf-8"))


def test_every_preset_but_the_seeds_has_a_report_here():
    assert set(PRESET_REPORTS) | {DEFAULT_FORM} == set(presets())


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("code", PRESET_REPORTS)
def test_a_report_in_each_preset_form_reads_field_for_field(code, layout):
    doc = expected(code)
    data = LAYOUTS[layout](doc, presets()[code])
    got = parse_bytes(data, source=f"{code}.{layout}")
    assert got == doc
    assert got["schema"] == "sengen.report/2" and got["form"] == {"code": code, "version": None}


@pytest.mark.parametrize("code", PRESET_REPORTS)
def test_forced_form_reads_the_same_and_the_seeds_form_alone_does_not_know_it(code):
    doc = expected(code)
    data = plain_xlsx(doc, presets()[code])
    assert parse_bytes(data, source="x.xlsx", form=presets()[code]) == doc
    with pytest.raises(ParseError) as err:
        parse_bytes(data, source="x.xlsx", forms=[presets()[DEFAULT_FORM]])
    assert err.value.code == "xlsx_no_table"


def test_the_seeds_filled_blank_reads_as_v1():
    """A department filling F1's blank gets what the seed's files give: sengen.report/1."""
    doc = expected("f2-sengensha")  # its words, in F1's columns
    f1 = presets()[DEFAULT_FORM]
    v1 = {**{k: doc[k] for k in ("fiscal_year", "fiscal_year_label", "department", "director")},
          "schema": "sengen.report/1", "municipality": None, "document": "declaration", "preamble": [],
          "initiatives": [{**i, "sections": ["環境政策課"]} for i in doc["initiatives"]]}
    got = parse_bytes(filled_blank(v1, f1), source="f1.xlsx")
    assert got["schema"] == "sengen.report/1"
    assert [(i["number"], i["title"], i["sections"], i["content"]) for i in got["initiatives"]] == \
        [(i["number"], i["title"], ["環境政策課"], i["content"]) for i in doc["initiatives"]]
    assert got["director"] == doc["director"]


def test_provenance_names_the_cells_of_the_new_fields():
    doc = expected("f4-minamiashigara")
    _, where = parse_with_provenance(filled_blank(doc, presets()["f4-minamiashigara"]), source="f4.xlsx")
    # 課題達成の方策 is the form's fifth column (E), 協働関係先 its fourth (D), on the item's row.
    row = where["$.initiatives[1].title"]["cell"].split("!B")[1]
    assert where["$.initiatives[1].approach[2]"]["cell"].endswith(f"!E{row}")
    assert where["$.initiatives[0].partners[1]"]["cell"].split("!")[1][0] == "D"
    assert where["$.preamble[0]"]["file"] == "f4.xlsx"
    _, where = parse_with_provenance(form_pdf(expected("f7-tsubame"), presets()["f7-tsubame"]), source="f7.pdf")
    assert where["$.initiatives[1].background[0]"] == {"file": "f7.pdf", "page": 1, "cell": "現状と課題"}
    assert where["$.initiatives[1].grade"] == {"file": "f7.pdf", "page": 1, "cell": "評価"}
    form = form_from_dict(CUSTOM)
    _, where = parse_with_provenance(plain_xlsx(_custom_doc(), form), source="c.xlsx", forms=[form])
    assert where["$.initiatives[0].targets[1].interim_status"]["cell"].startswith("報告!E")


# --- a form nobody ships: every part a form can have --------------------------------------------

CUSTOM = {
    "code": "test-chukan", "name": "重点取組の中間報告", "programme": "重点取組", "unit_kind": "局",
    "numbered": True, "number_label": "番号", "grade_placement": "target", "scale": "three-step",
    "interim_levels": "yonago",
    "layouts": {"interim_report": {
        "title": "{fiscal_year_label} {director_title} 重点取組 中間報告",
        "declarer": "報告者　{director_title}　{director_name}",
        "preamble": [{"part": "mission-themes"}],
        "columns": [
            {"label": "番号", "parts": ["number"]},
            {"label": "取組\n（所管課）", "parts": ["title", {"role": "sections", "wrap": ["（", "）"]}]},
            {"label": "内容", "parts": ["content"]},
            {"label": "指標", "parts": ["targets"]},
            {"label": "進み具合", "parts": ["interim_status"]},
            {"label": "上半期の実績\n［下半期の進め方］",
             "parts": ["results", {"role": "future_direction", "heading": "［下半期の進め方］"}]},
            {"label": "関連計画", "parts": [{"role": "extra", "bullet": "◆"}]},
        ]}},
}
CUSTOM_DOC = {
    "schema": "sengen.report/2", "municipality": None, "fiscal_year": 2025, "fiscal_year_label": "令和7年度",
    "document": "interim_report", "department": "水道局", "director": {"title": "水道局長", "name": "中村 四郎"},
    "form": {"code": "test-chukan", "version": None}, "unit_kind": "局", "declared_on": None,
    "preamble": [
        {"label": "安全な水を届け続ける", "items": ["老朽管の更新を計画どおり進めます。"], "sdgs": [6]},
        # One paragraph per theme: a PDF cannot tell two unmarked paragraphs from one wrapped.
        {"label": "災害に強い水道", "items": ["基幹管路の耐震化を急ぎ、応急給水の訓練を地域と行います。"],
         "sdgs": [9, 11]},
    ],
    "initiatives": [
        {"number": 1, "title": "老朽管の更新", "sections": ["工務課", "配水課"],
         "content": ["法定耐用年数を過ぎた管を優先して更新する。"],
         "targets": ["管路更新延長を年１２ｋｍにする", "断水を伴う工事の事前周知率を１００％にする"],
         "interim": ["概ね順調", "取組強化が必要"],
         "results": ["上半期に５.８ｋｍを更新した。"], "future_direction": ["下半期は発注を前倒しする。"],
         "extra": [{"label": "関連計画", "items": ["水道ビジョン 施策1-2"]}]},
        {"number": 2, "title": "応急給水拠点の整備", "sections": ["総務課"],
         "content": ["小学校に応急給水栓を設ける。"], "targets": ["給水栓を５校に設置する"], "interim": ["進捗困難"],
         "results": ["資材の納期が遅れ、設置は１校にとどまった。"], "future_direction": [], "extra": []},
    ],
}


def _custom_doc() -> dict:
    doc = json.loads(json.dumps(CUSTOM_DOC))
    levels = {"概ね順調": "on_track", "取組強化が必要": "needs_effort", "進捗困難": "at_risk"}
    for item in doc["initiatives"]:
        item["targets"] = [{"text": t, "grade": None, "interim_status": levels[w]}
                           for t, w in zip(item["targets"], item.pop("interim"), strict=True)]
    return doc


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_form_defined_only_as_data_reads_every_part(layout):
    form = form_from_dict(CUSTOM)
    doc = _custom_doc()
    got = parse_bytes(LAYOUTS[layout](doc, form), source=f"custom.{layout}", forms=[*presets().values(), form])
    assert got["form"] == {"code": "test-chukan", "version": None}
    assert got["preamble"] == doc["preamble"]
    for key in ("fiscal_year", "document", "department", "director", "unit_kind"):
        assert got[key] == doc[key], key
    for mine, want in zip(got["initiatives"], doc["initiatives"], strict=True):
        for key in ("number", "title", "sections", "content", "results", "future_direction", "extra"):
            assert mine[key] == want[key], key
        assert [(t["text"], t["interim_status"]) for t in mine["targets"]] == \
            [(t["text"], t["interim_status"]) for t in want["targets"]]


def test_a_form_not_among_the_candidates_is_not_guessed():
    form = form_from_dict(CUSTOM)
    with pytest.raises(ParseError):
        parse_bytes(plain_xlsx(_custom_doc(), form), source="custom.xlsx")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("code", PRESET_REPORTS)
def test_side_by_side_text_in_each_preset_form_reads_field_for_field(code, tmp_path):
    """The ReportLab PDF through pdftotext -layout: the text reader finds the form's header,
    the gutters between its columns, and reads the rest through the form as from the PDF."""
    doc = expected(code)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(form_pdf(doc, presets()[code]))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    assert parse_bytes(text, source=f"{code}.txt") == doc


def test_text_in_another_form_without_gutters_is_refused_naming_it():
    doc = expected("f2-sengensha")
    form = presets()["f2-sengensha"]
    layout = form.layout(doc["document"])
    lines = ["平成27年度 環境部長の目標宣言 達成状況報告", "■宣言者: 環境部長 山田 一郎",
             "    ".join(c.label for c in layout.columns)]
    # Each row's cells run into one another: no column of blanks anywhere below the header.
    lines += ["".join(cell.replace("\n", "") for cell in cells) * 3 for cells in cell_texts(doc, form)]
    with pytest.raises(ParseError) as err:
        parse_bytes("\n".join(lines).encode(), source="f2.txt")
    assert err.value.code == "form_text_columns"
    assert str(err.value) == ("f2.txt: この文は様式「部長の目標宣言（宣言者シート）」の表のようですが、文（テキスト）からは"
                              "読めません（列の境目（空白の縦の筋）が見つかりません）。列を横に並べて抽出した文"
                              "（pdftotext -layout）か、PDF か Excel のブック（.xlsx）で読み込んでください")


@pytest.mark.parametrize("hostile", ["{director_name}", "{0.__class__}", "＝HYPERLINK(\"http://x\")",
                                     "<script>x</script>", "％ｓ%s{}"])
def test_text_in_a_forms_cells_is_data(hostile):
    """Whatever a department typed — a placeholder, a format field, a formula, markup — comes back
    as typed: templates are matched against the file, never filled from it."""
    doc = expected("f2-sengensha")
    doc["initiatives"][0]["title"] = hostile + "の推進"
    doc["initiatives"][0]["content"][0] = hostile
    doc["preamble"][0]["items"][0] = hostile
    doc["director"]["name"] = hostile
    got = parse_bytes(plain_xlsx(doc, presets()["f2-sengensha"]), source="h.xlsx")
    assert got == doc


def test_a_wrong_cell_in_a_form_is_one_line_naming_it():
    doc = expected("f2-sengensha")
    doc["initiatives"][1]["title"] = ""
    with pytest.raises(ParseError) as err:
        parse_bytes(plain_xlsx(doc, presets()["f2-sengensha"]), source="f2.xlsx")
    assert str(err.value) == "f2.xlsx: 様式「部長の目標宣言（宣言者シート）」の2件目の取組の「重点目標」の欄が空です"


@pytest.mark.parametrize("code", ["f2-sengensha", "f7-tsubame"])
def test_a_row_the_page_end_cuts_goes_on_on_the_next_page(code):
    """Numbered (F2: the rest has an empty No.) or not (F7: the rest has no title), the part of an
    item on the next page joins it; the header repeated on that page is not an item."""
    doc = expected(code)
    long = doc["initiatives"][0]
    long["content"] = [f"{k}回目の説明会を地区の集会所で開き、参加者の声を次の回に生かします。" for k in range(1, 41)]
    got = parse_bytes(form_pdf(doc, presets()[code], split=True), source=f"{code}.pdf")
    assert got == doc


def test_an_interim_and_a_year_end_report_with_the_same_columns_are_told_by_the_title():
    definition = json.loads(json.dumps(CUSTOM))
    interim = definition["layouts"]["interim_report"]
    definition["layouts"]["achievement_report"] = {**interim, "title": "{fiscal_year_label} {director_title} 重点取組 年度末報告"}
    form = form_from_dict(definition)
    for kind in ("interim_report", "achievement_report"):
        doc = _custom_doc()
        doc["document"] = kind
        got = parse_bytes(plain_xlsx(doc, form), source="c.xlsx", forms=[form])
        assert got["document"] == kind


def test_a_header_typed_on_two_rows_reads():
    """取組 above （所管課）, 上半期の実績 above ［下半期の進め方］: a two-row header, as people type one."""
    from openpyxl import load_workbook

    form = form_from_dict(CUSTOM)
    doc = _custom_doc()
    wb = load_workbook(io.BytesIO(plain_xlsx(doc, form)))
    ws = wb.active
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "番号")
    ws.insert_rows(header + 1)
    for c in range(1, ws.max_column + 1):
        label = ws.cell(row=header, column=c).value
        if label and "\n" in label:
            top, bottom = label.split("\n")
            ws.cell(row=header, column=c).value = top
            ws.cell(row=header + 1, column=c).value = bottom
    out = io.BytesIO()
    wb.save(out)
    got = parse_bytes(out.getvalue(), source="two.xlsx", forms=[*presets().values(), form])
    assert [(i["title"], i["sections"], i["future_direction"]) for i in got["initiatives"]] == \
        [(i["title"], i["sections"], i["future_direction"]) for i in doc["initiatives"]]
