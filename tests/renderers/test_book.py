"""The city's book: a year of fifteen departments as one PDF — cover, contents whose page numbers
are where each department really starts, a bookmark per department, running headers, ``- n -``,
tagged with the font embedded, and a draft marked on every page."""

import copy
import io
import re

import pytest
from pypdf import PdfReader

from sengen.renderers.book import DRAFT_MARK, EmptyBook, book_html, render_book

from .helpers import HOSTILE, load_seed
from .test_pdf import _fonts, _is_embedded, _struct_types  # the single-report PDF's own checks

pytestmark = pytest.mark.pdf

DEPARTMENTS = ["総務部", "企画部", "財務部", "市民生活部", "経済環境部", "保健福祉部", "子ども部", "都市部",
               "建設部", "上下水道部", "消防本部", "教育部", "議会事務局", "会計課", "行政委員会事務局"]


def year_of(names=DEPARTMENTS) -> list[tuple[dict, None]]:
    """The seed report once per department, each under its own name and director's title."""
    seed = load_seed()
    reports = []
    for name in names:
        doc = copy.deepcopy(seed)
        doc["department"] = name
        doc["director"]["title"] = f"{name}長"
        reports.append((doc, None))
    return reports


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _pages(data: bytes) -> list[str]:
    return [_squash(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def book() -> bytes:
    return render_book(year_of())


@pytest.fixture(scope="module")
def draft_book() -> bytes:
    return render_book(year_of(DEPARTMENTS[:3]), draft=True)


def test_book_has_one_bookmark_per_department_in_order(book):
    outline = PdfReader(io.BytesIO(book)).outline
    assert [item.title for item in outline] == DEPARTMENTS


def test_bookmarks_point_at_the_department_s_first_page(book):
    reader = PdfReader(io.BytesIO(book))
    pages = _pages(book)
    for item in reader.outline:
        at = reader.get_destination_page_number(item)
        assert f"平成29年度{item.title}長の目標宣言達成状況報告" in pages[at]


def test_contents_page_numbers_are_the_pages_each_department_starts_on(book):
    pages = _pages(book)
    contents = pages[1]
    assert contents.startswith("目次")
    listed = dict(re.findall(r"([^.\d]+?)\.{3,}(\d+)", contents.removeprefix("目次")))
    assert list(listed) == DEPARTMENTS
    for name, number in listed.items():
        # The heading of the department's table, found where it really is printed.
        heading = f"平成29年度{name}長の目標宣言達成状況報告"
        where = [i + 1 for i, text in enumerate(pages) if heading in text]
        assert where == [int(number)], name


def test_every_page_after_the_cover_has_running_header_and_page_number(book):
    pages = _pages(book)
    assert len(pages) >= 2 + len(DEPARTMENTS)
    assert "-1-" not in pages[0] and "伊勢原市平成29年度目標宣言・達成状況報告集" in pages[0]
    for n, text in enumerate(pages[1:], 2):
        assert text.endswith(f"-{n}-"), n
        assert "伊勢原市\u3000平成29年度\u3000目標宣言・達成状況報告集".replace("\u3000", "") in text.replace("\u3000", "")
    # The department in the header is the one whose table is on the page, continuation pages too.
    reader = PdfReader(io.BytesIO(book))
    starts = [reader.get_destination_page_number(item) for item in reader.outline] + [len(pages)]
    for name, start, end in zip(DEPARTMENTS, starts, starts[1:], strict=False):
        for at in range(start, end):
            assert f"目標宣言・達成状況報告集{name}-{at + 1}-" in pages[at].replace("\u3000", ""), (name, at)


def test_book_is_tagged_and_embeds_its_font(book):
    reader = PdfReader(io.BytesIO(book))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "ja"
    assert {"/Table", "/TH", "/TD"} <= _struct_types(reader)
    fonts = _fonts(reader)
    assert fonts and all(_is_embedded(f) for f in fonts)
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"IPAexGothic"}


def test_draft_book_is_marked_on_every_page(draft_book, book):
    draft_pages = _pages(draft_book)
    assert all(_squash(DRAFT_MARK) in text for text in draft_pages)
    assert all("下書き" not in text and "DRAFT" not in text for text in _pages(book))
    assert DRAFT_MARK in PdfReader(io.BytesIO(draft_book)).metadata.title


def test_cover_names_city_year_and_phase():
    html, _ = book_html(year_of(DEPARTMENTS[:1]), phase="declaration")
    assert "<h1>目標宣言集</h1>" in html


def test_text_from_reports_is_escaped_in_contents_and_headers():
    (doc, form), = year_of(DEPARTMENTS[:1])
    doc["department"] = HOSTILE["markup"]
    doc["municipality"] = HOSTILE["markup"]
    html, _ = book_html([(doc, form)])
    assert "<script>" not in html and "<img" not in html
    pdf = render_book([(doc, form)])
    assert [item.title for item in PdfReader(io.BytesIO(pdf)).outline] == [HOSTILE["markup"]]


def test_an_empty_book_is_refused():
    with pytest.raises(EmptyBook):
        render_book([])
