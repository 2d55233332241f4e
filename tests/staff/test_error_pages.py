"""The staff pages' refusals on sengen's own error pages: a 403 says the service's reason in the
page's language, a refused form (CSRF) says what to do (issue 9.9)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.test_error_pages import STYLESHEET, english, japanese_outside_the_switch

pytestmark = pytest.mark.django_db


def test_forbidden_says_the_services_reason_in_the_pages_language(login, people):
    client = login("editor")
    response = client.get(reverse("staff:year_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="ja">' in page and STYLESHEET in page
    assert "このページを開く権限がありません" in page and "年度の一覧は管理者と閲覧者のページです" in page

    response = english(client).get(reverse("staff:year_list"))
    page = response.content.decode()
    assert response.status_code == 403 and '<html lang="en">' in page
    assert "You are not allowed to open this page" in page
    assert not japanese_outside_the_switch(page), japanese_outside_the_switch(page)


def test_a_refused_form_says_why(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("staff:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert STYLESHEET in page and "送信を受け付けられませんでした" in page and "Cookie" in page
