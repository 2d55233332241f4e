"""PDFs and workbooks that sengen did not make read back to their expected data.

``tests/fixtures/pdf/NAME.pdf`` is laid out by reportlab (``make_pdf.py``) and
``tests/fixtures/xlsx/NAME.xlsx`` by openpyxl directly (``make_xlsx.py``), each in the
style of some city's word processor or Excel sheet; ``NAME.json`` beside it is the
expected ``sengen.report/1``. A known reader gap is marked ``xfail(strict=True)`` with what
exactly goes wrong, so fixing the reader turns the mark into a failure that asks for its
removal.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest

from sengen.parsers import parse_path

from .compare import differences, load_expected

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PDF = FIXTURES / "pdf"
XLSX = FIXTURES / "xlsx"

KNOWN_GAPS: dict[str, str] = {}


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _params(folder: Path, suffix: str):
    names = sorted(p.stem for p in folder.glob(f"*{suffix}"))
    out = []
    for name in names:
        key = f"{folder.name}/{name}"
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[key])] if key in KNOWN_GAPS else []
        out.append(pytest.param(folder / f"{name}{suffix}", id=key, marks=marks))
    return out


def test_every_file_has_its_expected_data_and_a_style():
    make_pdf, make_xlsx = _module(PDF / "make_pdf.py"), _module(XLSX / "make_xlsx.py")
    for folder, suffix, styles in ((PDF, ".pdf", make_pdf.STYLES), (XLSX, ".xlsx", make_xlsx.STYLES)):
        files = sorted(p.stem for p in folder.glob(f"*{suffix}"))
        assert files == sorted(styles), f"{folder.name}: files and STYLES differ"
        for name in files:
            assert (folder / f"{name}.json").is_file(), f"{name}{suffix} has no {name}.json"
    assert set(KNOWN_GAPS) <= {f"pdf/{n}" for n in make_pdf.STYLES} | {f"xlsx/{n}" for n in make_xlsx.STYLES}


@pytest.mark.parametrize("path", _params(PDF, ".pdf") + _params(XLSX, ".xlsx"))
def test_a_file_made_by_another_tool_parses_to_its_expected_data(path):
    assert differences(parse_path(path), load_expected(path.with_suffix(".json"))) == []


def _page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def test_committed_pdfs_are_what_the_generator_makes(tmp_path, monkeypatch):
    """Editing a .json or a style without regenerating fails here. Pages and their text are
    compared, not bytes, so that a new reportlab that writes the same pages differently passes."""
    make_pdf = _module(PDF / "make_pdf.py")
    for name in make_pdf.STYLES:
        (tmp_path / f"{name}.json").write_bytes((PDF / f"{name}.json").read_bytes())
    monkeypatch.setattr(make_pdf, "HERE", tmp_path)
    make_pdf.main([])
    for name in make_pdf.STYLES:
        assert _page_texts(tmp_path / f"{name}.pdf") == _page_texts(PDF / f"{name}.pdf"), name


def test_committed_workbooks_hold_what_the_generator_makes():
    """Zip timestamps differ from run to run, so the cells, merges and widths are compared."""
    from openpyxl import load_workbook

    make_xlsx = _module(XLSX / "make_xlsx.py")
    for name in make_xlsx.STYLES:
        fresh = io.BytesIO()
        make_xlsx.build(name).save(fresh)
        got = load_workbook(fresh).active
        want = load_workbook(XLSX / f"{name}.xlsx").active
        assert [[c.value for c in row] for row in got.iter_rows()] == \
            [[c.value for c in row] for row in want.iter_rows()], name
        assert sorted(map(str, got.merged_cells.ranges)) == sorted(map(str, want.merged_cells.ranges)), name
        assert {k: d.width for k, d in got.column_dimensions.items()} == \
            {k: d.width for k, d in want.column_dimensions.items()}, name
