"""Every value read from a table says where it was read: file, page, cell, lines."""

from pathlib import Path

from sengen.parsers import parse_with_provenance

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def test_text_values_point_at_their_lines():
    path = SEED / "h29-shiminseikatsu-achievement.txt"
    doc, where = parse_with_provenance(path.read_bytes(), source=path.name)
    lines = _lines(path)
    status = where["$.initiatives[1].achievement_status[0]"]
    assert status["file"] == path.name and status["cell"] == "目標達成状況"
    # The lines it names hold the start and the end of what was read.
    assert lines[status["first_line"] - 1].strip().startswith("・くらし安心メール登録者数は")
    assert lines[status["last_line"] - 1].strip().startswith("11,820")
    title = where["$.initiatives[4].title"]
    assert lines[title["first_line"] - 1].strip().startswith("5 マイナンバーカードの普及")
    # Every bullet of every cell has one.
    for i, ini in enumerate(doc["initiatives"]):
        for name in ("content", "targets", "results", "future_direction", "achievement_status"):
            for j in range(len(ini[name])):
                assert f"$.initiatives[{i}].{name}[{j}]" in where


def test_pdf_values_point_at_their_page_and_column():
    path = SEED / "h29-shiminseikatsu-achievement.pdf"
    doc, where = parse_with_provenance(path.read_bytes(), source=path.name)
    assert where["$.initiatives[0].results[0]"] == {"file": path.name, "page": 1, "cell": "取組結果"}
    assert where["$.initiatives[4].targets[1]"] == {"file": path.name, "page": 2, "cell": "達成目標"}
    # Row 4's future direction continues on page 2 (the row was not split in the seed, so page 1).
    assert where["$.initiatives[3].future_direction[0]"]["page"] in (1, 2)


def test_json_is_its_own_source():
    path = SEED / "h29-shiminseikatsu-achievement.json"
    doc, where = parse_with_provenance(path.read_bytes(), source=path.name)
    assert where == {"$": {"file": path.name}}
