"""The staff pages through Django's test client: what each shows, and that the services' refusals
reach the person as a message with their input kept."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.declarations.grading import grade_proposal
from sengen.declarations.models import Declaration, Revision, Target
from sengen.declarations.selectors import public_document
from sengen.declarations.services.fiscal_years import fiscal_year_deadlines_set, fiscal_year_open
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.plans import (
    InitiativePlan,
    TargetPlan,
    declaration_create,
    initiative_create,
)
from sengen.declarations.services.results import Judgement, declaration_judge
from sengen.declarations.services.transitions import declaration_transition
from sengen.staff.forms import MAX_UPLOAD_BYTES
from tests.conftest import SEED_PDF, SEED_TXT
from tests.declarations.people import PASSWORD

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def form_fields(page: str) -> dict[str, str]:
    """The values a browser would send back for the inputs and textareas of a page (no JavaScript)."""
    import html as htmllib

    fields = {}
    for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*>', page):
        tag = m.group(0)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        if 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[m.group(1)] = htmllib.unescape(value.group(1)) if value else ""
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        fields[m.group(1)] = htmllib.unescape(m.group(2))
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        # As a browser does: the selected option, else the first.
        chosen = (re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
                  or re.search(r'<option value="([^"]*)"', m.group(2)))
        fields[m.group(1)] = htmllib.unescape(chosen.group(1)) if chosen else ""
    return fields


def test_a_staff_member_logs_in_with_a_password_and_lands_on_their_list(client, people, reports):
    response = client.post(reverse("staff:login"), {"username": "kyodo", "password": PASSWORD}, follow=True)
    page = html(response)
    assert "目標宣言の一覧" in page and "市民生活部" in page
    assert "総務部" not in page  # another department's work is not listed
    assert '<html lang="ja">' in page


def test_the_login_page_labels_its_inputs(client, db):
    page = html(client.get(reverse("staff:login")))
    assert re.search(r'<label for="id_username">', page) and re.search(r'<label for="id_password">', page)


def test_the_declaration_page_shows_initiatives_and_the_actions_of_the_role(login, reports):
    mine, _ = reports
    url = reverse("staff:declaration", args=[mine.pk])
    page = html(login("director").get(url))
    assert "地域コミュニティの推進" in page and "平成２９年度末時点のくらし安心メール登録目標" in page
    assert "部長として承認する" in page and "評価を確定する（部長）" in page
    assert "公開する" not in page


def test_an_editor_sees_the_results_link_only_for_their_sections_initiative(login, reports):
    mine, _ = reports
    page = html(login("editor").get(reverse("staff:declaration", args=[mine.pk])))
    assert "取組1の結果を入力する" in page
    assert "取組2の結果を入力する" not in page
    two = mine.initiatives.get(number=2)
    assert login("editor").get(reverse("staff:initiative_results", args=[two.pk])).status_code == 403


# Optimistic locking through the forms ------------------------------------------------------------

def test_two_people_saving_the_same_initiative_the_later_is_refused_and_keeps_their_text(client, people, reports):
    from django.test import Client

    mine, _ = reports
    one = mine.initiatives.get(number=1)
    url = reverse("staff:initiative_results", args=[one.pk])
    editor, director = Client(), Client()
    editor.force_login(people.editor)
    director.force_login(people.director)
    editor_form = form_fields(html(editor.get(url)))
    director_form = form_fields(html(director.get(url)))
    assert editor_form["version"] == director_form["version"]

    editor_form["results"] = "説明会を５回開催しました。"
    assert editor.post(url, editor_form).status_code == 302
    director_form["results"] = "部長が書いた取組結果の文です。"
    response = director.post(url, director_form)
    page = html(response)
    assert response.status_code == 200
    assert "別の利用者が保存しました" in page and "kyodo" in page
    assert "部長が書いた取組結果の文です。" in page  # their input is still in the form
    one.refresh_from_db()
    assert one.results == ["説明会を５回開催しました。"]
    # The page shows what the editor saved, and saving again from it is a choice made knowing it.
    stored = page.split('id="stored-heading"', 1)[1].split("</section>", 1)[0]
    assert "説明会を５回開催しました。" in stored
    assert director.post(url, form_fields(page)).status_code == 302
    one.refresh_from_db()
    assert one.results == ["部長が書いた取組結果の文です。"]


# Year-end results and judging ----------------------------------------------------------------------

def test_an_unmet_target_without_a_reason_is_refused_on_the_results_form(login, reports):
    mine, _ = reports
    two = mine.initiatives.get(number=2)
    mail = two.targets.get(position=1)
    client = login("director")
    url = reverse("staff:initiative_results", args=[two.pk])
    data = form_fields(html(client.get(url)))
    data[f"actual_value_{mail.pk}"] = "11820"
    data[f"unmet_reason_{mail.pk}"] = ""
    page = html(client.post(url, data))
    assert "未達成の目標には理由が必要です" in page
    assert 'aria-invalid="true"' in page
    data[f"unmet_reason_{mail.pk}"] = "登録の呼びかけが年度後半になったため"
    assert client.post(url, data).status_code == 302
    mail.refresh_from_db()
    assert (mail.outcome.actual_value, mail.outcome.unmet_reason) == (Decimal(11820), "登録の呼びかけが年度後半になったため")


def test_the_director_overrides_a_grade_only_with_a_reason_and_approves(login, reports):
    mine, _ = reports
    client = login("director")
    url = reverse("staff:declaration_judge", args=[mine.pk])
    page = html(client.get(url))
    data = form_fields(page)
    card = Target.objects.get(initiative__declaration=mine, initiative__number=5, position=1)
    assert data[f"grade_{card.pk}"] == "概ね達成"  # the proposal is preselected
    for target in Target.objects.filter(initiative__declaration=mine):
        data[f"unmet_reason_{target.pk}"] = data.get(f"unmet_reason_{target.pk}") or "理由"
        if not data[f"grade_{target.pk}"]:
            data[f"grade_{target.pk}"] = "未達成"
            data[f"override_reason_{target.pk}"] = "実績を示す数値がないため"
    data[f"grade_{card.pk}"] = "達成"
    data["approve"] = "1"
    page = html(client.post(url, data))
    assert "提案（概ね達成）と異なる評価「達成」には理由が必要です" in page
    mine.refresh_from_db()
    assert mine.state == "draft"
    data[f"override_reason_{card.pk}"] = "年度末の申請分が翌月に交付されたため"
    response = client.post(url, data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == "approved"
    card.refresh_from_db()
    assert (card.outcome.grade_code, card.outcome.grade_override_reason) == ("達成", "年度末の申請分が翌月に交付されたため")


def test_administrator_checks_and_publishes_then_corrects_with_a_reason(login, people, reports):
    mine, _ = reports
    for target in Target.objects.filter(initiative__declaration=mine):
        proposal = grade_proposal(target=target)
        declaration_judge(user=people.director, declaration=mine, version=Declaration.objects.get(
            pk=mine.pk).version, judgements=[Judgement(
                target_id=target.pk, grade_code=proposal or "未達成", unmet_reason="理由",
                override_reason="" if proposal else "数値がないため")])
    declaration_transition(user=people.director, declaration=mine, action="approve")
    client = login("admin")
    for action in ("check", "publish"):
        response = client.post(reverse("staff:declaration_action", args=[mine.pk, action]))
        assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == "published"

    one = mine.initiatives.get(number=1)
    url = reverse("staff:initiative_correct", args=[one.pk])
    data = form_fields(html(client.get(url)))
    data["title"] = "地域コミュニティの推進（大田地区）"
    data["reason"] = ""
    assert "訂正の理由を入力してください" in html(client.post(url, data)) or "このフィールドは必須です" in html(
        client.post(url, data))
    data["reason"] = "地区名の記載漏れ"
    response = client.post(url, data, follow=True)
    page = html(response)
    assert "地区名の記載漏れ" in page and "訂正前" in page
    assert Revision.objects.get().before["title"] == "地域コミュニティの推進"
    assert public_document(declaration=mine)["initiatives"][0]["title"] == "地域コミュニティの推進（大田地区）"


def test_published_text_cannot_be_edited_through_the_forms(login, people, seed_doc):
    published = report_import(doc=seed_doc).declaration
    one = published.initiatives.get(number=1)
    for role in ("editor", "director"):
        assert login(role).get(reverse("staff:initiative_results", args=[one.pk])).status_code == 403


# The plan: targets proposed from their text ----------------------------------------------------------

def test_the_plan_form_reads_figures_from_a_targets_text_without_javascript(login, people):
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2025)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    client = login("director")
    url = reverse("staff:initiative_new", args=[declaration.pk])
    data = form_fields(html(client.get(url)))
    data.update({"title": "防犯の推進", "targets-0-text": "令和７年度末時点のくらし安心メール登録目標：１３,０００人",
                 "propose": "1"})
    page = html(client.post(url, data))
    proposed = form_fields(page)
    assert proposed["targets-0-kind"] == "numeric"
    assert Decimal(proposed["targets-0-value"]) == 13000 and proposed["targets-0-unit"] == "人"
    assert proposed["targets-0-due_date"] == "2026-03-31"
    assert not declaration.initiatives.exists()  # reading is not saving
    proposed.pop("propose", None)
    assert client.post(url, proposed).status_code == 302
    target = declaration.initiatives.get().targets.get()
    assert (target.value, target.unit, target.text) == (Decimal(13000), "人",
                                                         "令和７年度末時点のくらし安心メール登録目標：１３,０００人")


# Import in the browser -------------------------------------------------------------------------------

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

    from sengen.declarations.services.imports import report_import

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
    from sengen.declarations.services.imports import report_import
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

    from sengen.declarations.services.imports import report_import
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


# Administrator pages ------------------------------------------------------------------------------

def test_the_late_page_lists_departments_past_a_deadline(login, people, reports):
    mine, _ = reports
    fiscal_year_deadlines_set(user=people.admin, fiscal_year=mine.fiscal_year,
                              declaration_due=dt.date(2017, 4, 30), interim_report_due=None,
                              achievement_report_due=dt.date(2018, 5, 31))
    page = html(login("admin").get(reverse("staff:late") + f"?year={mine.fiscal_year.pk}"))
    assert "総務部" in page and "市民生活部" in page and "達成状況報告" in page


def test_the_administrator_opens_a_year_with_its_deadlines(login, people):
    client = login("admin")
    response = client.post(reverse("staff:year_list"), {
        "municipality": people.department.municipality.pk, "year": "2026", "declaration_due": "2026-04-30",
        "interim_report_due": "2026-10-31", "achievement_report_due": "2027-05-31"}, follow=True)
    assert "令和8年度を開始しました" in html(response)
    response = client.post(reverse("staff:year_list"), {
        "municipality": people.department.municipality.pk, "year": "2027", "declaration_due": "2027-10-30",
        "interim_report_due": "2027-04-30"})
    assert "期限は 目標宣言 → 中間報告 → 達成状況報告 の順に設定してください" in html(response)


def test_deadlines_saved_over_someone_elses_change_are_refused_with_the_input_kept(login, people):
    year = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2026,
                            declaration_due=dt.date(2026, 4, 30))
    client = login("admin")
    url = reverse("staff:year_edit", args=[year.pk])
    opened = html(client.get(url))
    assert 'for="id_opened"' not in opened and "Opened" not in opened  # the lock is not a field people see
    data = form_fields(opened)
    # Another administrator moves the deadline after this page was opened.
    fiscal_year_deadlines_set(user=people.admin, fiscal_year=year, declaration_due=dt.date(2026, 5, 15),
                              interim_report_due=None, achievement_report_due=None)
    data.update(declaration_due="2026-04-25", interim_report_due="2026-10-31", achievement_report_due="")
    page = html(client.post(url, data))
    assert "この年度の期限は、あなたが開いた後に別の利用者が保存しました" in page
    assert 'value="2026-04-25"' in page and 'value="2026-10-31"' in page  # the input stays
    assert "いま保存されている期限" in page and "2026年5月15日" in page
    year.refresh_from_db()
    assert year.declaration_due == dt.date(2026, 5, 15)  # the other change is not overwritten
    # Saving again from that page is a choice made knowing the other change: it goes through.
    assert client.post(url, form_fields(page)).status_code == 302
    year.refresh_from_db()
    assert (year.declaration_due, year.interim_report_due) == (dt.date(2026, 4, 25), dt.date(2026, 10, 31))


def test_the_audit_page_lists_writes(login, people, reports):
    mine, _ = reports
    declaration_transition(user=people.director, declaration=mine, action="submit")
    page = html(login("admin").get(reverse("staff:audit")))
    assert "declaration.submit" in page and "shimin-bucho" in page


def test_next_years_declaration_starts_from_this_years_report(login, people, reports):
    mine, _ = reports
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2018)
    client = login("director")
    url = reverse("staff:declaration_carry_over", args=[mine.pk])
    data = form_fields(html(client.get(url)))
    response = client.post(url, {"fiscal_year": data["fiscal_year"],
                                 "initiatives": [str(i.pk) for i in mine.initiatives.filter(number__in=[1, 2])]})
    assert response.status_code == 302
    following = Declaration.objects.get(fiscal_year__year=2018)
    assert [i.carried_from.number for i in following.initiatives.order_by("position")] == [1, 2]
    page = html(client.get(reverse("staff:initiative_edit", args=[following.initiatives.first().pk])))
    assert "前年度（平成29年度）の今後の取組の方向性" in page


def test_a_section_editor_edits_their_initiatives_plan_but_not_its_sections(login, people):
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2025)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    item = initiative_create(user=people.director, declaration=declaration, plan=InitiativePlan(
        number=1, title="地域コミュニティの推進", section_ids=[people.section.pk],
        targets=[TargetPlan(text="住民の合意形成")]))
    client = login("editor")
    url = reverse("staff:initiative_edit", args=[item.pk])
    page = html(client.get(url))
    assert re.search(r'<input[^>]*name="sections"[^>]*disabled', page)
    data = form_fields(page)
    data["content"] = "説明会を開催します。"
    data.pop("sections", None)  # a browser sends nothing for a disabled input
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.content == ["説明会を開催します。"]
    assert [link.section for link in item.section_links.all()] == [people.section]


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
