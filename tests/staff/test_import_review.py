"""The import review page shows text taken from the uploaded file (its name, its sheets' names,
its text) as text: a workbook whose sheet is named like a <meta> refresh must not send the
director's browser anywhere (issue 9.1)."""

from __future__ import annotations

import io
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.core.report import normalise
from sengen.renderers import render
from tests.security.conftest import ATTRIBUTE_BREAKER
from tests.security.html_check import assert_inert

from .test_pages import form_fields, html

pytestmark = pytest.mark.django_db

# openpyxl refuses "/" and ":" in a sheet's name (Excel does too); the tester's file had them,
# but a refresh needs neither.
META_REFRESH = '<meta http-equiv="refresh" content="0;url=evil.html">'


def hostile_workbook(doc: dict, sheet_name: str) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render(normalise(doc), "xlsx")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Title is more than 31 characters"
        book.worksheets[0].title = sheet_name
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def assert_no_markup_from_the_file(page: str) -> None:
    parsed = assert_inert(page)
    assert not [attrs for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs]
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img")]
    assert f"読み取り元: '{META_REFRESH}'!" in parsed.text


@pytest.mark.parametrize("name", [META_REFRESH, "<script>alert('sengen')", f"シート{ATTRIBUTE_BREAKER}"])
def test_a_hostile_sheet_name_is_shown_as_text_on_the_review(login, people, seed_doc, name):
    client = login("admin")
    upload = SimpleUploadedFile(f"{ATTRIBUTE_BREAKER}.xlsx", hostile_workbook(seed_doc, name))
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert "読み取った内容の確認" in page
    parsed = assert_inert(page)
    assert not [attrs for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs]
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img")]
    # Said where the value was read, as text (a cell reference quotes the sheet as Excel does).
    assert f"読み取り元: '{name.replace(chr(39), chr(39) * 2)}'!" in parsed.text
    assert ATTRIBUTE_BREAKER in parsed.text  # the file's name, in the heading


def test_the_review_shown_again_after_a_refused_save_keeps_the_sheet_name_inert(login, people, seed_doc):
    client = login("admin")
    upload = SimpleUploadedFile("h29.xlsx", hostile_workbook(seed_doc, META_REFRESH))
    data = form_fields(html(client.post(reverse("staff:import"), {"file": upload})))
    data["fiscal_year"] = "not a year"
    response = client.post(reverse("staff:import_save"), data)
    assert response.status_code == 200
    assert_no_markup_from_the_file(html(response))
