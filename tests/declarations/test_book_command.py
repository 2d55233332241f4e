"""``sengen book``: a stored year of fifteen departments as one PDF, published by default, the
current rows with ``--draft``; bad input one line and exit status 2."""

import copy
import re

import pytest
from pypdf import PdfReader

from sengen.declarations.models import Department
from sengen.declarations.services.imports import report_import

from .helpers import refused, run

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

DEPARTMENTS = ["総務部", "企画部", "財務部", "市民生活部", "経済環境部", "保健福祉部", "子ども部", "都市部",
               "建設部", "上下水道部", "消防本部", "教育部", "議会事務局", "会計課", "行政委員会事務局"]


def usage_error(*args) -> str:
    return str(refused(*args))


def department_doc(seed_doc: dict, name: str) -> dict:
    doc = copy.deepcopy(seed_doc)
    doc["department"] = name
    doc["director"]["title"] = f"{name}長"
    return doc


def store_year(seed_doc: dict, names=DEPARTMENTS, state="published") -> None:
    for name in names:
        report_import(doc=department_doc(seed_doc, name), state=state)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def read(path) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(str(path))
    return reader, [_squash(page.extract_text()) for page in reader.pages]


def city_order() -> list[str]:
    # The portal's and the staff pages' order (Department has no order field): by name, then id.
    return list(Department.objects.order_by("name", "id").values_list("name", flat=True))


def test_book_of_a_published_year_has_a_bookmark_and_a_right_page_number_per_department(seed_doc, tmp_path):
    store_year(seed_doc)
    path = tmp_path / "book.pdf"
    out = run("book", "--fiscal-year", "2017", "--phase", "achievement_report", "-o", str(path))
    assert out.strip() == f"{path}: 伊勢原市 平成29年度 達成状況報告 15部"
    reader, pages = read(path)
    assert sorted(item.title for item in reader.outline) == sorted(DEPARTMENTS)
    assert [item.title for item in reader.outline] == city_order()
    listed = re.findall(r"([^.\d]+?)\.{3,}(\d+)", pages[1].removeprefix("目次"))
    assert [name for name, _ in listed] == city_order()
    for name, number in listed:
        heading = f"平成29年度{name}長の目標宣言達成状況報告"
        assert [i + 1 for i, text in enumerate(pages) if heading in text] == [int(number)]
    assert all(text.endswith(f"-{n}-") for n, text in enumerate(pages[1:], 2))
    assert not any("下書き" in text for text in pages)


def test_published_book_prints_what_citizens_read_and_draft_book_the_work_in_progress(seed_doc, tmp_path):
    store_year(seed_doc, DEPARTMENTS[:2])
    # 総務部 is being reworked (not published again); 会計課 was never published.
    reworked = department_doc(seed_doc, "総務部")
    reworked["initiatives"][0]["title"] = "作業中の新しい取組名"
    # Taken back to draft on purpose (the import refuses to lower a published report otherwise).
    report_import(doc=reworked, state="draft", replace_published=True)
    report_import(doc=department_doc(seed_doc, "会計課"), state="draft")

    published, draft = tmp_path / "published.pdf", tmp_path / "draft.pdf"
    run("book", "--fiscal-year", "平成29年度", "--phase", "achievement_report", "-o", str(published))
    out = run("book", "--fiscal-year", "2017", "--phase", "achievement_report", "--draft", "-o", str(draft))
    assert out.strip().endswith("3部（下書き）")

    reader, pages = read(published)
    assert {item.title for item in reader.outline} == {"総務部", "企画部"}
    assert not any("作業中の新しい取組名" in text for text in pages)
    assert not any("下書き" in text or "DRAFT" in text for text in pages)

    reader, pages = read(draft)
    assert {item.title for item in reader.outline} == {"総務部", "企画部", "会計課"}
    assert any("作業中の新しい取組名" in text for text in pages)
    assert all("下書き（DRAFT）" in text for text in pages)


def test_a_year_with_nothing_published_says_so_and_points_at_draft(seed_doc, tmp_path):
    store_year(seed_doc, DEPARTMENTS[:1], state="draft")
    path = tmp_path / "book.pdf"
    message = usage_error("book", "--fiscal-year", "2017", "--phase", "achievement_report", "-o", str(path))
    assert "公開されている達成状況報告はありません" in message and "--draft" in message
    message = usage_error("book", "--fiscal-year", "2017", "--phase", "declaration", "--draft", "-o", str(path))
    assert "目標宣言はありません" in message
    assert not path.exists()


def test_bad_input_is_one_line_and_exit_status_2(seed_doc, tmp_path):
    store_year(seed_doc, DEPARTMENTS[:1])
    path = str(tmp_path / "book.pdf")
    assert "2018年度は登録されていません" in usage_error(
        "book", "--fiscal-year", "2018", "--phase", "achievement_report", "-o", path)
    assert "架空市の2017年度" in usage_error(
        "book", "--fiscal-year", "2017", "--phase", "achievement_report", "--municipality", "架空市", "-o", path)
    assert "年度は 2017 や 平成29年度" in usage_error(
        "book", "--fiscal-year", "昨年", "--phase", "achievement_report", "-o", path)
    usage_error("book", "--fiscal-year", "2017", "--phase", "annual", "-o", path)
    assert "標準出力" in usage_error("book", "--fiscal-year", "2017", "--phase", "achievement_report", "-o", "-")
    assert "フォルダー" in usage_error(
        "book", "--fiscal-year", "2017", "--phase", "achievement_report", "-o", str(tmp_path))
