"""Input that is not a report is refused with one line saying which file, where, and what was expected."""

from pathlib import Path

import pytest

from sengen.parsers import ParseError, parse_bytes, parse_path

SEED_TXT = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.txt"


@pytest.mark.parametrize("data, expected", [
    (b"", "upload.txt: ファイルが空です。報告の文が入っているはずです"),
    (b"   \n\n  \n", "upload.txt: ファイルが空です"),
    (b"\x00\x01\x02binary\xff\xfe\x00", "upload.txt: 報告の文（テキスト）ではなくバイナリのファイルです"),
    ("吾輩は猫である。名前はまだ無い。".encode(),
     "upload.txt: 1行目: 先頭に年度の入った表題（例: 平成29年度 … 目標宣言）がありません。報告ではないようです"),
    ("平成２９年度 市民生活部長の目標宣言\n本文のみ\n".encode(),
     "upload.txt: 1行目: 番号の付いた取組（「1 取組名」の行に（担当課名）が続くもの）が一つもありません"),
    (b"{\"schema\": \"sengen.report/1\", \"fiscal_year\": \"x\"}", "upload.txt: $: sengen.report/1 の形式に合いません"),
    (b"{broken json", "upload.txt: 1行目、2文字目: JSON の文法に合いません（項目名が二重引用符（\"）で囲まれていません）"),
    (b'{"a": [1, 2\n  3]}', "upload.txt: 2行目、3文字目: JSON の文法に合いません（区切りの「,」がありません）"),
    (b"\xff\xfe\xfa\xfb\xfc" * 10, "upload.txt: テキストが UTF-8 でも Shift_JIS でもありません"),
])
def test_not_a_report(data, expected):
    with pytest.raises(ParseError) as err:
        parse_bytes(data, source="upload.txt")
    message = str(err.value)
    assert message.startswith("upload.txt")
    assert message.startswith(expected)
    assert "\n" not in message


def test_a_report_without_its_heading_says_so():
    text = SEED_TXT.read_text(encoding="utf-8").split("\n", 4)[4]
    with pytest.raises(ParseError, match="部長の職名|年度の入った表題"):
        parse_bytes(text.encode(), source="x.txt")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ParseError) as err:
        parse_path(tmp_path / "nope.txt")
    assert str(err.value) == f"{tmp_path / 'nope.txt'}: ファイルがありません"
    with pytest.raises(ParseError) as err:
        parse_path(tmp_path)
    assert str(err.value) == f"{tmp_path}: ファイルではなくフォルダーです"


def test_shift_jis_text_reads_like_utf8():
    text = SEED_TXT.read_text(encoding="utf-8")
    assert parse_bytes(text.encode("cp932")) == parse_bytes(text.encode("utf-8"))


def test_windows_line_endings_and_bom_change_nothing():
    text = SEED_TXT.read_text(encoding="utf-8")
    crlf = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert parse_bytes(crlf) == parse_bytes(text.encode("utf-8"))


# --- what a message is made of -------------------------------------------------------------------

def test_the_structured_parts_stay_on_the_error_for_another_language():
    """The Japanese message is built from a code, params and a place, all kept as attributes,
    so an English page can say the same without reading the Japanese back."""
    err = ParseError("no_number", source="h29.xlsx", sheet="市民生活部", row=7, found="一")
    assert str(err) == "h29.xlsx: シート「市民生活部」の7行目: No. の欄に取組の番号がありません（「一」と書かれています）"
    assert (err.code, err.params, err.source) == ("no_number", {"found": "一"}, "h29.xlsx")
    assert (err.sheet, err.row, err.page, err.line) == ("市民生活部", 7, None, None)
    assert err.where == {"sheet": "市民生活部", "row": 7}


@pytest.mark.parametrize("where, text", [
    ({"page": 2, "number": 3}, "2ページ、No. 3"),
    ({"sheet": "データ", "row": 1, "last_row": 3}, "シート「データ」の1〜3行目"),
    ({"sheet": "データ"}, "シート「データ」"),
    ({"line": 12, "column": 5}, "12行目、5文字目"),
    ({"path": "$.initiatives[0].targets"}, "$.initiatives[0].targets"),
    ({"part": "title"}, "表題"),
    ({}, ""),
])
def test_the_place_reads_as_people_look_it_up(where, text):
    assert ParseError("no_title_cell", **where).location == text


