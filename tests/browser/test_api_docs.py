"""The API's browsable page (/api/docs/) in Chromium: Swagger UI draws every path of the
document from our own static files, under the site's CSP, with nothing loaded from elsewhere."""

from urllib.parse import urlsplit

import pytest

from .conftest import describe_violations

pytestmark = pytest.mark.browser


def test_the_api_page_draws_every_path_from_our_own_origin(page, url, published_seed, screenshot):
    origin = urlsplit(url("/")).netloc
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    response = page.goto(url("/api/docs/"))
    assert response.status == 200
    # One block per operation of the document, drawn by swagger-ui-bundle.js once it read it.
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    document = page.request.get(url("/api/openapi.json")).json()
    assert sorted(p.replace("\u200b", "") for p in paths) == sorted(document["paths"])
    assert not refused, refused
    others = [u for u in requested if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != origin]
    assert not others, others
    assert any(u.endswith("/static/ninja/swagger-ui-bundle.js") for u in requested)
    screenshot(page, "api-docs")


def test_the_api_page_meets_wcag_aa_drawn_and_opened(page, url, published_seed, axe, screenshot):
    """Swagger UI as sengen serves it (portal/templates/ninja/swagger.html, portal/api-docs.css,
    no deep links): the page's language, AA contrast, no control inside a control, a link to
    the reference page that needs no JavaScript."""
    page.goto(url("/api/docs/"))
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="JavaScript なしで読めるAPIの一覧へ").get_attribute("href") == "/api/"
    violations = axe(page)
    assert not violations, describe_violations(violations)
    page.locator(".opblock-summary-control").nth(4).click()  # /api/reports/{report_id}/, opened
    page.wait_for_selector(".parameters", timeout=5000)
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshot(page, "api-docs-opened")


def test_the_api_reference_page_meets_wcag_aa(page, phone_page, url, published_seed, axe, screenshot):
    for name, tab in (("api-reference", page), ("api-reference-phone", phone_page)):
        response = tab.goto(url("/api/"))
        assert response.status == 200
        assert tab.locator("html").get_attribute("lang") == "ja"
        violations = axe(tab)
        assert not violations, describe_violations(violations)
        screenshot(tab, name)
