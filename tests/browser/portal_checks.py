"""What a citizen does on the public site, as checks any copy of the portal must pass: the dynamic
portal (Django behind pytest-django's live server, tests/browser/test_portal_smoke.py) and the
static site (`sengen site build` served by nginx, tests/browser/test_static_site.py) run the same
functions, each from its own base URL. They move by clicking the links a reader sees, never by
typing a URL, because the two sites' addresses differ (a ``?municipality=`` query on one, a
``cities/…/`` folder on the other) and a reader only ever follows links.

The data is `sengen demo`'s: 伊勢原市 (the seed report, FY2017 市民生活部) and 架空市.
"""

from __future__ import annotations

from .conftest import describe_violations

YEAR = "平成29年度"
CITY = "伊勢原市"
DEPARTMENT = "市民生活部"
# The seed's No.2, as its row prints target, actual and rate (and the card on a phone).
FIGURES = ("12,000人", "11,820人", "98.5%", "未達成")
SEARCHED, FOUND_TITLE = "公民", "地域コミュニティの推進"  # 公民 is a part of 公民館


def _follow(page, link) -> None:
    """Clicks a link and waits for the page it leads to (not the one still shown)."""
    with page.expect_navigation():
        link.click()


def no_wcag_violations(page, axe, screenshot, name: str) -> None:
    screenshot(page, name)
    violations = axe(page)
    assert violations == [], f"{name} ({page.url}):\n" + describe_violations(violations)


def walk_to_the_report(page, base_url: str, *, axe, screenshot, label: str) -> str:
    """Front page → the year → the city → the department's report, each page free of WCAG
    violations; returns the report's URL."""
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    no_wcag_violations(page, axe, screenshot, f"{label}-front")
    _follow(page, page.locator("main").get_by_role("link", name=YEAR, exact=True).first)
    assert page.locator("h1").inner_text().startswith(YEAR)
    no_wcag_violations(page, axe, screenshot, f"{label}-year")
    # Two cities: the year lists them, a city's year lists its departments.
    _follow(page, page.locator("main").get_by_role("link", name=CITY, exact=True).first)
    assert CITY in page.locator("h1").inner_text()
    _follow(page, page.locator("main").get_by_role("link", name=DEPARTMENT).first)  # "伊勢原市 市民生活部"
    assert DEPARTMENT in page.locator("h1").inner_text()
    return page.url


def report_shows_targets_actuals_and_rates(page, *, axe, screenshot, label: str) -> None:
    assert page.locator(".report-table table").is_visible()
    table = page.locator(".report-table").inner_text()
    for figure in FIGURES:
        assert figure in table, figure
    no_wcag_violations(page, axe, screenshot, f"{label}-report")


def pdf_download_is_the_report(page) -> None:
    """The report's PDF link answers a PDF (what a reader's click downloads)."""
    link = page.locator(".downloads a", has_text="PDF").first
    href = link.get_attribute("href")
    response = page.request.get(page.evaluate("(href) => new URL(href, document.baseURI).href", href))
    assert response.status == 200, href
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"


def initiative_page_from_the_report(page, *, axe, screenshot, label: str) -> None:
    _follow(page, page.locator(".report-table").get_by_role("link", name=FOUND_TITLE))
    assert page.locator("h1").inner_text() == FOUND_TITLE
    no_wcag_violations(page, axe, screenshot, f"{label}-initiative")


def english_report(page, report_url: str, *, axe, screenshot, label: str) -> None:
    """The language link leads to the same report in English."""
    page.goto(report_url)
    _follow(page, page.locator(".site-nav").get_by_role("link", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".site-nav").get_by_role("link", name="Fiscal years").is_visible()
    assert "98.5%" in page.locator(".report-table").inner_text()
    no_wcag_violations(page, axe, screenshot, f"{label}-report-english")


def phone_cards(phone_page, report_url: str, titles: list[str], *, axe, screenshot, label: str) -> None:
    """At 390 px each initiative is a card in the table's order, nothing runs off the screen."""
    phone_page.goto(report_url)
    assert not phone_page.locator(".report-table").is_visible()
    assert [t.inner_text() for t in phone_page.locator(".card__title a").all()] == titles
    card = phone_page.locator(".report-cards .card").nth(1).inner_text()
    for figure in FIGURES:
        assert figure in card, figure
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    no_wcag_violations(phone_page, axe, screenshot, f"{label}-report-phone")
