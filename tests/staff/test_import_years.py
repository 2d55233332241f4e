"""The browser import's review lets the year be corrected; a director who corrects it to a year
nobody opened is told so on the review page, and no year appears in anyone's forms (issue 9.6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.declarations.models import Declaration, FiscalYear
from sengen.declarations.services.fiscal_years import fiscal_year_open
from tests.conftest import SEED_TXT
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def reviewed(client) -> dict[str, str]:
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    return form_fields(html(client.post(reverse("staff:import"), {"file": upload})))


def test_a_director_changing_the_year_to_one_not_opened_is_refused_on_the_review(login, people):
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2017)
    client = login("director")
    data = reviewed(client)
    data.update(fiscal_year="2099", fiscal_year_label="令和81年度")
    response = client.post(reverse("staff:import_save"), data)
    assert response.status_code == 200  # the review again, with the corrections kept
    page = html(response)
    assert "令和81年度はまだ開かれていません。年度を開くのは行政経営課（管理者）です" in page
    assert 'value="2099"' in page
    assert not FiscalYear.objects.filter(year=2099).exists() and not Declaration.objects.exists()
    # Nor does it appear among the years a director may start a declaration in.
    assert "令和81年度" not in html(client.get(reverse("staff:declaration_new")))
    # The year as read (opened by the administrator) is saved.
    data.update(fiscal_year="2017", fiscal_year_label="平成29年度")
    assert client.post(reverse("staff:import_save"), data).status_code == 302
    assert Declaration.objects.get().fiscal_year.year == 2017


def test_the_refusal_is_in_english_on_the_english_pages(login, people, settings):
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2017)
    client = login("director")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = reviewed(client)
    data.update(fiscal_year="2099", fiscal_year_label="令和81年度")
    page = html(client.post(reverse("staff:import_save"), data))
    assert "has not been opened yet. Fiscal years are opened by the administrators." in page
    assert "まだ開かれていません" not in page


def test_an_administrator_may_open_the_year_through_the_review(login, people):
    client = login("admin")
    data = reviewed(client)
    data.update(fiscal_year="2099", fiscal_year_label="令和81年度", state="draft")
    assert client.post(reverse("staff:import_save"), data).status_code == 302
    assert Declaration.objects.get().fiscal_year.year == 2099
