"""The writers follow the report's form (issue 11): its columns, labels, parts, preamble, grade
placement and arrangement, in HTML (and so the PDF), XLSX and CSV; the seed's form as before."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sengen.core.forms import DEFAULT_FORM, form_from_dict, form_of, presets
from sengen.core.report import normalise
from sengen.renderers import render
from sengen.renderers.html_doc import needs_form_css, render_html, report_table
from sengen.renderers.rows import HEADER

from .helpers import HOSTILE, load_seed

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"


def _load(name: str) -> dict:
    return normalise(json.loads((V2 / name).read_text(encoding="utf-8")))


def _table(html: str) -> list[list[str]]:
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    p = P()
    p.feed(html)
    return p.rows


def test_form_of_names_the_documents_form():
    assert form_of(load_seed()).code == DEFAULT_FORM
    assert form_of({"form": {"code": "f2-sengensha", "version": 3}}).code == "f2-sengensha"
    assert form_of({"form": {"code": "unknown-city"}}).code == DEFAULT_FORM
    own = form_from_dict({**json.loads(json.dumps(_custom_definition())), "code": "f2-sengensha"})
    assert form_of({"form": {"code": "f2-sengensha"}}, forms=[own]) is own
    assert form_of({"form": {"code": "f2-sengensha"}}, forms={"f2-sengensha": own}) is own


def test_f2_table_in_its_form():
    doc = _load("f2-kankyo-achievement.json")
    html = render(doc, "html").decode()
    rows = _table(html)
    assert rows[0] == ["No.", "重点目標", "目標の概要", "達成基準", "達成度", "評価の理由", "総合計画の施策"]
    assert rows[1][:5] == ["1", "家庭ごみの減量", "・生ごみ処理機の購入補助を拡充し、地区ごとの出前講座を開きます。",
                           "・市民１人１日あたりの家庭ごみ排出量を５００ｇ以下にする", "達成基準どおり"]
    assert rows[2][4] == "達成基準をやや下回る"
    # The title and declarer lines from the form's templates, the preamble before the table.
    assert "<h1>平成27年度 環境部長の目標宣言 達成状況報告</h1>" in html
    assert '<p class="director">■宣言者: 環境部長 山田 一郎</p>' in html
    assert html.index("部の使命・方針") < html.index("平成27年度重点目標") < html.index("<thead>")
    assert "【SDGs 11】【SDGs 12】" in html


def test_f3_items_print_as_blocks():
    doc = _load("f3-seisaku-unnumbered.json")
    html = render_html(doc, form=presets()["f3-seisaku"])
    assert html.count('<tbody class="block">') == 2
    rows = _table(html)
    # Each item: 事業名 | 目標 above its cells, 年度末達成状況 | 自己評価 above theirs, then the extra
    # column the form lacks (関係課) on a line of its own.
    assert rows[0] == ["事業名", "目標"]
    assert rows[1] == ["公共施設再配置計画の策定", "・平成２７年３月までに計画案をまとめ、パブリックコメントを実施する"]
    assert rows[2] == ["年度末達成状況", "自己評価"]
    assert rows[3][1] == "予定どおり進みました。２７年度は地区別の説明会を重ね、計画を確定させます。"
    assert rows[10:12] == [["関係課"], ["・子育て支援課・広報課"]]
    assert "<h1>平成26年度 市長政策室長「政策宣言」達成状況報告</h1>" in html


def test_f7_unnumbered_title_inside_its_cell_and_initiative_grade():
    doc = _load("f7-tsubame-achievement.json")
    rows = _table(render(doc, "html").decode())
    assert rows[0] == ["現状と課題", "取組内容", "目標指標", "取組結果", "評価"]
    assert rows[1][1].startswith("ものづくり人材の確保・高校生向け")
    assert rows[2][4] == "一部を実施した"
    ws = load_workbook(io.BytesIO(render(doc, "xlsx"))).worksheets[0]
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = values.index(["現状と課題", "取組内容", "目標指標", "取組結果", "評価"])
    assert values[header + 1][1] == ("ものづくり人材の確保\n・高校生向けの工場見学会と職業体験を開きます。\n"
                                     "・若手技能者の資格取得費用を補助します。")
    assert values[: header] [2][0] == "1. 目標宣言"


def test_f4_circled_approach_date_and_closing():
    doc = _load("f4-minamiashigara-declaration.json")
    html = render(doc, "html").decode()
    assert "①</span>小規模保育事業所" in html and "③</span>相談記録" in html
    assert '<p class="declared-on">宣言日 2024年5月10日</p>' in html
    assert html.index("</table>") < html.index("組織目標を掲げるに当たって")
    assert "<h1>令和6年度 組織目標表（部課等）</h1>" in html
    assert '<p class="director">子育て支援課 子育て支援課長 高橋 美咲</p>' in html


def _custom_definition() -> dict:
    """A city's own form, not a preset: themes with SDG tags, interim levels in its own words, a
    per-target status column, an extra column and a heading part."""
    return {
        "code": "kasou-keiei", "name": "部局経営目標", "programme": "部局経営目標", "unit_kind": "部",
        "numbered": True, "number_label": "番号", "grade_placement": "none", "scale": None,
        "interim_levels": {"on_track": "順調", "needs_effort": "要努力", "at_risk": "困難"},
        "layouts": {"interim_report": {
            "title": "{fiscal_year_label} {unit} 経営目標 {document_name}",
            "preamble": [{"part": "mission-themes"}],
            "columns": [
                {"label": "番号", "parts": ["number"]},
                {"label": "運営目標", "parts": ["title", {"role": "remarks", "heading": "【補足】"}]},
                {"label": "指標", "parts": ["targets"]},
                {"label": "進み具合", "parts": ["interim_status"]},
                {"label": "連携先\n（庁外）", "parts": [{"role": "extra", "label": "連携先", "bullet": "・"}]},
            ]}},
    }


def _custom_doc(text: str = "") -> dict:
    return normalise({
        "schema": "sengen.report/2", "form": {"code": "kasou-keiei", "version": 1},
        "municipality": "架空市", "fiscal_year": 2024, "document": "interim_report",
        "department": "総務部", "director": {"title": "総務部長", "name": "中村 玲"},
        "preamble": [{"label": "共に創るまち" + text, "items": ["市民と行政が対話を重ねます。" + text], "sdgs": [17]}],
        "initiatives": [{
            "number": 1, "title": "窓口のデジタル化" + text, "remarks": ["電子申請は２０手続を追加" + text],
            "targets": [{"text": "電子申請できる手続を５０にする", "interim_status": "needs_effort"},
                        {"text": "待ち時間を１５分以内にする", "interim_status": "on_track"}],
            "extra": [{"label": "連携先", "items": ["県", "近隣市" + text]}],
        }],
    })


def test_a_form_not_a_preset_given_explicitly():
    form = form_from_dict(_custom_definition())
    doc = _custom_doc()
    html = render_html(doc, form=form)
    rows = _table(html)
    assert rows[0] == ["番号", "運営目標", "指標", "進み具合", "連携先\n（庁外）"]
    assert rows[1] == ["1", "窓口のデジタル化【補足】・電子申請は２０手続を追加",
                       "・電子申請できる手続を５０にする・待ち時間を１５分以内にする", "要努力順調", "・県・近隣市"]
    assert "<h3>共に創るまち <span class=\"sdgs\">【No.17: パートナーシップで目標を達成しよう】</span></h3>" in html
    assert "<h1>令和6年度 総務部 経営目標 中間報告</h1>" in html
    # Without the form, the document's code is unknown: the seed's form, and the fields it has no
    # column for get columns of their own (nothing dropped).
    fallback = _table(render_html(doc))
    assert fallback[0][-3:] == ["備考", "中間の進み具合", "連携先"]
    ws = load_workbook(io.BytesIO(render(doc, "xlsx", form=form))).worksheets[0]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    header = values.index(["番号", "運営目標", "指標", "進み具合", "連携先\n（庁外）"])
    assert values[header + 1] == [1, "窓口のデジタル化\n【補足】\n・電子申請は２０手続を追加",
                                  "・電子申請できる手続を５０にする\n・待ち時間を１５分以内にする", "要努力\n順調", "・県\n・近隣市"]
    data = list(csv.reader(io.StringIO(render(doc, "csv", form=form).decode("utf-8-sig"))))
    assert [r[data[0].index("中間の進み具合")] for r in data[1:]] == ["要努力", "順調"]


@pytest.mark.parametrize("payload", sorted(HOSTILE))
def test_form_text_and_new_fields_are_data(payload):
    text = HOSTILE[payload]
    definition = _custom_definition()
    definition["layouts"]["interim_report"]["columns"][1]["label"] = "運営目標" + text[:40]
    form = form_from_dict(definition)
    doc = _custom_doc(text)
    html = render_html(doc, form=form)
    assert "<script>" not in html and "<img" not in html
    assert report_table(doc, form=form).count("<table") == 1
    # Spreadsheets: every new text a string, never a formula; CSV cells prefixed.
    wb = load_workbook(io.BytesIO(render(doc, "xlsx", form=form)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    data = list(csv.reader(io.StringIO(render(doc, "csv", form=form).decode("utf-8-sig"))))
    for row in data[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) or value.lstrip("-").isdigit()


def test_csv_gains_v2_columns_only_for_a_v2_document():
    seed_csv = render(load_seed(), "csv").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(seed_csv))) == list(HEADER)
    doc = _load("f6-toshi-interim.json")
    table = list(csv.reader(io.StringIO(render(doc, "csv").decode("utf-8-sig"))))
    assert table[0][: len(HEADER)] == list(HEADER)
    extra = table[0][len(HEADER):]
    assert {"現状と課題", "取組の評価", "SDGs", "その他の欄", "増減の目標（％）", "基準値", "中間の進み具合"} <= set(extra)
    col = {label: i for i, label in enumerate(table[0])}
    assert [r[col["中間の進み具合"]] for r in table[1:]] == ["概ね順調", "取組強化が必要", "進捗困難"]
    assert [r[col["増減の目標（％）"]] for r in table[1:]] == ["20", "-30", ""]
    assert table[1][col["基準値"]] == "40000"
    # The XLSX data sheet has the same columns, numbers typed.
    ws = load_workbook(io.BytesIO(render(doc, "xlsx")))["データ"]
    assert [c.value for c in ws[1]] == table[0]
    assert ws.cell(2, col["増減の目標（％）"] + 1).value == 20


def test_seed_prints_without_the_forms_css_and_a_form_with_it():
    assert not needs_form_css(load_seed())
    assert needs_form_css(_load("f2-kankyo-achievement.json"))
    assert ".sengen-blocks" not in render(load_seed(), "html").decode()


def test_report_table_is_a_fragment_for_pages():
    fragment = report_table(_load("f2-kankyo-achievement.json"))
    assert fragment.startswith('<table class="sengen-report">') and "<html" not in fragment
    assert "<style" not in fragment


def test_json_writes_the_simplest_version():
    seed = load_seed()
    assert json.loads(render(seed, "json"))["schema"] == "sengen.report/1"
    upgraded = {**normalise(seed), "schema": "sengen.report/2"}
    from sengen.core.report import upgrade

    assert json.loads(render(upgrade(seed), "json")) == normalise(seed)
    assert upgraded["schema"] == "sengen.report/2"
    f2 = _load("f2-kankyo-achievement.json")
    assert json.loads(render(f2, "json"))["schema"] == "sengen.report/2"


def test_a_kind_the_form_lacks_prints_in_the_nearest_layout():
    from sengen.renderers._form import layout_for

    f2, f4 = presets()["f2-sengensha"], presets()["f4-minamiashigara"]
    assert layout_for(f2, "interim_report") is f2.layouts["achievement_report"]
    assert layout_for(f4, "achievement_report") is f4.layouts["declaration"]
    doc = _load("f2-kankyo-achievement.json")
    doc["document"] = "interim_report"
    assert _table(render(doc, "html").decode())[0][:5] == ["No.", "重点目標", "目標の概要", "達成基準", "達成度"]


def test_a_declarations_results_wait_for_the_report():
    """A role another document of the form prints is not added to the declaration's table (the
    seed's four columns), while a role no document of the form prints gets its column."""
    seed = load_seed()
    seed["document"] = "declaration"
    assert len(_table(render(seed, "html").decode())[0]) == 4
