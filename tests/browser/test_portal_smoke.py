"""The browser fixtures work end to end: Chromium opens the public index the live server serves."""

import pytest

pytestmark = pytest.mark.browser


def test_the_public_index_opens_in_chromium_in_japanese(page, url, published_seed):
    response = page.goto(url("/"))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="市民生活部").first.is_visible()
