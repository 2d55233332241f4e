"""The staff pages of src/sengen/staff/views/years.py through Django's test client: logging in
and landing on one's list, years and their deadlines, the late-departments page, the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from sengen.declarations.services.fiscal_years import fiscal_year_deadlines_set, fiscal_year_open
from sengen.declarations.services.transitions import declaration_transition
from tests.declarations.people import PASSWORD
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def test_a_staff_member_logs_in_with_a_password_and_lands_on_their_list(client, people, reports):
    response = client.post(reverse("staff:login"), {"username": "kyodo", "password": PASSWORD}, follow=True)
    page = html(response)
    assert "目標宣言の一覧" in page and "市民生活部" in page
    assert "総務部" not in page  # another department's work is not listed
    assert '<html lang="ja">' in page


def test_the_login_page_labels_its_inputs(client, db):
    page = html(client.get(reverse("staff:login")))
    assert re.search(r'<label for="id_username">', page) and re.search(r'<label for="id_password">', page)


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
    declaration_transition(user=people.director, declaration=mine, action="submit", confirm_incomplete=True)
    page = html(login("admin").get(reverse("staff:audit")))
    # The action in words (tests/staff/test_audit_page.py has the rest), not its key.
    assert '<td class="what">提出</td>' in page and "declaration.submit" not in page and "shimin-bucho" in page
