"""The import review page shows text taken from the uploaded file (its name, its sheets' names,
its text) as text: a workbook whose sheet is named like a <meta> refresh must not send the
director's browser anywhere (issue 9.1)."""

from __future__ import annotations

import copy
import io
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.core.report import normalise
from sengen.renderers import render
from tests.security.conftest import ATTRIBUTE_BREAKER
from tests.security.html_check import assert_inert
from tests.staff.pages import form_fields, html

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


# The review's logic itself (staff/import_review.py), without a page --------------------------------

def test_where_a_value_was_read_is_said_as_staff_find_it_in_the_file():
    from sengen.staff.import_review import origin_label

    assert origin_label({"page": 2, "cell": "取組結果"}) == "2ページ・取組結果"
    assert origin_label({"first_line": 12, "last_line": 15}) == "12〜15行目"
    assert origin_label({"first_line": 7}) == "7行目"
    assert origin_label({}) == ""


def test_a_corrected_value_loses_where_it_was_read(seed_doc):
    from sengen.staff.import_review import still_read

    parsed = normalise(seed_doc)
    saved = copy.deepcopy(parsed)
    saved["initiatives"][0]["title"] = "直した取組名"
    where = {"$": {"file": "a.pdf"}, "$.initiatives[0].title": {"page": 1},
             "$.initiatives[0].content[0]": {"page": 1}, "$.initiatives[9].title": {"page": 9}}
    assert still_read(where, parsed, saved) == {"$": {"file": "a.pdf"}, "$.initiatives[0].content[0]": {"page": 1}}


def test_a_replacement_is_expected_only_while_the_report_is_still_the_one_shown(seed_doc):
    from sengen.staff.import_review import expected_version, replaces

    doc = normalise(seed_doc)
    shown = replaces(doc, None) | {"version": 4}
    assert expected_version(shown, doc) == 4
    assert expected_version(shown, doc | {"department": "総務部"}) is None
    assert expected_version(None, doc) is None
    assert expected_version("forged", doc) is None


def test_what_was_read_comes_back_signed_and_coerced(seed_doc):
    from django.core import signing

    from sengen.staff.import_review import load_payload, payload_read, sign_payload

    signed = sign_payload({"doc": seed_doc, "source": "x" * 600, "pages": [1], "provenance": {"$": {"page": 1, "bad": []}}})
    payload = payload_read(load_payload(signed))
    assert payload["doc"] == normalise(seed_doc) and len(payload["source"]) == 500 and payload["pages"] == ["1"]
    assert payload["provenance"] == {"$": {"page": 1}} and payload["replaces"] is None
    with pytest.raises(signing.BadSignature):
        load_payload(signed[:-2] + "xx")
