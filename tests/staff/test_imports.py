"""The browser import (src/sengen/staff/views/imports.py and staff/import_review.py) through
Django's test client: what was read shown for review, the budget, the signed reading, and never
replacing a report silently."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.declarations.models import Declaration
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.imports import report_import
from sengen.staff.forms import MAX_UPLOAD_BYTES
from tests.conftest import SEED_PDF, SEED_TXT
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def test_import_shows_what_was_read_beside_the_text_and_saves_a_draft(login, people):
    # A director files reports under years an administrator opened (tests/staff/test_import_years.py).
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2017)
    client = login("director")
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert "読み取った内容の確認" in page
    assert "元の文" in page and "くらし安心メール" in page
    data = form_fields(page)
    assert data["department"] == "市民生活部" and data["i0_title"] == "地域コミュニティの推進"
    assert '<option value="published"' not in page  # a director imports drafts only
    data["i0_title"] = "地域コミュニティの推進（取込時に修正）"
    response = client.post(reverse("staff:import_save"), data)
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.state == "draft" and declaration.source == "h29.txt"
    assert declaration.initiatives.get(number=1).title == "地域コミュニティの推進（取込時に修正）"


def test_a_director_cannot_import_as_published_by_editing_the_form(login, people):
    client = login("director")
    upload = SimpleUploadedFile("h29.json", (SEED_TXT.parent / "h29-shiminseikatsu-achievement.json").read_bytes())
    data = form_fields(html(client.post(reverse("staff:import"), {"file": upload})))
    data["state"] = "published"
    page = html(client.post(reverse("staff:import_save"), data))
    assert "選択してください" in page or "正しく選択" in page or "有効な選択" in page
    assert not Declaration.objects.exists()


def test_import_of_a_pdf_shows_each_pages_text(login, people):
    client = login("admin")
    upload = SimpleUploadedFile("h29.pdf", SEED_PDF.read_bytes(), content_type="application/pdf")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert "1ページ" in page or "ファイルの文" in page
    assert "市民生活部" in page and 'value="published"' in page  # administrators choose the state


def test_an_upload_that_is_not_a_report_or_too_large_is_refused_with_a_message(login, people):
    client = login("admin")
    notes = SimpleUploadedFile("notes.txt", "買い物リスト\n・牛乳\n".encode())
    assert "報告として読めませんでした" in html(client.post(reverse("staff:import"), {"file": notes}))
    big = SimpleUploadedFile("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert "ファイルが大きすぎます" in html(client.post(reverse("staff:import"), {"file": big}))


@pytest.mark.parametrize("reader, limit", [("spin_forever", "制限時間 1 秒を超えたので止めました"),
                                           ("allocate_too_much", "上限 256 MiB を超えるメモリーが要るので止めました")])
def test_an_upload_that_overruns_the_budget_is_stopped_and_said_so_on_the_page(login, people, monkeypatch,
                                                                                reader, limit):
    """The browser import gets the time and memory budget of `sengen import`: the reader runs in a
    child (here one that never ends, or one that wants gigabytes), stopped at the limit; the page
    says which file and which limit, not a 500."""
    from sengen.parsers import limits
    from tests.parsers import budget_helpers

    monkeypatch.setattr(limits, "_read_upload", getattr(budget_helpers, reader))
    monkeypatch.setattr(limits, "PARSE_SECONDS", 1.0)
    monkeypatch.setattr(limits, "PARSE_MEMORY", 256 * 1024 ** 2)
    upload = SimpleUploadedFile("h29.pdf", SEED_PDF.read_bytes(), content_type="application/pdf")
    started = time.monotonic()
    response = login("admin").post(reverse("staff:import"), {"file": upload})
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    page = html(response)
    assert "報告として読めませんでした" in page and "h29.pdf" in page and limit in page
    assert not Declaration.objects.exists()


def test_a_tampered_import_payload_is_refused(login, people):
    response = login("admin").post(reverse("staff:import_save"), {"payload": "{not json"}, follow=True)
    assert "取込の内容が壊れているか書き換えられています" in html(response)
    assert not Declaration.objects.exists()


def _reviewed(client) -> dict:
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    return form_fields(html(client.post(reverse("staff:import"), {"file": upload})))


def test_the_review_refuses_a_document_written_into_the_page_instead_of_the_one_read(login, people):
    """The hidden reading is signed: neither an edited reading, nor one signed for another purpose,
    nor a plain JSON document in its place is stored."""
    client = login("admin")
    data = _reviewed(client)
    signed = data["payload"]
    reading = signing.loads(signed, salt="sengen.staff.import-review")
    reading["doc"]["department"] = "総務部"
    reading["provenance"] = {}
    for forged in (signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB"),
                   signing.dumps(reading, salt="another-purpose", compress=True),
                   signing.dumps(reading, key="not-the-secret-key", salt="sengen.staff.import-review"),
                   json.dumps(reading, ensure_ascii=False)):
        page = html(client.post(reverse("staff:import_save"), data | {"payload": forged}, follow=True))
        assert "取込の内容が壊れているか書き換えられています。保存していません" in page
    assert not Declaration.objects.exists()
    # The staff's own corrections are separate fields and still apply.
    data["department"] = "市民生活部"
    data["i0_title"] = "地域コミュニティの推進（確認画面で修正）"
    assert client.post(reverse("staff:import_save"), data).status_code == 302
    assert Declaration.objects.get().initiatives.get(number=1).title == "地域コミュニティの推進（確認画面で修正）"


def test_an_import_never_silently_replaces_a_report_changed_since_its_review(login, people, seed_doc):
    import copy


    stored = report_import(doc=copy.deepcopy(seed_doc), state="draft").declaration
    client = login("admin")
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert f"登録済みのこの部・年度の目標宣言（作成中、版 {stored.version}）をこの内容で置き換えます" in page
    data = form_fields(page) | {"i0_title": "確認画面で直した取組名"}
    # Meanwhile the director changes the stored report (here: imports a corrected draft).
    theirs = copy.deepcopy(seed_doc)
    theirs["initiatives"][1]["title"] = "部長が直した取組名"
    report_import(doc=theirs, state="draft", user=people.director)
    page = html(client.post(reverse("staff:import_save"), data))
    assert "この目標宣言は、あなたが開いた後に別の利用者が保存しました" in page
    assert "確認画面で直した取組名</textarea>" in page  # the corrections stay
    declaration = Declaration.objects.get(department__name="市民生活部")
    assert declaration.initiatives.get(number=2).title == "部長が直した取組名"  # not overwritten
    # The page now names the version saving replaces; saving again is that choice.
    assert f"版 {declaration.version}）をこの内容で置き換えます" in page
    assert client.post(reverse("staff:import_save"), form_fields(page)).status_code == 302
    assert declaration.initiatives.get(number=1).title == "確認画面で直した取組名"


def test_a_corrected_department_that_points_at_another_report_asks_before_replacing_it(login, people, seed_doc):
    from tests.declarations.people import other_department_doc

    report_import(doc=other_department_doc(seed_doc), state="draft")
    client = login("admin")
    data = _reviewed(client)  # the seed: 市民生活部, of which nothing is stored
    assert Declaration.objects.filter(department__name="総務部").count() == 1
    page = html(client.post(reverse("staff:import_save"), data | {"department": "総務部"}))
    assert "この部・年度にはすでに目標宣言（作成中、版 1）があり" in page
    assert Declaration.objects.get(department__name="総務部").version == 1
    assert client.post(reverse("staff:import_save"), form_fields(page)).status_code == 302
    assert Declaration.objects.get(department__name="総務部").version == 2


def test_an_import_review_names_no_report_of_another_department_to_a_director(login, people, seed_doc):
    import copy

    from tests.declarations.people import other_department_doc

    report_import(doc=copy.deepcopy(seed_doc), state="submitted")  # 市民生活部's, not theirs
    client = login("other_director")
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert "置き換えます" not in page and "提出済み" not in page
    reading = signing.loads(form_fields(page)["payload"], salt="sengen.staff.import-review")
    assert reading["replaces"]["version"] is None  # nor in the page's signed (readable) data
    # Their own department's report is named, as it is theirs to replace.
    report_import(doc=other_department_doc(seed_doc), state="draft")
    upload = SimpleUploadedFile("somu.json", json.dumps(other_department_doc(seed_doc), ensure_ascii=False).encode())
    assert "登録済みのこの部・年度の目標宣言（作成中、版 1）" in html(client.post(reverse("staff:import"), {"file": upload}))


def test_a_review_left_open_past_its_time_is_read_again_not_saved(login, people, monkeypatch):
    from sengen.staff.import_review import IMPORT_MAX_AGE

    client = login("admin")
    data = _reviewed(client)
    later = time.time() + IMPORT_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    page = html(client.post(reverse("staff:import_save"), data, follow=True))
    assert "読み取った内容の確認は8時間で期限が切れます。もう一度ファイルを選んでください" in page
    assert not Declaration.objects.exists()


def test_the_review_shows_where_each_value_was_read_and_the_declaration_keeps_it(login, people):
    client = login("admin")
    upload = SimpleUploadedFile("h29.pdf", SEED_PDF.read_bytes(), content_type="application/pdf")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    # Each field names the page and column of the city's PDF it came from.
    assert "読み取り元: 1ページ・取組結果" in page
    assert "読み取り元: 2ページ・達成目標" in page
    data = form_fields(page)
    data["i0_title"] = "地域コミュニティの推進（取込時に修正）"
    assert client.post(reverse("staff:import_save"), data).status_code == 302
    where = Declaration.objects.get().provenance
    assert where["$.initiatives[0].results[0]"] == {"file": "h29.pdf", "page": 1, "cell": "取組結果"}
    assert where["$.initiatives[4].targets[1]"]["page"] == 2
    # A value staff corrected was not read from the file: no provenance claims it was.
    assert "$.initiatives[0].title" not in where
    assert where["$.initiatives[1].title"] == {"file": "h29.pdf", "page": 1, "cell": "取組名"}


def test_a_text_file_review_names_line_ranges(login, people):
    client = login("director")
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert re.search(r"読み取り元: 取組内容・\d+〜\d+行目", page)
