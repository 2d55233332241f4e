"""Text whose table columns stand side by side (``pdftotext -layout``), and text whose cells
are interleaved (plain pdftotext, pdfminer): the first is read by the columns' positions,
the second refused saying what it is and what to give instead."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sengen.parsers import ParseError, parse_bytes, parse_with_provenance

from .compare import differences, load_expected

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seed"
REPORTS = ROOT / "tests" / "fixtures" / "reports"
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "independent"))

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (Debian's poppler-utils) is not installed; make test installs it")


def pdftotext(data: bytes, tmp_path: Path, *args: str) -> bytes:
    src = tmp_path / "in.pdf"
    src.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(src), "-"], check=True,
                          capture_output=True, timeout=60).stdout


@needs_pdftotext
def test_seed_pdf_through_pdftotext_layout_reads_as_the_seed(tmp_path):
    text = pdftotext((SEED / "h29-shiminseikatsu-achievement.pdf").read_bytes(), tmp_path, "-layout")
    got, where = parse_with_provenance(text, source="seed.txt")
    assert differences(got, load_expected(SEED / "h29-shiminseikatsu-achievement.json")) == []
    # Each value says which lines it was read from: row 1's title from its first line, the
    # future direction under ［今後の取組の方向性］, below the results.
    lines = text.decode("utf-8").split("\n")
    title = where["$.initiatives[0].title"]
    assert "地域コミュニティの推進" in lines[title["first_line"] - 1]
    future = where["$.initiatives[0].future_direction[0]"]
    assert future["first_line"] > where["$.initiatives[0].results[0]"]["last_line"]
    assert "自治会、地域住民等への説明会" in lines[future["first_line"] - 1]


@needs_pdftotext
@pytest.mark.parametrize(("seed", "index"), [(1, 13), (1, 16), (2, 12), (2, 20), (3, 32), (1, 0)])
def test_independent_layouts_through_pdftotext_layout(seed, index):
    # Layouts of the tuning share (bench/independent.py --seed N, file #index) that the first
    # cut of this reader refused or read wrongly: a page without its header row whose columns
    # stand 2-6 positions left (2#12, 2#20), a number one space from its title (1#16), texts
    # pdftotext moved left (1#13, 3#32), a 、 starting a line broken without 禁則 (2#20).
    sys.path.insert(0, str(ROOT / "bench"))
    import independent

    *_, (label, want, _lay, data) = independent.corpus(seed=seed, count=index + 1, held_out=False)
    text = independent.pdftotext(data, keep_layout=True).encode("utf-8")
    assert differences(parse_bytes(text, source=f"{label}.txt"), want) == []


def test_spaced_header_labels_in_text_given_column_by_column_are_not_side_by_side():
    # 取 組 内 容  達 成 目 標 on one line, but the body has no gutters: the corpus's
    # column-by-column reading still applies.
    got = parse_bytes((REPORTS / "h30-kyoiku-achievement.txt").read_bytes(), source="kyoiku.txt")
    assert differences(got, load_expected(REPORTS / "h30-kyoiku-achievement.json")) == []


INTERLEAVED = "\n".join([
    "若葉市 平成30年度 教育部長の目標宣言 達成状況報告", "教育部長", "", "No.", "", "取組名", "（担当課名）", "",
    "1", "", "確かな学力の育成", "（教育指導課）", "", "取組内容", "", "達成目標", "", "取組結果",
    "【今後の取組の方向性】", "", "目標達成状況", "", "・全国学力・学習状況調査の結果を分析し、・調査結果の分析に基づく",
    "各校の授業改善に生かします。", "各校の授業改善プランの", "作成", "",
])


def test_interleaved_text_is_refused_with_what_to_do():
    # Plain pdftotext reads the header row's cells in between the rows' (「取組内容」 after
    # row 1's title): no cut of such lines into columns can be trusted.
    with pytest.raises(ParseError) as caught:
        parse_bytes(INTERLEAVED.encode("utf-8"), source="plain.txt")
    assert caught.value.code == "text_interleaved"
    assert caught.value.line == 14
    assert "pdftotext -layout" in str(caught.value) and "PDF そのもの" in str(caught.value)


@pytest.mark.parametrize("lines", [
    # a （担当課名） after its row's bullets (pdfminer)
    ["1 確かな学力の育成", "・全国学力・学習状況調査の結果を分析し、", "（教育指導課）", "・放課後の補充学習を全小学校で実施しま"],
    # the No. column read alone, its numbers one under the other (pdfminer)
    ["1", "", "2", "", "確かな学力の育成", "（教育指導課）", "・全国学力・学習状況調査の結果を分析します。"],
])
def test_other_interleavings_are_refused(lines):
    head = ["若葉市 平成30年度 教育部長の目標宣言", "教育部長 中村 健一", "No.", "取組名", "（担当課名）", "取組内容", "達成目標"]
    with pytest.raises(ParseError) as caught:
        parse_bytes("\n".join(head + lines).encode("utf-8"), source="miner.txt")
    assert caught.value.code == "text_interleaved"


@needs_pdftotext
def test_seed_pdf_through_plain_pdftotext_is_refused_not_misread(tmp_path):
    text = pdftotext((SEED / "h29-shiminseikatsu-achievement.pdf").read_bytes(), tmp_path)
    with pytest.raises(ParseError) as caught:
        parse_bytes(text, source="plain.txt")
    assert caught.value.code == "text_interleaved"


def test_pdftotext_layout_accuracy_on_independent_layouts():
    # The tuning share's figure (bench/independent.py, docs/benchmarks.md) as a guard.
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    sys.path.insert(0, str(ROOT / "bench"))
    import independent

    matched = total = 0
    for _label, want, _lay, data in independent.corpus(seed=1, count=12, held_out=False):
        text = independent.pdftotext(data, keep_layout=True).encode("utf-8")
        got = parse_bytes(text, source="independent.txt")
        m, t, _ = independent.score(got, want)
        matched, total = matched + m, total + t
    assert matched / total >= 0.99
