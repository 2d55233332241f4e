"""Workbooks in the official table layout, as cities type them in Excel and as sengen exports them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from sengen.core.report import normalise
from sengen.parsers import ParseError, parse_bytes
from sengen.renderers import render

from .compare import declaration_of, differences, load_expected

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"
HEADER = ["No.", "取組名\n（担当課名）", "取組内容", "達成目標", "取組結果\n［今後の取組の方向性］", "目標達成状況"]


def _workbook(rows: list[list], *, merges=(), title: str | None = "報告", creator=None) -> Workbook:
    """A workbook of one sheet holding ``rows`` (its title openpyxl's own when ``title`` is None)."""
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.title = title
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    if creator:
        wb.properties.creator = creator
    return wb


def _saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx(rows: list[list], *, merges=(), title="報告", creator=None) -> bytes:
    return _saved(_workbook(rows, merges=merges, title=title, creator=creator))


def _bullets(lines) -> str:
    return "\n".join("・" + line for line in lines)


def _seed_rows(doc: dict) -> list[list]:
    """The seed as a city would type it: one row per initiative, bullets on lines."""
    out = []
    for ini in doc["initiatives"]:
        results = _bullets(ini["results"])
        if ini["future_direction"]:
            results += "\n［今後の取組の方向性］\n" + _bullets(ini["future_direction"])
        out.append([ini["number"], f"{ini['title']}\n（{'、'.join(ini['sections'])}）", _bullets(ini["content"]),
                    _bullets(t["text"] for t in ini["targets"]), results, _bullets(ini["achievement_status"])])
    return out


HEADING = [["平成29年度 市民生活部長の目標宣言 達成状況報告"], [None, None, None, None, None, "市民生活部長 竹内 克則"]]


def test_openpyxl_parses_xml_through_defusedxml():
    """Entity expansion (billion laughs) and external entities are refused by the XML parser itself."""
    import defusedxml.ElementTree
    import openpyxl.xml
    import openpyxl.xml.functions as functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse is defusedxml.ElementTree.iterparse
    if not openpyxl.xml.LXML:
        assert functions.fromstring is defusedxml.ElementTree.fromstring


@pytest.mark.parametrize("kind", ["achievement_report", "declaration", "interim_report"])
def test_every_xlsx_sengen_exports_parses_back_to_the_same_data(kind):
    want = load_expected(SEED)
    if kind == "declaration":
        want = declaration_of(want)
    elif kind == "interim_report":
        want = normalise({**want, "document": "interim_report"})
    got = parse_bytes(render(want, "xlsx"), source="export.xlsx")
    assert differences(got, want) == []
    assert got == want  # not only without white space: exactly


def test_a_report_without_municipality_and_director_name_reads_back(seed_doc):
    seed_doc["municipality"] = None
    seed_doc["director"]["name"] = ""
    want = load_expected(SEED)
    want = normalise({**want, "municipality": None, "director": {"title": "市民生活部長", "name": ""}})
    got = parse_bytes(render(want, "xlsx"), source="export.xlsx")
    # Without a city anywhere, the body's proper nouns (伊勢原市男女共同参画プラン) still name it.
    assert got["municipality"] == "伊勢原市"
    assert differences({**got, "municipality": None}, want) == []


def test_a_plain_workbook_typed_by_a_city_reads_like_the_seed():
    want = load_expected(SEED)
    data = _xlsx(HEADING + [HEADER] + _seed_rows(want), creator="伊勢原市")
    assert differences(parse_bytes(data, source="city.xlsx"), want) == []


def test_merged_header_cells_name_every_column_they_cover_excel_hoganshi():
    """Excel 方眼紙: narrow columns, every cell a merged range; the value sits in its first column."""
    want = load_expected(SEED)
    spans = [1, 3, 4, 3, 4, 3]  # physical columns per table column
    starts = [1 + sum(spans[:i]) for i in range(len(spans))]

    def spread(values):
        row = [None] * sum(spans)
        for start, value in zip(starts, values, strict=True):
            row[start - 1] = value
        return row

    rows = [["平成29年度 市民生活部長の目標宣言 達成状況報告"], [None] * 15 + ["市民生活部長", None, "竹内 克則"],
            spread(HEADER)] + [spread(r) for r in _seed_rows(want)]
    merges = ["A1:U1"]
    from openpyxl.utils import get_column_letter

    for r in range(3, 3 + len(rows) - 2):
        for start, span in zip(starts, spans, strict=True):
            if span > 1:
                merges.append(f"{get_column_letter(start)}{r}:{get_column_letter(start + span - 1)}{r}")
    data = _xlsx(rows, merges=merges, creator="伊勢原市 市民生活部長")
    assert differences(parse_bytes(data, source="hoganshi.xlsx"), want) == []


def test_one_bullet_per_row_under_a_no_merged_down_reads_as_one_initiative():
    want = load_expected(SEED)
    rows = HEADING + [HEADER]
    merges = []
    for ini in want["initiatives"]:
        results = [f"・{x}" for x in ini["results"]] + (["［今後の取組の方向性］"] if ini["future_direction"] else []) \
            + [f"・{x}" for x in ini["future_direction"]]
        columns = [[f"・{x}" for x in ini["content"]], [f"・{t['text']}" for t in ini["targets"]], results,
                   [f"・{x}" for x in ini["achievement_status"]]]
        height = max(len(c) for c in columns)
        first = len(rows) + 1
        for i in range(height):
            rows.append([ini["number"] if i == 0 else None,
                         (f"{ini['title']}\n（{'、'.join(ini['sections'])}）") if i == 0 else None,
                         *[c[i] if i < len(c) else None for c in columns]])
        merges += [f"A{first}:A{first + height - 1}", f"B{first}:B{first + height - 1}"] if height > 1 else []
    data = _xlsx(rows, merges=merges, creator="伊勢原市")
    assert differences(parse_bytes(data, source="per-row.xlsx"), want) == []


def test_a_row_continued_below_with_an_empty_no_joins_the_bullet_it_breaks():
    want = load_expected(SEED)
    rows = _seed_rows(want)
    # Initiative 2's results are cut in the middle of a sentence and go on in the next row.
    cut = rows[1][4]
    head, tail = cut[:40], cut[40:]
    rows[1][4] = head
    rows.insert(2, [None, None, None, None, tail, None])
    data = _xlsx(HEADING + [HEADER] + rows, creator="伊勢原市")
    assert differences(parse_bytes(data, source="split.xlsx"), want) == []


def test_a_title_and_director_printed_in_the_page_header_are_the_heading():
    """Some cities type the title into Excel's page header (ページ設定 → ヘッダー), not the sheet."""
    want = load_expected(SEED)
    wb = _workbook([HEADER] + _seed_rows(want), title=None, creator="伊勢原市")
    ws = wb.active
    ws.oddHeader.center.text = "平成29年度 市民生活部長の目標宣言 達成状況報告"
    ws.oddHeader.center.size = 14
    ws.oddHeader.center.font = "ＭＳ ゴシック,太字"
    ws.oddHeader.right.text = "市民生活部長 竹内 克則"
    assert differences(parse_bytes(_saved(wb), source="header.xlsx"), want) == []


def test_two_header_rows_separate_section_and_direction_columns_notes_and_a_repeated_header():
    want = load_expected(SEED)
    header1 = ["番号", "取組名", "担当課名", "取組内容", "達成目標", "取組結果", "今後の取組の方向性", "目標達成状況", "備考"]
    rows = [["伊勢原市"], ["平成２９年度", "市民生活部長の目標宣言", "達成状況報告"], ["市民生活部長", "竹内 克則"], [], header1]
    for i, ini in enumerate(want["initiatives"]):
        if i == 3:
            rows.append(header1)  # repeated where a page would break
        rows.append([f"{ini['number']}.", ini["title"], "、".join(ini["sections"]), _bullets(ini["content"]),
                     _bullets(t["text"] for t in ini["targets"]), _bullets(ini["results"]),
                     _bullets(ini["future_direction"]), _bullets(ini["achievement_status"]), None])
        rows.append([])
    rows.append(["※ 目標達成状況は年度末時点のものです。"])
    data = _xlsx(rows, merges=["A999:I999"])
    # 平成２９年度 in the title gives the label 平成29年度, as the seed's text does.
    assert differences(parse_bytes(data, source="columns.xlsx"), want) == []



def test_carriage_returns_and_other_bullet_marks_are_line_breaks_and_bullets():
    want = load_expected(SEED)
    rows = _seed_rows(want)
    for row in rows:
        for i in (2, 3, 4, 5):
            row[i] = "\r\n".join("●" + line[1:] if line.startswith("・") else line for line in row[i].split("\n"))
    data = _xlsx(HEADING + [HEADER] + rows, creator="伊勢原市")
    assert differences(parse_bytes(data, source="crlf.xlsx"), want) == []


def test_sengens_data_sheet_alone_is_not_taken_for_the_report():
    data = render(load_expected(SEED), "xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    del wb[wb.sheetnames[0]]
    with pytest.raises(ParseError, match="報告の表.*のあるシートがありません（シート: 「データ」）"):
        parse_bytes(_saved(wb), source="data-only.xlsx")


def test_a_hidden_sheet_is_not_read():
    want = load_expected(SEED)
    wb = _workbook(HEADING + [HEADER] + _seed_rows(want), title="見本", creator="伊勢原市")
    hidden = wb.copy_worksheet(wb.active)
    hidden.sheet_state = "hidden"
    assert differences(parse_bytes(_saved(wb), source="hidden.xlsx"), want) == []


def test_reports_on_two_sheets_are_refused_by_name():
    want = load_expected(SEED)
    wb = _workbook(HEADING + [HEADER] + _seed_rows(want), title="市民生活部")
    wb.copy_worksheet(wb.active).title = "総務部"
    with pytest.raises(ParseError, match="2枚のシート（「市民生活部」、「総務部」）に報告の表があります。1ファイルに1つの報告"):
        parse_bytes(_saved(wb), source="book.xlsx")


@pytest.mark.parametrize("rows, message, location", [
    ([["家計簿"], ["日付", "金額"], ["4/1", 300]], "報告の表（見出し行 No. / 取組名 / 取組内容 / 達成目標 …）のあるシート"
     "がありません（シート: 「Sheet1」）", None),
    ([["平成29年度 市民生活部長の目標宣言"], HEADER[:4]], "見出し行の下に番号の付いた取組が一つもありません", "の3行目"),
    ([["平成29年度 市民生活部長の目標宣言"], HEADER[:4], ["一", "題名", "・内容", "・目標"]],
     "No. の欄に取組の番号がありません（「一」と書かれています）", "の3行目"),
    ([["市民生活部長の目標宣言"], HEADER[:4], [1, "題名", "・内容", "・目標"]], "年度の入った表題", "の1行目"),
    ([["平成29年度 市民生活部長の目標宣言"], HEADER[:4], [1, None, "・内容", "・目標"]], "取組名の欄が空です",
     "の3行目、No. 1"),
])
def test_a_workbook_that_is_no_report_says_where_and_what(rows, message, location):
    with pytest.raises(ParseError) as err:
        parse_bytes(_xlsx(rows, title="Sheet1"), source="book.xlsx")
    text = str(err.value)
    assert text.startswith("book.xlsx")
    assert message in text
    assert "\n" not in text
    if location:
        assert text.startswith(f"book.xlsx: シート「Sheet1」{location}: ")


def test_a_word_document_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    with pytest.raises(ParseError, match="Word の文書です。XLSX のブックではありません"):
        parse_bytes(out.getvalue(), source="letter.docx")


def test_formulas_are_read_as_excel_last_computed_them():
    """A No. computed by =ROW()-3 is read from the value Excel stored with the formula."""
    want = load_expected(SEED)
    data = _xlsx(HEADING + [HEADER] + _seed_rows(want), creator="伊勢原市")
    z = zipfile.ZipFile(io.BytesIO(data))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    for n in range(1, 6):
        r = n + 3
        sheet = sheet.replace(f'<c r="A{r}" t="n"><v>{n}</v></c>', f'<c r="A{r}"><f>ROW()-3</f><v>{n}</v></c>')
    assert sheet.count("ROW()-3") == 5
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            w.writestr(item, sheet if item.filename == "xl/worksheets/sheet1.xml" else z.read(item))
    assert differences(parse_bytes(out.getvalue(), source="formula.xlsx"), want) == []


def test_every_value_says_which_cell_it_was_read_from():
    from sengen.parsers import parse_with_provenance

    want = load_expected(SEED)
    rows = _seed_rows(want)
    rows.insert(2, [None, None, None, None, "・追記です。", None])  # No. 2's direction goes on in row 6
    doc, where = parse_with_provenance(_xlsx(HEADING + [HEADER] + rows, title="報告 2017"), source="city.xlsx")
    assert where["$.initiatives[0].title"] == {"file": "city.xlsx", "cell": "'報告 2017'!B4"}
    assert where["$.initiatives[1].targets[1]"] == {"file": "city.xlsx", "cell": "'報告 2017'!D5"}
    assert where["$.initiatives[1].future_direction[0]"]["cell"] == "'報告 2017'!E5"
    assert doc["initiatives"][1]["future_direction"][1] == "追記です。"
    assert where["$.initiatives[1].future_direction[1]"]["cell"] == "'報告 2017'!E6"
    for i, ini in enumerate(doc["initiatives"]):
        for name in ("content", "targets", "results", "future_direction", "achievement_status"):
            for j in range(len(ini[name])):
                assert f"$.initiatives[{i}].{name}[{j}]" in where


def _as_excel_saves_it(data: bytes) -> bytes:
    """The workbook with its strings moved to a shared-strings table carrying furigana, as
    Japanese Excel saves text typed through the IME: ``<rPh>`` runs hold the reading."""
    import re
    from xml.sax.saxutils import escape

    z = zipfile.ZipFile(io.BytesIO(data))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    strings: list[str] = []

    def shared(m):
        strings.append(m.group(2))
        return f'<c r="{m.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, sheet, flags=re.S)
    items = "".join(f'<si><t xml:space="preserve">{t}</t><rPh sb="0" eb="1"><t>{escape("ヨミ")}</t></rPh>'
                    '<phoneticPr fontId="1"/></si>' for t in strings)
    sst = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">{items}</sst>')
    types = z.read("[Content_Types].xml").decode().replace(
        "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = z.read("xl/_rels/workbook.xml.rels").decode().replace(
        "</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            content = {"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": types,
                       "xl/_rels/workbook.xml.rels": rels}.get(item.filename)
            w.writestr(item.filename, content.encode() if content is not None else z.read(item))
        w.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def test_shared_strings_with_furigana_read_as_the_text_without_its_reading():
    want = load_expected(SEED)
    data = _as_excel_saves_it(_xlsx(HEADING + [HEADER] + _seed_rows(want), creator="伊勢原市"))
    assert b"<rPh" in zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    got = parse_bytes(data, source="excel.xlsx")
    assert "ヨミ" not in json.dumps(got, ensure_ascii=False)
    assert differences(got, want) == []