def test_an_error_crosses_processes_whole():
    """The budget's child sends its refusal to the parent as code, params and place."""
    import pickle

    err = ParseError("pdf_pages", source="many.pdf", count=5000, limit=300)
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.code, again.params) == (str(err), "pdf_pages", {"count": 5000, "limit": 300})
    assert str(err) == "many.pdf: PDF が5,000ページあります。報告は300ページまでです"


def test_every_message_names_what_it_needs():
    """Each template formats with the params its raise sites give (no stray or missing field)."""
    import string

    from sengen.parsers.errors import MESSAGES

    for code, template in MESSAGES.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        ParseError(code, **{name: 1 for name in fields})  # raises KeyError if one is missing
        assert "{" not in ParseError(code, **{name: 1 for name in fields}).message, code


SEED_PDF = SEED_TXT.with_suffix(".pdf")


@pytest.mark.parametrize("name, data, expected", [
    ("scan.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "scan.pdf: PNG の画像で、報告の PDFではありません"),
    ("photo.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200), "photo.pdf: JPEG の画像で、報告の PDFではありません"),
    ("anim.xlsx", b"GIF89a" + bytes(50), "anim.xlsx: GIF の画像で、報告の Excel のブック（.xlsx）ではありません"),
    ("page.txt", "\ufeff<!DOCTYPE html>\n<html lang=ja><title>平成29年度</title>".encode(),
     "page.txt: HTML の文書（Web ページ）で、PDF から抽出した報告の文（テキスト）ではありません"),
    ("page.json", b"  <!-- saved --><html><body>{}</body></html>", "page.json: HTML の文書（Web ページ）で、sengen.report/1 の JSON"),
    ("feed", b"<?xml version='1.0'?><rss/>", "feed: XML の文書で、報告の PDF、Excel のブック（.xlsx）、テキストか JSONではありません"),
    ("memo.txt", b"{\\rtf1\\ansi hello}", "memo.txt: RTF の文書で"),
    ("x.pdf", b"\x1f\x8b\x08\x00" + bytes(40), "x.pdf: gzip の圧縮ファイルで"),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "setup.pdf: プログラム（実行ファイル）で"),
    ("old.pdf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "WordDocument".encode("utf-16-le"),
     "old.pdf: Word 97-2003 の文書（.doc）です"),
    ("half.pdf", SEED_PDF.read_bytes()[:4000], "half.pdf: PDF として読めません。ファイルが壊れているか途中で切れています"),
    ("huge.json", b'{"fiscal_year": ' + b"9" * 5000 + b"}", "huge.json: JSON に桁数が多すぎて読めない数値があります"),
])
def test_a_file_that_is_something_else_says_what_it_is_and_what_was_expected(name, data, expected):
    with pytest.raises(ParseError) as err:
        parse_bytes(data, source=name)
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_a_text_beginning_with_two_letters_of_a_magic_number_is_still_read_as_text():
    # "BM" opens a bitmap, "MZ" a program; a text may begin so too and holds no NUL.
    with pytest.raises(ParseError) as err:
        parse_bytes("BMの報告\n".encode(), source="bm.txt")
    assert err.value.code == "no_title"


def test_the_kind_and_what_was_expected_are_said_in_english_too():
    from django.utils import translation

    with pytest.raises(ParseError) as err:
        parse_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100), source="scan.pdf")
    with translation.override("en"):
        assert err.value.text(translation.gettext) == "scan.pdf: This is a PNG image, not a report's PDF"


@pytest.mark.parametrize("broken", [b"/Fl`teDecode", b"/ASCII85Decode"])
def test_a_pdf_whose_stream_breaks_while_its_page_is_read_is_a_broken_pdf(broken):
    """pdfminer reads streams lazily: the damage shows only on the page, as whatever pdfminer
    raises there (found by tests/fuzz)."""
    data = (Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "h31-jogesuido-declaration.pdf").read_bytes()
    with pytest.raises(ParseError) as err:
        parse_bytes(data.replace(b"/FlateDecode", broken), source="x.pdf")
    assert err.value.code == "pdf_unreadable"
    assert str(err.value).startswith("x.pdf: PDF として読めません。ファイルが壊れているか途中で切れています")
