"""Issue 12.4 in a real browser: the cycle guides. A director's declaration with an initiative
without a target is submitted only after the missing list is confirmed; every state shows the
person looking at it at most one primary step (counted), and none they may not take; a viewer is
not offered 報告の取込 and, typing its address, gets sengen's styled 403 with the reason, in
Japanese and in English. Screenshots in out/screenshots/guided-*.png."""

from __future__ import annotations

import re

import pytest

from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import declaration_create, initiative_create
from tests.declarations.helpers import plan
from tests.declarations.people import PASSWORD, draft_reports, make_people

from .conftest import describe_violations

pytestmark = pytest.mark.browser

PRIMARY = "main > .actions .primary"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cycle(committed_db, seed_doc):
    """Staff of every role; 市民生活部's 2024 declaration in draft, initiative 2 without a
    target (carried over); the seed's year-end report in draft."""
    people = make_people()
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2024)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    initiative_create(user=people.director, declaration=declaration, plan=plan())
    initiative_create(user=people.director, declaration=declaration, plan=plan(number=2, title="前年度から", targets=[]))
    year_end, _ = draft_reports(seed_doc)
    return people, declaration, year_end


def log_in(page, url, username: str, *, password_label: str = "パスワード", user_label: str = "ユーザー名",
           button: str = "ログイン"):
    page.goto(url("/staff/login/"))
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/staff/$"))


def primary(page) -> list[str]:
    return [text.strip() for text in page.locator(PRIMARY).all_inner_texts()]


def test_the_guided_cycle_confirmation_one_primary_step_and_the_viewers_403(new_page, url, screenshot, axe, cycle):
    people, declaration, year_end = cycle
    page_url = url(f"/staff/declarations/{declaration.pk}/")

    # 1. The director: one primary step (提出する); the missing list above it.
    director = new_page()
    log_in(director, url, people.director.username)
    director.goto(page_url)
    assert primary(director) == ["提出する"]
    missing = director.locator("section.missing")
    assert "達成目標がありません: 2. 前年度から" in missing.inner_text()
    assert director.get_by_role("link", name="取組2に達成目標を追加する").count() == 1
    violations = axe(director)
    assert violations == [], describe_violations(violations)
    screenshot(director, "guided-1-director-draft-missing")

    # Submitting without confirming: refused, the list said again, still 作成中.
    director.get_by_role("button", name="提出する").click()
    assert "不足を確認して進める" in director.locator(".messages").inner_text()
    assert "作成中" in director.locator("dl.grid").inner_text()
    screenshot(director, "guided-2-director-refused-unconfirmed")

    # Confirmed: submitted; the director's page now urges nothing and offers only the way back.
    director.get_by_label("不足を確認して進める").check()
    director.get_by_role("button", name="提出する").click()
    assert "提出済み" in director.locator("dl.grid").inner_text()
    assert primary(director) == []
    assert director.get_by_role("button", name="作成中に戻す").count() == 1
    assert director.get_by_role("link", name=re.compile("を編集する")).count() == 0
    screenshot(director, "guided-3-director-submitted")

    # 2. The office: one primary step in each state, each over the confirmed gap.
    admin = new_page()
    log_in(admin, url, people.admin.username)
    admin.goto(page_url)
    for step, state in (("確認済みにする", "確認済み"), ("公開する", "公開中")):
        assert primary(admin) == [step], state
        admin.get_by_label("不足を確認して進める").check()
        admin.get_by_role("button", name=step).click()
        assert state in admin.locator("dl.grid").inner_text()
    assert primary(admin) == ["中間報告を始める"]
    screenshot(admin, "guided-4-admin-published")

    # The year-end report with grades unjudged: the judge page is the one step, no 提出する
    # beside 部長として承認する.
    director.goto(url(f"/staff/declarations/{year_end.pk}/"))
    assert primary(director) == ["評価を確定する（部長）"]
    assert director.get_by_role("button", name="提出する").count() == 0
    assert director.get_by_role("button", name="部長として承認する").count() == 0
    screenshot(director, "guided-5-director-year-end")

    # 3. A viewer: no step on any page, no 報告の取込 in the menu; the address typed in → 403.
    viewer = new_page()
    log_in(viewer, url, people.viewer.username)
    viewer.goto(page_url)
    assert viewer.locator("main > .actions button, main > .actions a.button").count() == 0
    assert viewer.get_by_role("navigation").get_by_role("link", name="報告の取込").count() == 0
    response = viewer.goto(url("/staff/import/"))
    assert response.status == 403
    assert viewer.locator("html").get_attribute("lang") == "ja"
    assert "このページを開く権限がありません" in viewer.locator("h1").inner_text()
    assert "報告を取り込めるのは管理者と部長です" in viewer.locator("main").inner_text()
    assert viewer.locator("link[rel=stylesheet]").count() >= 1
    violations = axe(viewer)
    assert violations == [], describe_violations(violations)
    screenshot(viewer, "guided-6-viewer-403-ja")

    english = new_page(locale="en-US")
    log_in(english, url, people.viewer.username, user_label="Username", password_label="Password",
           button="Log in")
    response = english.goto(url("/staff/import/"))
    assert response.status == 403 and english.locator("html").get_attribute("lang") == "en"
    assert "You are not allowed to open this page" in english.locator("h1").inner_text()
    reason = english.locator("main p.lead").inner_text()
    assert reason and not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", reason), reason
    screenshot(english, "guided-7-viewer-403-en")
