"""CSV: opens in Japanese Excel by double-click, one row per target, no formula can run."""

import csv
import io

import pytest

from sengen.renderers import render
from sengen.renderers.csv_doc import neutralise
from sengen.renderers.rows import HEADER

from .helpers import HOSTILE, hostile_doc, seed_target_count


def _read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_utf8_bom_so_excel_does_not_guess_shift_jis(seed):
    assert render(seed, "csv").startswith(b"\xef\xbb\xbf")


def test_csv_records_end_with_crlf(seed):
    data = render(seed, "csv").decode("utf-8-sig")
    assert data.endswith("\r\n")
    # Every record break is CRLF; the only bare LFs are inside quoted multi-line cells.
    records = data.split("\r\n")
    assert len(records) == 1 + seed_target_count(seed) + 1  # header, rows, trailing ""


def test_csv_has_one_row_per_target_under_the_header(seed):
    table = _read(render(seed, "csv"))
    assert table[0] == list(HEADER)
    assert len(table) - 1 == seed_target_count(seed) == 9
    assert all(len(row) == len(HEADER) for row in table)


def test_csv_row_carries_target_numbers_and_its_initiative(seed):
    table = _read(render(seed, "csv"))
    col = {name: i for i, name in enumerate(table[0])}
    mail = [r for r in table[1:] if r[col["達成目標"]].startswith("平成２９年度末時点のくらし安心メール")][0]
    assert mail[col["年度"]] == "2017"
    assert mail[col["部"]] == "市民生活部"
    assert mail[col["No."]] == "2"
    assert mail[col["取組名"]] == "くらし安心メールの利用拡大"
    assert mail[col["担当課"]] == "交通防犯担当"
    assert mail[col["目標値"]] == "12000"
    assert mail[col["単位"]] == "人"
    assert mail[col["期限"]] == "2018-03-31"
    assert mail[col["実績値"]] == "11820"
    assert mail[col["達成率（実績÷目標）"]] == "0.985"
    assert mail[col["評価"]] == "未達成"
    assert mail[col["今後の取組の方向性"]].startswith("今後も、くらし安心メール")


def test_csv_joins_sections_with_japanese_comma_and_bullets_with_newlines(seed):
    seed["initiatives"][3]["sections"] = ["人権・広聴相談課", "市民協働課"]
    table = _read(render(seed, "csv"))
    col = {name: i for i, name in enumerate(table[0])}
    row = [r for r in table[1:] if r[col["No."]] == "4"][0]
    assert row[col["担当課"]] == "人権・広聴相談課、市民協働課"
    assert row[col["取組内容"]] == "\n".join(seed["initiatives"][3]["content"])


def test_csv_initiative_without_targets_still_gets_a_row(seed):
    seed["initiatives"][0]["targets"] = []
    table = _read(render(seed, "csv"))
    col = {name: i for i, name in enumerate(table[0])}
    first = [r for r in table[1:] if r[col["No."]] == "1"]
    assert len(first) == 1
    assert first[0][col["取組名"]] == "地域コミュニティの推進"
    assert first[0][col["達成目標"]] == ""


def test_csv_missing_evaluation_reads_like_the_json_default(seed):
    # The seed's first target has no "evaluation"; the JSON export writes not_evaluated.
    table = _read(render(seed, "csv"))
    assert table[1][table[0].index("評価")] == "未評価"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_csv_neutralises_formula_text_in_every_text_cell(name):
    payload = HOSTILE[name]
    table = _read(render(hostile_doc(payload), "csv"))
    numeric = {"年度", "No.", "目標番号", "目標値", "実績値", "達成率（実績÷目標）"}
    for row in table[1:]:
        for header, cell in zip(table[0], row, strict=True):
            if header in numeric or cell == "":
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (header, cell)
    if payload[0] in "=+-@\t\r":
        assert any(cell == "'" + payload for row in table[1:] for cell in row)


def test_csv_keeps_negative_numbers_numeric_but_neutralises_negative_looking_text(seed):
    target = seed["initiatives"][1]["targets"][1]
    target["metric"] = {"value": -5, "unit": "件"}
    target["text"] = "-5件"
    table = _read(render(seed, "csv"))
    row = [r for r in table[1:] if r[table[0].index("目標値")] == "-5"]
    assert len(row) == 1
    assert row[0][table[0].index("達成目標")] == "'-5件"


def test_neutralise_distinguishes_numbers_from_text():
    assert neutralise(-1) == "-1"
    assert neutralise(-0.5) == "-0.5"
    assert neutralise("-1") == "'-1"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("＝全角は式にならない") == "＝全角は式にならない"
    assert neutralise(None) == ""
    assert neutralise(True) == "True"  # a bool is not a number we produced
