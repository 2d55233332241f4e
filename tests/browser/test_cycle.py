"""Issue 3 in a real browser: a section editor enters year-end results for their own initiative
and is refused another department's; the director approves with a grade overridden for a
reason; the administrator publishes; an anonymous visitor finds the initiative by search and
downloads the report's PDF. Screenshots of each step land in out/screenshots/cycle-*.png.

Also: axe-core (WCAG 2 A/AA) on the main staff pages."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from sengen.declarations.models import Target
from tests.declarations.people import PASSWORD, draft_reports, make_people

from .conftest import describe_violations

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year_end(committed_db, seed_doc):
    """市民生活部's and 総務部's year-end reports in draft, and staff of every role."""
    people = make_people()
    mine, other = draft_reports(seed_doc)
    return people, mine, other


def log_in(page, url, username: str):
    page.goto(url("/staff/login/"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/staff/$"))


def test_the_year_end_cycle_from_results_to_a_downloaded_pdf(new_page, url, screenshot, year_end):
    people, mine, other = year_end
    declaration_url = url(f"/staff/declarations/{mine.pk}/")

    # 1. The section editor of 市民協働課 enters the results of initiative 1, which their section owns.
    editor = new_page()
    log_in(editor, url, people.editor.username)
    editor.goto(declaration_url)
    assert editor.get_by_role("link", name="取組2の結果を入力する").count() == 0  # 交通防犯担当's
    editor.get_by_role("link", name="取組1の結果を入力する").click()
    editor.get_by_label("取組結果").fill("大田地区の自治会で説明会を３回開催しました。\n意見を踏まえて統合案を見直しました。")
    editor.get_by_label("今後の取組の方向性").fill("平成31年4月の新たな大田公民館開館を目指します。")
    editor.get_by_label("方向性の区分").select_option("継続")
    editor.get_by_label("目標達成状況").fill("概ね住民の合意を得ることができました。")
    editor.get_by_label("評価").select_option("partially_achieved")
    screenshot(editor, "cycle-1-editor-results")
    editor.get_by_role("button", name="結果を保存する").click()
    assert "取組結果を保存しました" in editor.locator(".messages").inner_text()

    # … and is refused another department's initiative, whatever URL they type.
    foreign = other.initiatives.get(number=1)
    response = editor.goto(url(f"/staff/initiatives/{foreign.pk}/results/"))
    assert response.status == 403
    screenshot(editor, "cycle-2-editor-refused")

    # 2. The director judges: overriding a proposed grade needs a reason; then approves.
    director = new_page()
    log_in(director, url, people.director.username)
    director.goto(declaration_url)
    director.get_by_role("link", name="評価を確定する（部長）").click()
    card = Target.objects.get(initiative__declaration=mine, initiative__number=5, position=1)
    assert director.locator(f"select[name=grade_{card.pk}]").input_value() == "概ね達成"  # sengen's proposal
    for select in director.locator("select[name^=grade_]").all():
        if not select.input_value():
            select.select_option("概ね達成")
    for target in Target.objects.filter(initiative__declaration=mine, outcome__evaluation="not_achieved"):
        director.locator(f"textarea[name=unmet_reason_{target.pk}]").fill("年度内に目標の水準へ届かなかったため")
    director.locator(f"select[name=grade_{card.pk}]").select_option("達成")
    director.get_by_role("button", name="評価を確定して承認する").click()
    assert "理由が必要です" in director.get_by_role("alert").inner_text() + director.content()
    screenshot(director, "cycle-3-director-override-refused")
    director.locator(f"textarea[name=override_reason_{card.pk}]").fill("年度末の申請分が翌月に交付され、実質的に達成したため")
    director.get_by_role("button", name="評価を確定して承認する").click()
    assert "評価を確定し、承認しました" in director.locator(".messages").inner_text()
    screenshot(director, "cycle-4-director-approved")

    # 3. The administrator checks and publishes.
    admin = new_page()
    log_in(admin, url, people.admin.username)
    admin.goto(declaration_url)
    admin.get_by_role("button", name="確認済みにする").click()
    admin.get_by_role("button", name="公開する").click()
    assert "公開中" in admin.locator("main").inner_text()
    screenshot(admin, "cycle-5-admin-published")

    # 4. An anonymous visitor finds the initiative by search and downloads the report's PDF.
    visitor = new_page()
    visitor.goto(url("/search/"))
    visitor.get_by_label("検索する言葉").fill("大田地区の自治会")
    visitor.get_by_role("button", name="検索", exact=True).click()
    visitor.get_by_role("link", name="地域コミュニティの推進").first.click()
    assert "大田地区の自治会で説明会を３回開催しました。" in visitor.locator("main").inner_text()
    screenshot(visitor, "cycle-6-visitor-initiative")
    visitor.goto(url(f"/reports/2017/{quote('市民生活部')}/"))
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name=re.compile("PDF")).first.click()
    download = download_info.value
    path = download.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert download.suggested_filename.endswith(".pdf")


STAFF_PAGES = {
    "home": "/staff/",
    "declaration": "/staff/declarations/{mine}/",
    "results": "/staff/initiatives/{one}/results/",
    "judge": "/staff/declarations/{mine}/judge/",
    "import": "/staff/import/",
    "late": "/staff/late/",
    "years": "/staff/years/",
}


def test_the_main_staff_pages_have_no_wcag_violations(page, url, axe, screenshot, year_end):
    people, mine, _ = year_end
    one = mine.initiatives.get(number=1)
    page.goto(url("/staff/login/"))
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    log_in(page, url, people.admin.username)
    for name, path in STAFF_PAGES.items():
        response = page.goto(url(path.format(mine=mine.pk, one=one.pk)))
        assert response.status == 200, name
        screenshot(page, f"staff-{name}")
        violations = axe(page)
        assert violations == [], f"{name}: {describe_violations(violations)}"
