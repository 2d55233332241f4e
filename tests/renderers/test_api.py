"""``render(doc, fmt)`` and ``FORMATS``: the one entry point the CLI and the web app use."""

import json

import pytest

from sengen.core.report import ReportError, normalise
from sengen.renderers import FORMATS, render


def test_formats_name_media_type_and_extension_for_each_format():
    assert set(FORMATS) == {"json", "csv", "xlsx", "html", "pdf"}
    assert FORMATS["pdf"] == ("application/pdf", "pdf")
    assert FORMATS["csv"][0].startswith("text/csv")
    assert FORMATS["xlsx"][1] == "xlsx"
    for media_type, ext in FORMATS.values():
        assert "/" in media_type and ext.isalnum()


def test_render_rejects_unknown_format(seed):
    with pytest.raises(ValueError, match="unknown format 'docx'"):
        render(seed, "docx")


def test_render_rejects_non_dict():
    with pytest.raises(TypeError):
        render("[]", "csv")


def test_json_is_the_canonical_document(seed):
    data = render(seed, "json")
    assert data.endswith(b"\n")
    assert "竹内 克則".encode() in data  # not \\u-escaped
    assert json.loads(data) == normalise(seed)


def test_json_stays_strict_about_the_format(seed):
    seed["fiscal_year"] = "2017"
    with pytest.raises(ReportError):
        render(seed, "json")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html"])
def test_render_does_not_modify_the_callers_document(seed, fmt):
    before = json.dumps(seed, sort_keys=True)
    render(seed, fmt)
    assert json.dumps(seed, sort_keys=True) == before


@pytest.mark.parametrize(("phase", "heading", "column"), [
    ("declaration", "平成29年度 市民生活部長の目標宣言", "目標宣言"),
    ("interim_report", "平成29年度 市民生活部長の目標宣言 中間報告", "中間報告"),
    ("achievement_report", "平成29年度 市民生活部長の目標宣言 達成状況報告", "達成状況報告"),
])
def test_headings_and_the_document_column_name_each_phase_from_the_workflow_table(
        seed, monkeypatch, phase, heading, column):
    from sengen.core import workflow
    from sengen.renderers import _doc, rows

    doc = {**seed, "document": phase}
    assert _doc.title(doc) == heading
    assert rows.rows(doc)[0][rows.KEYS.index("document")] == column
    # One place names the phases: a renamed phase is renamed in every output.
    monkeypatch.setitem(workflow.DOCUMENT_NAMES, phase, "改名")
    assert rows.rows(doc)[0][rows.KEYS.index("document")] == "改名"
