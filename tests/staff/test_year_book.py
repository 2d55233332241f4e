"""The city's book from the staff year page (issue 12): administrators, and only they, download a
year's book per phase, published or draft (marked as such); an empty book is a message in the
reader's language, not an error page."""

from __future__ import annotations

import copy
import io
import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from sengen.declarations import book
from sengen.declarations.book import year_book
from sengen.declarations.models import FiscalYear
from sengen.declarations.services.imports import report_import
from tests.staff.pages import html
from tests.staff.test_i18n import as_role, english_page

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def _text(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def _url(year, phase, draft=False) -> str:
    return reverse("staff:year_book", args=[year.pk]) + f"?phase={phase}" + ("&draft=1" if draft else "")


def test_the_year_page_offers_the_book_to_an_administrator(login, reports):
    mine, _ = reports
    page = html(login("admin").get(reverse("staff:year_edit", args=[mine.fiscal_year.pk])))
    assert f'action="{reverse("staff:year_book", args=[mine.fiscal_year.pk])}"' in page
    assert re.findall(r'<option value="([a-z_]+)"', page) == ["declaration", "interim_report", "achievement_report"]
    assert 'name="draft" value="1"' in page
    listing = html(login("admin").get(reverse("staff:year_list")))
    assert reverse("staff:year_edit", args=[mine.fiscal_year.pk]) + "#book" in listing


def test_a_draft_book_prints_the_work_in_progress_and_says_draft_on_every_page(login, reports):
    mine, _ = reports
    response = login("admin").get(_url(mine.fiscal_year, "achievement_report", draft=True))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="book-2017-achievement_report-draft.pdf"'
    pages = _text(response.content)
    assert "達成状況報告（2部）" in pages[0] and "下書き（DRAFT）" in pages[0]
    assert all("下書き（DRAFT）" in text for text in pages[1:])


def test_a_published_book_prints_only_what_is_published(login, reports, seed_doc):
    mine, _ = reports  # both departments' reports are drafts
    published = copy.deepcopy(seed_doc)
    published["department"] = "会計課"
    report_import(doc=published, state="published")
    response = login("admin").get(_url(mine.fiscal_year, "achievement_report"))
    assert response["Content-Disposition"] == 'attachment; filename="book-2017-achievement_report.pdf"'
    pages = _text(response.content)
    assert not any("下書き" in text for text in pages)
    # The drafts of 市民生活部 and 総務部 stay out: one report, the published one, in the contents.
    assert "達成状況報告（1部）" in pages[0]
    assert re.findall(r"目次(.+?)\.{3,}", pages[1]) == ["会計課"]


def test_an_empty_book_is_a_message_on_the_year_page(login, reports):
    mine, _ = reports
    client = login("admin")
    response = client.get(_url(mine.fiscal_year, "achievement_report"), follow=True)
    assert response.redirect_chain[-1][0].endswith("#book")
    assert "伊勢原市の2017年度に公開されている達成状況報告はありません" in html(response)
    assert "--draft" not in html(response)


def test_the_empty_book_message_in_english(people, reports):
    mine, _ = reports
    client = as_role(people, "admin")
    page = client.get(_url(mine.fiscal_year, "interim_report"), follow=True).content.decode()
    assert "Interim report: nothing published for 伊勢原市 in FY2017" in page
    page = english_page(client, reverse("staff:year_edit", args=[mine.fiscal_year.pk]))
    assert "Book of the year's declarations and reports (PDF)" in page


@pytest.mark.parametrize("role", ["director", "editor", "viewer"])
def test_only_administrators_print_the_book(login, people, reports, role):
    mine, _ = reports
    assert login(role).get(_url(mine.fiscal_year, "achievement_report", draft=True)).status_code == 403
    # The rule is the service's, whatever page calls it.
    with pytest.raises(PermissionDenied):
        year_book(user=people.by_role(role), fiscal_year=FiscalYear.objects.get(pk=mine.fiscal_year.pk),
                  phase="achievement_report", draft=True)


def test_an_unknown_phase_is_not_found(login, reports):
    mine, _ = reports
    assert login("admin").get(_url(mine.fiscal_year, "everything")).status_code == 404


def test_a_book_past_its_budget_is_a_message_on_the_year_page(login, reports, monkeypatch):
    # The child is really started and really killed: a stuck drawing must not be a server error.
    monkeypatch.setattr(book, "BOOK_BUDGET_SECONDS", 0.01)
    mine, _ = reports
    response = login("admin").get(_url(mine.fiscal_year, "achievement_report", draft=True), follow=True)
    assert response.redirect_chain[-1][0].endswith("#book")
    assert "冊子の作成が0.01秒を超えたため中止しました" in html(response)


def test_a_book_the_child_cannot_draw_is_a_message_naming_why(login, reports, monkeypatch):
    monkeypatch.setattr(book, "book_payload", lambda _book: "not json")
    mine, _ = reports
    response = login("admin").get(_url(mine.fiscal_year, "achievement_report", draft=True), follow=True)
    assert response.redirect_chain[-1][0].endswith("#book")
    page = html(response)
    assert "冊子を作成できませんでした: " in page and "Traceback" not in page


@pytest.mark.parametrize("timeout", ["", "30", "120"])
def test_the_books_budget_ends_before_the_serving_worker_is_killed(timeout, monkeypatch, settings):
    # gunicorn kills a worker past its timeout: the office would get a 502 and the child would
    # run on with nothing left to stop it. Both read SENGEN_GUNICORN_TIMEOUT.
    monkeypatch.setenv("SENGEN_GUNICORN_TIMEOUT", timeout)
    root = Path(__file__).resolve().parents[2]
    worker = runpy.run_path(str(root / "deploy" / "gunicorn.conf.py"))["timeout"]
    settings.SENGEN_WORKER_TIMEOUT = runpy.run_path(str(root / "src" / "sengen" / "settings.py"))[
        "SENGEN_WORKER_TIMEOUT"]
    assert settings.SENGEN_WORKER_TIMEOUT == worker
    assert book._budget() < worker
