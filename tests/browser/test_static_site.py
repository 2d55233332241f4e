"""The static site (issue 13): `sengen site build` of the demo data, served by Debian's nginx on
127.0.0.1, passes the same checks as the dynamic portal (tests/browser/portal_checks.py: front
page → year → report with target, actual and rate → PDF; English; a phone; no WCAG violations),
and its search — Pagefind's index and UI from the built tree — finds 公民館 from 公民.
Screenshots land in out/screenshots/static-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.nginx import example_site_lines

from . import portal_checks as checks
from .conftest import PHONE

pytestmark = pytest.mark.browser


EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-static.conf.example"


@pytest.fixture
def static_site(demo_data, nginx, tmp_path):
    """The demo data built into a tree (as `sengen site build DIR` writes it) and served by
    nginx as deploy/nginx-static.conf.example serves it (its Content-Security-Policy included);
    the base URL."""
    from sengen.portal.site import build

    root = tmp_path / "site"
    result = build(root, say=lambda line: None)
    assert result.failed == {} and result.missed == set()
    assert result.index is not None and result.index.pages > 0  # the build wrote the search index
    return nginx(root, site=example_site_lines(EXAMPLE))


def test_the_built_site_passes_the_portals_checks(static_site, page, new_page, axe, screenshot, seed_doc):
    report = checks.walk_to_the_report(page, static_site, axe=axe, screenshot=screenshot, label="static")
    assert "/cities/" in report and "?" not in report  # a file, not a query to a server
    checks.report_shows_targets_actuals_and_rates(page, axe=axe, screenshot=screenshot, label="static")
    checks.pdf_download_is_the_report(page)
    checks.initiative_page_from_the_report(page, axe=axe, screenshot=screenshot, label="static")
    checks.english_report(new_page(), report, axe=axe, screenshot=screenshot, label="static")
    phone = new_page(width=PHONE["width"], height=PHONE["height"], is_mobile=True, has_touch=True)
    checks.phone_cards(phone, report, [i["title"] for i in seed_doc["initiatives"]],
                       axe=axe, screenshot=screenshot, label="static")


def _search(page, words: str):
    box = page.locator("#static-search input[type=search], #static-search input[type=text]").first
    box.wait_for()
    box.fill(words)
    hits = page.locator(".pagefind-ui__result-link")
    hits.first.wait_for()
    return hits


def _filters(page) -> dict[str, list[str]]:
    """The search's filters as the page shows them: each name (its summary, and the legend of its
    values, which must agree) with its values, the counts left off."""
    page.locator(".pagefind-ui__filter-name").first.wait_for()
    out = {}
    for block in page.locator(".pagefind-ui__filter-block").all():
        name = block.locator(".pagefind-ui__filter-name").inner_text()
        assert block.locator(".pagefind-ui__filter-group-label").text_content() == name
        labels = block.locator(".pagefind-ui__filter-label").all_text_contents()
        out[name] = [label.rsplit(" (", 1)[0] for label in labels]
    return out


# The filters the server's search narrows by, as the demo's initiative pages give them to the index:
# the site's labels (never codes), a grade as the city's scale words it; and in English.
JAPANESE_FACETS = {
    "評価": ["一部達成", "未達成", "評価なし", "達成"],
    "評語": ["達成基準どおり", "達成基準をやや下回る", "達成基準を上回る"],
    "目標の種類": ["定性目標", "数値目標", "期日目標"],
}
ENGLISH_FACETS = {
    "Evaluation": ["Partly achieved", "Not achieved", "Not evaluated", "Achieved"],
    "Grade": JAPANESE_FACETS["評語"],
    "Kind of target": ["Qualitative target", "Numeric target", "Deadline target"],
}
NARROWED = "推進"  # a word of initiatives achieved and not


def _narrows_to_achieved(page, screenshot, name: str) -> None:
    """Ticking 達成 (評価) keeps, of the hits for ``NARROWED``, the initiatives whose page says 達成:
    the initiative pages hit before are opened, and each says it (a target marked 達成, or an
    initiative grade that stands for it on the city's scale, as the year page counts it) or not;
    a report's page is no longer a hit (the server's search finds initiatives)."""
    from sengen.declarations.models import Grade

    achieved_grades = set(Grade.objects.filter(evaluation="achieved").values_list("label", flat=True))
    links = page.locator(".pagefind-ui__result-link:not(.pagefind-ui__result-nested *)")  # not its parts

    def titles() -> list[str]:
        while page.locator(".pagefind-ui__button").count():  # Pagefind shows the first five
            page.locator(".pagefind-ui__button").click()
        return links.all_inner_texts()

    _search(page, NARROWED)
    page.locator(".pagefind-ui__message", has_text=NARROWED).wait_for()
    before = dict(zip(titles(), [link.get_attribute("href") for link in links.all()], strict=True))
    achieved = page.locator('.pagefind-ui__filter-checkbox[name="評価"][value="達成"]')
    page.locator(".pagefind-ui__filter-block", has=achieved).locator(".pagefind-ui__filter-name").click()
    achieved.check()
    page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result').length < n", arg=len(before))
    after = titles()
    screenshot(page, name)
    says = {}
    for title, href in before.items():
        if not re.search(r"/reports/\d+/[^/]+/\d+/$", href):
            continue  # a report's page: it carries year and department only, as the server lists initiatives
        opened = page.context.new_page()
        opened.goto(urljoin(page.url, href))
        grades = set(opened.locator(".initiative-grade").all_inner_texts())
        says[title] = opened.locator(".targets-table .status--achieved").count() > 0 or bool(grades & achieved_grades)
        opened.close()
    assert 0 < len(after) < len(before), (before, after)
    assert sorted(after) == sorted(title for title, said in says.items() if said)
    achieved.uncheck()
    page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result').length >= n", arg=len(before))


def test_static_search_finds_kominkan_from_komin_and_says_what_to_do_without_javascript(
        static_site, page, new_page, axe, screenshot):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "WebAssembly" in message.text else None)
    page.goto(static_site + "/")
    assert "wasm-unsafe-eval" in page.request.get(static_site + "/search/").headers["content-security-policy"]
    # the header's search form leads to the search page, which searches what was typed
    page.fill("#site-search-q", checks.SEARCHED)
    with page.expect_navigation():
        page.locator(".site-search button").click()
    hits = page.locator(".pagefind-ui__result-link")
    hits.first.wait_for()
    assert page.locator("#static-search input").first.input_value() == checks.SEARCHED
    assert [h.inner_text() for h in hits.all()][0] == checks.FOUND_TITLE
    assert "公民館" in page.locator(".pagefind-ui__result").first.inner_text()
    assert page.locator(".pagefind-ui__result mark").first.inner_text() == checks.SEARCHED
    checks.no_wcag_violations(page, axe, screenshot, "static-search")
    assert refused == []  # Pagefind runs under the example's policy
    parts = page.locator(".pagefind-ui__result-nested .pagefind-ui__result-link")
    assert parts.all_inner_texts()[:3] == ["取組内容", "達成目標", "取組結果"]
    # the filters under the names and values the index holds, as before
    # the filters under the names and values the index holds; the server search's evaluation, grade
    # and kind of target beside year and department (the demo publishes no future direction)
    assert _filters(page) == {"年度": [checks.YEAR], "部": ["健康福祉部", checks.DEPARTMENT, "環境部"], **JAPANESE_FACETS}
    with page.expect_navigation():
        hits.first.click()
    assert page.locator("h1").inner_text() == checks.FOUND_TITLE
    assert "/reports/2017/" in page.url and page.locator("html").get_attribute("lang") == "ja"
    page.goto(static_site + "/search/")
    _narrows_to_achieved(page, screenshot, "static-search-achieved")

    # In English the same hit leads to the English page of the initiative.
    english = new_page(locale="en-US")
    english.goto(static_site + "/en/search/")
    hits = _search(english, checks.SEARCHED)
    assert hits.first.inner_text() == checks.FOUND_TITLE
    assert english.locator(".pagefind-ui__result").first.get_attribute("lang") == "ja"
    # The hit is the city's Japanese; the headings of its parts, the site's words, in English.
    parts = english.locator(".pagefind-ui__result-nested .pagefind-ui__result-link")
    assert parts.all_inner_texts()[:3] == ["What will be done", "Targets", "Results"]
    assert parts.first.get_attribute("lang") == "en"
    # The filters are named in English though the index names them in Japanese (it holds the
    # Japanese pages); a year in English words, a department's name as the city wrote it.
    assert _filters(english) == {"Fiscal year": ["FY2017"], "Department": ["健康福祉部", checks.DEPARTMENT, "環境部"],
                                 **ENGLISH_FACETS}
    grades = english.locator(".pagefind-ui__filter-label", has_text=JAPANESE_FACETS["評語"][0])
    assert grades.get_attribute("lang") == "ja"  # a grade as the city wrote it
    assert english.locator(".pagefind-ui__filter-label", has_text="Achieved").first.get_attribute("lang") is None
    departments = english.locator(".pagefind-ui__filter-label", has_text=checks.DEPARTMENT)
    assert departments.get_attribute("lang") == "ja"
    assert english.locator(".pagefind-ui__filter-label", has_text="FY2017").get_attribute("lang") is None
    english.locator(".pagefind-ui__filter-name", has_text="Department").click()
    english.get_by_label("環境部").check()  # a department without 公民: the renamed filter still narrows
    english.locator(".pagefind-ui__message", has_text="No results").wait_for()
    english.get_by_label("環境部").uncheck()
    english.locator(".pagefind-ui__message", has_text="1 result").wait_for()
    # and the evaluation, shown as Achieved, narrows by the index's 達成 (公民's initiative achieved nothing)
    english.locator(".pagefind-ui__filter-name", has_text="Evaluation").click()
    achieved = english.locator('.pagefind-ui__filter-checkbox[name="評価"][value="達成"]')
    assert english.locator(f'label[for="{achieved.get_attribute("id")}"]').inner_text().startswith("Achieved (")
    achieved.check()
    english.locator(".pagefind-ui__message", has_text="No results").wait_for()
    screenshot(english, "static-search-english-evaluation")
    achieved.uncheck()
    english.locator(".pagefind-ui__message", has_text="1 result").wait_for()
    checks.no_wcag_violations(english, axe, screenshot, "static-search-english")
    with english.expect_navigation():
        hits.first.click()
    assert english.locator("html").get_attribute("lang") == "en"
    assert english.locator("h1").inner_text() == checks.FOUND_TITLE

    # Without JavaScript the page says plainly that search needs it, and links the year pages.
    # (One test with the above: each build of the demo site takes half a minute.)
    page = new_page(java_script_enabled=False)
    page.goto(static_site + "/search/")
    main = page.inner_text("main")
    assert "このサイトの検索には JavaScript が必要です。" in main
    screenshot(page, "static-search-no-javascript")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=checks.YEAR).click()
    assert page.locator("h1").inner_text().startswith(checks.YEAR)
