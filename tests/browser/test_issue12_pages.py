"""The pages issue 12's smaller fixes changed, in Chromium: Django's debug 404 styles itself under
the CSP (no violation reported, the yellow summary drawn), and the English year chart keeps its
legend inside the figure (it was cut to "…hieved"); screenshots in out/screenshots."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _csp_violations(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text else None)
    return seen


def test_the_development_404_page_is_styled_under_the_csp(page, url, settings, committed_db, screenshot):
    settings.DEBUG = True
    violations = _csp_violations(page)
    response = page.goto(url("/no-such-page/"))
    assert response.status == 404
    assert "Page not found" in page.locator("h1").inner_text()
    # The technical page's own <style> block is applied: its summary is drawn on yellow.
    assert page.locator("#summary").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 204)"
    assert violations == []
    screenshot(page, "debug-404")


def test_the_english_year_chart_keeps_its_legend_inside(new_page, url, published_seed, screenshot):
    page = new_page(locale="en-US")
    page.goto(url(f"/years/{published_seed.fiscal_year.year}/"))
    chart = page.locator("svg.chart-svg").first
    box = chart.bounding_box()
    legend = [page.get_by_text(text, exact=True).last for text in ("Achieved", "Partly achieved", "Not achieved",
                                                                  "Not evaluated")]
    for item in legend:
        inner = item.bounding_box()
        assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
    screenshot(page, "year-chart-en")
