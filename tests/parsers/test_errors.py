"""Input that is not a report is refused with one line saying which file, where, and what was expected."""

from pathlib import Path

import pytest

from sengen.parsers import ParseError, parse_bytes, parse_path

SEED_TXT = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.txt"


@pytest.mark.parametrize("data, expected", [
    (b"", "empty"),
    (b"   \n\n  \n", "empty"),
    (b"\x00\x01\x02binary\xff\xfe\x00", "binary"),
    ("吾輩は猫である。名前はまだ無い。".encode(), "title with a fiscal year"),
    ("平成２９年度 市民生活部長の目標宣言\n本文のみ\n".encode(), "numbered initiatives"),
    (b"{\"schema\": \"sengen.report/1\", \"fiscal_year\": \"x\"}", "$"),
    (b"{broken json", "not JSON"),
    (b"\xff\xfe\xfa\xfb\xfc" * 10, "UTF-8 or Shift_JIS"),
])
def test_not_a_report(data, expected):
    with pytest.raises(ParseError) as err:
        parse_bytes(data, source="upload.txt")
    message = str(err.value)
    assert message.startswith("upload.txt")
    assert expected in message
    assert "\n" not in message


def test_a_report_without_its_heading_says_so():
    text = SEED_TXT.read_text(encoding="utf-8").split("\n", 4)[4]
    with pytest.raises(ParseError, match="director|fiscal year"):
        parse_bytes(text.encode(), source="x.txt")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ParseError, match="no such file"):
        parse_path(tmp_path / "nope.txt")
    with pytest.raises(ParseError, match="folder"):
        parse_path(tmp_path)


def test_shift_jis_text_reads_like_utf8():
    text = SEED_TXT.read_text(encoding="utf-8")
    assert parse_bytes(text.encode("cp932")) == parse_bytes(text.encode("utf-8"))


def test_windows_line_endings_and_bom_change_nothing():
    text = SEED_TXT.read_text(encoding="utf-8")
    crlf = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert parse_bytes(crlf) == parse_bytes(text.encode("utf-8"))
