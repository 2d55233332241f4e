"""The public portal in a real browser: accessibility (axe-core, WCAG 2 A/AA), keyboard use, the
phone layout, and that it all works with JavaScript off. Screenshots land in out/screenshots/."""

from urllib.parse import quote

import pytest

from sengen.declarations.services.imports import report_import
from tests.portal.reports import next_year

from . import portal_checks as checks
from .conftest import describe_violations

pytestmark = pytest.mark.browser

DEPT = quote("市民生活部")
PAGES = {
    "index": "/",
    "year": "/years/2018/",
    "report": f"/reports/2017/{DEPT}/",
    "initiative": f"/reports/2018/{DEPT}/2/",
    "search": "/search/?q=" + quote("公民"),
    "search-empty": "/search/",
    # the filters: one it cannot use (noted), one that narrows (listed beside the count)
    "search-filtered": "/search/?q=" + quote("推進") + "&year=abc&kind=milestone",
}


@pytest.fixture
def two_years(committed_db, seed_doc):
    """The seed report (FY2017) and a FY2018 report of the same department, both published."""
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_has_no_wcag_violations(page, url, axe, screenshot, two_years, name):
    response = page.goto(url(PAGES[name]))
    assert response.status == 200
    screenshot(page, f"{name}-desktop")
    violations = axe(page)
    assert violations == [], describe_violations(violations)


@pytest.mark.parametrize("name", ["index", "report", "initiative", "search"])
def test_every_public_page_has_no_wcag_violations_on_a_phone(phone_page, url, axe, screenshot, two_years,
                                                              name):
    phone_page.goto(url(PAGES[name]))
    screenshot(phone_page, f"{name}-phone")
    violations = axe(phone_page)
    assert violations == [], describe_violations(violations)


def test_the_english_pages_have_no_wcag_violations(new_page, url, axe, screenshot, two_years):
    page = new_page(locale="en-US")
    for name in ("report", "initiative"):
        page.goto(url(PAGES[name]))
        assert page.locator("html").get_attribute("lang") == "en"
        screenshot(page, f"{name}-english")
        violations = axe(page)
        assert violations == [], describe_violations(violations)


def _tab_stops(page, limit: int) -> list[dict]:
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("""() => {
            const e = document.activeElement;
            return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(),
                    href: e.getAttribute('href') || '',
                    outline: getComputedStyle(e).outlineStyle, width: getComputedStyle(e).outlineWidth};
        }"""))
    return stops


def test_the_keyboard_reaches_the_skip_link_the_search_and_every_download(page, url, two_years):
    page.goto(url(PAGES["report"]))
    stops = _tab_stops(page, 25)
    assert stops[0]["text"] == "本文へ移動"
    assert any(s["id"] == "site-search-q" for s in stops)
    downloads = [s["href"].rstrip("/").rsplit("/", 1)[-1] for s in stops if "/download/" in s["href"]]
    assert downloads == ["pdf", "xlsx", "csv", "json"]
    # focus is visible: DADS's 4 px ring on every stop
    focused = [s for s in stops if s["tag"] != "BODY"]  # past the last stop, focus leaves the page
    assert [s for s in focused if (s["outline"], s["width"]) != ("solid", "4px")] == []


def test_the_skip_link_moves_focus_to_the_main_content(page, url, two_years):
    page.goto(url(PAGES["report"]))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # the next stop is inside the main content, not the header again
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_searching_by_keyboard_finds_the_initiative(page, url, two_years):
    page.goto(url("/"))
    page.focus("#site-search-q")
    page.keyboard.type("公民")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator(".result__title a").first
    assert first.inner_text() == "地域コミュニティの推進"
    assert page.locator("mark").first.inner_text() == "公民"


def test_on_a_phone_each_initiative_is_a_card_in_the_tables_order(phone_page, url, axe, screenshot, two_years,
                                                                  seed_doc):
    checks.phone_cards(phone_page, url(PAGES["report"]), [i["title"] for i in seed_doc["initiatives"]],
                       axe=axe, screenshot=screenshot, label="two-years")


def test_on_a_desktop_the_report_is_the_official_table(page, url, two_years):
    page.goto(url(PAGES["report"]))
    assert page.locator(".report-table table").is_visible()
    assert not page.locator(".report-cards").is_visible()
    headers = [h.inner_text().replace("\n", "") for h in page.locator(".official-table thead th").all()]
    assert headers == ["No.", "取組名（担当課名）", "取組内容", "達成目標", "取組結果［今後の取組の方向性］", "目標達成状況"]


def test_everything_works_with_javascript_off(new_page, url, two_years):
    page = new_page(java_script_enabled=False)
    page.goto(url("/"))
    page.fill("#site-search-q", "公民館")
    page.click(".site-search button")
    page.wait_for_url("**/search/?q=*")
    assert "地域コミュニティの推進" in page.inner_text("main")
    page.click("text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "search" in page.url  # back on the page the reader was on
    page.click("text=日本語")
    assert page.locator("html").get_attribute("lang") == "ja"


def test_charts_are_drawn_and_named(page, url, two_years):
    page.goto(url(PAGES["initiative"]))
    charts = page.locator("svg.chart-svg")
    assert charts.count() == 2
    box = charts.first.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert charts.first.get_attribute("role") == "img"


def test_the_search_narrows_with_javascript_off(new_page, url, screenshot, two_years):
    page = new_page(java_script_enabled=False)
    page.goto(url("/search/"))
    page.fill("#search-q", "推進")
    page.select_option("#filter-year", "2018")
    page.select_option("#filter-evaluation", "achieved")
    page.click(".search-form__row button")
    page.wait_for_url("**year=2018**")
    main = page.inner_text("main")
    assert "男女共同参画の推進" in main  # No.4 has an achieved target
    assert "地域コミュニティの推進" not in main  # No.1 is not evaluated
    assert "平成29年度" not in main.split("検索結果", 1)[-1]  # only FY2018
    screenshot(page, "search-filtered-nojs")
