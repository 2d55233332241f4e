"""The browser fixtures work end to end: Chromium opens the public index the live server serves."""

import pytest

from . import portal_checks as checks
from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_the_public_index_opens_in_chromium_in_japanese(page, url, published_seed):
    response = page.goto(url("/"))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="市民生活部").first.is_visible()


def test_a_citizen_reads_a_report_and_its_pdf_in_japanese_english_and_on_a_phone(
        page, new_page, live_server, axe, screenshot, demo_data, seed_doc):
    """The same checks the static site passes (tests/browser/test_static_site.py), here on the
    dynamic portal."""
    report = checks.walk_to_the_report(page, live_server.url, axe=axe, screenshot=screenshot, label="dynamic")
    checks.report_shows_targets_actuals_and_rates(page, axe=axe, screenshot=screenshot, label="dynamic")
    checks.pdf_download_is_the_report(page)
    checks.initiative_page_from_the_report(page, axe=axe, screenshot=screenshot, label="dynamic")
    checks.english_report(new_page(), report, axe=axe, screenshot=screenshot, label="dynamic")
    phone = new_page(width=PHONE["width"], height=PHONE["height"], is_mobile=True, has_touch=True)
    checks.phone_cards(phone, report, [i["title"] for i in seed_doc["initiatives"]],
                       axe=axe, screenshot=screenshot, label="dynamic")
