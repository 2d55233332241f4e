"""PDF: the official table on A4 landscape, readable on a PC without Japanese fonts, tagged.

This machine has no Japanese system font (only DejaVu), so "every glyph is in the
embedded IPAexGothic" is tested for real, not assumed.
"""

import io
import re
import xml.etree.ElementTree as ET

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from sengen.renderers import pdf_doc, render

from .helpers import HOSTILE, hostile_doc, load_seed

pytestmark = pytest.mark.pdf

A4_LANDSCAPE = (841.89, 595.28)  # points
HEADER = ["No.", "取組名（担当課名）", "取組内容", "達成目標", "取組結果［今後の取組の方向性］", "目標達成状況"]
TITLE = "平成29年度 市民生活部長の目標宣言 達成状況報告"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return render(load_seed(), "pdf")


def _tables(data: bytes) -> list[list[list[str]]]:
    """Per page, the ruled table's rows as whitespace-free cell text."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[[_squash(c) for c in row] for row in page.extract_tables()[0]] for page in pdf.pages]


def _initiative_rows(data: bytes, header: list[str]) -> list[list[str]]:
    """Body rows across pages, a row cut by a page break glued back together."""
    rows: list[list[str]] = []
    for page in _tables(data):
        start = page.index(header) + 1
        for row in page[start:]:
            if not any(row):
                continue
            if row[0] == "" and rows:  # continuation of the row the page break cut
                rows[-1] = [a + b for a, b in zip(rows[-1], row, strict=True)]
            else:
                rows.append(row)
    return rows


def _bullets(lines: list[str]) -> str:
    return "".join("・" + _squash(line) for line in lines)


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font dictionary reachable from the pages, including inside form XObjects."""
    found, seen = [], set()

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                found.append(font)
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def _is_embedded(font: DictionaryObject) -> bool:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _struct_types(reader: PdfReader) -> set[str]:
    types, stack = set(), [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                types.add(str(node["/S"]))
            if "/K" in node:
                stack.append(node["/K"])
    return types


def test_pdf_pages_are_a4_landscape(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(A4_LANDSCAPE, abs=0.5)


def test_seed_pdf_takes_two_pages_like_the_official_print(seed_pdf):
    assert len(PdfReader(io.BytesIO(seed_pdf)).pages) == 2


def test_pdf_embeds_ipaexgothic_and_needs_no_other_font(seed_pdf):
    fonts = _fonts(PdfReader(io.BytesIO(seed_pdf)))
    assert fonts
    assert all(_is_embedded(f) for f in fonts)
    # Subset names look like "ABCDEF+IPAexGothic"; no glyph fell back to a system font.
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"IPAexGothic"}


def test_pdf_repeats_the_header_row_on_every_page(seed_pdf):
    for page in _tables(seed_pdf):
        assert HEADER in page


def test_pdf_shows_title_director_and_page_numbers(seed_pdf):
    with pdfplumber.open(io.BytesIO(seed_pdf)) as pdf:
        texts = [_squash(page.extract_text()) for page in pdf.pages]
    assert _squash(TITLE) in texts[0]
    assert "市民生活部長竹内克則" in texts[0]
    for n, text in enumerate(texts, start=1):
        assert text.endswith(f"-{n}-")


def test_pdf_table_cells_hold_every_seed_text_in_its_column(seed_pdf):
    doc = load_seed()
    rows = _initiative_rows(seed_pdf, HEADER)
    assert len(rows) == len(doc["initiatives"])
    for row, ini in zip(rows, doc["initiatives"], strict=True):
        no, title, content, targets, results, status = row
        assert no == str(ini["number"])
        assert title == _squash(ini["title"]) + "（" + "、".join(ini["sections"]) + "）"
        assert content == _bullets(ini["content"])
        assert targets == _bullets([t["text"] for t in ini["targets"]])
        assert results == _bullets(ini["results"]) + "［今後の取組の方向性］" + _bullets(ini["future_direction"])
        assert status == _bullets(ini["achievement_status"])


def test_pdf_is_tagged_for_screen_readers_with_title_and_language(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ja"
    assert root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == TITLE
    assert {"/Table", "/THead", "/TR", "/TH", "/TD", "/H1", "/L", "/LI"} <= _struct_types(reader)
    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    claims = {k.split("}")[-1]: v for e in xmp.iter() for k, v in e.attrib.items() if "pdfua" in k}
    assert claims.get("part") == "1"  # pdfuaid:part — the file claims PDF/UA-1


def test_declaration_pdf_has_four_columns():
    doc = load_seed()
    doc["document"] = "declaration"
    data = render(doc, "pdf")
    header = HEADER[:4]
    rows = _initiative_rows(data, header)
    assert len(rows) == len(doc["initiatives"])
    assert all(len(r) == 4 for r in rows)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = _squash("".join(p.extract_text() for p in pdf.pages))
    assert "平成29年度市民生活部長の目標宣言" in text
    assert "取組結果" not in text and "達成状況報告" not in text


def test_pdf_prints_hostile_text_as_text():
    payload = HOSTILE["markup"]
    data = render(hostile_doc(payload), "pdf")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = _squash("".join(p.extract_text() for p in pdf.pages))
    assert _squash(payload) in text


def test_pdf_renderer_fetches_nothing_but_its_font():
    fetch = pdf_doc._url_fetcher(pdf_doc.font_path().as_uri())
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.com/x.css"):
        with pytest.raises(ValueError, match="does not load external resources"):
            fetch(url)
    assert fetch(pdf_doc.font_path().as_uri())  # the font itself loads


def test_pdf_without_the_bundled_font_fails_loudly(monkeypatch):
    monkeypatch.setattr(pdf_doc.importlib.util, "find_spec", lambda name: None)
    pdf_doc.font_path.cache_clear()
    try:
        with pytest.raises(pdf_doc.FontNotFound):
            render(load_seed(), "pdf")
    finally:
        monkeypatch.undo()
        pdf_doc.font_path.cache_clear()


def test_pdf_renders_without_weasyprint_warnings(caplog):
    """A warning per PDF would bury real problems in the server log."""
    with caplog.at_level("WARNING", logger="weasyprint"):
        render(load_seed(), "pdf")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_long_unbroken_names_and_bullets_stay_on_the_page():
    """Issue 9.2: a director's title, an initiative's title and a bullet as long as core/limits.py allows, without one
    break opportunity, wrap inside the page (the heading used to run off its right edge)."""
    from sengen.core.limits import MAX_LINE_CHARS, MAX_NAME_CHARS

    doc = load_seed()
    doc["director"]["title"] = "W" * MAX_NAME_CHARS  # in the heading and the director's line
    doc["initiatives"][0]["title"] = "W" * MAX_NAME_CHARS
    doc["initiatives"][0]["content"][0] = "W" * MAX_LINE_CHARS
    with pdfplumber.open(io.BytesIO(render(doc, "pdf"))) as pdf:
        for page in pdf.pages:
            assert page.chars and max(c["x1"] for c in page.chars) <= page.width
        text = "".join(_squash(page.extract_text()) for page in pdf.pages)
    assert text.count("W") >= 3 * MAX_NAME_CHARS + MAX_LINE_CHARS
