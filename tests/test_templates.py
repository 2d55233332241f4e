"""Template comments: Django's ``{# … #}`` ends at the line's end, so one spread over several
lines is not a comment but text on the page (the year page once showed its own note)."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sengen"


def test_no_template_comment_spans_lines():
    found = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            opened = line.rfind("{#")
            if opened != -1 and "#}" not in line[opened:]:
                found.append(f"{template.relative_to(SRC)}:{number}")
    assert not found, "use {% comment %} for a comment over several lines: " + ", ".join(found)
