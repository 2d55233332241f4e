"""The staff menu offers each role only the pages that open for it (issue 12.4: a viewer was
offered 報告の取込 and got a bare 403); a page typed in anyway is refused on sengen's styled
403 page with the reason, in the page's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.portal.test_error_pages import STYLESHEET, english, japanese_outside_the_switch

pytestmark = pytest.mark.django_db

PROGRAMME_PAGES = {"staff:year_list": "年度と期限", "staff:late": "提出状況", "staff:import": "報告の取込",
                   "staff:audit": "操作記録"}


def _menu(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="メニュー">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("role, offered", [
    ("admin", {"staff:year_list", "staff:late", "staff:import", "staff:audit"}),
    ("viewer", {"staff:year_list", "staff:late"}),
    ("director", {"staff:import"}),
    ("editor", set()),
])
def test_the_menu_offers_only_the_pages_that_open(login, role, offered):
    client = login(role)
    links = _menu(client.get(reverse("staff:home")).content.decode())
    assert {name for name in PROGRAMME_PAGES if reverse(name) in links} == offered
    for href in links:
        if href.startswith("/staff/"):
            assert client.get(href).status_code == 200, (role, href)
    for name in set(PROGRAMME_PAGES) - offered:  # typed in anyway: refused, not shown
        assert client.get(reverse(name)).status_code == 403, (role, name)


def test_a_viewer_typing_the_import_address_gets_the_styled_reason_in_japanese_and_english(login):
    client = login("viewer")
    response = client.get(reverse("staff:import"))
    page = response.content.decode()
    assert response.status_code == 403 and STYLESHEET in page and '<html lang="ja">' in page
    assert "このページを開く権限がありません" in page and "報告を取り込めるのは管理者と部長です" in page

    response = english(client).get(reverse("staff:import"))
    page = response.content.decode()
    assert response.status_code == 403 and '<html lang="en">' in page
    assert "You are not allowed to open this page" in page
    assert not japanese_outside_the_switch(page), japanese_outside_the_switch(page)
