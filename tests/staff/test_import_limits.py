"""The browser import refuses at upload what normalise refuses (a lone surrogate, a 101st
initiative) with a message on the page, and takes the largest report it accepts through review
and save: the review form of 100 initiatives fits DATA_UPLOAD_MAX_NUMBER_FIELDS (issue 9.4, 9.5)."""

from __future__ import annotations

import copy
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.core import limits
from sengen.declarations.models import Declaration
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def _report(seed_doc, count: int) -> dict:
    doc = copy.deepcopy(seed_doc)
    model = doc["initiatives"][1]
    doc["initiatives"] = [dict(copy.deepcopy(model), number=n) for n in range(1, count + 1)]
    return doc


def _upload(client, doc_or_bytes, name="report.json"):
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else json.dumps(doc_or_bytes, ensure_ascii=False).encode()
    return client.post(reverse("staff:import"), {"file": SimpleUploadedFile(name, data)})


def test_a_report_of_the_most_initiatives_goes_through_review_and_save(login, people, seed_doc):
    client = login("admin")
    page = html(_upload(client, _report(seed_doc, limits.MAX_INITIATIVES)))
    assert "読み取った内容の確認" in page
    data = form_fields(page)
    # Every field the browser sends, the CSRF token with them, within Django's limit.
    assert len(data) + 1 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(reverse("staff:import_save"), data)
    assert response.status_code == 302, html(response)[:2000]
    assert Declaration.objects.get().initiatives.count() == limits.MAX_INITIATIVES


def test_one_initiative_more_is_refused_at_upload_with_the_limit(login, people, seed_doc):
    client = login("admin")
    response = _upload(client, _report(seed_doc, limits.MAX_INITIATIVES + 1))
    assert response.status_code == 200
    page = html(response)
    assert "報告として読めませんでした" in page
    assert "取組は100個までです（101個あります）" in page
    assert "読み取った内容の確認" not in page


def test_the_same_limit_holds_for_a_workbook(login, people, seed_doc):
    """A table read from a workbook (or a PDF, or text) is refused the same way, with the limit,
    not as a reader's failure."""
    from sengen.renderers import render

    workbook = render(_report(seed_doc, limits.MAX_INITIATIVES + 1), "xlsx")  # rendered as it is
    page = html(_upload(login("admin"), workbook, name="many.xlsx"))
    assert "many.xlsx: $.initiatives: 読み取った報告を受け付けられません（取組は100個までです（101個あります））" in page
    assert "読み取りの処理が失敗しました" not in page


@pytest.mark.parametrize("bad", ['"\\ud800"', '"\\udfff部"'])
def test_a_lone_surrogate_is_refused_on_the_page_not_a_500(login, people, seed_doc, bad):
    client = login("admin")
    text = json.dumps(seed_doc, ensure_ascii=False).replace('"市民生活部"', bad, 1).encode()
    response = _upload(client, text)
    assert response.status_code == 200
    page = html(response)
    assert "報告として読めませんでした" in page and "$.department" in page and "サロゲート" in page


def test_source_text_with_a_lone_surrogate_is_shown_not_a_500(login, people, seed_doc, monkeypatch):
    from sengen.core.report import normalise
    from sengen.staff.views import imports

    monkeypatch.setattr(imports, "read_upload_limited",
                        lambda data, source, **_: (normalise(seed_doc), {}, ["元の文\ud800です"]))
    response = _upload(login("admin"), b"{}", name="x.pdf")
    assert response.status_code == 200
    assert "元の文?です" in html(response)
