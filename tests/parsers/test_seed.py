"""The seed report, as text extracted from its PDF, parses to the published data exactly."""

from pathlib import Path

from sengen.parsers import parse_path

from .compare import differences, load_expected

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"


def test_seed_text_equals_seed_json_field_for_field():
    got = parse_path(SEED / "h29-shiminseikatsu-achievement.txt")
    want = load_expected(SEED / "h29-shiminseikatsu-achievement.json")
    assert differences(got, want) == []


def test_seed_json_parses_to_itself():
    got = parse_path(SEED / "h29-shiminseikatsu-achievement.json")
    assert differences(got, load_expected(SEED / "h29-shiminseikatsu-achievement.json")) == []


def test_bullets_are_kept_as_written_without_extraction_spaces():
    got = parse_path(SEED / "h29-shiminseikatsu-achievement.txt")
    status = got["initiatives"][1]["achievement_status"][0]
    # The PDF's text had "平成 29 年度" and "11,820 人"; the author wrote neither space.
    assert "平成29年度は1,266人増の11,820人となりました。" in status
    # Full-width digits are the author's and stay full-width.
    assert got["initiatives"][1]["targets"][1]["text"].endswith("１２,０００人")
    assert got["director"]["name"] == "竹内 克則"


HANDMADE = Path(__file__).resolve().parents[1] / "fixtures" / "handmade"


def test_a_row_split_across_a_page_break_is_put_back_together():
    """A word processor splits a tall row over two pages: the text then gives each column's
    first lines, the repeated header, and each column's remaining lines with no ・ to show
    which column they continue."""
    got = parse_path(HANDMADE / "h29-shiminseikatsu-row-split-across-pages.txt")
    want = load_expected(HANDMADE / "h29-shiminseikatsu-row-split-across-pages.json")
    assert differences(got, want) == []
