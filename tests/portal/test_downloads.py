"""Every report page offers its data: PDF, XLSX, CSV (for Excel) and JSON, named in Japanese."""

import io
import json
from urllib.parse import unquote

import pytest
from django.urls import reverse

from sengen.declarations.selectors import report_document

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"
NAME = "伊勢原市_平成29年度_市民生活部_達成状況報告"


def download(client, fmt):
    return client.get(reverse("portal:download", args=[2017, DEPT, fmt]))


def utf8_filename(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert "filename=\"sengen-2017-" in header  # an ASCII name for clients that know no other
    return unquote(header.split("filename*=UTF-8''")[1])


def test_csv_is_utf8_with_a_bom_so_excel_reads_it(client, published):
    response = download(client, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "くらし安心メールの利用拡大" in response.content.decode("utf-8-sig")
    assert utf8_filename(response) == f"{NAME}.csv"


def test_json_is_the_report_format(client, published):
    response = download(client, "json")
    assert response["Content-Type"] == "application/json"
    doc = json.loads(response.content)
    assert doc["schema"] == "sengen.report/1"
    assert doc == report_document(declaration=published)
    assert utf8_filename(response) == f"{NAME}.json"


def test_xlsx_opens_as_a_workbook(client, published):
    from openpyxl import load_workbook

    response = download(client, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    cells = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)
    assert "くらし安心メールの利用拡大" in cells
    assert utf8_filename(response) == f"{NAME}.xlsx"


@pytest.mark.pdf
def test_pdf_is_the_printed_table(client, published):
    from pypdf import PdfReader

    response = download(client, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "くらし安心メール" in text
    assert utf8_filename(response) == f"{NAME}.pdf"


def test_an_unknown_format_is_404(client, published):
    assert download(client, "exe").status_code == 404
    assert download(client, "html").status_code == 404  # the page itself is the HTML


def test_a_name_with_a_slash_still_has_its_pages_and_a_safe_file_name(client, seed_doc):
    from sengen.declarations.services.imports import report_import
    from sengen.portal.views import download_filename

    seed_doc["department"] = "市民/生活部"
    report_import(doc=seed_doc)
    assert client.get(reverse("portal:report", args=[2017, "市民/生活部"])).status_code == 200
    assert client.get(reverse("portal:initiative", args=[2017, "市民/生活部", 2])).status_code == 200
    response = client.get(reverse("portal:download", args=[2017, "市民/生活部", "csv"]))
    assert utf8_filename(response) == "伊勢原市_平成29年度_市民_生活部_達成状況報告.csv"

    assert download_filename({"fiscal_year_label": "平成29年度", "department": 'a/b\\c:"d"', "document":
                              "declaration", "municipality": None}, "csv") == "平成29年度_a_b_c__d__目標宣言.csv"


def test_a_bidi_override_cannot_disguise_a_download_name():
    from sengen.portal.views import download_filename

    name = download_filename({"fiscal_year_label": "令和2年度", "department": "総務部\u202etxt.exe\u200d",
                              "document": "declaration", "municipality": None}, "pdf")
    assert name == "令和2年度_総務部txt.exe_目標宣言.pdf"
    assert all(ord(ch) not in (0x202E, 0x200D) for ch in name)


def test_the_workbook_and_pdf_are_drawn_once_per_published_text(client, published, monkeypatch):
    """A crowd downloading the same report costs one rendering; a correction is drawn anew."""
    from django.core.cache import cache

    from sengen.declarations.models import Role
    from sengen.declarations.services.publications import Correction, initiative_correct
    from sengen.portal import downloads
    from tests.declarations.people import make_user

    cache.clear()
    drawn = []
    real = downloads.render_document
    monkeypatch.setattr(downloads, "render_document", lambda doc, fmt: drawn.append(fmt) or real(doc, fmt))
    first, second = download(client, "xlsx").content, download(client, "xlsx").content
    assert first == second and drawn == ["xlsx"]
    download(client, "csv"), download(client, "csv")
    assert drawn == ["xlsx", "csv", "csv"]  # cheap formats are simply written each time

    one = published.initiatives.get(number=1)
    initiative_correct(
        user=make_user("gyosei", Role.ADMINISTRATOR), initiative=one, version=one.version, reason="誤字の訂正",
        correction=Correction(title="地域コミュニティの推進（訂正後）", content=one.content, target_texts={}))
    corrected = download(client, "xlsx").content
    assert drawn[-1] == "xlsx" and len(drawn) == 4
    from openpyxl import load_workbook

    titles = [c.value for row in load_workbook(io.BytesIO(corrected)).worksheets[0].iter_rows() for c in row]
    assert any("地域コミュニティの推進（訂正後）" in str(v) for v in titles if v)
